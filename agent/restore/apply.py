"""Applying an approved restore plan at the agent.

Before anything is sent, every device in the plan that this agent polls is read again: a row
that is back already is skipped, a row that differs from both the baseline and what the plan
was made against stops that device's plan (the device changed since; nothing is sent to it).
Then the plan's actions are applied (netmiko for CLI devices, pysnmp SETs for ATM-MIB ones),
the devices are re-polled and each row is reported: restored, already present, or failed with
the device's own message. Without `apply` (the default) only the first read is done."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from pysnmp.hlapi.v3arch.asyncio import (
    ContextData,
    Integer32,
    ObjectIdentifier,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    set_cmd,
)

from lineguard.agent.devices import cli as cli_device
from lineguard.agent.devices import collect_devices, profiles
from lineguard.agent.devices import snmp as snmp_device
from lineguard.agent.devices.credentials import Credentials
from lineguard.agent.devices.hostkeys import KnownHosts
from lineguard.agent.devices.inventory import Device
from lineguard.agent.restore.document import DevicePlan, RestoreAction, SignedPlan
from lineguard.agent.restore.report import (
    FAILED,
    PRESENT,
    RESTORED,
    STOPPED,
    WOULD,
    DeviceOutcome,
    RestoreReport,
    RowOutcome,
)
from lineguard.collector.analyse.drift import row_text
from lineguard.collector.model import LineDataRow
from lineguard.collector.parse.device import IncompleteTarget, line_data
from lineguard.formats.wire import Target

# What a device prints when it refuses a configuration line.
_CLI_ERROR = re.compile(r"^\s*(%.*|.*syntax error.*|error: .*|.*Invalid input.*)$", re.M)
_SET = re.compile(r"^(\d+(?:\.\d+)+) ([io]) (\S+)$")
_DESTROY = 6
# Commands that take line data or configuration away (a pvc stanza's own `no` sub-commands,
# e.g. `no oam-pvc manage`, are settings and may be restored).
_REMOVING = re.compile(r"^\s*(no\s+(pvc|interface|atm\s+pv[cp]|vc-class)|delete|default\s+"
                       r"interface|erase|write\s+erase|reload|rollback|deactivate|request\s+"
                       r"system|clear|load\s+override)\b", re.I)
_ROW_STATUS = {"1.3.6.1.2.1.37.1.6.1": "8", "1.3.6.1.2.1.37.1.7.1": "13",
               "1.3.6.1.2.1.37.1.9.1": "11", "1.3.6.1.2.1.37.1.11.1": "13",
               "1.3.6.1.2.1.37.1.5.1": "9"}
_ROWS_IN_FLIGHT = 8          # per device: rows being created at once over SNMP
# a device to change: its plan, its inventory entry, its outcome so far, the actions to send
_Todo = tuple[DevicePlan, Device, DeviceOutcome, list[RestoreAction]]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rows_of(target: Target) -> dict[tuple, LineDataRow] | str:
    """The device's rows by identity, or why they are unknown."""
    if target.status != "ok":
        return f"poll {target.status}: {target.error or 'no detail'}"
    try:
        return {r.key(): r for r in line_data(target)}
    except (IncompleteTarget, ValueError) as e:
        return str(e)


def precheck(plan: DevicePlan, target: Target) -> tuple[dict[int, str], str | None]:
    """Per row: WOULD (still to restore) or PRESENT; or the reason the device must stop."""
    rows = _rows_of(target)
    if isinstance(rows, str):
        return {}, f"cannot read the device before applying ({rows}); nothing sent"
    state: dict[int, str] = {}
    for r in plan.rows:
        now = rows.get(r.row.key())
        if now == r.row:
            state[r.id] = PRESENT
        elif now == r.current:      # None for a missing row: still missing
            state[r.id] = WOULD
        else:
            return {}, (f"{r.what}: the device changed since the plan was made (now "
                        f"{_describe(now)}, plan expected {_describe(r.current)}); nothing "
                        f"sent to this device, make a new plan")
    return state, None


def removing_command(plan: DevicePlan) -> str | None:
    """A command in the plan that would remove or wipe configuration, or None. A restoration
    only creates and sets: even a signed, approved plan holding one is not sent."""
    for action in plan.actions:
        for command in action.commands:
            m = _SET.match(command)
            if m and m.group(3) == str(_DESTROY) and _is_row_status(m.group(1)):
                return command
            if not m and _REMOVING.match(command):
                return command
    return None


def _is_row_status(oid: str) -> bool:
    parts = oid.split(".")
    entry, column = ".".join(parts[:10]), parts[10] if len(parts) > 10 else ""
    return _ROW_STATUS.get(entry) == column


def _describe(row: LineDataRow | None) -> str:
    if row is None:
        return "absent"
    return f"{row_text(row)} {row.service_class or '-'} {row.encapsulation or '-'} " \
           f"{row.peak_kbps or '-'}/{row.avg_kbps or '-'}"


def _cli_errors(output: str) -> str | None:
    found = [m.group(1).strip() for m in _CLI_ERROR.finditer(output)]
    return "; ".join(dict.fromkeys(found)) or None


def apply_cli(device: Device, creds: Credentials, plan: DevicePlan,
              actions: list[RestoreAction], timeout: float,
              known_hosts: KnownHosts | None) -> dict[int, str]:
    """Send the actions in configuration mode; per row the device's error, if it gave one."""
    profile = profiles.get(device.platform)
    cred = creds.get(device.credentials or "")
    errors: dict[int, str] = {}
    try:
        conn = cli_device.connect(device, cred, profile, timeout=timeout,
                                  known_hosts=known_hosts)
    except cli_device.ConnectFailure as e:
        return {i: f"{e.status}: {e.message}" for a in actions for i in a.rows}
    try:
        if profile.enable and cred.secret:
            conn.enable()
        conn.config_mode()
        prompt = conn.base_prompt
        for action in actions:
            # One line at a time, each answered by the prompt: the device's refusal of a line
            # is then this action's, and no fixed settling wait is spent per action.
            for command in action.commands:
                out, problem = cli_device.read_command(conn, command, prompt, timeout)
                problem = problem or _cli_errors(out)
                if problem:
                    errors.update((i, f"{command!r}: {problem}") for i in action.rows)
                    break
        if plan.commit:
            try:
                conn.commit(read_timeout=timeout)
            except ValueError as e:
                why = _cli_errors(str(e)) or str(e).strip().splitlines()[0]
                errors.update((i, f"commit failed: {why}") for a in actions for i in a.rows
                              if i not in errors)
        conn.exit_config_mode()
    except Exception as e:  # a dropped session: what was not confirmed is reported failed
        text = str(e).strip()
        why = f"session failed: {e.__class__.__name__}" + (f": {text.splitlines()[0]}"
                                                         if text else "")
        errors.update((i, why) for a in actions for i in a.rows if i not in errors)
    finally:
        cli_device.disconnect(conn)
    return errors


async def _apply_snmp_device(engine: SnmpEngine, device: Device, creds: Credentials,
                             plan: DevicePlan, actions: list[RestoreAction],
                             timeout: float) -> dict[int, str]:
    cred = creds.get(device.credentials or "")
    try:
        auth = snmp_device.auth_data(device, cred)
    except (ValueError, KeyError) as e:
        return {i: f"unusable SNMP credentials: {e}" for a in actions for i in a.rows}
    per_request, resends = snmp_device.request_timing(timeout, 1)
    target = await UdpTransportTarget.create((device.host, device.port), timeout=per_request,
                                             retries=resends)
    context = ContextData(contextName=device.context) if device.context else ContextData()

    async def send(commands: list[str]) -> str | None:
        """One SET PDU with every command's varbind; the device's refusal, if any."""
        binds = []
        for command in commands:
            m = _SET.match(command)
            if m is None:
                return f"not an SNMP SET: {command!r}"
            oid, kind, value = m.groups()
            binds.append(ObjectType(ObjectIdentity(oid), Integer32(int(value)) if kind == "i"
                                    else ObjectIdentifier(value)))
        err_ind, err_stat, err_idx, _ = await set_cmd(engine, auth, target, context, *binds,
                                                      lookupMib=False)
        if err_ind or err_stat:
            at = commands[max(0, int(err_idx or 1) - 1)] if err_stat else commands[0]
            return f"SET {at.replace(' i ', ' = ', 1)}: {err_ind or err_stat.prettyPrint()}"
        return None

    errors: dict[int, str] = {}
    gate = asyncio.Semaphore(_ROWS_IN_FLIGHT)

    async def restore(action: RestoreAction) -> None:
        # RowStatus first (createAndWait or notInService), then the columns together, then
        # active: three PDUs a row.
        cmds = list(action.commands)
        steps = [cmds[:1], cmds[1:-1], cmds[-1:]] if len(cmds) > 2 else [[c] for c in cmds]
        async with gate:
            for n, step in enumerate(s for s in steps if s):
                problem = await send(step)
                if problem:
                    errors.update((i, problem) for i in action.rows)
                    if n and cmds[0].endswith(" i 5"):      # leave no half-made row behind
                        await send([f"{cmds[0].split()[0]} i {_DESTROY}"])
                    return

    kinds = {r.id: r.row.kind for r in plan.rows}
    links = [a for a in actions if not any(kinds[i].endswith("xc") for i in a.rows)]
    # links first: a cross-connect can only be activated once both its links are
    for phase in (links, [a for a in actions if a not in links]):
        await asyncio.gather(*(restore(a) for a in phase))
    return errors


def apply_snmp(jobs: list[tuple[Device, DevicePlan, list[RestoreAction]]], creds: Credentials,
               timeout: float) -> dict[str, dict[int, str]]:
    async def run() -> dict[str, dict[int, str]]:
        engine = SnmpEngine()
        try:
            results = await asyncio.gather(*(_apply_snmp_device(engine, d, creds, p, a, timeout)
                                             for d, p, a in jobs), return_exceptions=True)
        finally:
            engine.close_dispatcher()
        out: dict[str, dict[int, str]] = {}
        for (device, _, actions), result in zip(jobs, results, strict=True):
            if isinstance(result, BaseException):
                result = {i: f"agent error: {result.__class__.__name__}: {result}"
                          for a in actions for i in a.rows}
            out[device.name] = result
        return out
    return asyncio.run(run())


def run(plan: SignedPlan, approved_by: list[str], agent: str, inventory: list[Device],
        creds: Credentials, *, mask_key: bytes, known_hosts: Path | None = None,
        apply: bool = False, timeout: float = 20.0,
        progress: Callable[[str], None] | None = None) -> RestoreReport:
    """Check, apply (with `apply`) and verify the plan's devices that this agent polls."""
    say = progress or (lambda text: None)
    report = RestoreReport(plan=plan.body.id, digest=plan.digest, agent=agent,
                           mode="apply" if apply else "dry-run", started_at=_now(),
                           approved_by=list(approved_by))
    by_name = {d.name: d for d in inventory}
    mine: list[tuple[DevicePlan, Device]] = []
    for dp in plan.body.devices:
        outcome = DeviceOutcome(dp.device, "skipped")
        device = by_name.get(dp.device)
        if dp.agent != agent:
            # another agent's device: that agent applies it (one plan may span several)
            outcome.outcome = "other agent"
            outcome.message = f"planned for agent {dp.agent}, not this one ({agent})"
        elif device is None:
            outcome.message = "not in this agent's inventory"
        elif (device.method == "snmp") != (dp.method == "snmp"):
            outcome.message = f"the plan applies it by {dp.method}, the inventory reads it " \
                              f"by {device.method}"
        else:
            mine.append((dp, device))
            continue
        outcome.rows = [RowOutcome(r.id, r.what, STOPPED, outcome.message) for r in dp.rows]
        report.devices.append(outcome)
    say(f"reading {len(mine)} device(s) before applying")
    before = _poll([d for _, d in mine], creds, mask_key, known_hosts, timeout)
    todo: list[_Todo] = []
    for dp, device in mine:
        removing = removing_command(dp)
        state, stop = precheck(dp, before[device.name])
        if removing:
            state, stop = {}, (f"the plan holds a command that removes configuration "
                               f"({removing!r}); a restoration only creates: nothing sent")
        outcome = DeviceOutcome(dp.device, "dry-run" if not apply else "restored")
        report.devices.append(outcome)
        if stop:
            outcome.outcome, outcome.message = "stopped", stop
            outcome.rows = [RowOutcome(r.id, r.what, STOPPED, stop) for r in dp.rows]
            continue
        outcome.rows = [RowOutcome(r.id, r.what, state[r.id]) for r in dp.rows]
        actions = [a for a in dp.actions if any(state[i] == WOULD for i in a.rows)]
        if apply and actions:
            todo.append((dp, device, outcome, actions))
    if apply and todo:
        _apply_and_verify(todo, creds, mask_key, known_hosts, timeout, say)
    report.finished_at = _now()
    return report


def _apply_and_verify(todo: list[_Todo], creds: Credentials, mask_key: bytes, known_hosts: Path | None,
                      timeout: float, say: Callable[[str], None]) -> None:
    trusted = KnownHosts(known_hosts) if known_hosts is not None else None
    say(f"applying to {len(todo)} device(s)")
    errors: dict[str, dict[int, str]] = {}
    snmp_jobs = [(device, dp, actions) for dp, device, _, actions in todo
                 if device.method == "snmp"]
    cli_jobs = [(dp, device, actions) for dp, device, _, actions in todo
                if device.method != "snmp"]
    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="lineguard-restore") as pool:
        futures = {device.name: pool.submit(apply_cli, device, creds, dp, actions, timeout,
                                            trusted) for dp, device, actions in cli_jobs}
        if snmp_jobs:
            errors.update(apply_snmp(snmp_jobs, creds, timeout))
            say(f"SNMP SETs sent to {len(snmp_jobs)} device(s)")
        for name, future in futures.items():
            errors[name] = future.result()
        say(f"CLI changes sent to {len(cli_jobs)} device(s)")
    say(f"re-polling {len(todo)} device(s)")
    after = _poll([device for _, device, _, _ in todo], creds, mask_key, known_hosts, timeout)
    for dp, device, outcome, actions in todo:
        rows = _rows_of(after[device.name])
        sent = {i for a in actions for i in a.rows}
        failed_rows = errors.get(device.name, {})
        plan_rows = {r.id: r for r in dp.rows}
        for ro in outcome.rows:
            if ro.id not in sent:
                continue
            if ro.id in failed_rows:
                ro.outcome, ro.message = FAILED, failed_rows[ro.id]
            elif isinstance(rows, str):
                ro.outcome, ro.message = FAILED, f"not verified: re-poll failed ({rows})"
            elif rows.get(plan_rows[ro.id].row.key()) == plan_rows[ro.id].row:
                ro.outcome = RESTORED
            else:
                now = rows.get(plan_rows[ro.id].row.key())
                ro.outcome, ro.message = FAILED, f"not back after re-poll (now {_describe(now)})"
        bad = [r for r in outcome.rows if r.outcome == FAILED]
        if bad:
            outcome.outcome = "failed" if len(bad) == len(outcome.rows) else "partial"
            outcome.message = f"{len(bad)} of {len(outcome.rows)} row(s) failed"


def _poll(devices: list[Device], creds: Credentials, mask_key: bytes, known_hosts: Path | None,
          timeout: float) -> dict[str, Target]:
    """Each device read completely, or its last failed read: a device whose read came back
    incomplete is read once more before it is judged (its rows decide what is sent)."""
    if not devices:
        return {}
    targets = {t.name: t for t in collect_devices(devices, creds, mask_key=mask_key,
                                                  timeout=timeout, known_hosts=known_hosts)}
    again = [d for d in devices if targets[d.name].status == "partial"]
    if again:
        targets.update((t.name, t) for t in collect_devices(
            again, creds, mask_key=mask_key, timeout=timeout, known_hosts=known_hosts))
    return targets


def refused(plan_id: str, digest: str, agent: str, why: str) -> RestoreReport:
    now = _now()
    return RestoreReport(plan=plan_id, digest=digest, agent=agent, mode="refused",
                         started_at=now, finished_at=now, message=why)

