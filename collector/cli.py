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
from datetime import datetime, tzinfo
from pathlib import Path
from typing import NoReturn

from lineguard.agent.version import package_version
from lineguard.collector import render
from lineguard.collector.home import ConfigError, Home
from lineguard.collector.model import TRIGGER_KINDS
from lineguard.collector.store import Store


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

    sub.add_parser("init", help="create the home (database, inbox, quarantine, baselines, waivers)")

    ag = sub.add_parser("agents", help="list enrolled agents, or add, assign, remove, rotate-key")
    agsub = ag.add_subparsers(dest="agents_cmd")
    add = agsub.add_parser("add", help="enrol an agent's public key")
    add.add_argument("name")
    add.add_argument("--key", required=True, type=Path)
    add.add_argument("--site")
    add.add_argument("--targets", default="",
                     help="comma-separated targets only this agent may report (others are "
                          "pinned to the first agent that reports them)")
    asg = agsub.add_parser("assign", help="move a target to another agent (audited)")
    asg.add_argument("target")
    asg.add_argument("--to", required=True, dest="to")
    rm = agsub.add_parser("remove", help="refuse an agent's snapshots from now on (history stays)")
    rm.add_argument("name")
    rm.add_argument("--reason", default="")
    rk = agsub.add_parser("rotate-key", help="the agent signs with a new key from now on")
    rk.add_argument("name")
    rk.add_argument("--key", required=True, type=Path, help="the new public key (KEY.pub)")
    ag.add_argument("--json", action="store_true")
    ag.add_argument("--all", action="store_true", help="removed agents too")
    _tz(ag)

    tg = sub.add_parser("targets", help="every target: agent, site, last ok poll, baseline state")
    tg.add_argument("--json", action="store_true")
    _tz(tg)

    ing = sub.add_parser("ingest", help="verify and store snapshot files (default: the inbox)")
    ing.add_argument("paths", nargs="*", type=Path)
    ing.add_argument("--json", action="store_true", help="one record per file")

    jb = sub.add_parser("jobs", help="every scheduled job, its next fire and verdict")
    jb.add_argument("--now")
    jb.add_argument("--target")
    jb.add_argument("--json", action="store_true")
    jb.add_argument("--min-severity", default="info")
    jb.add_argument("--trigger", choices=TRIGGER_KINDS,
                    help="only jobs with this kind of trigger")
    jb.add_argument("--wide", action="store_true", help="whole cells, whatever the terminal width")
    _tz(jb)

    ck = sub.add_parser("check", help="all findings; sends due alerts")
    ck.add_argument("--now")
    ck.add_argument("--json", action="store_true", help="the same as --format json")
    ck.add_argument("--format", choices=("text", "json", "nagios"), default="text",
                    help="nagios: one plugin status line, exit 0 OK/1 WARNING/2 CRITICAL/"
                         "3 UNKNOWN, no email")
    ck.add_argument("--no-email", action="store_true")
    _tz(ck)

    fd = sub.add_parser("findings", help="open, waived and resolved findings")
    fd.add_argument("--now")
    fd.add_argument("--json", action="store_true")
    _tz(fd)

    wv = sub.add_parser("waive", help="sign a waiver of a finding (two approvers put it in force)")
    wv.add_argument("ref", help="a finding id or key (lineguard findings), a job as "
                                "TARGET:PATH:LINE, or a waiver id (w-...) to co-sign")
    wv.add_argument("--until", help="date (2027-01-31) or ISO instant the waiver ends")
    wv.add_argument("--reason", help="why the finding is sanctioned")
    wv.add_argument("--key", required=True, type=Path, help="the approver's private key")
    wv.add_argument("--by", required=True, help="the approver's name in baselines/approvers")
    wv.add_argument("--now")
    wv.add_argument("--json", action="store_true")

    mt = sub.add_parser("metrics", help="write findings and agent ages as OpenMetrics text "
                                        "(node_exporter's textfile collector)")
    mt.add_argument("--now")
    mt.add_argument("--out", type=Path, help="file to write atomically (default: standard output)")

    df = sub.add_parser("diff", help="what changed on a target against its baseline, or "
                                     "between two stored polls (--from, --to)")
    df.add_argument("target")
    df.add_argument("--from", dest="start", metavar="WHEN",
                    help="compare with the newest complete poll at or before this ISO time "
                         "(UTC unless it has an offset) instead of the baseline")
    df.add_argument("--to", dest="end", metavar="WHEN",
                    help="with --from: the poll at or before this time (default: the newest)")
    df.add_argument("--json", action="store_true")
    _tz(df)

    hs = sub.add_parser("history", help="every stored change of a target: when, which poll, "
                                        "what changed")
    hs.add_argument("target")
    hs.add_argument("--json", action="store_true")
    hs.add_argument("--wide", action="store_true", help="whole cells, whatever the terminal width")
    _tz(hs)

    ex = sub.add_parser("export", help="export the stored history (git: one commit per change)")
    exsub = ex.add_subparsers(dest="export_cmd", required=True)
    eg = exsub.add_parser("git", help="one commit per change per target, author = agent, "
                                      "date = poll time; incremental on re-run")
    eg.add_argument("dir", type=Path)
    eg.add_argument("--target", action="append", help="only this target (repeatable)")
    eg.add_argument("--json", action="store_true")

    bl = sub.add_parser("baseline", help="propose, approve or show approved baselines")
    blsub = bl.add_subparsers(dest="baseline_cmd", required=True)
    pr = blsub.add_parser("propose")
    ap = blsub.add_parser("approve")
    ap.add_argument("--key", required=True, type=Path, help="the approver's private key")
    ap.add_argument("--by", required=True, help="the approver's name in baselines/approvers")
    sh = blsub.add_parser("show")
    for b in (pr, ap, sh):
        b.add_argument("targets", nargs="*", metavar="TARGET")
        b.add_argument("--site", help="every target of this site")
        b.add_argument("--all", action="store_true", help="every target")
        b.add_argument("--dir", type=Path, help="baselines folder (default HOME/baselines)")
        b.add_argument("--json", action="store_true", help="one record per target")

    w = sub.add_parser("watch", help="ingest the inbox and check, repeatedly: at once when a "
                                     "snapshot arrives or config.toml changes, else every "
                                     "--interval seconds; a failing step is logged, audited and "
                                     "retried, and exit is 1 when one failed")
    w.add_argument("--interval", type=float, default=60.0)
    w.add_argument("--iterations", type=int, default=0, help="stop after N rounds (0 = until Ctrl-C)")
    w.add_argument("--no-email", action="store_true")

    rp = sub.add_parser("report", help="a Markdown (or --html) report of jobs and findings")
    rp.add_argument("--now")
    rp.add_argument("--out", type=Path)
    rp.add_argument("--html", action="store_true",
                    help="one self-contained HTML page: sites, timeline, findings, line data")
    _tz(rp)

    rs = sub.add_parser("restore", help="plan, approve and show signed restorations of line data")
    rssub = rs.add_subparsers(dest="restore_cmd", required=True)
    rp_ = rssub.add_parser("plan", help="what line data to put back, from the approved baselines")
    rp_.add_argument("targets", nargs="*")
    rp_.add_argument("--site")
    rp_.add_argument("--all", action="store_true")
    rp_.add_argument("--against", choices=["baseline"], default="baseline")
    rp_.add_argument("--hours", type=float, default=24.0, help="the plan expires after (24)")
    rp_.add_argument("--now")
    rp_.add_argument("--out", type=Path, help="plan file (default HOME/restore/PLAN.lgplan)")
    rp_.add_argument("--json", action="store_true")
    ra = rssub.add_parser("approve", help="sign a plan as an approver")
    ra.add_argument("plan", type=Path)
    ra.add_argument("--key", required=True, type=Path, help="the approver's private key")
    ra.add_argument("--by", required=True, help="the approver's name in baselines/approvers")
    rsh = rssub.add_parser("show", help="a plan, its approvals and whether it is in force")
    rsh.add_argument("plan", type=Path)
    rsh.add_argument("--json", action="store_true")
    for r in (ra, rsh, rp_):
        r.add_argument("--dir", type=Path, help="baselines folder (default HOME/baselines)")

    au = sub.add_parser("audit", help="the audit log; --verify re-proves the store: snapshot and "
                                      "audit signatures, checkpoints, agents and alerts")
    au.add_argument("--verify", action="store_true")
    au.add_argument("--limit", type=int, default=30)
    au.add_argument("--json", action="store_true")
    _tz(au)
    return p


def _tz(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tz", metavar="ZONE",
                   help="show times in this zone (IANA name, e.g. Asia/Tokyo; default: the "
                        "display_tz setting, else UTC); JSON stays UTC")


def display_zone(home: Home, a: argparse.Namespace) -> tzinfo:
    """The zone human output is shown in: --tz, else the display_tz setting."""
    from lineguard.collector.zones import zone
    return zone(a.tz or home.settings().display_tz)


def cmd_init(home: Home, a: argparse.Namespace) -> int:
    existed = home.db_path.is_file()
    home.init().close()
    print(f"{'already a' if existed else 'created a'} lineguard home in {home.root}")
    return 0


def cmd_agents(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector import agents
    store = home.open()
    if a.agents_cmd == "add":
        targets = tuple(dict.fromkeys(t.strip() for t in a.targets.split(",") if t.strip()))
        rec = agents.enrol(store, a.name, a.key, a.site, targets)
        print(f"enrolled {rec.name} ({rec.key_id})"
              + (f", targets {', '.join(targets)}" if targets else ""))
        return 0
    if a.agents_cmd == "assign":
        before = agents.assign(store, a.target, a.to)
        print(f"{a.target}: now reported by {a.to} (was {before or 'no agent'}); "
              f"recorded in the audit log")
        return 0
    if a.agents_cmd == "remove":
        agents.remove(store, a.name, a.reason, agents.open_findings_of(home, store, a.name))
        print(f"removed {a.name}: its snapshots are refused from now on; what it sent stays "
              f"stored and verifiable")
        return 0
    if a.agents_cmd == "rotate-key":
        old, new = agents.rotate_key(store, a.name, a.key)
        print(f"{a.name} now signs with {new}; {old} is retired and kept to verify its snapshots")
        return 0
    rows = store.agents(include_removed=a.all)
    owned = {r.name: store.targets_owned(r.name) for r in rows}
    if a.json:
        print(json.dumps([{**r.__dict__, "targets": owned[r.name]} for r in rows], indent=2))
        return 0
    print(render.agents(rows, owned, display_zone(home, a), removed=a.all))
    return 0


def cmd_targets(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.targets import overview
    views = overview(home.open(), home.settings(), home.baselines)
    if a.json:
        from lineguard.collector import render_json
        print(json.dumps([render_json.target(v) for v in views], indent=2))
        return 0
    print(render.targets(views, display_zone(home, a)))
    return 0


def cmd_ingest(home: Home, a: argparse.Namespace) -> int:
    from lineguard.agent.progress import Bar
    from lineguard.collector.ingest import expand, ingest_paths, quoted
    store = home.open()
    paths = a.paths or [home.inbox]
    bar = Bar("snapshots", len(expand(paths)[0]))
    try:
        results = ingest_paths(home, store, paths, on_done=lambda r: bar.advance(
            r.path.name, r.outcome, not r.failed))
    finally:
        bar.close()
    if any(r.outcome == "accepted" for r in results):
        from lineguard.collector.jobs import follow_new
        follow_new(store)
    if a.json:
        from lineguard.collector import render_json
        print(json.dumps([render_json.ingest_result(r) for r in results], indent=1))
        return 2 if any(r.failed for r in results) else 0
    for r in results:
        print(render.ingest_result(r), file=sys.stderr if r.failed else sys.stdout)
    if not results:
        print(f"nothing to ingest in {', '.join(quoted(str(p)) for p in paths)}")
    return 2 if any(r.failed for r in results) else 0


def cmd_jobs(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.jobs import batch
    with batch():      # judged and rendered as one batch: see batch()
        return _jobs(home, a)


def _jobs(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector import render_json
    from lineguard.collector.jobs import iso_z, job_list, parse_now
    from lineguard.collector.model import SEVERITIES
    if a.min_severity not in SEVERITIES:
        raise UsageError(f"--min-severity must be one of {', '.join(SEVERITIES)}, "
                         f"not {a.min_severity!r}")
    now = parse_now(a.now)
    tz = display_zone(home, a)
    listing = job_list(home.open(), home.settings(), now, target=a.target, trigger=a.trigger,
                       min_severity=a.min_severity)
    for f in listing.problems:   # a target whose jobs cannot be read is said, not left out quietly
        print(f"lineguard jobs: {f.title}", file=sys.stderr)
    if a.json:
        print(render_json.document({"as_of": iso_z(now)}, "jobs",
                                   [render_json.job(v) for v in listing.views]))
    else:
        print(render.jobs(listing, tz, wide=a.wide))
    return 1 if listing.alerting else 0


def cmd_check(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.jobs import parse_now
    if a.format == "nagios":
        from lineguard.collector.check import evaluate
        from lineguard.collector.noc import nagios_status
        now = parse_now(a.now)
        settings = home.settings()
        status = nagios_status([j.finding for j in evaluate(home, home.open(), now)
                                if not j.waived], now,
                               lambda site: settings.site(site).alert_threshold)
        print(status.line)
        return status.code
    display = display_zone(home, a)
    now = parse_now(a.now)
    return _check(home, home.open(), now, what_if=a.now is not None,
                  as_json=a.json or a.format == "json", email=not a.no_email, display=display)


def _check(home: Home, store: Store, now: datetime, *, what_if: bool, as_json: bool,
           email: bool, display: tzinfo) -> int:
    """One `check` run: print the findings, send the due alerts (not for a what-if --now:
    alert state records real sends), exit 1 when one is at or above its site's threshold."""
    from lineguard.collector import render_json
    from lineguard.collector.alerts import AlertError
    from lineguard.collector.check import alerting, check, send_alerts
    from lineguard.collector.jobs import iso_z
    judged = check(home, store, now, record=not what_if)
    if as_json:
        print(render_json.document({"as_of": iso_z(now)}, "findings",
                                   [render_json.finding(j.finding, j.waiver, j.waived, now)
                                    for j in judged]))
    else:
        print(render.check(judged, now, display))
    if email and what_if:
        # a what-if or a replay of another instant must not mark alerts as sent (a future
        # --now would otherwise hold back the real ones until then)
        print("lineguard check: --now given, so no alert email is sent", file=sys.stderr)
    elif email:
        try:
            sent = send_alerts(home, store, judged, now, display)
            if sent:
                print(f"alert email sent for {len(sent)} finding(s)", file=sys.stderr)
        except AlertError as e:
            print(f"lineguard check: alert not sent, will retry next run: {e}", file=sys.stderr)
    return 1 if alerting(home.settings(), judged) else 0


def cmd_metrics(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.check import evaluate
    from lineguard.collector.jobs import collect, parse_now
    from lineguard.collector.noc import openmetrics, write_textfile
    from lineguard.collector.targets import known_sites
    now = parse_now(a.now)
    store = home.open()
    problems: list = []
    views = collect(store, now, problems=problems)
    text = openmetrics([j.finding for j in evaluate(home, store, now, views, problems)
                        if not j.waived], store.agents(), known_sites(store), now)
    if a.out:
        write_textfile(a.out, text)
        print(f"wrote {a.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_diff(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.analyse.drift import diff_target
    from lineguard.collector.targets import sites
    store = home.open()
    if a.end and not a.start:
        raise UsageError("diff: --to needs --from")
    if a.start:
        from lineguard.collector.history import diff_between
        from lineguard.collector.jobs import parse_now
        d = diff_between(store, a.target, parse_now(a.start), parse_now(a.end))
    else:
        required = home.settings().site(sites(store).get(a.target)).approvals
        d = diff_target(store, a.target, home.baselines, required=required)
    if a.json:
        from lineguard.collector import render_json
        print(json.dumps(render_json.diff(d), indent=2))
    else:
        print(render.diff(d, display_zone(home, a)))
    return 1 if d.changed else 0


def cmd_history(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.history import history
    changes = history(home.open(), a.target)
    if a.json:
        from lineguard.collector import render_json
        print(json.dumps({"target": a.target, "changes": [render_json.change(c) for c in changes]},
                         indent=1))
    else:
        print(render.history(changes, display_zone(home, a), wide=a.wide))
    return 0


def cmd_export(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.export_git import ExportError, export_git
    try:
        done = export_git(home.open(), a.dir, a.target)
    except ExportError as e:
        raise UsageError(str(e)) from None
    if a.json:
        print(json.dumps([d.__dict__ for d in done], indent=1))
    else:
        for d in done:
            print(f"{d.target}: {d.commits} commit(s)"
                  + (f", {d.skipped} change(s) already exported" if d.skipped else ""))
        print(f"exported to {a.dir} ({sum(d.commits for d in done)} new commit(s))")
    return 0


def cmd_findings(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector import render_json
    from lineguard.collector.check import evaluate, resolved
    from lineguard.collector.jobs import iso_z, parse_now
    now = parse_now(a.now)
    tz = display_zone(home, a)
    store = home.open()
    judged = evaluate(home, store, now)
    gone = resolved(store, judged)
    if a.json:
        items = [render_json.finding(j.finding, j.waiver, j.waived, now) for j in judged]
        items += [render_json.resolved(r) for r in gone]
        print(render_json.document({"as_of": iso_z(now)}, "findings", items))
        return 0
    print(render.findings(judged, gone, now, tz))
    return 0


def cmd_waive(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.jobs import parse_now
    from lineguard.collector.waivers import waive
    now = parse_now(a.now)
    status = waive(home, home.open(), a.ref, a.until, a.reason, a.key, a.by, now)
    if a.json:
        from lineguard.collector import render_json
        print(json.dumps(render_json.waiver(status, now), indent=1))
        return 0
    print(status.describe(now))
    if not status.in_force(now):
        print(f"co-sign: lineguard waive {status.waiver.id} --key K --by NAME")
    return 0


def cmd_baseline(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector import baseline, render_json
    from lineguard.collector.targets import select, sites
    bdir = a.dir or home.baselines
    store = home.open()
    if not (a.targets or a.site or a.all) or (a.targets and (a.site or a.all)):
        raise UsageError(f"baseline {a.baseline_cmd}: name TARGET(s), or --site S, or --all")
    targets = select(store, a.targets, a.site, a.all)
    site_of = sites(store)
    settings = home.settings()
    failed = 0
    records: list[dict] = []
    for target in targets:
        required = settings.site(site_of.get(target)).approvals
        try:
            if a.baseline_cmd == "propose":
                path = baseline.propose(store, target, bdir)
                records.append({"target": target, "proposed": str(path), "required": required})
                text = (f"proposed {path}; needs {required} approver(s): lineguard baseline "
                        f"approve {target} --key K --by NAME")
            elif a.baseline_cmd == "approve":
                state = baseline.sign(store, bdir, target, a.key, a.by, required,
                                      judged_here=bdir.resolve() == home.baselines.resolve())
                records.append({"target": target, "in_force": state.in_force,
                                "signed_by": list(state.approvers), "required": required,
                                "note": state.describe()})
                text = f"{target}: {'in force, ' if state.in_force else ''}{state.describe()}"
            else:
                st = baseline.status(bdir, target, required)
                records.append(render_json.baseline_status(st))
                text = render.baseline_status(st)
            if not a.json:
                print(text)
        except baseline.BaselineError as e:
            if len(targets) == 1:
                raise
            print(f"lineguard baseline {a.baseline_cmd}: {e}", file=sys.stderr)
            records.append({"target": target, "error": str(e)})
            failed += 1
    if a.json:
        print(json.dumps(records, indent=1))
    return 2 if failed else 0


def cmd_watch(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector import config_audit
    from lineguard.collector.check import alerting, check, send_alerts
    from lineguard.collector.homewatch import HomeWatch
    from lineguard.collector.ingest import ingest_paths
    from lineguard.collector.jobs import parse_now
    from lineguard.collector.watch import Rounds
    from lineguard.collector.zones import zone
    worst = 0
    store = home.open()     # one connection for the whole watch, not two per round
    changes = HomeWatch(home.inbox, home.config_path)
    rounds = Rounds(store, lambda line: print(line, file=sys.stderr, flush=True))
    versions: list[str] = []      # config.toml as it was at each write, until on record

    def record_versions() -> None:
        for text in versions:
            config_audit.record(home, store, text)
        versions.clear()

    def ingest() -> None:
        for r in ingest_paths(home, store, [home.inbox]):
            print(render.ingest_result(r), flush=True)

    def judge() -> int:
        now = parse_now(None)
        judged = check(home, store, now, record=True)
        display = zone(home.settings().display_tz)
        print(render.check(judged, now, display), flush=True)
        if not a.no_email:
            rounds.run("alerts", lambda: _mailed(send_alerts(home, store, judged, now, display)))
        return 1 if alerting(home.settings(), judged) else 0

    try:
        while True:
            rounds.round += 1
            versions += changes.config_versions()
            rounds.run("config", record_versions)
            rounds.run("ingest", ingest)
            worst = max(worst, rounds.run("check", judge) or 0,
                        1 if rounds.failures else 0)      # a step that failed is not "all clear"
            if a.iterations and rounds.round >= a.iterations:
                return worst
            changes.wait(a.interval)
    except KeyboardInterrupt:
        return worst
    finally:
        changes.close()
        store.close()


def _mailed(sent: list[str]) -> None:
    if sent:
        print(f"alert email sent for {len(sent)} finding(s)", file=sys.stderr)


def cmd_report(home: Home, a: argparse.Namespace) -> int:
    from lineguard.collector.jobs import parse_now
    from lineguard.collector.report import fleet_report
    report = fleet_report(home, home.open(), parse_now(a.now))
    if a.html:
        from lineguard.collector.html_report import render_html
        text = render_html(report, display_zone(home, a))
    else:
        from lineguard.collector.markdown import render as markdown
        text = markdown(report, display_zone(home, a))
    if a.out:
        a.out.write_text(text)
        print(f"wrote {a.out}")
    else:
        print(text)
    return 0


def cmd_restore(home: Home, a: argparse.Namespace) -> int:
    from lineguard.agent.restore.document import PlanError
    from lineguard.collector import render_json
    from lineguard.collector.restore import approval
    bdir = a.dir or home.root / "baselines"
    try:
        if a.restore_cmd == "plan":
            return _restore_plan(home, a, bdir)
        if a.restore_cmd == "approve":
            signed = approval.approve_plan(home.open(), a.plan, home.root, bdir, a.key, a.by)
            have, need = len(signed.approvals), signed.body.required_approvals
            print(f"approved {signed.body.id} by {a.by}: {have} of {need} approval(s)"
                  + ("" if have >= need else f"; it needs {need - have} more"))
            return 0
        review = approval.review(a.plan, home.root, bdir)
        if a.json:
            print(json.dumps({**render_json.restore_plan(review.plan),
                              "approved_by": review.approved_by,
                              "approval_problems": review.problems}, indent=2))
        else:
            print(render.plan_review(review))
        return 0
    except PlanError as e:
        raise UsageError(str(e)) from None


def _restore_plan(home: Home, a: argparse.Namespace, bdir: Path) -> int:
    from lineguard.collector import render_json
    from lineguard.collector.jobs import parse_now
    from lineguard.collector.restore import plan
    if bool(a.targets) + bool(a.site) + bool(a.all) != 1:
        raise UsageError("name the devices: TARGET..., --site S or --all (one of them)")
    if not a.hours > 0:
        raise UsageError("--hours must be above 0")
    store = home.open()
    settings = home.settings()
    now = parse_now(a.now)
    signed, out = plan.create(store, home.root, bdir, plan.select(store, a.targets, a.site, a.all),
                              now, lambda site: settings.site(site).approvals, a.hours, a.out)
    if a.json:
        print(json.dumps({"path": str(out), **render_json.restore_plan(signed)}, indent=2))
    else:
        print(render.restore_plan(signed))
        print(f"wrote {out}; it needs {signed.body.required_approvals} approval(s): "
              f"lineguard restore approve {out} --key K --by NAME")
    return 1 if signed.body.refused else 0


def cmd_audit(home: Home, a: argparse.Namespace) -> int:
    store = home.open()
    if a.verify:
        from lineguard.collector.evidence import verify_store
        problems = verify_store(store)
        if a.json:
            print(json.dumps({"verified": not problems, "problems": problems}, indent=1))
            return 1 if problems else 0
        for p in problems:
            print(p, file=sys.stderr)
        print("audit log, checkpoints, agents, alerts and stored snapshots verified" if not problems
              else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if a.json:
        print(json.dumps(store.audit_rows(a.limit), indent=1))
        return 0
    print(render.audit(store.audit_rows(a.limit), display_zone(home, a)))
    return 0


COMMANDS = {"init": cmd_init, "agents": cmd_agents, "targets": cmd_targets, "ingest": cmd_ingest,
            "jobs": cmd_jobs, "check": cmd_check, "findings": cmd_findings, "waive": cmd_waive,
            "diff": cmd_diff, "baseline": cmd_baseline, "watch": cmd_watch, "report": cmd_report,
            "audit": cmd_audit, "metrics": cmd_metrics, "history": cmd_history,
            "export": cmd_export, "restore": cmd_restore}


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
        code = COMMANDS[a.cmd](home, a)
        if home.fallback:      # config.toml broken: said on every run that used the settings
            print(f"lineguard {a.cmd}: {home.fallback}", file=sys.stderr)
        return code
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
        from lineguard.collector.noc import unknown_status
        status = unknown_status(f"{cmd}: {message}")
        print(status.line)
        return status.code
    print(f"lineguard {cmd}: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
