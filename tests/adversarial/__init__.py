"""The generated adversarial corpus of issue 9: malicious jobs and benign look-alikes built
combinatorially (effect x language x concealment x scheduler) and judged end to end."""
