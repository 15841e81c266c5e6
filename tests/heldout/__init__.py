"""Held-out corpus: techniques the adversarial corpus was not built from (see generate.py)."""
