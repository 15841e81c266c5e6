"""Schedule languages and when they next fire: cron per dialect (`cron`), systemd OnCalendar
(`calendar`) and systemd time spans (`timespan`). Pure functions of the expression and an
instant; no host access."""
