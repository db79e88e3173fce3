"""keys.psk as the two programs that read it see it.

A migration source runs QEMU's ``tls-creds-psk`` object with
``endpoint=client``: QEMU reads the file once, at object creation, and
looks the identity up itself.  A migration destination runs it with
``endpoint=server``: GnuTLS reads the file again at every handshake.  The
two lookups differ (facts/psk.md section 2), so each is modelled here on
its own and every finding says which side fails.

``client_lookup`` and ``server_lookup`` are exact models of the two
readers (QEMU 7.2, GnuTLS 3.7.9); tests/test_psk_oracle.py proves them
against the real programs.  ``analyse`` turns their answers into findings.

Positions: lines are split at LF only (as both readers split them), so a
file with CR-only line ends is one line; columns are 1-based byte offsets.
Nothing here puts key material into a message.
"""

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..findings import ERROR, INFO, STAGE_MIGRATION, WARNING, Finding

SOURCE = "source"
DESTINATION = "destination"
BOTH = "both"

#: GnuTLS refuses client keys shorter than this (bytes).
MIN_KEY_BYTES = 4
#: Shorter keys load, but are weak; psktool makes 32 by default.
RECOMMENDED_KEY_BYTES = 16
#: RFC 4279's interoperable identity length.
SAFE_IDENTITY_BYTES = 128

BOM = b"\xef\xbb\xbf"
#: 16 hex digits in a row may be part of a key: never shown in a name
_LONG_HEX = 16
_LONG_HEX_RUN = re.compile(rb"[0-9A-Fa-f]{%d}" % _LONG_HEX)
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_BLANKS = b" \t"


# -- the file as lines ------------------------------------------------------


@dataclass(frozen=True)
class KeyLine:
    """One line of the file, split at LF like both readers split it."""

    number: int
    #: the bytes of the line, without its LF
    text: bytes
    #: whether an LF ended it (False only for a last line without one)
    has_newline: bool


def split_lines(data: bytes) -> List[KeyLine]:
    lines = []
    pieces = data.split(b"\n")
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        if last and not piece:
            break
        lines.append(KeyLine(index + 1, piece, not last))
    return lines


# -- judging a key ----------------------------------------------------------


@dataclass(frozen=True)
class Defect:
    """Why a reader cannot use a line: a rule code, a column, a reason."""

    code: str
    column: int
    reason: str


def judge_key(text: bytes, column: int) -> Tuple[Optional[bytes],
                                                 Optional[Defect]]:
    """(decoded key, None) or (None, why) for the key text a reader took.

    ``column`` is where ``text`` starts on its line.  Both readers end in
    the same GnuTLS hex decoder: an even number of hex digits of either
    case, nothing else, and at least 4 bytes for a client to accept it.
    """
    if not text:
        return None, Defect("PSK017", column, "the key is empty")

    if text[:2] in (b"0x", b"0X"):
        return None, Defect("PSK012", column,
                            'the key starts with "0x"; write the hex '
                            "digits only")

    for offset, byte in enumerate(text):
        if byte in _HEX_DIGITS:
            continue
        where = column + offset
        rest = text[offset:]
        if byte == 0x0D and offset == len(text) - 1:
            return None, Defect("PSK013", where,
                                "the line ends in CR LF (a Windows line "
                                "end); the CR is read as part of the key")
        if byte == 0x0D:
            return None, Defect("PSK013", where,
                                "a CR inside the line: with CR-only line "
                                "ends both readers see one long line")
        if byte in _BLANKS and offset == 0:
            return None, Defect("PSK014", where,
                                "whitespace after ':' is read as part of "
                                "the key")
        if byte in _BLANKS and not rest.strip(_BLANKS):
            return None, Defect("PSK014", where,
                                "trailing whitespace is read as part of "
                                "the key")
        if byte in _BLANKS:
            return None, Defect("PSK014", where,
                                "whitespace inside the key")
        if byte == ord(":"):
            return None, Defect("PSK010", where,
                                "a second ':' in the key (an extra field, "
                                "or bytes separated by colons)")
        return None, Defect("PSK010", where,
                            f"the key has a character that is not a hex "
                            f"digit at byte {offset + 1} of the key")

    if len(text) % 2:
        return None, Defect("PSK011", column,
                            f"the key has an odd number of hex digits "
                            f"({len(text)})")

    key = bytes.fromhex(text.decode("ascii"))
    if len(key) < MIN_KEY_BYTES:
        return None, Defect("PSK018", column,
                            f"the key is only {len(key)} byte"
                            f"{'s' if len(key) != 1 else ''}; GnuTLS "
                            f"needs at least {MIN_KEY_BYTES}")
    return key, None


# -- the two readers --------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """What one reader does for one identity.

    ``line`` is the line it uses (None: not found); ``key`` the decoded key
    when it can use it; ``defect`` why it cannot, if it found a line.
    """

    line: Optional[int]
    key: Optional[bytes] = None
    defect: Optional[Defect] = None

    @property
    def works(self) -> bool:
        return self.key is not None


def client_lookup(data: bytes, identity: bytes) -> Lookup:
    """QEMU as a migration source (``tls-creds-psk``, endpoint=client).

    QEMU reads the file as a C string (nothing after a NUL exists), splits
    it at LF, trims nothing, takes the first line that starts with
    ``identity:`` and hex-decodes the rest of that line.
    """
    visible = data.split(b"\0", 1)[0]
    prefix = identity + b":"
    for line in split_lines(visible):
        if line.text.startswith(prefix):
            key, defect = judge_key(line.text[len(prefix):], len(prefix) + 1)
            return Lookup(line.number, key, defect)
    return Lookup(None)


def hex_name(field: bytes) -> Optional[bytes]:
    """The identity a ``#<hex>`` name field stands for, or None."""
    if len(field) % 2 or any(byte not in _HEX_DIGITS for byte in field):
        return None
    return bytes.fromhex(field.decode("ascii"))


def _server_name_end(raw: bytes) -> int:
    """Where GnuTLS's name field ends: the first ':' or NUL."""
    for index, byte in enumerate(raw):
        if byte in (0, ord(":")):
            return index
    return len(raw)


def _server_matches(raw: bytes, identity: bytes) -> bool:
    """Whether GnuTLS takes line ``raw`` as the entry of ``identity``.

    The whole name field must equal the identity: a name with ':' never
    matches its literal line ("a:b:<key>" has the name "a"), not even
    when the identity's bytes begin that line (the oracle's
    identity-with-colon-* variants prove it against GnuTLS 3.7.9).
    """
    end = _server_name_end(raw)
    if raw.startswith(b"#") and len(raw) > 1:
        return hex_name(raw[1:end]) == identity
    return raw[:end] == identity


def _server_key(raw: bytes, line: KeyLine) -> Lookup:
    """The key GnuTLS takes from a matched line ``raw`` (LF included)."""
    as_c_string = raw.split(b"\0", 1)[0]
    colon = as_c_string.find(b":")
    if colon < 0:
        return Lookup(line.number, None,
                      Defect("PSK023", 1, "the line has no ':' before its "
                             "end or a NUL byte"))
    text = as_c_string[colon + 1:]
    if text[-1:] in (b"\n", b" "):
        text = text[:-1]
    key, defect = judge_key(text, colon + 2)
    return Lookup(line.number, key, defect)


def server_lookup(data: bytes, identity: bytes) -> Lookup:
    """GnuTLS as a migration destination (at every handshake).

    GnuTLS reads line by line; the name is what comes before the first
    ':' or NUL, hex-decoded when the line starts with ``#``; the first
    matching line wins and no later line is tried.  From the key it strips
    one trailing LF or one trailing space.  A key under 4 bytes loads, but
    no client can send one, so the destination cannot use it either.
    """
    for line in split_lines(data):
        raw = line.text + (b"\n" if line.has_newline else b"")
        if _server_matches(raw, identity):
            return _server_key(raw, line)
    return Lookup(None)


# -- naming things in messages ----------------------------------------------


def show_name(name: bytes, hex_written: bool = False) -> str:
    """An identity as a message may show it: quoted, escaped, bounded.

    A name that is or holds a long run of hex digits may be a key written
    in the wrong place (a missing ':', a stray tab), so it is described
    rather than shown.  So is a name read from a ``#<hex>`` field of 16 or
    more digits (``hex_written``): that field may be a key with its ':'
    at the end, and its decoded bytes are the key itself.
    """
    if hex_written and len(name) * 2 >= _LONG_HEX:
        return f"<a name written as # and {len(name) * 2} hex digits>"
    if len(name) >= _LONG_HEX and all(byte in _HEX_DIGITS for byte in name):
        return f"<a name of {len(name)} hex digits>"
    if _LONG_HEX_RUN.search(name):
        return f"<a name of {len(name)} bytes with a long run of hex digits>"
    text = name.decode("utf-8", "backslashreplace")
    shown = "".join(char if char.isprintable() else
                    char.encode("unicode_escape").decode("ascii")
                    for char in text)
    if len(shown) > 64:
        shown = shown[:48] + f"... ({len(name)} bytes)"
    return '"' + shown.replace('"', '\\"') + '"'


def is_described(shown: str) -> bool:
    """Whether ``show_name`` described the name instead of showing it."""
    return shown.startswith("<")


def needs_hex_form(identity: bytes) -> bool:
    """True when GnuTLS can only find the name in its ``#<hex>`` form."""
    return b":" in identity or identity.startswith(b"#") or b"\0" in identity


def hex_form(identity: bytes) -> str:
    return "#" + identity.hex()


def _shown_hex_form(identity: bytes, hex_written: bool = False) -> str:
    """``hex_form`` for a message, or a placeholder when ``show_name``
    would describe the name: its hex form is the same secret, encoded."""
    if is_described(show_name(identity, hex_written)):
        return "#<hex>"
    return hex_form(identity)


# -- findings ---------------------------------------------------------------


def _side(sides: Iterable[str]) -> str:
    sides = set(sides)
    if sides == {SOURCE, DESTINATION}:
        return BOTH
    return sides.pop()


_READER = {SOURCE: "QEMU on the source",
           DESTINATION: "GnuTLS on the destination",
           BOTH: "both readers"}


class _Report:
    """Collects findings for one file, at most one per (line, column, code)."""

    def __init__(self, path: str):
        self.path = path
        self.findings: List[Finding] = []
        self._seen = set()

    def add(self, code: str, severity: str, line: int, column: int,
            side: Optional[str], message: str) -> None:
        key = (line, column, code)
        if key in self._seen:
            return
        self._seen.add(key)
        self.findings.append(Finding(
            path=self.path, line=line, column=column, severity=severity,
            code=code, message=message, stage=STAGE_MIGRATION, side=side,
            show_source=False))


def _defect_findings(report: _Report, severity: str, line: int,
                     defects: Dict[str, Defect], subject: str) -> None:
    """One finding per distinct defect; a shared one says ``both``."""
    by_place: Dict[Tuple[str, int], List[str]] = {}
    for side, defect in defects.items():
        by_place.setdefault((defect.code, defect.column), []).append(side)
    for (code, column), sides in by_place.items():
        side = _side(sides)
        reason = defects[sides[0]].reason
        verb = "fail" if side == BOTH else "fails"
        if severity != ERROR:
            verb = "would fail if it were used"
        report.add(code, severity, line, column, side,
                   f"{subject}: {reason} ({_READER[side]} {verb})")


def _near_miss(lines: Sequence[KeyLine], identity: bytes
               ) -> Optional[Tuple[str, int, int, str]]:
    """A line that was surely meant for ``identity`` but neither reader
    finds: (code, line, column, why)."""
    prefix = identity + b":"
    for line in lines:
        text = line.text
        name = text.split(b":", 1)[0] if b":" in text else None
        if line.number == 1 and text.startswith(BOM + prefix):
            return ("PSK015", 1, 1, "line 1 starts with a UTF-8 byte order "
                    "mark, which becomes part of the name")
        if text.lstrip(_BLANKS).startswith(prefix) and text[:1] in (b" ",
                                                                    b"\t"):
            return ("PSK014", line.number, 1, f"line {line.number} starts "
                    "with whitespace, which becomes part of the name")
        if name is not None and name.rstrip(_BLANKS) == identity:
            return ("PSK014", line.number, len(identity) + 1,
                    f"line {line.number} has whitespace before ':', which "
                    "becomes part of the name")
        cr_at = text.find(b"\r" + prefix)
        if cr_at >= 0:
            return ("PSK013", line.number, cr_at + 1, f"line {line.number} "
                    "uses CR-only line ends, so both readers see it as one "
                    "line and the name after the CR is never at a line "
                    "start")
        if name is not None and name != identity and \
                name.lower() == identity.lower():
            return ("PSK023", line.number, 1, f"line {line.number} has "
                    f"{show_name(name)}; names are case-sensitive")
    return None


def _first_nul(data: bytes) -> Optional[Tuple[int, int]]:
    """(line, column) of the first NUL byte, if any."""
    at = data.find(b"\0")
    if at < 0:
        return None
    line = data.count(b"\n", 0, at) + 1
    column = at - (data.rfind(b"\n", 0, at) + 1) + 1
    return line, column


def _identity_in_use(report: _Report, data: bytes, lines: Sequence[KeyLine],
                     identity: bytes) -> Tuple[Lookup, Lookup]:
    """Errors for one identity a migration will send."""
    shown = show_name(identity)
    client = client_lookup(data, identity)
    server = server_lookup(data, identity)

    if not identity:
        report.add("PSK021", ERROR, 0, 0, BOTH,
                   "an empty identity cannot be used: the handshake fails "
                   "with \"Insufficient credentials\"; use a name such as "
                   "\"qemu\"")
        return client, server

    if client.line is None and server.defect is not None and \
            server.defect.code == "PSK023":
        # A last line holding just the name: GnuTLS picks it, then finds
        # no key on it; QEMU never sees a "name:" there.
        report.add("PSK023", ERROR, server.line, 1, BOTH,
                   f"line {server.line} holds identity {shown} with no ':' "
                   "and no key (both readers fail)")
        return client, server

    if client.line is None and server.line is None:
        miss = _near_miss(lines, identity)
        if miss is not None:
            code, line, column, why = miss
            report.add(code, ERROR, line, column, BOTH,
                       f"identity {shown} is not found: {why} (both "
                       "readers fail)")
        else:
            report.add("PSK023", ERROR, 0, 0, BOTH,
                       f"no line for identity {shown}: the source cannot "
                       "load its credentials and the destination rejects "
                       f"every migration that sends it; add "
                       f"\"{_plain(identity)}:<key>\"")
        return client, server

    failures: Dict[str, Defect] = {}
    at_line: Dict[str, int] = {}

    # The source: QEMU's own lookup.
    if client.line is None:
        nul = _first_nul(data)
        if needs_hex_form(identity):
            report.add("PSK021", ERROR, server.line, 1, SOURCE,
                       f"identity {shown} is only in its \"#hex\" form, "
                       "which QEMU on the source does not read; add the "
                       f"literal line \"{_plain(identity)}:<same key>\" "
                       "as well")
        elif nul is not None and nul[0] <= server.line:
            report.add("PSK016", ERROR, nul[0], nul[1], SOURCE,
                       f"a NUL byte ends the file for QEMU on the source, "
                       f"so it never sees identity {shown} on line "
                       f"{server.line}")
        elif lines[server.line - 1].text.startswith(b"#"):
            report.add("PSK020", ERROR, server.line, 1, SOURCE,
                       f"identity {shown} is only written as "
                       f"\"{_shown_hex_form(identity)}\", a form QEMU on the "
                       "source does not read; write "
                       f"\"{_plain(identity)}:<key>\"")
        else:
            report.add("PSK023", ERROR, server.line, 1, SOURCE,
                       f"QEMU on the source finds no line starting with "
                       f"\"{_plain(identity)}:\"")
    elif client.defect is not None:
        failures[SOURCE] = client.defect
        at_line[SOURCE] = client.line

    # The destination: GnuTLS's lookup at every handshake.  It never
    # matches the literal line of a name with ':' (its name field ends at
    # the first ':'), so such a name is found in its #hex form, wherever
    # that line is, or not at all.
    if server.line is None:
        if needs_hex_form(identity):
            report.add("PSK021", ERROR, client.line, 1, DESTINATION,
                       f"identity {shown} contains ':' or starts with '#', "
                       "so GnuTLS on the destination cannot use line "
                       f"{client.line}; add "
                       f"\"{_shown_hex_form(identity)}:<same key>\" as well")
        else:
            report.add("PSK023", ERROR, client.line, 1, DESTINATION,
                       f"GnuTLS on the destination finds no line for "
                       f"identity {shown}")
    elif server.defect is not None:
        failures[DESTINATION] = server.defect
        at_line[DESTINATION] = server.line

    if failures and len(set(at_line.values())) == 1:
        line = next(iter(at_line.values()))
        _defect_findings(report, ERROR, line, failures,
                         f"line {line}, identity {shown}")
    else:
        for side, defect in failures.items():
            _defect_findings(report, ERROR, at_line[side], {side: defect},
                             f"line {at_line[side]}, identity {shown}")

    if client.works and server.works and client.key != server.key:
        report.add("PSK020", ERROR, server.line, 1, BOTH,
                   f"identity {shown}: GnuTLS on the destination uses line "
                   f"{server.line} and QEMU on the source line "
                   f"{client.line}, and their keys differ, so a migration "
                   "between two hosts with this file fails")
    elif client.works and server.works and needs_hex_form(identity):
        first, second = sorted((client.line, server.line))
        report.add("PSK021", WARNING, client.line, 1, BOTH,
                   f"identity {shown} contains ':' or starts with '#': it "
                   f"works only while lines {first} and {second} carry "
                   "the same key; prefer a plain name")

    for lookup in (client, server):
        if lookup.works and len(lookup.key) < RECOMMENDED_KEY_BYTES:
            _weak(report, lookup.line, len(lookup.key), shown)
    return client, server


def _plain(identity: bytes, hex_written: bool = False) -> str:
    """The name for a suggested line, without quotes (masked like
    ``show_name`` when it looks like a key)."""
    shown = show_name(identity, hex_written)
    return "<name>" if is_described(shown) else shown[1:-1]


def _weak(report: _Report, line: int, size: int, shown: str) -> None:
    report.add("PSK019", WARNING, line, 0, BOTH,
               f"line {line}, identity {shown}: the key is "
               f"only {size} bytes; use at least {RECOMMENDED_KEY_BYTES} "
               "(32 recommended, as `confcheck psk generate` makes)")


def _name_of(line: KeyLine) -> Optional[Tuple[bytes, bool]]:
    """(identity, hex form?) a line stands for, or None for a line that
    neither reader can match (blank, comment, no ':')."""
    text = line.text.split(b"\0", 1)[0]
    if b":" not in text:
        return None
    field = text.split(b":", 1)[0]
    if field.startswith(b"#"):
        decoded = hex_name(field[1:])
        return (decoded, True) if decoded is not None else None
    return field, False


def _other_line(report: _Report, data: bytes, line: KeyLine,
                name: bytes, hex_written: bool) -> None:
    """Warnings for a line no identity in use reads."""
    shown = show_name(name.replace(BOM, b"", 1) if line.number == 1
                      else name, hex_written)
    subject = f"line {line.number}, identity {shown}"

    if hex_written and not needs_hex_form(name):
        report.add("PSK020", WARNING, line.number, 1, DESTINATION,
                   f"line {line.number} writes identity {shown} as "
                   f"\"{_shown_hex_form(name, hex_written)}\": only GnuTLS "
                   "on the destination reads that form; QEMU as a source "
                   f"needs \"{_plain(name, hex_written)}:<key>\"")
    if not hex_written:
        if line.number == 1 and name.startswith(BOM):
            report.add("PSK015", WARNING, 1, 1, BOTH,
                       f"{subject}: line 1 starts with a UTF-8 byte order "
                       "mark, which both readers take as part of the name")
        elif name[:1] in (b" ", b"\t") or name[-1:] in (b" ", b"\t"):
            column = 1 if name[:1] in (b" ", b"\t") else len(name)
            report.add("PSK014", WARNING, line.number, column, BOTH,
                       f"{subject}: whitespace around the name is part of "
                       "it for both readers")
        if not name:
            report.add("PSK021", WARNING, line.number, 1, BOTH,
                       f"line {line.number} has an empty identity, which no "
                       "client can use")
        elif needs_hex_form(name):
            report.add("PSK021", WARNING, line.number, 1, DESTINATION,
                       f"{subject} starts with '#' or contains ':', so "
                       "GnuTLS on the destination reads it as another "
                       f"name; it needs \"{_shown_hex_form(name)}:<key>\"")
    if len(name) > SAFE_IDENTITY_BYTES:
        report.add("PSK021", WARNING, line.number, 1, BOTH,
                   f"line {line.number} has an identity of {len(name)} "
                   f"bytes; keep names within {SAFE_IDENTITY_BYTES}")

    # The key, as each reader would take it if this line were its match.
    defects: Dict[str, Defect] = {}
    server = _server_key(line.text + (b"\n" if line.has_newline else b""),
                         line)
    if server.defect is not None:
        defects[DESTINATION] = server.defect
    client = None
    if not hex_written and b"\0" not in line.text:
        client_text = line.text[len(name) + 1:]
        client, defect = judge_key(client_text, len(name) + 2)
        if defect is not None:
            defects[SOURCE] = defect
    _defect_findings(report, WARNING, line.number, defects, subject)
    sizes = [len(key) for key in (client, server.key) if key is not None]
    if sizes and min(sizes) < RECOMMENDED_KEY_BYTES:
        _weak(report, line.number, min(sizes), shown)


def _duplicates(report: _Report, data: bytes, lines: Sequence[KeyLine],
                reported_conflicts: set) -> None:
    first: Dict[bytes, Tuple[KeyLine, bool]] = {}
    for line in lines:
        named = _name_of(line)
        if named is None:
            continue
        name, hex_written = named
        if name not in first:
            first[name] = (line, hex_written)
            continue
        earlier, earlier_hex = first[name]
        if (name, line.number) in reported_conflicts:
            continue
        earlier_key = server_lookup(data, name)
        this_key = _server_key(
            line.text + (b"\n" if line.has_newline else b""), line)
        if earlier_key.key is None or this_key.key is None:
            # A broken key cannot be compared; say nothing about it.
            keys = "a key"
        elif earlier_key.key == this_key.key:
            keys = "the same key"
        else:
            keys = "a different key"
        shown = show_name(name, earlier_hex or hex_written)
        if earlier_hex and not hex_written:
            used = (f"GnuTLS on the destination uses line {earlier.number}, "
                    f"QEMU on the source this line")
        elif hex_written and not earlier_hex:
            used = (f"GnuTLS on the destination uses line {earlier.number} "
                    "and never this one")
        else:
            used = f"both readers use line {earlier.number}"
        broken = ""
        if earlier_key.line == earlier.number and earlier_key.defect:
            broken = (f"; line {earlier.number} is broken and no reader "
                      "falls back to a later line")
        report.add("PSK022", WARNING, line.number, 1, BOTH,
                   f"identity {shown} is already on line {earlier.number} "
                   f"with {keys}: {used}{broken}")


def analyse(data: bytes, identities: Sequence[str], path: str
            ) -> List[Finding]:
    """Every finding for the key file ``data`` named ``path``.

    ``identities`` are the names a migration source will send; their lines
    get errors, every other line warnings.
    """
    report = _Report(path)
    lines = split_lines(data)
    used_lines = set()
    conflicts = set()

    for text in dict.fromkeys(identities):
        identity = text.encode("utf-8", "surrogateescape")
        client, server = _identity_in_use(report, data, lines, identity)
        for lookup in (client, server):
            if lookup.line is not None:
                used_lines.add(lookup.line)
        if client.line is not None and server.line is not None and \
                client.line != server.line:
            conflicts.add((identity, max(client.line, server.line)))

    for line in lines:
        named = _name_of(line)
        if named is None or line.number in used_lines:
            continue
        _other_line(report, data, line, *named)

    _duplicates(report, data, lines, conflicts)

    nul = _first_nul(data)
    if nul is not None:
        nul_line = lines[nul[0] - 1].text
        in_key = b":" in nul_line[:nul[1] - 1]
        report.add("PSK016", WARNING, nul[0], nul[1], BOTH if in_key
                   else SOURCE,
                   "a NUL byte: both readers cut the key short there, and "
                   "QEMU on the source reads nothing after it" if in_key else
                   "a NUL byte: QEMU on the source reads nothing after it, "
                   "GnuTLS on the destination ignores the rest of its line")

    if data and not data.endswith(b"\n"):
        report.add("PSK024", INFO, len(lines), 0, None,
                   "no newline at the end of the file: psktool would glue "
                   "its next entry onto this line")

    report.findings.sort(key=Finding.sort_key)
    return report.findings

