"""Device management APIs read as the device commands they amount to: NETCONF RPCs
(`<delete-config>`, `<edit-config>` with operation="delete"/"remove"), Junos XML RPCs
(`<load-configuration action="override">`, set-format statements in `<configuration-set>`) and RESTCONF/REST requests (DELETE of a resource).
Each becomes a command line in the CLI vocabulary the device rules already judge
(`delete interfaces interface at-0/0/0`, `load override <an empty configuration>`,
`delete-config startup`), so one set of rules covers the CLI and the APIs."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote
from xml.etree import ElementTree

from lineguard.formats.carriers import values

_XML_HINT = re.compile(r"<\s*(?:rpc|edit-config|delete-config|load-configuration|copy-config|"
                       r"config|configuration)\b", re.I)
_FRAME = re.compile(r"\]\]>\]\]>|^\s*#\d+\s*$|^\s*##\s*$", re.M)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _elements(text: str) -> list[ElementTree.Element]:
    """The XML documents in a NETCONF stream (framing and the XML declaration dropped)."""
    out = []
    for chunk in _FRAME.split(text):
        chunk = re.sub(r"<\?xml[^>]*\?>", "", chunk).strip()
        if not chunk.startswith("<"):
            continue
        try:
            out.append(ElementTree.fromstring(chunk))
        except ElementTree.ParseError:
            try:
                out.append(ElementTree.fromstring(f"<stream>{chunk}</stream>"))
            except ElementTree.ParseError:
                continue
    return out


def _key(el: ElementTree.Element) -> str:
    """The name or key an element is identified by (<name>, <unit>, <vpi>…), if any."""
    for child in el:
        if _local(child.tag) in ("name", "unit", "vpi", "vci", "id", "index") and (
                text := (child.text or "").strip()):
            return text
    return ""


def _deleted(el: ElementTree.Element, path: list[str], out: list[str]) -> None:
    for child in el:
        name = _local(child.tag)
        op = next((v for k, v in child.attrib.items() if _local(k) in ("operation", "delete")), "")
        # the datastore's own root (Junos <configuration>, IOS-XE <native>) names no statement
        root = name in ("configuration", "native", "data") and not path
        step = path + ([] if root else [name]) + ([_key(child)] if _key(child) else [])
        if op.lower() in ("delete", "remove", "delete-config") or \
                child.attrib.get("delete", "").lower() == "delete":
            out.append(" ".join(["delete", *step]))
        elif op.lower() == "replace" and not len(child):
            out.append(" ".join(["delete", *step]) + (" (replaced by nothing)" if step else ""))
        else:
            _deleted(child, step, out)


def xml_lines(text: str) -> list[str]:
    """Device command lines an XML RPC stream amounts to (none when it is not one)."""
    if "<" not in text or not _XML_HINT.search(text):
        return []
    out: list[str] = []
    for root in _elements(text):
        for el in root.iter():
            name = _local(el.tag)
            if name == "delete-config":
                target = next((_local(t.tag) for tg in el if _local(tg.tag) == "target" for t in tg), "")
                out.append(f"delete-config {target or 'the configuration'}")
            elif name == "copy-config":
                src = next((c for c in el if _local(c.tag) == "source"), None)
                empty = src is not None and any(_local(c.tag) == "config" and not len(c) for c in src)
                if empty:
                    out.append("load override <an empty configuration>")
            elif name == "load-configuration":
                action = el.attrib.get("action", "merge").lower()
                body = "".join(el.itertext()).strip() + "".join(
                    ElementTree.tostring(c, encoding="unicode") for c in el
                    if _local(c.tag) == "configuration" and len(c))
                if action in ("override", "replace", "update"):
                    what = "<an empty configuration>" if len(body) < 40 else \
                        f"<a configuration of {len(body)} characters>"
                    out.append(f"load {action} {what}")
                for c in el:
                    if _local(c.tag) == "configuration-set":
                        # set-format statements (`delete interfaces at-0/0/0`): CLI lines
                        out += [x.strip() for x in (c.text or "").split("\n") if x.strip()]
            elif name in ("config", "configuration"):
                _deleted(el, [], out)
    return list(dict.fromkeys(out))


_REST_ROOT = re.compile(r"/(?:restconf/(?:data|config)|api/(?:v\d+/)?(?:config|running|data)?|"
                        r"rest(?:conf)?)/", re.I)


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def httpie_request(argv: list[str], stdin: str | None) -> tuple[str, str, str]:
    """(method, url, body) of an HTTPie (`http`/`https`/`xh`) command line: [METHOD] URL
    [ITEM…], the body on its input."""
    ops: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-a", "--auth", "-A", "--auth-type", "--session", "--cert", "--cert-key",
                 "--timeout", "-o", "--output", "--proxy"):
            i += 2
            continue
        if not a.startswith("-"):
            ops.append(a)
        i += 1
    method = ops.pop(0).upper() if ops and ops[0].upper() in _METHODS else ""
    url = ops[0] if ops else ""
    if url and "://" not in url:
        url = ("https://" if argv[0].rsplit("/", 1)[-1] == "https" else "http://") + url
    body = stdin or ""
    return method or ("POST" if body or len(ops) > 1 else "GET"), url, body


_VALUED = "XdHuoOeAbcwmTK"     # short options (of curl or wget) that take a value


def _unbundled(args: list[str]) -> list[str]:
    """Bundled short options as separate words: `-sku USER` is `-s -k -u USER`, `-XDELETE` is
    `-X DELETE`."""
    out: list[str] = []
    for a in args:
        if not a.startswith("-") or a.startswith("--") or len(a) <= 2:
            out.append(a)
            continue
        for k, ch in enumerate(a[1:], 1):
            out.append("-" + ch)
            if ch in _VALUED:
                out += [a[k + 1:]] if a[k + 1:] else []
                break
    return out


def curl_config_args(text: str) -> list[str]:
    """The command-line words a curl configuration file (`-K FILE`, `--config FILE`) stands
    for: one option a line, `--name value`, `name = value`, `name: value` or `name value`,
    values optionally double-quoted (with backslash escapes), `#` comments."""
    out: list[str] = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.match(r'^(-{0,2}[\w-]+)\s*(?:[=:]\s*|\s+|$)(.*)$', s)
        if not m:
            continue
        name, value = m.group(1), m.group(2).strip()
        if value.startswith('"') and value.endswith('"') and len(value) > 1:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append(name if name.startswith("-") else ("-" if len(name) == 1 else "--") + name)
        if value:
            out.append(value)
    return out


def curl_config_files(argv: list[str]) -> list[str]:
    """The configuration files a curl command line reads (-K, --config)."""
    args = _unbundled(argv[1:])
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-K", "--config")] + \
        [a.split("=", 1)[1] for a in args if a.startswith("--config=")]


def curl_request(argv: list[str]) -> tuple[str, str, str]:
    """(method, url, body) of a curl or wget command line (body may be `@FILE`)."""
    method, url, body = "", "", ""
    args = _unbundled(argv[1:])
    i = 0
    while i < len(args):
        a = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if a in ("-X", "--request"):
            method, i = value, i + 2
            continue
        if a.startswith("--method="):
            method = a.split("=", 1)[1]
        elif a in ("-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--post-data",
                   "--body-data", "--json"):
            body, i = value, i + 2
            continue
        elif a.startswith(("--post-data=", "--body-data=", "--data=", "--data-raw=")):
            body = a.split("=", 1)[1]
        elif a.startswith(("--post-file=", "--body-file=")):
            body = "@" + a.split("=", 1)[1]
        elif a in ("-T", "--upload-file"):
            body, i = "@" + value, i + 2
            continue
        elif a in ("-H", "--header", "-u", "--user", "-o", "--output", "-O", "-e", "-A", "-b",
                   "-c", "--cacert", "--cert", "--key", "-w", "--connect-timeout", "-m"):
            i += 2
            continue
        elif not a.startswith("-") and not url:
            url = a
        elif a == "--url":
            url, i = value, i + 2
            continue
        i += 1
    if not method:
        method = "POST" if body else "GET"
    return method, url, body


def _empty_json(body: str) -> bool:
    """A JSON body holding no data at all ({"…:interface": {}}): a PUT of it replaces the
    resource with nothing."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False

    def empty(v: object) -> bool:
        return v in ({}, [], None) or (isinstance(v, dict) and all(empty(x) for x in v.values()))
    return isinstance(doc, dict) and empty(doc)


def rest_lines(method: str, url: str, body: str) -> list[str]:
    """Device command lines a REST request amounts to: a DELETE of a configuration resource,
    or an XML RPC in the body."""
    lines = xml_lines(body) if body else []
    if method.upper() == "DELETE" or (method.upper() == "PUT" and (
            body == "@/dev/null" or _empty_json(body))):
        # (a PUT of an empty JSON document or of /dev/null's nothing replaces it with nothing)
        # the path after the authority (a host standing for a set may hold any character)
        path = re.sub(r"^[A-Za-z][\w+.-]*://[^/]*", "", url).split("?")[0]
        m = _REST_ROOT.search(path)
        rest = path[m.end():] if m else path.lstrip("/")
        words, ios = [], False
        for seg in rest.split("/"):
            seg = unquote(seg)
            if not seg:
                continue
            if re.match(r"^[\w-]+:", seg):
                module, seg = seg.split(":", 1)
                ios = ios or module.lower().startswith("cisco-ios")
            name, _, key = seg.partition("=")
            words += [name] + ([key.replace(",", " ")] if key else [])
        if ios and words[:1] == ["native"]:
            # IOS-XE's native model mirrors the CLI: interface/ATM=0/1/0.100 is
            # `interface ATM0/1/0.100`, and deleting it is its `no` form
            lines.append("no " + re.sub(r"\b([A-Z][\w-]*) (\d\S*)", r"\1\2", " ".join(words[1:])))
        elif words:
            lines.append("delete " + " ".join(words))
    elif method.upper() == "PUT" and _datastore_root(url):
        # a PUT of the whole datastore replaces the configuration with the body
        lines.append("load override <the configuration in the request body>")
    return lines


def _datastore_root(url: str) -> bool:
    path = re.sub(r"^[A-Za-z][\w+.-]*://[^/]*", "", url).split("?")[0]
    m = _REST_ROOT.search(path)
    rest = [unquote(x) for x in (path[m.end():] if m else "").split("/") if x]
    return bool(m) and (not rest or (len(rest) == 1 and rest[0].split(":")[-1] in (
        "native", "configuration", "data", "config")))


def _path_words(path: str) -> list[str]:
    """A gNMI/YANG path (`/interfaces/interface[name=at-0/0/0]`) as configuration words, the
    datastore's own root (`configuration`, `config`, `data`) left out."""
    words = []
    for seg in re.findall(r"(?:[^/\[]|\[[^\]]*\])+", path):
        name = re.sub(r"\[.*", "", seg).split(":")[-1]
        keys = re.findall(r"\[[^=\]]*=([^\]]*)\]", seg)
        words += [name, *keys]
    while words[:1] and words[0] in ("configuration", "config", "data", "native"):
        words = words[1:]
    return words


_EMPTY_VALUE = re.compile(r"^\s*(?:\{\s*\}|\[\s*\]|\"\"|''|null)?\s*$")


def client_request(argv: list[str], text_of) -> tuple[str, list[str]] | None:  # noqa: ANN001
    """(host, command lines) a device API client's command line amounts to: gnmic `set`
    deletes and replaces (an empty value replaces with nothing), netconf-console's
    edit-config/rpc files and --delete-config; None when the program is none of these."""
    prog = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]

    def value(*names: str) -> list[str]:
        return values(argv, (), names)
    if prog == "gnmic":
        host = next(iter(value("-a", "--address")), "")
        lines = []
        if "set" in args:
            lines += ["delete " + " ".join(_path_words(p)) for p in value("--delete")]
            # a replace with an empty value (or an empty file) leaves nothing at its path
            vals = value("--replace-value") + [text_of(f) or "x" for f in value("--replace-file")]
            for k, p in enumerate(value("--replace-path")):
                if k < len(vals) and _EMPTY_VALUE.match(vals[k]):
                    words = _path_words(p)
                    lines.append("delete " + " ".join(words) if words else
                                 "load override <an empty configuration>")
        return re.sub(r":\d+$", "", host), [ln.rstrip() for ln in lines]
    if prog in ("netconf-console", "netconf-console2"):
        host = next(iter(value("--host")), "")
        lines = []
        for f in value("--edit-config", "--rpc"):
            body = text_of(f) or ""
            if "<config" in body and "<edit-config" not in body:
                body = f"<edit-config><target><running/></target>{body}</edit-config>"
            lines += xml_lines(body)
        if "--delete-config" in " ".join(args):
            lines.append("delete")
        return host, lines
    return None
