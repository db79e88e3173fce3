"""``.confcheck.toml``: the command line's choices, kept in the repository.

The file is looked for in the working directory and then in each parent,
like ruff and yamllint find theirs; ``--config PATH`` names one instead.
Keys are the long option names without their dashes:

    select = ["STA", "TYP"]
    ignore = ["HOST002"]
    strict = true
    exit-zero = false
    format = "text"
    color = "auto"
    libvirt-version = "9.0"
    no-host = true
    session = false

An option given on the command line wins over the file; ``ignore`` lists
from both places add up.
"""

import os
from typing import Any, Dict, Optional

FILE_NAME = ".confcheck.toml"

#: A configuration is a few lines; anything this large is the wrong file.
CONFIG_SIZE_LIMIT = 1 << 20

#: key -> (accepted Python types, description for messages)
_KEYS = {
    "select": ((list, str), "a list of codes"),
    "ignore": ((list, str), "a list of codes"),
    "strict": ((bool,), "true or false"),
    "exit-zero": ((bool,), "true or false"),
    "format": ((str,), "a format name"),
    "color": ((str,), "auto, always or never"),
    "libvirt-version": ((str,), "a version like \"9.0\""),
    "no-host": ((bool,), "true or false"),
    "session": ((bool,), "true or false"),
}


class ConfigError(Exception):
    """A config file that cannot be used; ``str()`` is the one line."""


def find(start: Optional[str] = None) -> Optional[str]:
    """The nearest ``.confcheck.toml`` from ``start`` upward, or None."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(directory, FILE_NAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load(path: str) -> Dict[str, Any]:
    """The checked settings of one file (keys as written, with dashes)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python before 3.11
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ConfigError(f"{path}: reading TOML needs Python 3.11 or "
                              "the tomli package") from None

    from .reader import ReadError, read_limited

    try:
        # The safe reader: a FIFO or a device named here must not hang.
        raw = read_limited(path, CONFIG_SIZE_LIMIT)
    except ReadError as exc:
        raise ConfigError(str(exc)) from None
    if len(raw) > CONFIG_SIZE_LIMIT:
        raise ConfigError(f"{path}: larger than %d KiB; not a confcheck "
                          "configuration" % (CONFIG_SIZE_LIMIT >> 10))
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: bytes that are not "
                          f"UTF-8 at offset {exc.start}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None

    # A [confcheck] table is accepted too, for files shared with others.
    if set(data) == {"confcheck"} and isinstance(data["confcheck"], dict):
        data = data["confcheck"]

    for key, value in data.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: unknown key '{key}' (known: {known})")
        types, description = _KEYS[key]
        if not isinstance(value, types) or (
                isinstance(value, list)
                and not all(isinstance(item, str) for item in value)):
            raise ConfigError(f"{path}: '{key}' must be {description}")
    return data


def as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)
