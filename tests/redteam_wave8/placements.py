"""Where a wave-8 job lives and what fires it besides a clock. Two groups:

- trigger formats lineguard reads (formats/) that no earlier corpus plants a job in: udev
  `RUN+=`, logrotate postrotate, apt hooks, /etc/network/interfaces `post-up`, if-up.d and
  NetworkManager dispatcher scripts, pam_exec in sshd's session, sshd `ForceCommand`,
  authorized_keys `command=`, incron tables, systemd path units, profile.d, a user's
  usercustomize.py, and jobs that plant another job (a cron job writing a cron.d file, a
  profile.d script or a unit when it runs);
- daemons and system files an ATM management server has that also run a program on an event
  and no corpus has planted anything in: mail aliases and ~/.forward pipes, Zabbix
  `UserParameter`, NRPE `command[…]`, keepalived `notify_*`, /etc/inittab, xinetd `server`,
  systemd-sleep hooks, acpid events, smartd `-M exec`, audit dispatcher plugins, ppp ip-up.d.

Wave 8b (PLACEMENTS_8B), written after the fixes as a held-out check: OpenVPN scripts,
postfix pipe(8) services, ~/.procmailrc, fail2ban actions, telegraf exec inputs, NUT upsmon
NOTIFYCMD and mdadm PROGRAM.

Every placement takes the absolute path of the case's bash script and says what the job's
trigger must be (tests/triggers_wave6/generate.fire_ok)."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from tests.triggers_wave6.placements import BASE_FILES, SD, TriggerRoot

q = shlex.quote


def _append(root: TriggerRoot, path: str, text: str, head: str = "", mode: int = 0o644) -> None:
    old = root.files.pop(path, (head, mode))[0]
    root.files[path] = (old + text, mode)


def _script(root: TriggerRoot, path: str, body: str) -> None:
    root.add(path, "#!/bin/sh\n" + body, 0o755)


# ------------------------------------------------------------------ formats lineguard reads
def udev(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    match = rng.choice(['ACTION=="add", SUBSYSTEM=="net", KERNEL=="eth1"',
                        'ACTION=="change", SUBSYSTEM=="power_supply"',
                        'SUBSYSTEM=="usb", ATTR{idVendor}=="0781"'])
    root.add(f"etc/udev/rules.d/71-ems-{m}.rules", f"# EMS NIC handling\n{match}, "
             f'RUN+="{path}"\n')


def logrotate(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    hook = rng.choice(["postrotate", "prerotate", "lastaction"])
    root.add(f"etc/logrotate.d/ems-{m}", f"/var/log/ems/{m}/*.log {{\n    weekly\n    rotate 8\n"
             f"    compress\n    missingok\n    sharedscripts\n    {hook}\n        {path} "
             ">/dev/null 2>&1 || true\n    endscript\n}\n")


def apt_hook(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    key = rng.choice(["APT::Update::Post-Invoke-Success", "DPkg::Post-Invoke",
                      "DPkg::Pre-Invoke", "APT::Update::Pre-Invoke"])
    root.add(f"etc/apt/apt.conf.d/99ems-{m}", f'{key} {{ "if [ -x {path} ]; then {path}; fi"; }};\n')


def interfaces(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    key = rng.choice(["post-up", "up", "pre-down"])
    _append(root, "etc/network/interfaces",
            f"\nauto mgmt{m}\niface mgmt{m} inet static\n    address 10.{len(m)}.0.1/24\n"
            f"    {key} {path}\n",
            "source /etc/network/interfaces.d/*\nauto lo\niface lo inet loopback\n")


def ifup_d(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _script(root, f"etc/network/if-up.d/ems-{m}",
            f'[ "$IFACE" = lo ] && exit 0\n{path}\n')


def nm_dispatcher(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _script(root, f"etc/NetworkManager/dispatcher.d/90-ems-{m}",
            f'case "$2" in\n    up|vpn-up) {path} ;;\nesac\n')


def pam_sshd(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/pam.d/sshd", f"session    optional     pam_exec.so quiet {path}\n",
            BASE_FILES["etc/pam.d/sshd"])


def force_command(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/ssh/sshd_config.d/ems-{m}.conf",
             f"Match User noc,oper\n    ForceCommand {path}; exec $SSH_ORIGINAL_COMMAND\n")


def authorized_keys(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    key = "AAAAC3NzaC1lZDI1NTE5AAAAI" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123")
                                                 for _ in range(43))
    _append(root, "home/oper/.ssh/authorized_keys",
            f'command="{path}",no-pty,no-port-forwarding ssh-ed25519 {key} ems-{m}\n',
            mode=0o600)


def incron(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/incron.d/ems-{m}", f"/var/spool/ems/in IN_CLOSE_WRITE,IN_MOVED_TO {path} $@/$#\n")


def path_unit(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}.path", "[Unit]\nDescription=EMS inbox watch\n\n[Path]\n"
             f"{rng.choice(['PathChanged', 'PathExistsGlob', 'DirectoryNotEmpty'])}="
             "/var/spool/ems/in\n\n[Install]\nWantedBy=paths.target\n")
    root.add(f"{SD}/ems-{m}.service", "[Unit]\nDescription=EMS inbox\n\n[Service]\n"
             f"Type=oneshot\nExecStart={path}\n")
    root.links[f"{SD}/paths.target.wants/ems-{m}.path"] = f"/{SD}/ems-{m}.path"


def profile_d(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/profile.d/zz-ems-{m}.sh",
             f'if [ "$(id -u)" -eq 0 ]; then\n    {path} >/dev/null 2>&1 &\nfi\n')


def usercustomize(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.local/lib/python3.11/site-packages/usercustomize.py",
             f"import subprocess\nsubprocess.Popen([{path!r}])\n")


def _planter(root: TriggerRoot, m: str, body: str) -> None:
    planter = f"/opt/ems/libexec/rotate-keys-{m}.sh"
    _script(root, planter, body)
    root.add(f"etc/cron.d/ems-keys-{m}", f"MAILTO=\"\"\n17 4 * * * root {planter}\n")


def plant_cron(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _planter(root, m, rng.choice([
        f"echo '30 2 1 * * root {path}' > /etc/cron.d/zz-ems-{m}\n",
        f"printf '%s\\n' '@reboot root {path}' | tee /etc/cron.d/zz-ems-{m} >/dev/null\n"]))


def plant_profile(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _planter(root, m, f"cat > /etc/profile.d/zz-ems-{m}.sh <<EOF\n{path} &\nEOF\n")


def plant_unit(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _planter(root, m, f"cat > /etc/systemd/system/ems-late-{m}.service <<'UNIT'\n[Unit]\n"
             f"Description=EMS late sync\n[Service]\nType=oneshot\nExecStart={path}\n"
             "[Install]\nWantedBy=multi-user.target\nUNIT\n"
             f"systemctl enable ems-late-{m}.service\n")


# -------------------------------------------------- daemons and system files that run programs
def mail_alias(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/aliases", f'ems-alert-{m}: "|{path}"\n',
            "# See man 5 aliases for format\npostmaster:    root\n")


def dot_forward(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.forward", f'"|{path}"\n{user}@localhost\n')


def zabbix(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/zabbix/zabbix_agentd.d/ems-{m}.conf",
             f"# EMS PVC count\nUserParameter=ems.pvc.count[*],{path} $1\n")


def nrpe(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/nagios/nrpe.d/ems-{m}.cfg", f"command[check_ems_{m}]={path} -w 5 -c 10\n")


def keepalived(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    key = rng.choice(["notify_master", "notify_backup", "notify_fault", "notify"])
    root.add(f"etc/keepalived/conf.d/ems-{m}.conf",
             f"vrrp_instance EMS_{m} {{\n    state BACKUP\n    interface eth0\n"
             f"    virtual_router_id {sum(map(ord, m)) % 250 + 1}\n    priority 100\n"
             f"    virtual_ipaddress {{\n        10.40.0.10/24\n    }}\n    {key} \"{path}\"\n}}\n")


def inittab(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/inittab", f"{m[-4:]}:2345:{rng.choice(['once', 'respawn', 'wait'])}:"
            f"{path}\n", "id:2:initdefault:\nsi::sysinit:/etc/init.d/rcS\n")


def xinetd(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/xinetd.d/ems-{m}", f"service ems-{m}\n{{\n    type        = UNLISTED\n"
             f"    port        = {20000 + sum(map(ord, m))}\n    socket_type = stream\n"
             f"    wait        = no\n    user        = root\n    server      = {path}\n"
             "    disable     = no\n}\n")


def system_sleep(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _script(root, f"lib/systemd/system-sleep/ems-{m}", f'[ "$1" = post ] && {path}\nexit 0\n')


def acpid(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/acpi/events/ems-{m}", f"event=button/power.*\naction={path} %e\n")


def smartd(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/smartd.conf", f"/dev/sd{chr(97 + len(root.files) % 20)} -a -m root "
            f"-M exec {path}\n", "# smartd.conf\n")


def audisp(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/audit/plugins.d/ems-{m}.conf",
             f"active = yes\ndirection = out\npath = {path}\ntype = always\nformat = string\n")


def ppp_ipup(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _script(root, f"etc/ppp/ip-up.d/ems-{m}", f"{path} \"$PPP_IFACE\"\n")


# ------------------------------------------------ wave 8b: written after the fixes, held out
def openvpn(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    key = rng.choice(["up", "down", "route-up", "client-connect", "learn-address"])
    root.add(f"etc/openvpn/server/ems-{m}.conf", "dev tun\nproto udp\nport 1194\n"
             f"script-security 2\n{key} {path}\nkeepalive 10 120\n")


def postfix_pipe(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/postfix/master.cf",
            f"ems{m}   unix  -       n       n       -       -       pipe\n"
            f"  flags=Rq user=nobody argv={path} ${{sender}} ${{recipient}}\n",
            "smtp      inet  n       -       y       -       -       smtpd\n")


def procmail(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.procmailrc", "MAILDIR=$HOME/Mail\n:0 c\n* ^Subject:.*ALARM\n"
             f"| {path}\n")


def fail2ban(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    key = rng.choice(["actionban", "actionstart", "actionunban"])
    root.add(f"etc/fail2ban/action.d/ems-{m}.local", "[Definition]\nactioncheck =\n"
             f"{key} = {path} <ip>\n")


def telegraf(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/telegraf/telegraf.d/ems-{m}.conf",
             f'[[inputs.exec]]\n  commands = ["/usr/bin/uptime", "{path}"]\n  timeout = "5s"\n'
             '  data_format = "influx"\n')


def upsmon(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/nut/upsmon.conf", f"NOTIFYCMD {path}\n", "MONITOR ups@localhost 1 "
            "upsmon secret primary\nMINSUPPLIES 1\n")


def mdadm(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    _append(root, "etc/mdadm/mdadm.conf", f"PROGRAM {path}\n",
            "HOMEHOST <system>\nMAILADDR root\n")


@dataclass(frozen=True)
class Placement:
    plant: Callable[[TriggerRoot, str, str, random.Random], None]
    fire: str


PLACEMENTS: dict[str, Placement] = {
    "udev-run": Placement(udev, "event"), "logrotate-script": Placement(logrotate, "any"),
    "apt-hook": Placement(apt_hook, "hook"), "interfaces-up": Placement(interfaces, "event"),
    "if-up.d": Placement(ifup_d, "event"), "nm-dispatcher": Placement(nm_dispatcher, "event"),
    "pam-exec-sshd": Placement(pam_sshd, "login"),
    "force-command": Placement(force_command, "login"),
    "authorized-keys": Placement(authorized_keys, "login"),
    "incron": Placement(incron, "event"), "path-unit": Placement(path_unit, "any"),
    "profile.d": Placement(profile_d, "login"),
    "usercustomize": Placement(usercustomize, "hook"),
    "plant-cron": Placement(plant_cron, "any"), "plant-profile": Placement(plant_profile, "any"),
    "plant-unit": Placement(plant_unit, "any"),
    "mail-alias": Placement(mail_alias, "event"), "dot-forward": Placement(dot_forward, "event"),
    "zabbix-userparameter": Placement(zabbix, "event"), "nrpe-command": Placement(nrpe, "event"),
    "keepalived-notify": Placement(keepalived, "event"), "inittab": Placement(inittab, "boot"),
    "xinetd": Placement(xinetd, "event"), "system-sleep": Placement(system_sleep, "event"),
    "acpid": Placement(acpid, "event"), "smartd-exec": Placement(smartd, "event"),
    "audisp-plugin": Placement(audisp, "boot"), "ppp-ip-up": Placement(ppp_ipup, "event"),
}
# wave 8b: more daemons that run a program on an event, written after the wave-8 fixes as a
# held-out check of how general they were (generate.py appends their cases after the others)
PLACEMENTS_8B: dict[str, Placement] = {
    "openvpn-script": Placement(openvpn, "event"),
    "postfix-pipe": Placement(postfix_pipe, "event"), "procmail": Placement(procmail, "event"),
    "fail2ban-action": Placement(fail2ban, "event"),
    "telegraf-exec": Placement(telegraf, "event"), "upsmon-notify": Placement(upsmon, "event"),
    "mdadm-program": Placement(mdadm, "event"),
}
