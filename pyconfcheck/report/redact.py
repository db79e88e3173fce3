"""Keeping passwords and terminal tricks out of every report.

Three guards, used by all formats:

* ``source_line`` masks the value of any password-like assignment on an
  echoed line (wherever it sits on the line, after ``;`` too, and also for
  misspelt names such as ``vnc_pasword``) and hides the line below such a
  name entirely, since a broken assignment may spill its value there,
  and every further line a triple-quoted string or a list opened after
  such a name runs on;
* ``secret_values`` / ``scrub`` remove the literal value of password-like
  settings from finding messages, whatever check wrote them;
* ``printable`` turns control characters and undecodable bytes into
  visible escapes, so a config line cannot move the cursor, recolour the
  terminal or break the output encoding.
"""

import re
from typing import Iterable, List, Optional, Sequence

HIDDEN = "<hidden>"

# vnc_password and friends, misspellings and short forms of them
# (vnc_passowrd, spice_pass, rdp_pw), and anything named like a
# passphrase; the *_secret_uuid settings only name a libvirt secret
# object and stay visible, and a word that merely holds "pass" inside it
# (auto_save_bypass_cache) is no password.
_SECRET_WORD = (r"(?:(?<![A-Za-z0-9])(?:pas|pw)|pas+w|pwd|passphrase"
                r"|secret(?!_uuid\b))")
_SECRET_NAME = re.compile(r"[A-Za-z0-9_]*?" + _SECRET_WORD
                          + r"[A-Za-z0-9_]*", re.IGNORECASE)

# Such a name where a setting's name stands (line start or after ";"),
# followed by "=" or the end of the line: its value may run on below.
_SECRET_ASSIGNMENT = re.compile(
    r"(?:^|;)[ \t]*[A-Za-z0-9_]*?" + _SECRET_WORD
    + r"[A-Za-z0-9_]*[ \t]*(?:=|$)", re.IGNORECASE)

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")

# Values shorter than this are not scrubbed from messages: replacing "1"
# everywhere would make messages unreadable, and checks never quote
# password values anyway (this is the second line of defence).
_MIN_SCRUB_LENGTH = 3


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.fullmatch(name or ""))


def source_line(lines: Sequence[str], number: int) -> Optional[str]:
    """Line ``number`` (1-based) safe to print, or None to print nothing."""
    if not 1 <= number <= len(lines):
        return None
    # A line a password value continues on is hidden first: a word in
    # the value itself may look like a password-like name.
    if number in _spilled_lines(lines):
        return None
    text = lines[number - 1]
    match = _SECRET_NAME.search(text)
    if match is not None:
        text = text[:match.end()] + " " + HIDDEN
    return printable(text)


# A quoted string on one line, so that brackets inside it are not counted.
_ONE_LINE_STRING = re.compile(r'"[^"\n]*"|\'[^\'\n]*\'')
_ASSIGNMENT_START = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_.]*\s*=")

# What follows "name =" when the value is whole on its line: a closed
# string, a bare word or number, or a list (closed, as the caller checks).
# Anything else (nothing, an open quote) may go on below.
_WHOLE_VALUE = re.compile(r"""[ \t]*(?:"[^"\n]*"|'[^'\n]*'|[-+]?\w+|\[)""")

# The last lines asked about and their spilled-line set: a report asks
# about one file's lines many times in a row, and the scan is linear.
_spilled_cache: list = [None, frozenset()]


def _spilled_lines(lines: Sequence[str]) -> frozenset:
    """Lines a password-like value may continue on, 1-based.

    The line right below a password-like setting name whose value is not
    whole on its line (nothing after "=", an open quote: the value may
    spill there), every line of a triple-quoted string opened after one,
    and every line of a list opened after one, up to the line that closes
    it or starts a new setting.  A name in a comment or a value hides
    nothing below it.
    """
    if _spilled_cache[0] is lines:
        return _spilled_cache[1]

    spilled = set()
    in_triple = False
    list_depth = 0
    for number, text in enumerate(lines, start=1):
        # A list cannot hold a setting: a new one ends the runaway list.
        if list_depth > 0 and not in_triple and _ASSIGNMENT_START.match(text):
            list_depth = 0

        if in_triple or list_depth > 0:
            spilled.add(number)
            in_triple, list_depth = _value_state(text, in_triple, list_depth)
            continue

        match = _SECRET_ASSIGNMENT.search(text)
        if match is not None:
            rest = text[match.end():]
            in_triple, list_depth = _value_state(rest, False, 0)
            value_ends_here = (not in_triple and list_depth == 0
                               and _WHOLE_VALUE.match(rest))
            if not value_ends_here:
                spilled.add(number + 1)

    result = frozenset(spilled)
    _spilled_cache[:] = [lines, result]
    return result


def _value_state(text: str, in_triple: bool, list_depth: int):
    """Whether a triple-quoted string is still open after ``text``, and
    how deep in brackets the value is."""
    position = 0
    while position < len(text):
        if in_triple:
            end = text.find('"""', position)
            if end < 0:
                return True, list_depth
            in_triple = False
            position = end + 3
            continue
        if text.startswith('"""', position):
            in_triple = True
            position += 3
            continue
        match = _ONE_LINE_STRING.match(text, position)
        if match is not None:
            position = match.end()
            continue
        char = text[position]
        if char == "#":
            break
        if char == "[":
            list_depth += 1
        elif char == "]":
            list_depth = max(0, list_depth - 1)
        position += 1
    return in_triple, list_depth


def printable(text: str) -> str:
    """Control characters and undecodable bytes as visible escapes."""
    def escape(match):
        char = match.group(0)
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte kept by surrogateescape
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, text)


def secret_values(document) -> List[str]:
    """Literal values of password-like assignments in a parsed document."""
    values: List[str] = []
    for entry in getattr(document, "entries", ()):
        if is_secret_name(entry.name):
            values.extend(_strings(entry.value))
    return [value for value in values if len(value) >= _MIN_SCRUB_LENGTH]


def _strings(value) -> Iterable[str]:
    if isinstance(value.value, list):
        for item in value.value:
            yield from _strings(item)
    elif isinstance(value.value, str):
        yield value.value
    elif value.literal:
        yield value.literal
    else:
        yield str(value.value)


def scrub(message: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in message:
            message = message.replace(secret, HIDDEN)
    return message
