"""The result of reading qemu.conf: entries, values, comments, errors.

Shared by the grammar-driven parser (virconf.py) and its fast path
(fastpath.py), which must build exactly the same objects.
"""

from dataclasses import dataclass, field
from typing import List, Optional, Tuple, Union

STRING = "string"
UNSIGNED = "unsigned"
SIGNED = "signed"
LIST = "list"

_LLONG_MAX = (1 << 63) - 1
_ULLONG_MOD = 1 << 64


@dataclass
class Value:
    type: str
    value: Union[str, int, List["Value"]]
    line: int
    column: int
    #: the quote style of a string: ', " or """
    quote: Optional[str] = None
    #: the literal text of a number as written (before wrapping)
    literal: Optional[str] = None

    def plain(self):
        """The value as plain Python data (lists of plain values)."""
        if self.type != LIST:
            return self.value
        # Without recursion, for lists nested thousands deep.
        top: list = []
        stack = [(self.value, top)]
        while stack:
            items, out = stack.pop()
            for item in items:
                if item.type == LIST:
                    out.append([])
                    stack.append((item.value, out[-1]))
                else:
                    out.append(item.value)
        return top


@dataclass
class Entry:
    name: str
    value: Value
    line: int
    column: int
    #: text of a comment after the value, without the "#"
    comment: Optional[str] = None


@dataclass
class Comment:
    text: str
    line: int
    column: int


@dataclass
class SyntaxIssue:
    message: str
    line: int
    column: int
    #: Where an unterminated triple-quoted string opened (line, column),
    #: when libvirt reports the error on a later line.
    opened_at: Optional[Tuple[int, int]] = None


@dataclass
class ParseResult:
    entries: List[Entry] = field(default_factory=list)
    comments: List[Comment] = field(default_factory=list)
    error: Optional[SyntaxIssue] = None




def overflows(literal: str, version) -> bool:
    """Whether libvirt ``version`` (None: newest) refuses this number.

    From 11.x a magnitude above 2**63 - 1 is "numeric overflow in conf
    value"; up to 9.0 numbers wrap silently.
    """
    if version is not None and version < (11, 0):
        return False
    digits = literal.lstrip("+-").lstrip("0")
    return len(digits) > 19 or int(digits or "0") > _LLONG_MAX


#: Digits turned into a number at a time when wrapping a long literal.
_DIGIT_CHUNK = 1000


def number_value(literal: str, line: int, column: int, version) -> Value:
    """The Value libvirt makes of a number literal (no overflow check)."""
    negative = literal.startswith("-")
    # Leading zeros never overflow libvirt's accumulator.
    digits = literal.lstrip("+-").lstrip("0") or "0"
    if version is None or version >= (11, 0):
        magnitude = int(digits)
    else:
        # 9.0 multiplies and adds in 64 bits and wraps.  Done a chunk at a
        # time: linear in the literal, and clear of Python's limit on
        # converting very long digit strings.
        magnitude = 0
        for start in range(0, len(digits), _DIGIT_CHUNK):
            chunk = digits[start:start + _DIGIT_CHUNK]
            magnitude = (magnitude * 10 ** len(chunk) + int(chunk)) \
                % _ULLONG_MOD
    if negative:
        signed = (-magnitude) % _ULLONG_MOD
        if signed > _LLONG_MAX:
            signed -= _ULLONG_MOD
        return Value(SIGNED, signed, line, column, literal=literal)
    return Value(UNSIGNED, magnitude, line, column, literal=literal)
