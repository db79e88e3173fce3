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
    found, seen = [], set()
    for name in _names(data):
        if name not in seen:
            seen.add(name)
            found.append(_entry(data, name))
    return found


def _entry(data: bytes, name: bytes) -> Entry:
    shown = keyfile.show_name(name)
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


def private_digests(data: bytes) -> Dict[str, Optional[str]]:
    """{identity: full SHA-256} for comparing two key files in memory.

    Never printed: it exists so that two key files with short keys can
    still be compared.
    """
    result = {}
    for entry in entries(data):
        raw = _raw_name(data, entry.identity)
        client = keyfile.client_lookup(data, raw) if raw is not None \
            else None
        server = keyfile.server_lookup(data, raw) if raw is not None \
            else None
        if client is not None and client.works and server.works and \
                client.key == server.key:
            result[entry.identity] = hashlib.sha256(
                raw + b"\0" + client.key).hexdigest()
        else:
            result[entry.identity] = None
    return result


def _raw_name(data: bytes, shown: str) -> Optional[bytes]:
    for name in _names(data):
        if keyfile.show_name(name) == shown:
            return name
    return None


def _names(data: bytes):
    for line in keyfile.split_lines(data):
        text = line.text.split(b"\0", 1)[0]
        if b":" not in text:
            continue
        field = text.split(b":", 1)[0]
        if field.startswith(b"#"):
            field = keyfile.hex_name(field[1:])
            if field is None:
                continue
        yield field


# -- the saved form ---------------------------------------------------------

_TEXT_LINE = re.compile(
    r'^(?P<identity>".*"|<.*>)\s+line (?P<line>\d+)\s+(?P<bytes>\d+|\?) bytes'
    r'\s+(?P<fingerprint>[0-9a-f]{16}|-)(?:\s.*)?$')


def render_text(path: str, found: List[Entry]) -> str:
    out = [f"# confcheck psk fingerprint of {path}"]
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
    document = {"version": 1, "file": path, "identities": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def unquote(shown: str) -> str:
    """JSON carries the name itself; text quotes it (``show_name``)."""
    return shown[1:-1] if shown.startswith('"') else shown


def _requote(name: str) -> str:
    if name.startswith("<a name of ") and name.endswith(">"):
        return name
    return '"' + name + '"'


class SavedListError(ValueError):
    """A saved fingerprint list that cannot be read; ``str()`` says why."""


def parse_saved(data: bytes) -> Optional[Dict[str, Optional[str]]]:
    """{identity: fingerprint or None} from a saved fingerprint list, or
    None when ``data`` is not one (then it is a key file)."""
    text = data.decode("utf-8", "replace")
    stripped = text.lstrip()
    if stripped.startswith("{"):
        # No key file starts with "{": this is a damaged saved list, and
        # reading it as keys would report every identity "only in A".
        try:
            document = json.loads(text)
            return {_requote(item["identity"]): item.get("fingerprint")
                    for item in document["identities"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise SavedListError(
                "not a fingerprint list saved with `confcheck psk "
                f"fingerprint --format json` ({type(exc).__name__})"
            ) from None
    if not stripped.startswith("# confcheck psk fingerprint"):
        return None
    result = {}
    for line in text.splitlines()[1:]:
        match = _TEXT_LINE.match(line)
        if match:
            value = match.group("fingerprint")
            result[match.group("identity")] = None if value == "-" else value
    return result


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
