"""The short soak: a 10-device fleet (IOS, Junos, ATM-MIB over 3 sites) under the real agent
daemon for 5 poll cycles with nothing changed, the collector ingesting, checking and mailing to
a real SMTP server: no drift, no partial poll, no mail. Then one real change over SSH: exactly
one finding and one mail. (bench/soak_fleet.py, the long version, prints the same figures.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_an_untouched_fleet_stays_quiet_and_one_change_is_one_finding_and_one_mail():
    # Its own process group: if it hangs, the fleet and the daemon it started go with it.
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "soak_fleet.py"), "--devices",
                             "10", "--sites", "3", "--cycles", "5", "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
    line = next((ln for ln in stdout.splitlines() if ln.startswith("SOAK ")), None)
    assert line is not None, stdout[-3000:] + stderr[-3000:]
    first, quiet, changed = json.loads(line[5:])["phases"]
    assert first["device_polls"] == 10 and first["not_ok_polls"] == 0, first
    assert quiet["cycles"] == 5 and quiet["device_polls"] == 50
    assert (quiet["not_ok_polls"], quiet["drift_findings"], quiet["partial_findings"],
            quiet["emails"]) == (0, 0, 0, 0), quiet
    assert (changed["drift_findings"], changed["partial_findings"], changed["emails"]) == \
        (1, 0, 1), changed
    assert "drifted from its approved baseline" in changed["findings"][0]
    assert proc.returncode == 0
