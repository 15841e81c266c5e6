"""The installed distribution's version, for both programs' --version."""

from __future__ import annotations


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("lineguard")
    except PackageNotFoundError:
        return "unknown (not installed)"
