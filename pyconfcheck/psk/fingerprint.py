"""Fingerprints of keys.psk entries, and comparing two hosts' keys.

A fingerprint is the first 16 hex digits of SHA-256 over the identity, a
NUL byte and the decoded key bytes: the same key written in upper or lower
case hex has the same fingerprint, and the same key under two identities
does not.  A key under 16 bytes gets no fingerprint, since 64 bits of a
hash of a short key printed in a CI log could be brute-forced.
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional

from ..report.redact import printable
from . import keyfile

FINGERPRINT_DIGITS = 16
MIN_FINGERPRINT_BYTES = 16


def fingerprint(identity: bytes, key: bytes) -> str:
    digest = hashlib.sha256(identity + b"\0" + key).hexdigest()
    return digest[:FINGERPRINT_DIGITS]


@dataclass
class Entry:
    #: the identity as ``show_name`` shows it (quoted)
    identity: str
    line: Optional[int]
    bytes: Optional[int]
    fingerprint: Optional[str]
    #: why there is no fingerprint, if there is none
    warning: Optional[str] = None


def entries(data: bytes) -> List[Entry]:
    """One entry per identity the file names, in file order.

    Each identity is looked up as both readers look it up; when they do not
    agree on one usable key there is a warning instead of a fingerprint.
    """
    return [_entry(data, name, shown) for name, shown in _identities(data)]


def _identities(data: bytes):
    """(name, name as shown) for each identity, once, in file order.

    A name written as a long ``#<hex>`` field anywhere is described on
    every line: its decoded bytes may be a key.
    """
    names = list(_names(data))
    hex_written = {name for name, written in names if written}
    return [(name, keyfile.show_name(name, name in hex_written))
            for name in dict.fromkeys(name for name, _ in names)]


def _entry(data: bytes, name: bytes, shown: str) -> Entry:
    client = keyfile.client_lookup(data, name)
    server = keyfile.server_lookup(data, name)
    line = client.line or server.line
    if not (client.works and server.works):
        defect = client.defect or server.defect
        why = defect.reason if defect else (
            "only one of QEMU (source) and GnuTLS (destination) finds it")
        return Entry(shown, line, None, None,
                     f"no fingerprint: {why} (run `confcheck psk check`)")
    if client.key != server.key:
        return Entry(shown, line, None, None,
                     "no fingerprint: the source and the destination use "
                     f"different keys (lines {client.line} and "
                     f"{server.line})")
    if len(client.key) < MIN_FINGERPRINT_BYTES:
        return Entry(shown, line, len(client.key), None,
                     f"no fingerprint: the key is only {len(client.key)} "
                     "bytes; a fingerprint of so short a key could be "
                     "brute-forced")
    return Entry(shown, line, len(client.key),
                 fingerprint(name, client.key))


def holds_a_key(data: bytes) -> bool:
    """Whether a key file has a line QEMU or GnuTLS takes a key from.

    A file without one (junk, an error message piped in, comments) is no
    side to compare: its "identities" would only list as "only in B".
    """
    return any(keyfile.client_lookup(data, name).works or
               keyfile.server_lookup(data, name).works
               for name, _shown in _identities(data))


def private_digests(data: bytes) -> Dict[str, Optional[str]]:
    """{identity: full SHA-256} for comparing two key files in memory.

    Never printed: it exists so that two key files with short keys can
    still be compared.
    """
    result = {}
    for raw, shown in _identities(data):
        client = keyfile.client_lookup(data, raw)
        server = keyfile.server_lookup(data, raw)
        if client.works and server.works and client.key == server.key:
            result[shown] = hashlib.sha256(
                raw + b"\0" + client.key).hexdigest()
        else:
            result[shown] = None
    return result


def _names(data: bytes):
    """(name, whether written as ``#<hex>``) for every line with a name."""
    for line in keyfile.split_lines(data):
        text = line.text.split(b"\0", 1)[0]
        if b":" not in text:
            continue
        field = text.split(b":", 1)[0]
        if field.startswith(b"#"):
            field = keyfile.hex_name(field[1:])
            if field is None:
                continue
            yield field, True
        else:
            yield field, False


# -- the saved form ---------------------------------------------------------

TEXT_HEADER = "# confcheck psk fingerprint"
_TEXT_LINE_START = re.compile(
    r'^(?P<identity>".*"|<.*>)\s+line (?P<line>\d+)\s+(?P<bytes>\d+|\?) bytes')
_TEXT_LINE = re.compile(
    _TEXT_LINE_START.pattern +
    r'\s+(?P<fingerprint>[0-9a-f]{16}|-)(?:\s.*)?$')
_FINGERPRINT = re.compile(r"[0-9a-f]{%d}" % FINGERPRINT_DIGITS)
#: how ``keyfile.show_name`` begins a name it describes
_DESCRIBED = "<a name "
#: a name in a saved list that holds part of a key
_KEY_LIKE = re.compile(r"[0-9A-Fa-f]{16}")


def render_text(path: str, found: List[Entry]) -> str:
    out = [f"{TEXT_HEADER} of {printable(path)}"]
    for entry in found:
        size = f"{entry.bytes} bytes" if entry.bytes is not None else \
            "? bytes"
        out.append(f"{entry.identity}  line {entry.line}  {size}  "
                   f"{entry.fingerprint or '-'}"
                   + (f"  # {entry.warning}" if entry.warning else ""))
    return "\n".join(out) + "\n"


def render_json(path: str, found: List[Entry]) -> str:
    items = []
    for entry in found:
        item = asdict(entry)
        item["identity"] = unquote(entry.identity)
        items.append(item)
    document = {"version": 1, "file": printable(path), "identities": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def unquote(shown: str) -> str:
    """JSON carries the name itself; text quotes it (``show_name``)."""
    return shown[1:-1] if shown.startswith('"') else shown


def _requote(name: str) -> str:
    if name.startswith(_DESCRIBED) and name.endswith(">"):
        return name
    return '"' + name + '"'


def _listed_name(shown: str) -> str:
    """A name read from a saved list, as compare may print it.

    confcheck describes key-like names when it saves a list; a list made
    or edited elsewhere may not have, so its names are masked here too.
    """
    if _KEY_LIKE.search(shown) and not shown.startswith(_DESCRIBED):
        return "<a name with a long run of hex digits>"
    return shown


class SavedListError(ValueError):
    """A saved fingerprint list that cannot be read; ``str()`` says why."""


def parse_saved(data: bytes) -> Optional[Dict[str, Optional[str]]]:
    """{identity: fingerprint or None} from a saved fingerprint list, or
    None when ``data`` is not one (then it is a key file).

    A list that is damaged (cut off, edited, of another version) raises
    ``SavedListError``: read as a key file, it would report every
    identity "only in A" and exit 0.
    """
    text = data.decode("utf-8", "replace")
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        # No key file starts with "{" or "[" (no identity does).
        return _parse_json(text)
    if stripped.startswith(TEXT_HEADER):
        return _parse_text(stripped)
    if "\n" not in stripped and len(stripped) >= 3 and \
            TEXT_HEADER.startswith(stripped):
        raise SavedListError("a fingerprint list cut off in its first line")
    return None


def _parse_text(text: str) -> Dict[str, Optional[str]]:
    lines = text.split("\n")
    if not text.endswith("\n"):
        raise SavedListError(f"line {len(lines)}: the fingerprint list "
                             "ends without a newline, so it was cut off")
    result = {}
    for number, line in enumerate(lines[1:-1], start=2):
        match = _TEXT_LINE.match(line)
        if match:
            value = match.group("fingerprint")
            name = _listed_name(match.group("identity"))
            result[name] = None if value == "-" else value
        elif _TEXT_LINE_START.match(line):
            raise SavedListError(f"line {number}: the fingerprint is not "
                                 f"{FINGERPRINT_DIGITS} hex digits or '-' "
                                 "(cut short or edited?)")
        elif line.strip():
            raise SavedListError(f"line {number} is not a line of "
                                 "`confcheck psk fingerprint` (cut off or "
                                 "edited?)")
    return result


_JSON_DAMAGED = ("not a fingerprint list saved with `confcheck psk "
                 "fingerprint --format json`")


def _parse_json(text: str) -> Dict[str, Optional[str]]:
    def damaged(why: str) -> SavedListError:
        return SavedListError(f"{_JSON_DAMAGED} ({why})")

    try:
        document = json.loads(text)
    except ValueError as exc:
        where = (f" at line {exc.lineno}, column {exc.colno}"
                 if isinstance(exc, json.JSONDecodeError) else "")
        message = getattr(exc, "msg", "not JSON")
        raise damaged(f"invalid JSON{where}: {message}") from None
    if not isinstance(document, dict):
        raise damaged(f"a JSON {_json_kind(document)}, not an object")
    version = document.get("version")
    if version != 1:
        shown = version if isinstance(version, int) else "missing"
        raise damaged(f"version {shown}; this confcheck reads version 1")
    items = document.get("identities")
    if not isinstance(items, list):
        raise damaged('"identities" is missing or not a list')
    result = {}
    for index, item in enumerate(items):
        where = f"identities[{index}]"
        if not isinstance(item, dict):
            raise damaged(f"{where} is a JSON {_json_kind(item)}, not an "
                          "object")
        name = item.get("identity")
        if not isinstance(name, str) or not name:
            raise damaged(f'{where}: "identity" is missing or not a '
                          "non-empty string")
        value = item.get("fingerprint")
        if value is not None and not (isinstance(value, str) and
                                      _FINGERPRINT.fullmatch(value)):
            raise damaged(f'{where}: "fingerprint" is neither null nor '
                          f"{FINGERPRINT_DIGITS} hex digits")
        result[_listed_name(_requote(name))] = value
    return result


def _json_kind(value) -> str:
    kinds = ((bool, "boolean"), (int, "number"), (float, "number"),
             (str, "string"), (list, "array"), (dict, "object"))
    return next((kind for cls, kind in kinds if isinstance(value, cls)),
                "null")


def as_fingerprints(data: bytes) -> Dict[str, Optional[str]]:
    """{identity: fingerprint or None} for a key file or a saved list."""
    saved = parse_saved(data)
    if saved is not None:
        return saved
    return {entry.identity: entry.fingerprint for entry in entries(data)}


SAME, DIFFERENT, ONLY_A, ONLY_B, UNKNOWN = (
    "same", "different", "only in A", "only in B", "cannot compare")


def compare(a: Dict[str, Optional[str]], b: Dict[str, Optional[str]]
            ) -> List[tuple]:
    """[(identity, verdict)] for every identity of either side."""
    rows = []
    for identity in list(a) + [name for name in b if name not in a]:
        if identity not in b:
            rows.append((identity, ONLY_A))
        elif identity not in a:
            rows.append((identity, ONLY_B))
        elif a[identity] is None or b[identity] is None:
            rows.append((identity, UNKNOWN))
        elif a[identity] == b[identity]:
            rows.append((identity, SAME))
        else:
            rows.append((identity, DIFFERENT))
    return rows
