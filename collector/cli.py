"""lineguard: the collector's command line. Each command is a thin shell over a library function.

Exit codes: 0 nothing at or above the alert threshold, 1 findings at or above it, 2 usage or
input error.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import NoReturn

from agent.version import package_version
from collector.home import ConfigError, Home
from collector.render import line as fit_line
from collector.render import table as _table


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the house rule), not the usage block too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lineguard", description="lineguard collector")
    p.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    p.add_argument("--home", help="data folder (default $LINEGUARD_HOME, else ./lineguard-data)")
    sub = p.add_subparsers(dest="cmd", required=True)

    ag = sub.add_parser("agents", help="list enrolled agents, or `agents add`")
    agsub = ag.add_subparsers(dest="agents_cmd")
    add = agsub.add_parser("add", help="enrol an agent's public key")
    add.add_argument("name")
    add.add_argument("--key", required=True, type=Path)
    add.add_argument("--site")
    ag.add_argument("--json", action="store_true")

    ing = sub.add_parser("ingest", help="verify and store snapshot files (default: the inbox)")
    ing.add_argument("paths", nargs="*", type=Path)

    jb = sub.add_parser("jobs", help="every scheduled job, its next fire and verdict")
    jb.add_argument("--now")
    jb.add_argument("--target")
    jb.add_argument("--json", action="store_true")
    jb.add_argument("--min-severity", default="info")
    jb.add_argument("--wide", action="store_true", help="whole cells, whatever the terminal width")

    ck = sub.add_parser("check", help="all findings; sends due alerts")
    ck.add_argument("--now")
    ck.add_argument("--json", action="store_true", help="the same as --format json")
    ck.add_argument("--format", choices=("text", "json", "nagios"), default="text",
                    help="nagios: one plugin status line, exit 0 OK/1 WARNING/2 CRITICAL/"
                         "3 UNKNOWN, no email")
    ck.add_argument("--no-email", action="store_true")

    mt = sub.add_parser("metrics", help="write findings and agent ages as OpenMetrics text "
                                        "(node_exporter's textfile collector)")
    mt.add_argument("--now")
    mt.add_argument("--out", type=Path, help="file to write atomically (default: standard output)")

    df = sub.add_parser("diff", help="what changed on a target against its baseline")
    df.add_argument("target")
    df.add_argument("--json", action="store_true")

    bl = sub.add_parser("baseline", help="propose, approve or show approved baselines")
    blsub = bl.add_subparsers(dest="baseline_cmd", required=True)
    pr = blsub.add_parser("propose")
    pr.add_argument("target")
    ap = blsub.add_parser("approve")
    ap.add_argument("target")
    ap.add_argument("--key", required=True, type=Path, help="the approver's private key")
    ap.add_argument("--by", required=True, help="the approver's name in baselines/approvers")
    sh = blsub.add_parser("show")
    sh.add_argument("target")
    for b in (pr, ap, sh):
        b.add_argument("--dir", type=Path, help="baselines folder (default HOME/baselines)")

    w = sub.add_parser("watch", help="ingest the inbox and check, repeatedly")
    w.add_argument("--interval", type=float, default=60.0)
    w.add_argument("--iterations", type=int, default=0, help="stop after N rounds (0 = until Ctrl-C)")
    w.add_argument("--no-email", action="store_true")

    rp = sub.add_parser("report", help="a Markdown (or --html) report of jobs and findings")
    rp.add_argument("--now")
    rp.add_argument("--out", type=Path)
    rp.add_argument("--html", action="store_true",
                    help="one self-contained HTML page: sites, timeline, findings, line data")

    au = sub.add_parser("audit", help="the audit log; --verify re-proves the store: snapshot and "
                                      "audit signatures, checkpoints, agents and alerts")
    au.add_argument("--verify", action="store_true")
    au.add_argument("--limit", type=int, default=30)
    return p


def cmd_agents(home: Home, a: argparse.Namespace) -> int:
    store = home.open()
    if a.agents_cmd == "add":
        from agent.keys import KeyError_, load_public, public_text
        from agent.wire import key_fingerprint
        try:
            key = load_public(a.key)
        except KeyError_ as e:
            raise UsageError(str(e)) from None
        if store.agent(a.name):
            raise UsageError(f"agent {a.name!r} is already enrolled")
        store.add_agent(a.name, public_text(key), key_fingerprint(key), a.site)
        print(f"enrolled {a.name} ({key_fingerprint(key)})")
        return 0
    rows = store.agents()
    if a.json:
        print(json.dumps([r.__dict__ for r in rows], indent=2))
        return 0
    print(_table(["AGENT", "SITE", "LAST SEQ", "LAST SEEN", "KEY"],
                 [[r.name, r.site or "-", r.last_seq or "-", r.last_seen or "never", r.key_id]
                  for r in rows]))
    return 0


def cmd_ingest(home: Home, a: argparse.Namespace) -> int:
    from collector.ingest import ingest_paths
    store = home.open()
    paths = a.paths or [home.inbox]
    results = ingest_paths(home, store, paths)
    for r in results:
        print(r.line(), file=sys.stderr if r.outcome == "rejected" else sys.stdout)
    if not results:
        print(f"nothing to ingest in {', '.join(map(str, paths))}")
    return 2 if any(r.outcome == "rejected" for r in results) else 0


def cmd_jobs(home: Home, a: argparse.Namespace) -> int:
    from collector.analyse.timing import countdown
    from collector.jobs import collect, iso_z, json_document, parse_now, to_json
    from collector.model import SEVERITIES
    if a.min_severity not in SEVERITIES:
        raise UsageError(f"--min-severity must be one of {', '.join(SEVERITIES)}, "
                         f"not {a.min_severity!r}")
    now = parse_now(a.now)
    views = collect(home.open(), now, a.target)
    floor = SEVERITIES.index(a.min_severity)
    views = [v for v in views if SEVERITIES.index(v.judgement.severity) >= floor]
    if a.json:
        print(json_document({"as_of": iso_z(now)}, "jobs", [to_json(v) for v in views]))
    else:
        rows = [[iso_z(v.fire.at) or "-", countdown(now, v.fire), v.judgement.verdict,
                 v.judgement.severity, v.job.target, v.job.source, v.job.owner or "-",
                 v.job.schedule, v.job.command,
                 f"{v.job.origin_path}:{v.job.origin_line or '-'}"] for v in views]
        print(_table(["NEXT FIRE (UTC)", "IN", "VERDICT", "SEV", "TARGET", "SOURCE", "OWNER",
                      "SCHEDULE", "COMMAND", "ORIGIN"], rows, wide=a.wide,
                     elastic=("SCHEDULE", "COMMAND", "ORIGIN")))
        for v in views:
            for r in v.judgement.reasons if v.judgement.verdict != "benign" else ():
                print(fit_line(f"  ! {v.job.target} {v.job.origin_path}:"
                               f"{v.job.origin_line or '-'} [{r.rule}] "
                               f"{r.path or v.job.origin_path}:{r.line or '-'}: {r.evidence}",
                               wide=a.wide))
    threshold = SEVERITIES.index(home.settings().alert_threshold)
    return 1 if any(SEVERITIES.index(v.judgement.severity) >= threshold for v in views) else 0


def cmd_check(home: Home, a: argparse.Namespace) -> int:
    from collector.check import all_findings, run_check
    if a.format == "nagios":
        from collector.jobs import parse_now
        from collector.noc import nagios_status
        now = parse_now(a.now)
        status = nagios_status(all_findings(home, home.open(), now), now,
                               home.settings().alert_threshold)
        print(status.line)
        return status.code
    return run_check(home, a.now, as_json=a.json or a.format == "json", email=not a.no_email)


def cmd_metrics(home: Home, a: argparse.Namespace) -> int:
    from collector.check import all_findings
    from collector.jobs import collect, parse_now
    from collector.noc import openmetrics, target_sites, write_textfile
    now = parse_now(a.now)
    store = home.open()
    views = collect(store, now)
    text = openmetrics(all_findings(home, store, now, views), views, store.agents(),
                       target_sites(store), now)
    if a.out:
        write_textfile(a.out, text)
        print(f"wrote {a.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_diff(home: Home, a: argparse.Namespace) -> int:
    from collector.analyse.drift import diff_target
    d = diff_target(home.open(), a.target, home.root / "baselines")
    if a.json:
        print(json.dumps(d.to_json(), indent=2))
    else:
        print(d.render())
    return 1 if d.changed else 0


def cmd_baseline(home: Home, a: argparse.Namespace) -> int:
    from collector import baseline
    bdir = a.dir or home.root / "baselines"
    if a.baseline_cmd == "propose":
        path = baseline.propose(home.open(), a.target, bdir)
        print(f"proposed {path}; review it, then: lineguard baseline approve {a.target} --key K --by NAME")
    elif a.baseline_cmd == "approve":
        baseline.approve(baseline.path_for(bdir, a.target), a.key, a.by)
        print(f"approved {a.target} by {a.by}")
    else:
        print(baseline.show(bdir, a.target))
    return 0


def cmd_watch(home: Home, a: argparse.Namespace) -> int:
    from collector.check import run_check
    from collector.ingest import ingest_paths
    rounds, worst = 0, 0
    store = home.open()     # one connection for the whole watch, not two per round
    try:
        while True:
            for r in ingest_paths(home, store, [home.inbox]):
                print(r.line(), flush=True)
            worst = max(worst, run_check(home, None, as_json=False, email=not a.no_email,
                                         store=store))
            rounds += 1
            if a.iterations and rounds >= a.iterations:
                return worst
            time.sleep(a.interval)
    except KeyboardInterrupt:
        return worst
    finally:
        store.close()


def cmd_report(home: Home, a: argparse.Namespace) -> int:
    from collector.report import render
    if a.html:
        from collector.check import all_findings
        from collector.html_report import render_html
        from collector.jobs import collect, parse_now
        now = parse_now(a.now)
        store = home.open()
        views = collect(store, now)
        text = render_html(store, home.root / "baselines", all_findings(home, store, now, views),
                           views, now)
    else:
        text = render(home, a.now)
    if a.out:
        a.out.write_text(text)
        print(f"wrote {a.out}")
    else:
        print(text)
    return 0


def cmd_audit(home: Home, a: argparse.Namespace) -> int:
    store = home.open()
    if a.verify:
        from collector.evidence import verify_store
        problems = verify_store(store)
        for p in problems:
            print(p, file=sys.stderr)
        print("audit log, checkpoints, agents, alerts and stored snapshots verified" if not problems
              else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    print(_table(["ID", "AT", "EVENT", "AGENT", "SUBJECT", "DETAIL"],
                 [[r["id"], r["at"], r["event"], r["agent"] or "-", r["subject"], r["detail"]]
                  for r in store.audit_rows(a.limit)], elastic=("SUBJECT", "DETAIL")))
    return 0


COMMANDS = {"agents": cmd_agents, "ingest": cmd_ingest, "jobs": cmd_jobs, "check": cmd_check,
            "diff": cmd_diff, "baseline": cmd_baseline, "watch": cmd_watch, "report": cmd_report,
            "audit": cmd_audit, "metrics": cmd_metrics}


def quiet_broken_pipe() -> int:
    """`lineguard jobs --json | head`: the reader left; stop without a traceback. stdout is
    pointed at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141      # 128 + SIGPIPE, as a shell reports a writer killed by the signal


def main(argv: list[str] | None = None) -> int:
    a = _parser().parse_args(argv)
    home = Home.resolve(a.home)
    nagios = getattr(a, "format", None) == "nagios"
    try:
        return COMMANDS[a.cmd](home, a)
    except BrokenPipeError:
        return quiet_broken_pipe()
    except (UsageError, ConfigError, ValueError, LookupError) as e:
        return _fail(a.cmd, str(e), nagios)
    except (OSError, sqlite3.Error) as e:
        # An unwritable home or --out, a damaged database: input errors too, in one line.
        return _fail(a.cmd, f"{e.__class__.__name__}: {e}", nagios)
    except KeyboardInterrupt:
        return 130


def _fail(cmd: str, message: str, nagios: bool) -> int:
    if nagios:     # a monitoring system reads stdout and exit 3, not our usage-error 2
        from collector.noc import unknown_status
        status = unknown_status(f"{cmd}: {message}")
        print(status.line)
        return status.code
    print(f"lineguard {cmd}: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
