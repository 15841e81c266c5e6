"""PAM pam_exec lines: the program runs at each authentication, account check, password change
or session of the PAM service the file configures (sshd, login, su, sudo, or every service
that includes common-session). `expose_authtok` hands it the user's password. The cron and
atd services are no login: cron opens a PAM session for every job it starts, atd for every at
job, so their pam_exec lines fire with the host's next cron (or at) job."""

from __future__ import annotations

from lineguard.collector.model import BootTrigger, HookTrigger, Job, LoginTrigger, Trigger
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.pam import PAM_CONF, exec_lines, options

# PAM services of daemons that run jobs: service -> (what runs them, the job sources)
_JOB_SERVICES = {"cron": ("cron", ("cron", "run-parts")), "crond": ("cron", ("cron", "run-parts")),
                 "atd": ("atd", ("at",))}
# a hook fires with the soonest of the jobs that run it: enough of them to find it
_MAX_RUNNERS = 500


def jobs(ctx: HostContext, earlier: list[Job]) -> list[Job]:
    out: list[Job] = []
    for art in ctx.of_kind("pam"):
        if art.content is None:
            continue
        text = art.text() or ""
        conf = art.name == PAM_CONF
        for number, service, kind, command in exec_lines(text, conf):
            service = service or art.name.rsplit("/", 1)[-1]
            opts = options(text, number)
            who = "any user"
            how = f"PAM {kind} of {service}" + (
                " (every service that includes it)" if service.startswith("common-") else "")
            if "expose_authtok" in opts:
                how += "; the password is passed to it (expose_authtok)"
            trigger: Trigger = LoginTrigger(who, how)
            if service in _JOB_SERVICES:
                trigger = _job_hook(service, kind, earlier)
            out.append(ctx.job(source="pam", origin_path=art.name, origin_line=number,
                               owner="root", schedule=f"{kind} pam_exec.so {' '.join(opts)}".strip(),
                               command=command, trigger=trigger))
    return out


def _job_hook(service: str, kind: str, earlier: list[Job]) -> HookTrigger:
    daemon, sources = _JOB_SERVICES[service]
    runners = [j.trigger for j in earlier if j.source in sources and j.state == "active"
               and not isinstance(j.trigger, BootTrigger)][:_MAX_RUNNERS]
    return HookTrigger(host_job=f"every job {daemon} starts", operation=f"PAM {kind} of {service}",
                       via=runners[0] if runners else None, also=tuple(runners[1:]))
