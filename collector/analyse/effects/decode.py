"""Undoing the encodings and compressions a one-liner can apply before it runs a payload:
base64/base32, hex (xxd -r -p), printf/echo -e/$'…' escapes, tr ciphers (rot13 and any other
character mapping), reversal, gzip/zlib/bzip2/xz, in any combination. Size limited: a decoder
never yields more than MAX_OUTPUT bytes, one more than a reader is given (resolve.MAX_TEXT): a
payload cut here is a program past the reader's limit, which says so (never quietly shorter)."""

from __future__ import annotations

import base64
import binascii
import bz2
import codecs
import functools
import lzma
import re
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lineguard.collector.analyse.effects import bounds
from lineguard.formats.wire import MASKED, MASKED_PREFIX

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers import modes

MAX_OUTPUT = 2_000_001      # resolve.MAX_TEXT + 1: a payload past what a reader is given is said
MAX_OBJECT = 65_536         # bytes of a pickle or a marshalled object read for what it calls

_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|0[0-7]{0,3}|[0-7]{1,3}|.)",
                     re.S)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "e": "\x1b",
           "f": "\f", "v": "\v", "'": "'", '"': '"', "?": "?"}


def escapes(text: str) -> str:
    """printf / echo -e / $'…' escape sequences in every form (\\xHH, \\0NNN, \\NNN, \\uHHHH)."""
    def one(m: re.Match[str]) -> str:
        s = m.group(1)
        if s[0] in "xuU" and len(s) > 1:
            return chr(int(s[1:], 16))
        if s[0] in "01234567":
            return chr(int(s, 8) & 0xFF)
        return _SIMPLE.get(s, "\\" + s)
    return _ESCAPE.sub(one, text) if "\\" in text else text


def _expand_set(spec: str) -> str:
    spec = escapes(spec)
    classes = {"[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               "[:digit:]": "0123456789"}
    for k, v in classes.items():
        spec = spec.replace(k, v)
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            a, b = ord(spec[i]), ord(spec[i + 2])
            out.extend(chr(c) for c in range(a, b + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


def tr(data: str, set1: str, set2: str) -> str:
    a, b = _expand_set(set1), _expand_set(set2)
    if not a or not b:
        return data
    b = b + b[-1] * max(0, len(a) - len(b))
    return data.translate({ord(x): y for x, y in zip(a, b, strict=False)})


def _bytes(data: str | bytes) -> bytes:
    return data if isinstance(data, bytes) else data.encode("latin-1", "replace")


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def b64(data: str | bytes) -> bytes | None:
    raw = re.sub(rb"\s+", b"", _bytes(data))
    try:
        return base64.b64decode(raw + b"=" * (-len(raw) % 4), validate=False)
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
        except (binascii.Error, ValueError):
            return None


def b32(data: str | bytes) -> bytes | None:
    raw = re.sub(rb"\s+", b"", _bytes(data)).upper()
    try:
        return base64.b32decode(raw + b"=" * (-len(raw) % 8))
    except (binascii.Error, ValueError):
        return None


def unhex(data: str | bytes) -> bytes | None:
    raw = re.sub(rb"[\s:]|\\x|0x", b"", _bytes(data))
    try:
        return binascii.unhexlify(raw[: len(raw) // 2 * 2])
    except (binascii.Error, ValueError):
        return None


# a decompressor of one stream (zlib wbits 47: a zlib or a gzip stream, whichever it is)
_DECOMPRESSORS: dict[str, Callable[[], Any]] = {
    "gzip": functools.partial(zlib.decompressobj, 47), "zlib": functools.partial(zlib.decompressobj, 47),
    "bzip2": bz2.BZ2Decompressor, "xz": lzma.LZMADecompressor}


def decompress(data: str | bytes, how: str) -> bytes | None:
    """The data decompressed, every stream of it (gzip, bzip2 and xz tools undo concatenated
    streams), or None when it does not decompress. Never more than MAX_OUTPUT bytes are made:
    past that, PastLimit (a few kilobytes can hold gigabytes, and padding put first would push
    the line that matters past any cut)."""
    raw = _bytes(data)
    make = _DECOMPRESSORS.get(how)
    if make is None:
        return None
    out = bytearray()
    try:
        while raw:
            d = make()
            out += d.decompress(raw, MAX_OUTPUT + 1 - len(out))
            if len(out) > MAX_OUTPUT:
                raise bounds.PastLimit(f"not read: {how} output past {MAX_OUTPUT:,} bytes "
                                       f"(from {len(_bytes(data)):,} bytes compressed)")
            if not d.eof:
                return None                    # a stream cut short
            raw = d.unused_data if how != "zlib" else b""
            if raw.strip(b"\x00") == b"":
                break                          # gzip's zero padding after the last member
    except (OSError, zlib.error, lzma.LZMAError, ValueError, EOFError):
        return None
    return bytes(out)


def rot13(data: str) -> str:
    return codecs.decode(data, "rot13")


# A decoding program in a pipeline: (argv) -> name of the layer, or None.
_DECODERS = {"base64": "base64", "base32": "base32", "basenc": "base64", "xxd": "hex",
             "rev": "reverse", "tr": "tr", "gunzip": "gzip", "zcat": "gzip", "gzip": "gzip",
             "bzip2": "bzip2", "bunzip2": "bzip2", "bzcat": "bzip2", "xz": "xz", "unxz": "xz",
             "xzcat": "xz", "lzma": "xz", "unlzma": "xz", "openssl": "base64", "zlib-flate": "zlib",
             "uudecode": "uu", "od": "", "perl": "", "python3": ""}


# basenc's encodings, by option
_BASENC = {"--base64": "base64", "--base64url": "base64url", "--base32": "base32",
           "--base32hex": "base32hex", "--base16": "hex", "--base2msbf": "base2msbf",
           "--base2lsbf": "base2lsbf", "--z85": "z85"}
_Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"


def _basenc(layer: str, data: str | bytes) -> bytes | None:
    """basenc's other encodings undone: base64url, base32hex, base2 (either bit order), Z85."""
    text = re.sub(r"\s+", "", data if isinstance(data, str) else _text(data))
    try:
        if layer == "base64url":
            return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if layer == "base32hex":
            return base64.b32hexdecode(text + "=" * (-len(text) % 8))
        if layer in ("base2msbf", "base2lsbf"):
            if len(text) % 8 or set(text) - {"0", "1"}:
                return None
            groups = [text[i:i + 8] for i in range(0, len(text), 8)]
            return bytes(int(g if layer == "base2msbf" else g[::-1], 2) for g in groups)
        if len(text) % 5 or set(text) - set(_Z85):
            return None
        out = bytearray()
        for i in range(0, len(text), 5):
            n = 0
            for ch in text[i:i + 5]:
                n = n * 85 + _Z85.index(ch)
            out += n.to_bytes(4, "big")
        return bytes(out)
    except (ValueError, OverflowError):
        return None


def layer_of(argv: list[str]) -> str | None:
    """The layer a pipeline stage undoes (base64, hex, reverse, tr, gzip, …), or None if the
    stage is not a decoder (a plain `gzip` compresses; `base64` without -d encodes)."""
    if not argv:
        return None
    prog = argv[0].rsplit("/", 1)[-1]
    opts = " ".join(argv[1:])
    name = _DECODERS.get(prog)
    if not name:
        return None
    if prog in ("base64", "base32", "basenc"):
        if not re.search(r"(?:^|\s)(?:-\w*d\w*|--decode)\b", opts):
            return None
        return next((_BASENC[a] for a in argv[1:] if a in _BASENC), name) if prog == "basenc" \
            else name
    if prog == "openssl":
        if "-d" not in argv:
            return None
        b64 = (argv[1:2] == ["base64"] or re.search(r"(?:^|\s)-(?:base64|a)\b", opts))
        cipher = any(_CIPHER.match(a.lstrip("-")) for a in argv[1:]) or \
            (argv[1:2] and argv[1] != "enc" and _CIPHER.match(argv[1].lstrip("-")))
        if argv[1:2] == ["enc"] and b64 and not cipher:
            return "base64"           # `openssl enc -d -base64`: no cipher, only the encoding
        if argv[1:2] == ["enc"] or cipher:
            return "openssl enc"
        return "base64" if b64 else None
    if prog == "xxd":
        return "hex" if "-r" in opts else None
    if prog in ("gzip", "bzip2", "xz", "lzma"):
        return name if re.search(r"(?:^|\s)(?:-\w*d\w*|--decompress)\b", opts) else None
    if prog == "zlib-flate":
        return "zlib" if "-uncompress" in opts else None
    return name


_CIPHER = re.compile(r"^(aes)-(128|192|256)-(cbc|ecb|ctr|cfb|ofb)$", re.I)


def decrypt(data: str | bytes, argv: list[str]) -> bytes | None:
    """`openssl enc -d -CIPHER -K HEX -iv HEX [-a]` undone with the key written on the command
    line (AES); None with a passphrase (-k/-pass) or anything else."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

    words = argv[1:]
    opt = {w: words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-K", "-iv")}
    cipher = next((m for w in words if (m := _CIPHER.match(w.lstrip("-")))), None)
    if cipher is None or "-K" not in opt:
        return None
    raw = b64(data) if ("-a" in words or "-base64" in words) else _bytes(data)
    try:
        key, iv = bytes.fromhex(opt["-K"]), bytes.fromhex(opt.get("-iv", ""))
        algo = algorithms.AES
        if raw is None or len(key) * 8 != int(cipher.group(2)):
            return None
        mode_name = cipher.group(3).lower()
        dec = Cipher(algo(key), _mode(mode_name, iv)).decryptor()
        out = dec.update(raw) + dec.finalize()
        if mode_name in ("cbc", "ecb") and "-nopad" not in words:
            unpad = padding.PKCS7(128).unpadder()
            out = unpad.update(out) + unpad.finalize()
        return out
    except ValueError:
        return None


def _mode(name: str, iv: bytes) -> modes.ModeWithInitializationVector | modes.ModeWithNonce \
        | modes.ECB:
    """The block cipher mode `name` (one _CIPHER allows) with the initialisation vector."""
    from cryptography.hazmat.primitives.ciphers import modes
    if name == "ecb":
        return modes.ECB()
    if name == "ctr":
        return modes.CTR(iv)
    if name == "cfb":
        return modes.CFB(iv)
    if name == "ofb":
        return modes.OFB(iv)
    return modes.CBC(iv)


def uudecode(data: str | bytes) -> bytes | None:
    """uuencoded lines (Perl's pack('u'), uuencode without its begin/end lines)."""
    import binascii
    out = b""
    try:
        for line in _bytes(data).split(b"\n"):
            if not line.strip() or line.startswith((b"begin ", b"end")):
                continue
            out += binascii.a2b_uu(line)
    except binascii.Error:
        return None
    return out or None


# Python's codec names (codecs.decode, str/bytes .decode and .encode, with their aliases) of
# the transforms a layer here undoes; a text codec (utf-8, latin-1 …) changes nothing
PYTHON_CODECS = {"base64": "base64", "base_64": "base64", "base64_codec": "base64",
                 "hex": "hex", "hex_codec": "hex", "zip": "zlib", "zlib": "zlib",
                 "zlib_codec": "zlib", "bz2": "bzip2", "bz2_codec": "bzip2", "uu": "uu",
                 "uu_codec": "uu", "rot13": "rot13", "rot_13": "rot13", "quopri": "quopri",
                 "quotedprintable": "quopri", "quoted_printable": "quopri",
                 "quopri_codec": "quopri"}


def undo_noted(layer: str, data: str, decoded: dict[str, tuple[str, ...]]) -> str | None:
    """One layer of `data` undone as text (bytes read as Latin-1), or None when it does not
    decode; `decoded` notes the layers that made the text, after those that made `data` (a
    reader's record of what was concealed, for its evidence)."""
    out = undo(layer, data)
    if out is None:
        return None
    text = out if isinstance(out, str) else out.decode("latin-1")
    decoded[text] = decoded.get(data, ()) + (layer,)
    return text


def undo(layer: str, data: str | bytes, argv: list[str] | None = None) -> str | bytes | None:
    """One layer undone; None when the data does not decode. A value the agent masked as a
    secret (formats.wire.MASKED) undoes to itself: what it held is not known, and whatever
    runs it is seen running a masked value (commands.effects)."""
    if isinstance(data, str) and MASKED_PREFIX in data and (masked := MASKED.findall(data)):
        return " ".join(masked)
    if layer == "uu":
        return uudecode(data)
    if layer == "quopri":
        import quopri
        return quopri.decodestring(_bytes(data))
    if layer == "openssl enc":
        return decrypt(data, argv or [])
    if layer == "base64":
        return b64(data)
    if layer == "base32":
        return b32(data)
    if layer in ("base64url", "base32hex", "base2msbf", "base2lsbf", "z85"):
        return _basenc(layer, data)
    if layer in ("base85", "ascii85"):
        try:
            out = (base64.b85decode if layer == "base85" else base64.a85decode)(
                re.sub(rb"\s+", b"", _bytes(data)))
        except ValueError:
            return None
        return out[:MAX_OUTPUT]
    if layer == "hex":
        return unhex(data)
    if layer == "reverse":
        text = data if isinstance(data, str) else _text(data)
        return "\n".join(line[::-1] for line in text.split("\n"))
    if layer == "tr":
        words = [a for a in (argv or [])[1:] if not a.startswith("-")]
        if any(re.fullmatch(r"-\w*d\w*|--delete", a) for a in (argv or [])[1:]) and words:
            text = data if isinstance(data, str) else _text(data)
            gone = set(_expand_set(words[0]))
            return "".join(ch for ch in text if ch not in gone)
        if len(words) < 2:
            return None
        text = data if isinstance(data, str) else _text(data)
        return tr(text, words[0], words[1])
    if layer == "rot13":
        return rot13(data if isinstance(data, str) else _text(data))
    if layer in ("gzip", "zlib", "bzip2", "xz"):
        return decompress(data, layer)
    return None


def as_text(data: str | bytes) -> str | None:
    """Decoded bytes as a script, or None when they are not text (still compressed, binary)."""
    if isinstance(data, str):
        return data
    text = _text(data[:MAX_OUTPUT])
    ok = sum(ch.isprintable() or ch in "\n\t\r" for ch in text)
    if not text or ok / len(text) <= 0.9:
        return None
    if len(data) > MAX_OUTPUT:
        raise bounds.PastLimit(f"not read: a decoded script past {MAX_OUTPUT:,} bytes "
                               f"({len(data):,})")
    return text


# pickle opcodes that push a text or a number (their argument), and those that only bookkeep
_PICKLE_PUSH = frozenset({"UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8", "STRING",
                          "BINSTRING", "SHORT_BINSTRING", "BINBYTES", "SHORT_BINBYTES", "INT",
                          "BININT", "BININT1", "BININT2", "LONG", "LONG1", "FLOAT", "BINFLOAT"})
_PICKLE_SKIP = frozenset({"PROTO", "FRAME", "MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT", "STOP",
                          "POP", "NEWOBJ", "BUILD"})


def unpickled_calls(data: bytes) -> str | None:
    """The calls a pickle makes when it is loaded (a GLOBAL reduced with its arguments:
    `os.system('…')`, `subprocess.run([...])`), written as Python source, read without
    loading it (pickletools walks the opcodes). None when it holds none or does not parse."""
    import pickletools
    if len(data) > MAX_OBJECT:
        raise bounds.PastLimit(f"not read: a pickle past {MAX_OBJECT:,} bytes ({len(data):,})")
    stack: list[object] = []
    marks: list[int] = []
    memo: dict[int, object] = {}
    calls: list[str] = []
    try:
        for op, arg, _pos in pickletools.genops(data):
            name = op.name
            if name in _PICKLE_PUSH:
                stack.append(arg.decode("latin-1") if isinstance(arg, bytes) else arg)
            elif name == "GLOBAL":
                stack.append(Call(str(arg).replace(" ", ".")))
            elif name == "STACK_GLOBAL":
                attr, mod = stack.pop(), stack.pop()
                stack.append(Call(f"{mod}.{attr}"))
            elif name == "MARK":
                marks.append(len(stack))
            elif name in ("TUPLE", "LIST"):
                k = marks.pop()
                items = stack[k:]
                del stack[k:]
                stack.append(tuple(items) if name == "TUPLE" else list(items))
            elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
                n = int(name[-1])
                items = stack[len(stack) - n:]
                del stack[len(stack) - n:]
                stack.append(tuple(items))
            elif name in ("EMPTY_TUPLE", "EMPTY_LIST", "EMPTY_DICT"):
                stack.append({"EMPTY_TUPLE": (), "EMPTY_LIST": [], "EMPTY_DICT": {}}[name])
            elif name == "APPENDS":
                k = marks.pop()
                items = stack[k:]
                del stack[k:]
                target = stack[-1]
                if isinstance(target, list):
                    target.extend(items)
            elif name == "APPEND":
                item = stack.pop()
                if isinstance(stack[-1], list):
                    stack[-1].append(item)
            elif name in ("NONE", "NEWTRUE", "NEWFALSE"):
                stack.append({"NONE": None, "NEWTRUE": True, "NEWFALSE": False}[name])
            elif name in ("BINGET", "GET", "LONG_BINGET"):
                stack.append(memo.get(int(str(arg)), None))
            elif name == "REDUCE":
                args, fn = stack.pop(), stack.pop()
                if isinstance(fn, Call) and isinstance(args, tuple):
                    calls.append(f"{fn.name}({', '.join(map(repr, args))})")
                stack.append(None)
            elif name not in _PICKLE_SKIP:
                return None
            if name in ("MEMOIZE",) and stack:
                memo[len(memo)] = stack[-1]
            elif name in ("PUT", "BINPUT", "LONG_BINPUT") and stack:
                memo[int(str(arg))] = stack[-1]
    except (ValueError, IndexError, KeyError, TypeError):
        return None
    if not calls:
        return None
    modules = sorted({c.split("(", 1)[0].rsplit(".", 1)[0] for c in calls if "." in c.split("(", 1)[0]})
    head = "".join(f"import {m.replace('posix', 'os')}\n" for m in modules)
    return head + "".join(c.replace("posix.", "os.", 1) + "\n" for c in calls)


class Call:
    """A callable a pickle names (module.attribute)."""

    def __init__(self, name: str) -> None:
        self.name = name


_NO_STACK = frozenset({"PUSH_NULL", "PRECALL", "NOP", "RESUME", "CACHE", "COPY_FREE_VARS",
                       "EXTENDED_ARG", "MAKE_CELL"})


@functools.lru_cache(maxsize=64)
def unmarshalled_calls(data: bytes) -> str | None:
    """The calls a marshalled module code object makes, written as Python source (see
    calls_of_marshalled); None when the data is no code object or it makes no call.
    marshal.loads is not safe on hostile data (CPython says so: a crafted object can crash the
    interpreter), so it is undone in a child process. A code object that process cannot read
    (made by another Python version, crafted, past MAX_OBJECT) or that crashes it or takes too
    long is PastLimit: code a job conceals and that nobody can read is never benign. A job's
    reader asks for at most bounds.MAX_CHILDREN of them (resolve.Job.spawn)."""
    import subprocess
    import sys
    if len(data) > MAX_OBJECT:
        raise bounds.PastLimit(f"not read: a marshalled code object past {MAX_OBJECT:,} "
                               f"bytes ({len(data):,})")
    child = ("import sys\nfrom lineguard.collector.analyse.effects.decode import "
             "calls_of_marshalled\nr = calls_of_marshalled(sys.stdin.buffer.read())\n"
             "sys.stdout.write('\\x00' if r is None else r)\n")
    try:
        done = subprocess.run([sys.executable, "-I", "-c", child], input=data,
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        raise bounds.PastLimit("not read: a marshalled code object this Python cannot read "
                               "(made by another Python version, or crafted)")
    out = done.stdout.decode("utf-8", "replace")
    return None if out == "\x00" else out


def calls_of_marshalled(data: bytes) -> str | None:
    """The calls a marshalled module code object makes, written as Python source: its
    imports, names, attributes, constants, lists and calls followed on a symbolic stack (the
    code is never run); a marshalled text is the source itself (exec runs it as it is). None
    when it is neither or makes no call; ValueError when this Python cannot read it. Loads
    hostile data: call it only in a process of its own."""
    import dis
    import marshal
    import types
    if len(data) > MAX_OBJECT:
        raise ValueError("past MAX_OBJECT")
    try:
        code = marshal.loads(data)
    except (EOFError, TypeError) as e:
        raise ValueError(str(e)) from None
    if isinstance(code, str | bytes):
        return _text(code) if isinstance(code, bytes) else code
    if not isinstance(code, types.CodeType):
        return None
    stack: list[object] = []
    names: dict[str, object] = {}
    calls: list[str] = []
    imports: list[str] = []
    kwnames: tuple[str, ...] = ()
    for ins in dis.get_instructions(code):
        op, arg = ins.opname, ins.argval
        try:
            if op in _NO_STACK:
                continue
            if op == "IMPORT_NAME":
                del stack[-2:]
                imports.append(str(arg))
                stack.append(Call(str(arg)))
            elif op in ("STORE_NAME", "STORE_GLOBAL", "STORE_FAST"):
                names[str(arg)] = stack.pop()
            elif op in ("LOAD_NAME", "LOAD_GLOBAL", "LOAD_FAST"):
                stack.append(names.get(str(arg), Call(str(arg))))
            elif op in ("LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM"):
                base = stack.pop() if op != "IMPORT_FROM" else stack[-1]
                head = base.name if isinstance(base, Call) else repr(base)
                stack.append(Call(f"{head}.{arg}"))
            elif op == "LOAD_CONST":
                stack.append(arg)
            elif op in ("BUILD_LIST", "BUILD_TUPLE"):
                n = int(ins.arg or 0)
                items = stack[len(stack) - n:] if n else []
                del stack[len(stack) - n:]
                stack.append(list(items) if op == "BUILD_LIST" else tuple(items))
            elif op == "LIST_EXTEND":
                more = stack.pop()
                if isinstance(stack[-1], list) and isinstance(more, list | tuple):
                    stack[-1] = [*stack[-1], *more]
            elif op == "KW_NAMES":
                held = code.co_consts[ins.arg] if ins.arg is not None and \
                    ins.arg < len(code.co_consts) else ()
                kwnames = tuple(held) if isinstance(held, tuple) else ()
            elif op == "CALL":
                n = int(ins.arg or 0)
                args = stack[len(stack) - n:] if n else []
                del stack[len(stack) - n:]
                fn = stack.pop()
                pos, kws = args[:len(args) - len(kwnames)], args[len(args) - len(kwnames):]
                parts = [repr(a) for a in pos] + [f"{k}={v!r}" for k, v in zip(kwnames, kws,
                                                                                  strict=False)]
                if isinstance(fn, Call):
                    calls.append(f"{fn.name}({', '.join(parts)})")
                kwnames = ()
                stack.append(Call("_"))
            elif op == "POP_TOP":
                stack.pop()
            elif op in ("RETURN_VALUE", "RETURN_CONST"):
                break
        except (IndexError, AttributeError):
            raise ValueError(f"{op} not followed") from None
    if not calls:
        return None
    return "".join(f"import {m}\n" for m in dict.fromkeys(imports)) + "\n".join(calls) + "\n"
