"""libvirt's typed getters (virConfGetValue*), as the QEMU driver uses them.

``get(value, kind, name)`` returns ``(python_value, error)``.  ``error`` is
None on success, else a :class:`GetterError` with the getter's message
without the "<file>: " prefix and the error class libvirt reports it under
("internal error", "configuration file syntax error", ...).
"""

from dataclasses import dataclass
from typing import Any, Optional, Tuple

from .. import settings
from .virconf import LIST, SIGNED, STRING, UNSIGNED, Value

_INT_MIN = -(1 << 31)
_INT_MAX = (1 << 31) - 1
_UINT_MAX = (1 << 32) - 1
_LLONG_MAX = (1 << 63) - 1
_ULLONG_MOD = 1 << 64

INTERNAL = "internal error"
SYNTAX = "configuration file syntax error"
UNSUPPORTED = "unsupported configuration"


@dataclass(frozen=True)
class GetterError:
    message: str
    prefix: str = INTERNAL


def get(value: Value, kind: str, name: str
        ) -> Tuple[Any, Optional[GetterError]]:
    """Read ``value`` for setting ``name`` as libvirt's getter of ``kind``."""
    reader = _READERS[kind]
    return reader(value, name)


def _string(value, name):
    if value.type != STRING:
        return None, GetterError(f"expected a string for '{name}' parameter")
    return value.value, None


def _bool(value, name):
    if value.type != UNSIGNED:
        return None, GetterError(f"expected a bool for '{name}' parameter")
    if value.value > 1:
        return None, GetterError(
            f"value for '{name}' parameter must be 0 or 1")
    return bool(value.value), None


def _int(value, name):
    if value.type not in (SIGNED, UNSIGNED):
        return None, GetterError(
            f"expected a signed integer for '{name}' parameter")
    # libvirt keeps both kinds of number in one 64-bit slot and the int
    # getter reads it as signed, so 18446744073709551615 is -1 to it.
    number = value.value
    if number > _LLONG_MAX:
        number -= _ULLONG_MOD
    if not _INT_MIN <= number <= _INT_MAX:
        return None, GetterError(
            f"value for '{name}' parameter must be in range "
            f"{_INT_MIN}:{_INT_MAX}")
    return number, None


def _uint(value, name):
    if value.type != UNSIGNED:
        return None, GetterError(
            f"expected an unsigned integer for '{name}' parameter")
    if value.value > _UINT_MAX:
        return None, GetterError(
            f"value for '{name}' parameter must be in range 0:{_UINT_MAX}")
    return value.value, None


def _list(value, name):
    if value.type != LIST:
        return None, GetterError(
            f"expected a string list for '{name}' parameter")
    if any(item.type != STRING for item in value.value):
        return None, GetterError(
            f"expected a string list for '{name}' parameter", SYNTAX)
    return [item.value for item in value.value], None


def _string_or_list(value, name):
    if value.type == STRING:
        return [value.value], None
    if value.type == LIST:
        # A list is read exactly as by the list-only getter, error included.
        return _list(value, name)
    return None, GetterError(
        f"expected a string or string list for '{name}' parameter")


def _max_core(value, name):
    if value.type == STRING:
        if value.value != "unlimited":
            return None, GetterError(f"Unknown core size '{value.value}'",
                                     UNSUPPORTED)
        return "unlimited", None
    if value.type != UNSIGNED:
        return None, GetterError(
            f"expected an unsigned integer for '{name}' parameter")
    return value.value, None


_SIZE_SUFFIXES = {
    "b": 1, "byte": 1, "bytes": 1,
    "k": 1024, "kib": 1024, "kb": 1000,
    "m": 1024 ** 2, "mib": 1024 ** 2, "mb": 1000 ** 2,
    "g": 1024 ** 3, "gib": 1024 ** 3, "gb": 1000 ** 3,
    "t": 1024 ** 4, "tib": 1024 ** 4, "tb": 1000 ** 4,
    "p": 1024 ** 5, "pib": 1024 ** 5, "pb": 1000 ** 5,
    "e": 1024 ** 6, "eib": 1024 ** 6, "eb": 1000 ** 6,
}


def _size(value, name):
    # libvirt 12.x only; the getter's source was not available, this
    # follows the suffix rules of libvirt's scaling helper.
    if value.type == UNSIGNED:
        return value.value, None
    if value.type == STRING:
        text = value.value
        digits = len(text) - len(text.lstrip("0123456789"))
        number, suffix = text[:digits], text[digits:].strip().lower()
        if number and suffix in _SIZE_SUFFIXES:
            scaled = int(number) * _SIZE_SUFFIXES[suffix]
            if scaled >= 1 << 64:
                return None, GetterError(f"value too large: {text}")
            return scaled, None
        if number and suffix:
            return None, GetterError(f"unknown suffix '{suffix}'")
    return None, GetterError(
        f"expected an unsigned integer or a size string for '{name}' "
        "parameter")


def _unread(value, name):
    return None, None


_READERS = {
    settings.BOOL: _bool,
    settings.INT: _int,
    settings.UINT: _uint,
    settings.STRING: _string,
    settings.LIST: _list,
    settings.STRING_OR_LIST: _string_or_list,
    settings.MAX_CORE: _max_core,
    settings.SIZE: _size,
    settings.UNREAD: _unread,
}
