"""PAM pam_exec lines: the program runs at each authentication, account check, password change
or session of the PAM service the file configures (sshd, login, su, sudo, or every service
that includes common-session). `expose_authtok` hands it the user's password."""

from __future__ import annotations

from lineguard.collector.model import Job, LoginTrigger
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.pam import PAM_CONF, exec_lines, options


def jobs(ctx: HostContext) -> list[Job]:
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
            out.append(ctx.job(source="pam", origin_path=art.name, origin_line=number,
                               owner="root", schedule=f"{kind} pam_exec.so {' '.join(opts)}".strip(),
                               command=command, trigger=LoginTrigger(who, how)))
    return out
