"""A seeded generator of qemu.conf files for the parser proof.

Every file is a pure function of ``(seed, index)``, so a disagreement found
in a long run is reproduced with ``generate(seed, index)`` alone.

About half of the files are well formed, built from the settings table
with every value form virconf.c knows (the three quote styles, signs,
leading zeros, lists over several lines, trailing commas, comments after
values, ``;`` separators, CR and CRLF line ends, indentation, no final
newline).  The other half are such files with one to three mutations:
stray or missing quotes, brackets and commas, bare words, a value on the
next line, a comment inside a list, truncation, NUL bytes, bytes that are
not UTF-8, unknown keys and a few blind byte edits.

``uncomment_examples`` turns a stock qemu.conf into the file libvirt's
lens test is built from (every ``#key = value`` example uncommented).
"""

import itertools
import random
import re
from typing import Callable, Iterator, List, Tuple

from pyconfcheck.settings import (
    BOOL, INT, LIST, MAX_CORE, SETTINGS, SIZE, STRING, STRING_OR_LIST, UINT,
    UNREAD,
)

_NAMES = tuple(setting.name for setting in SETTINGS)
_KIND_BY_NAME = {setting.name: setting.kind for setting in SETTINGS}
#: The documented example values (what an admin most often writes).
_EXAMPLE_BY_NAME = {setting.name: setting.example for setting in SETTINGS
                    if setting.example}

#: Characters that are ordinary data inside every quote style but mean
#: something outside one: the parser must not be fooled by them.
_TRICKY = "#;=[],\\ \t'\"+-0123456789é€"
_PLAIN = "abcdefghijklmnopqrstuvwxyz/._:@-0123456789"

_BOUNDARY_NUMBERS = (
    "0", "1", "2", "4294967295", "4294967296", "2147483647", "2147483648",
    "9223372036854775807", "9223372036854775808", "18446744073709551615",
    "18446744073709551616", "99999999999999999999",
    "123456789012345678901234567890",
)

_LINE_ENDS = ("\n",) * 8 + ("\r\n", "\r")


# -- values ------------------------------------------------------------------

def _string_body(rng: random.Random, forbidden: str) -> str:
    alphabet = _PLAIN * 3 + _TRICKY
    length = rng.choice((0, 1, 3, 8, 20))
    body = "".join(rng.choice(alphabet) for _ in range(length))
    return "".join(ch for ch in body if ch not in forbidden)


def _string(rng: random.Random, body: str = None) -> str:
    style = rng.choice(('"', '"', '"', "'", '"""'))
    if style == '"""':
        if body is None:
            # Triple quotes may hold newlines and single double quotes.
            body = _string_body(rng, "") + rng.choice(("", "\n", '"', "\r\n"))
        return '"""%s"""' % body.replace('"""', '""')
    if body is None:
        body = _string_body(rng, style + "\r\n")
    return style + body.replace(style, "") + style


def _number(rng: random.Random, low: int = 0, high: int = 70000) -> str:
    choice = rng.random()
    if choice < 0.15:
        text = rng.choice(_BOUNDARY_NUMBERS)
    else:
        text = str(rng.randint(low, high))
    if choice > 0.85 and not text.startswith("-"):
        text = rng.choice(("+", "0", "00", "-")) + text
    return text


def _bool(rng: random.Random) -> str:
    return rng.choice(("0", "1", "0", "1", "01", "+1", "+0", "00", "-0", "2",
                       "-1", '"1"'))


def _list(rng: random.Random, element: Callable[[random.Random], str]) -> str:
    count = rng.choice((0, 1, 2, 3, 5))
    items = [element(rng) for _ in range(count)]
    layout = rng.random()
    if layout < 0.4:
        # One line, spaces optional.
        gap = rng.choice(("", " "))
        inner = ("," + gap).join(items)
        comma = "," if items and rng.random() < 0.3 else ""
        return "[" + gap + inner + comma + gap + "]"
    # Over several lines: blanks and line ends are allowed around values
    # and commas, and a trailing comma is fine.
    end = rng.choice(_LINE_ENDS)
    indent = rng.choice(("  ", "\t", "    "))
    lines = ["[" + end]
    for position, item in enumerate(items):
        last = position == len(items) - 1
        comma = "" if last and rng.random() < 0.5 else rng.choice((",", " ,"))
        lines.append(indent + item + comma + end)
    lines.append(rng.choice(("", " ")) + "]")
    return "".join(lines)


def _list_element(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.9:
        return _string(rng)
    if roll < 0.97:
        return _number(rng)
    return _list(rng, lambda inner: _string(inner))


def value_for(rng: random.Random, kind: str) -> str:
    """A value text for a setting of ``kind``, sometimes of the wrong type."""
    if rng.random() < 0.12:
        kind = rng.choice((BOOL, UINT, INT, STRING, LIST))
    if kind == BOOL:
        return _bool(rng)
    if kind == UINT:
        return _number(rng)
    if kind == INT:
        return _number(rng, -70000, 70000)
    if kind in (STRING, UNREAD):
        return _string(rng)
    if kind == LIST:
        return _list(rng, _list_element)
    if kind == STRING_OR_LIST:
        return _string(rng) if rng.random() < 0.5 else _list(rng, _string)
    if kind == MAX_CORE:
        return rng.choice(('"unlimited"', "'unlimited'", _number(rng),
                           '"1024"', '"Unlimited"'))
    if kind == SIZE:
        return rng.choice((_number(rng), '"1G"', '"512 MiB"', '"10"', "'x'"))
    raise ValueError("unknown setting kind %r" % kind)


# -- well-formed files ---------------------------------------------------------

def _unknown_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(_NAMES).upper()
    if roll < 0.7:
        return rng.choice(_NAMES) + rng.choice(("s", "_x", "2"))
    first = rng.choice("abcXYZ")
    return first + "".join(rng.choice("abz_09") for _ in range(rng.randint(0, 8)))


def _comment(rng: random.Random) -> str:
    text = _string_body(rng, "\r\n")
    return "#" + rng.choice(("", " ")) + text


def _statement(rng: random.Random) -> Tuple[str, bool]:
    """A ``name = value`` statement, and whether it may take a comment."""
    name = rng.choice(_NAMES) if rng.random() < 0.85 else _unknown_name(rng)
    kind = _KIND_BY_NAME.get(name, STRING)
    if name in _EXAMPLE_BY_NAME and rng.random() < 0.25:
        value = _EXAMPLE_BY_NAME[name]
    else:
        value = value_for(rng, kind)
    before = rng.choice(("", "", " ", "\t", "  "))
    after = rng.choice((" ", " ", "", "\t"))
    return before + name + after + "=" + after + value, True


def valid_file(rng: random.Random) -> str:
    """A qemu.conf that libvirt accepts (getter errors aside)."""
    pieces: List[str] = []
    for _ in range(rng.randint(1, 14)):
        roll = rng.random()
        if roll < 0.2:
            indent = rng.choice(("", "", "  ", "\t"))
            pieces.append(indent + _comment(rng))
            separator_needed = "line"
        else:
            text, _ = _statement(rng)
            if rng.random() < 0.2:
                text += rng.choice((" ", "", "\t")) + _comment(rng)
                separator_needed = "line"
            else:
                text += rng.choice(("", "", " "))
                separator_needed = "any"
            pieces.append(text)

        if separator_needed == "any" and rng.random() < 0.15:
            pieces.append(rng.choice((";", "; ", ";" + rng.choice(_LINE_ENDS))))
            if rng.random() < 0.5:
                continue
        end = rng.choice(_LINE_ENDS)
        blank = rng.choice(("", "", "", end, "  " + end))
        pieces.append(end + blank)

    text = "".join(pieces)
    if rng.random() < 0.2:
        # No final line end, the last statement then ends the buffer.
        text = text.rstrip("\r\n")
    if not text.strip(" \t\r\n"):
        text = "# only a comment\n"
    return text


# -- mutations -----------------------------------------------------------------

def _insert(rng: random.Random, data: bytes, fragment: bytes) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + fragment + data[at:]


def _delete_one_of(rng: random.Random, data: bytes, chars: bytes) -> bytes:
    positions = [i for i, byte in enumerate(data) if byte in chars]
    if not positions:
        return data
    at = rng.choice(positions)
    return data[:at] + data[at + 1:]


def _replace_first_value(rng: random.Random, data: bytes, new: bytes) -> bytes:
    matches = list(re.finditer(rb"=[ \t]*", data))
    if not matches:
        return data + b"\nkey = " + new
    match = rng.choice(matches)
    return data[:match.end()] + new + b" " + data[match.end():]


def _comment_in_list(rng: random.Random, data: bytes) -> bytes:
    commas = [m.end() for m in re.finditer(rb"\[|,", data)]
    if not commas:
        return data + b"\nnvram = [ \"a\", # c\n \"b\" ]\n"
    at = rng.choice(commas)
    return data[:at] + b" # inside\n" + data[at:]


def _cut_inside_list(rng: random.Random, data: bytes) -> bytes:
    opens = [m.end() for m in re.finditer(rb"\[", data)]
    if not opens:
        return data + b"\nnamespaces = [ \"mount\""
    at = rng.choice(opens)
    return data[:rng.randint(at, len(data))]


def _value_on_next_line(rng: random.Random, data: bytes) -> bytes:
    equals = [m.end() for m in re.finditer(rb"=[ \t]*", data)]
    if not equals:
        return b"vnc_tls =\n 1\n"
    at = rng.choice(equals)
    return data[:at] + rng.choice((b"\n", b"\r\n", b"\r")) + data[at:]


_MUTATIONS: Tuple[Callable[[random.Random, bytes], bytes], ...] = (
    lambda rng, d: _insert(rng, d, rng.choice((b'"', b"'", b'"""'))),
    lambda rng, d: _delete_one_of(rng, d, b"\"'"),
    lambda rng, d: _insert(rng, d, rng.choice((b"[", b"]", b",", b",,"))),
    lambda rng, d: _delete_one_of(rng, d, b"[],"),
    lambda rng, d: _replace_first_value(
        rng, d, rng.choice((b"bare", b"yes", b"0x10", b"1.5", b"1e3", b"-",
                            b"+", b"--1", b"", b"=", b"'a'\"b\"", b"None"))),
    _value_on_next_line,
    _comment_in_list,
    lambda rng, d: d[:rng.randint(0, len(d))],
    _cut_inside_list,
    lambda rng, d: _insert(rng, d, b"\x00"),
    lambda rng, d: _insert(rng, d, rng.choice(
        (b"\xff", b"\xc3", b"\xe9", b"\x80abc", b"\xc3\xa9", b"\xfe\xff"))),
    lambda rng, d: _insert(rng, d, rng.choice(
        (b"\nunknown_key = 1\n", b"\nVNC_TLS = 1\n", b"\n_x = 1\n",
         b"\n9a = 1\n", b"\na-b = 1\n", b"\na.b = 1\n", b"\n\xc3\xa9t\xc3\xa9 = 1\n",
         b"\nkey\n= 1\n", b"\nkey = = 1\n", b";;", b"; ;", b"\nkey\n"))),
    lambda rng, d: _insert(rng, d, rng.choice(
        (b" ", b"\t", b"\n", b"\r", b"\r\n", b"#", b";", b"=", b"\\", b"a"))),
    lambda rng, d: _delete_one_of(rng, d, bytes(range(32, 127)) + b"\n\r\t"),
)


def mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = rng.choice(_MUTATIONS)(rng, data)
    return data


# -- the corpus ----------------------------------------------------------------

_SPECIAL_FILES = (
    b"", b"\n", b"   \n\t\n", b"\r\n", b"#c", b"#c\n\n\n", b" ", b"\t",
    b"\r", b"vnc_tls = 1", b"a=\"\"\"\"\"\"", b"a=\"\"\"x\"\"\"", b"a=\"\"\"\"\"",
    b"a=\"\"\"x\n", b"a=[", b"a=[1", b"a=[1,", b"a=", b"a", b"=", b";",
    b"a=1;", b"a=1;;", b"a=1;\n;", b"\x00", b"a=1\x00b=2\n",
)


#: Fragments for token soup: every piece of virconf.c's syntax, and a few
#: that are not, so that the odd corners of the scanner get visited.
_SOUP = (
    b"a", b"vnc_tls", b"_x", b"9", b"A_1", b"=", b"==", b" ", b"\t", b"\n",
    b"\r", b"\r\n", b";", b"#", b"# c", b"[", b"]", b",", b'"', b"'",
    b'"""', b'""', b"''", b'"x"', b"'y'", b'"""z"""', b"0", b"1", b"-",
    b"+", b"-7", b"+3", b"18446744073709551616", b"1.5", b"0x1", b"e",
    b"\x00", b"\xff", b"\xc3\xa9", b"\\", b"-a", b".",
)


def token_soup(rng: random.Random) -> bytes:
    """A short run of syntax fragments, mostly ``name = value`` shaped."""
    pieces = []
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.6:
            pieces.append(rng.choice((b"a", b"b_1", b"vnc_tls")) +
                          rng.choice((b"=", b" = ", b"\t=")))
        pieces.extend(rng.choice(_SOUP) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.7:
            pieces.append(rng.choice((b"\n", b"\r\n", b"\r", b";", b"")))
    return b"".join(pieces)


#: The first indices of every corpus are these fixed files.
SPECIAL_COUNT = len(_SPECIAL_FILES)


def generate(seed: int, index: int) -> bytes:
    """The ``index``-th file of the corpus with ``seed``."""
    if index < len(_SPECIAL_FILES):
        return _SPECIAL_FILES[index]
    rng = random.Random("%d:%d" % (seed, index))
    if rng.random() < 0.15:
        return token_soup(rng)
    text = valid_file(rng).encode("utf-8")
    if rng.random() < 0.5:
        return text
    return mutate(rng, text)


def corpus(seed: int, count: int) -> Iterator[Tuple[int, bytes]]:
    """``(index, file)`` for the first ``count`` files with ``seed``."""
    for index in range(count):
        yield index, generate(seed, index)


# -- every short input ------------------------------------------------------------

#: One byte string per kind of character virconf.c tells apart.
SHORT_ALPHABET = (
    b"a", b"=", b'"', b"'", b"[", b"]", b",", b";", b"#", b"\n", b"\r", b" ",
    b"1", b"-", b"\xc3\xa9", b"\x00",
)


def short_inputs(prefix: bytes, max_length: int) -> Iterator[bytes]:
    """``prefix`` followed by every sequence of up to ``max_length``
    pieces of ``SHORT_ALPHABET``: small inputs, all of them."""
    for length in range(1, max_length + 1):
        for pieces in itertools.product(SHORT_ALPHABET, repeat=length):
            yield prefix + b"".join(pieces)


# -- the lens test's input -------------------------------------------------------

_EXAMPLE = re.compile(r"#\w")
_LIST_OPENS = re.compile(r".*\[\s*$")
_LIST_CLOSES = re.compile(r"#\s*\]")


def uncomment_examples(stock: str) -> str:
    """The example lines of a stock qemu.conf, uncommented.

    The same selection libvirt's lens-test generator makes: a line that
    starts with ``#`` and a word character loses the ``#``; when it opens
    a list (ends with ``[``), the following ``#`` lines lose theirs too,
    up to the line that closes the list; prose comments are dropped.
    """
    kept: List[str] = []
    in_list = False
    for line in stock.splitlines():
        if in_list:
            if line.startswith("#"):
                kept.append(line[1:])
            if _LIST_CLOSES.match(line):
                in_list = False
            continue
        if _EXAMPLE.match(line):
            kept.append(line[1:])
            in_list = bool(_LIST_OPENS.match(line))
    return "\n".join(kept) + "\n"
