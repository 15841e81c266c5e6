"""Reading the TOML files people write (agent config, inventory, credentials, collector settings)
with one-line errors that name the file and what was wrong, and strict keys: a misspelt key is an
error naming the closest valid one, never a setting silently ignored."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def read_toml(path: Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """The document in `path`; any problem raises `error` with a one-line message about `what`."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise error(f"cannot read {what} {path}: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise error(f"{what} {path} is not valid TOML: {e}") from None


def unknown_key(key: str, known: Iterable[str]) -> str:
    """`unknown key 'alert_treshold'; did you mean 'alert_threshold'?` (or the valid keys)."""
    valid = sorted(known)
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(valid)}"
    return f"unknown key {key!r}; {hint}"


def check_keys(table: Mapping[str, Any], known: Iterable[str], where: str,
               error: type[Exception]) -> None:
    """Raise `error` for the first key of `table` that is not in `known`."""
    valid = set(known)
    for key in table:
        if key not in valid:
            raise error(f"{where}: {unknown_key(key, valid)}")
