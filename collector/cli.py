"""lineguard: the collector's command line. Each command is a thin shell over a library function.

Exit codes: 0 nothing at or above the alert threshold, 1 findings at or above it, 2 usage or
input error.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import NoReturn

from collector.home import ConfigError, Home


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the house rule), not the usage block too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lineguard", description="lineguard collector")
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

    ck = sub.add_parser("check", help="all findings; sends due alerts")
    ck.add_argument("--now")
    ck.add_argument("--json", action="store_true")
    ck.add_argument("--no-email", action="store_true")

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

    rp = sub.add_parser("report", help="a Markdown report of jobs and findings")
    rp.add_argument("--now")
    rp.add_argument("--out", type=Path)

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
                 _clip(v.job.schedule, 24), _clip(v.job.command, 48),
                 f"{v.job.origin_path}:{v.job.origin_line or '-'}"] for v in views]
        print(_table(["NEXT FIRE (UTC)", "IN", "VERDICT", "SEV", "TARGET", "SOURCE", "OWNER",
                      "SCHEDULE", "COMMAND", "ORIGIN"], rows))
        for v in views:
            for r in v.judgement.reasons if v.judgement.verdict != "benign" else ():
                print(f"  ! {v.job.target} {v.job.origin_path}:{v.job.origin_line or '-'} "
                      f"[{r.rule}] {r.path or v.job.origin_path}:{r.line or '-'}: {r.evidence}")
    threshold = SEVERITIES.index(home.settings().alert_threshold)
    return 1 if any(SEVERITIES.index(v.judgement.severity) >= threshold for v in views) else 0


def cmd_check(home: Home, a: argparse.Namespace) -> int:
    from collector.check import run_check
    return run_check(home, a.now, as_json=a.json, email=not a.no_email)


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
                 [[r["id"], r["at"], r["event"], r["agent"] or "-", _clip(r["subject"], 40),
                   _clip(r["detail"], 70)] for r in store.audit_rows(a.limit)]))
    return 0


COMMANDS = {"agents": cmd_agents, "ingest": cmd_ingest, "jobs": cmd_jobs, "check": cmd_check,
            "diff": cmd_diff, "baseline": cmd_baseline, "watch": cmd_watch, "report": cmd_report,
            "audit": cmd_audit}


def _clip(text: object, width: int) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*headers).rstrip()] + [fmt.format(*r).rstrip() for r in cells])


def main(argv: list[str] | None = None) -> int:
    a = _parser().parse_args(argv)
    home = Home.resolve(a.home)
    try:
        return COMMANDS[a.cmd](home, a)
    except (UsageError, ConfigError, ValueError, LookupError) as e:
        print(f"lineguard {a.cmd}: {e}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as e:
        # An unwritable home or --out, a damaged database: input errors too, in one line.
        print(f"lineguard {a.cmd}: {e.__class__.__name__}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
