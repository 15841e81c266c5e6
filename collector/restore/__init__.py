"""Restoration of line data: a plan computed from the approved baseline and the newest complete
poll (plan.py), and the restore commands of each platform (ios.py, junos.py, atm_mib.py: each
turns baseline rows into the commands that put exactly those rows back). A platform declares its
restore commands in collector/platforms/<platform>.py (`restore=`, `restore_commit=`)."""
