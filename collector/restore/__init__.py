"""Restoration of line data: a plan computed from the approved baseline and the newest complete
poll (plan.py), rendered per platform (ios.py, junos.py, atm_mib.py: one module per platform,
each turning baseline rows into the commands that put exactly those rows back)."""
