"""The Lark mirror of our Augeas lens, ``lenses/libvirtd_qemu.aug``.

Tools that cannot load libaugeas still want the lens's view of qemu.conf:
whether Augeas will read the file, and the tree it builds.  This package
gives both in pure Python, from ``lens.lark`` and the same settings table
the lens is generated from (:func:`pyconfcheck.lens.generate.names_by_type`),
and the differential tests (``tests/test_mirror*.py``) hold it to what
Augeas does with our lens.

* :func:`parse_bytes` reads a file's bytes the way Augeas loads a file and
  returns the tree (:class:`Node`, as :mod:`pyconfcheck.lens.bridge`
  gives it) or, where the lens rejects the file, Augeas's error: the
  message, the offset, the line and the column Augeas reports.
* :func:`print_tree` writes a tree in ``augtool print`` format.

Augeas works on bytes; so does the mirror: the loaded bytes are decoded as
Latin-1 (one character per byte) for matching, and values come back as
UTF-8 with surrogate escapes for bytes that are not UTF-8.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from ..lens.bridge import Node

GRAMMAR_FILE = Path(__file__).resolve().parent / "lens.lark"

#: Augeas's message when the file does not match the lens
SHORT_ITERATION = "Iterated lens matched less than it should"

#: the terminals that end a record (a setting, a comment, a blank line)
_RECORD_ENDS = frozenset(("EOL", "VALUE_COMMENT", "COMMENT_LINE",
                          "EMPTY_LINE"))


@dataclass(frozen=True)
class MirrorError:
    """Where and why the lens rejects the file, as Augeas reports it."""

    message: str
    #: offset in the loaded text (Augeas's ``error/pos``)
    pos: int
    #: 1-based line (``error/line``)
    line: int
    #: 0-based column (``error/char``)
    char: int


@dataclass(frozen=True)
class MirrorResult:
    tree: Tuple[Node, ...] = ()
    error: Optional[MirrorError] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def load_text(data: bytes) -> bytes:
    """The text Augeas parses when it loads a file holding ``data``.

    Augeas reads the file as a C string, so a NUL byte ends it, and adds a
    newline when the text does not end with one (an empty file too).
    """
    text = data.split(b"\0", 1)[0]
    if not text.endswith(b"\n"):
        text += b"\n"
    return text


def _name_types() -> dict:
    """Setting name -> declared terminal, from the table, as the lens."""
    from ..lens.generate import names_by_type

    return {name: kind.upper() + "_NAME"
            for kind, names in names_by_type().items() for name in names}


@functools.lru_cache(maxsize=1)
@functools.lru_cache(maxsize=1)
def _parser():
    # Built on first use (from the install-time cache when there):
    # importing the package stays cheap.
    from ..larkcache import build

    types = _name_types()

    def retype(token):
        # NAME holds the indent too; the lens's key is the name alone.
        kind = types.get(token.value.lstrip(" \t"))
        if kind is not None:
            token.type = kind
        return token

    return build(str(GRAMMAR_FILE), lexer="contextual",
                 lexer_callbacks={"NAME": retype})


def parse_bytes(data: bytes) -> MirrorResult:
    """Read ``data`` as Augeas reads a file holding it with our lens."""
    from lark.exceptions import UnexpectedInput

    text = load_text(data).decode("latin-1")
    interactive = _parser().parse_interactive(text)
    # Where the record being read starts: Augeas's iteration stops there
    # when the record does not match.
    record_ends = [0]
    try:
        for token in interactive.iter_parse():
            if token.type in _RECORD_ENDS:
                record_ends.append(token.end_pos)
        tree = interactive.feed_eof()
    except UnexpectedInput as error:
        failed_at = _failed_at(error, len(text))
        start = max(end for end in record_ends if end <= failed_at)
        return MirrorResult(error=_error(text, start))
    return MirrorResult(tree=tuple(_build(tree.children, text)))


def _failed_at(error, size: int) -> int:
    """Where the token or character Lark could not take starts.

    Every token before it was taken: the record ends up to there count.
    """
    token = getattr(error, "token", None)
    if token is not None:
        # the end of input borrows the position of the last token
        return size if token.type == "$END" else token.start_pos
    return error.pos_in_stream


def _error(text: str, record_start: int) -> MirrorError:
    from .locate import failure_offset

    pos = failure_offset(text, record_start)
    line_start = text.rfind("\n", 0, pos) + 1
    return MirrorError(SHORT_ITERATION, pos, text.count("\n", 0, pos) + 1,
                       pos - line_start)


# ---------------------------------------------------------------------------
# The tree


def _decode(text: str) -> str:
    return text.encode("latin-1").decode("utf-8", "surrogateescape")


_COMMENT_TEXT = re.compile(r"[ \t]*#[ \t]*(.*?)\r?\n", re.S)
_VALUE_COMMENT_TEXT = re.compile(
    r"[ \t]*(?:;[ \t]*)?#[ \t]*(.*?)[ \t]*\r?\n", re.S)


def _build(lines, text: str) -> Iterable[Node]:
    for line in lines:
        if line.data == "empty":
            yield Node("#empty", None)
        elif line.data == "comment":
            body = _COMMENT_TEXT.fullmatch(line.children[0].value).group(1)
            yield Node("#comment", _decode(body))
        else:
            yield _setting(line, text)


def _setting(setting, text: str) -> Node:
    name, _equals, *parts = setting.children
    value = None
    children: List[Node] = []
    for part in parts:
        if not hasattr(part, "data"):
            if part.type != "EOL":
                value = _scalar(part)
        elif part.data == "list":
            children += _items(part.children)
        elif part.data == "raw_value":
            # kept as written, from the first token to the last
            first, last = part.children[0], part.children[-1]
            value = _decode(text[first.start_pos:last.end_pos])
        elif part.data == "value_comment":
            text = _VALUE_COMMENT_TEXT.fullmatch(part.children[0]).group(1)
            children.append(Node("#comment", _decode(text) if text else None))
    return Node(name.value.lstrip(" \t"), value, tuple(children))


def _scalar(token) -> str:
    text = token.value
    if text[:1] in "\"'":
        text = text[1:-1]
    return _decode(text)


def _items(tokens) -> Iterable[Node]:
    quoted = (token for token in tokens if token.type == "QUOTED")
    for number, token in enumerate(quoted, 1):
        yield Node(str(number), _scalar(token))


# ---------------------------------------------------------------------------
# augtool's print format


def _escape(value: str) -> str:
    """A value as augtool prints it between double quotes."""
    out = []
    for byte in value.encode("utf-8", "surrogateescape"):
        char = chr(byte)
        if char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append("\\%03o" % byte)
    return "".join(out)


_NAMED_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                  "\v": "\\v", "\f": "\\f", "\r": "\\r", "\\": "\\\\",
                  '"': '\\"'}


def print_lines(tree: Iterable[Node], path: str) -> Iterable[str]:
    """``augtool print`` lines for the children ``tree`` of ``path``."""
    tree = tuple(tree)
    counts: dict = {}
    for node in tree:
        counts[node.label] = counts.get(node.label, 0) + 1
    seen: dict = {}
    for node in tree:
        seen[node.label] = seen.get(node.label, 0) + 1
        step = node.label
        if counts[node.label] > 1:
            step += f"[{seen[node.label]}]"
        child_path = f"{path}/{step}"
        if node.value is None:
            yield child_path
        else:
            yield f'{child_path} = "{_escape(node.value)}"'
        yield from print_lines(node.children, child_path)


def print_tree(tree: Iterable[Node],
               as_path: str = "/etc/libvirt/qemu.conf") -> str:
    """What ``augtool print /files<as_path>`` shows for the file's tree."""
    root = "/files" + as_path
    return "".join(line + "\n" for line in [root, *print_lines(tree, root)])
