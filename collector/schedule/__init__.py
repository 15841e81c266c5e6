"""Schedule languages and when they next fire: cron per dialect (`cron`) and systemd OnCalendar
(`calendar`); systemd time spans are a format both sides read (`lineguard.formats.timespan`).
Pure functions of the expression and an instant; no host access."""
