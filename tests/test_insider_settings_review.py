"""An insider with write access to the collector's config.toml against its alerting: breaking
the file must not stop `check` from judging and mailing. The real CLI, a real SQLite home, a
real signed snapshot of a planted job, mail through a real SMTP server on loopback. Every test
here failed before its fix."""

from __future__ import annotations

from pathlib import Path

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.smtpsink import (
    smtp,  # noqa: F401  (fixture)
    text_of,
)
from tests.test_insider_reading_review import _plant_at, _script
from tests.test_insider_review import Server

SETTINGS = ('smtp_host = "127.0.0.1"\nmail_from = "lg@soc.example.net"\n'
            'mail_to = ["noc@example.net"]\nsecurity_to = ["csirt@example.net"]\n')


def test_a_config_toml_broken_on_purpose_does_not_mute_check(tmp_path: Path, home: Home,
                                                             smtp, capsys):  # noqa: F811
    """With config.toml no longer TOML, `check` stopped with exit 2 before judging anything:
    no finding, no mail, the planted job never told — on every run until someone fixed it.
    Now it judges and mails with the newest version on record, and the break itself is a
    critical finding mailed to those that version routes to."""
    port, inbox = smtp
    home.config_path.write_text(SETTINGS + f"smtp_port = {port}\n")
    assert lineguard(["--home", str(home.root), "check"]) == 0      # the version on record
    ems = Server(tmp_path, home)
    _script(ems, "opt/ems/bin/sync.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n")
    _plant_at(ems, "/opt/ems/bin/sync.sh")
    ems.report()
    home.config_path.write_text(SETTINGS + 'mail_to = ["noc@exa')          # cut short
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "check"]) == 1
    err = capsys.readouterr().err
    assert "config.toml is not valid TOML" in err and "settings recorded at" in err
    subjects = [m["Subject"] for _, _, m in inbox.messages]
    assert any("destructive" in s for s in subjects), subjects
    # the break is told to those the version before it routed to (Finding.notify)
    told = [sorted(to) for _, to, m in inbox.messages if "cannot be read" in text_of(m)]
    assert told and all(to == ["csirt@example.net", "noc@example.net"] for to in told), told
