"""qemu.conf read the way libvirt's daemon reads it (virconf.c, flags 0).

The grammar lives in ``virconf.lark``.  ``parse_bytes`` returns every
assignment with its position, and on a syntax error the message libvirt
prints ("expecting a value") with the line libvirt names.  Like libvirt,
parsing stops at the first error; the entries before it are kept so that
later stages can still say something about them.
"""

import os
from typing import List, Optional, Tuple

# The result types are defined once for this parser and its fast path;
# they are re-exported here, where the rest of pyconfcheck looks for them.
from .virconf_model import (  # noqa: F401
    LIST, SIGNED, STRING, UNSIGNED, Comment, Entry, ParseResult, SyntaxIssue,
    Value, number_value, overflows)

_GRAMMAR_FILE = os.path.join(os.path.dirname(__file__), "virconf.lark")

#: libvirt refuses to read a configuration file larger than this.
MAX_FILE_SIZE = 10 * 1024 * 1024

class _KeepBadTerminals:
    """Lark post-lexer that only keeps the BAD_* terminals in the lexer."""

    always_accept = ("BAD_TRIPLE_STRING", "BAD_DOUBLE_STRING",
                     "BAD_SINGLE_STRING", "BAD_SIGN", "BAD_CHARACTER")

    def process(self, stream):
        return stream


_PARSER = None


def _parser():
    """The Lark parser, built on first use (never at import)."""
    global _PARSER
    if _PARSER is None:
        from ..larkcache import build

        _PARSER = build(_GRAMMAR_FILE, lexer="contextual",
                        postlex=_KeepBadTerminals(),
                        maybe_placeholders=False)
    return _PARSER


def decode(data: bytes) -> str:
    """Bytes to text such that every byte survives (surrogateescape)."""
    return data.decode("utf-8", "surrogateescape")


def parse_bytes(data: bytes, version: Optional[Tuple[int, int]] = None,
                comments: bool = True) -> ParseResult:
    """Parse qemu.conf content as libvirt ``version`` would.

    ``version`` only changes how numbers too large for 64 bits are read:
    up to 9.0 they wrap silently, from 11.x they are an error.  With
    ``comments`` False the result lists no comment lines: no check reads
    them, and a large file is mostly comments (a comment after a value
    stays on its entry either way).
    """
    # The grammar sees one character per byte (latin-1), exactly the
    # buffer virconf.c scans: its rules count bytes ("a triple quote needs
    # seven bytes left"), and any byte at all must get through the lexer.
    # Values, comments and columns are turned back into decoded text.
    return _parse(data.decode("latin-1"), version, comments=comments)


def parse_text(text: str, version: Optional[Tuple[int, int]] = None
               ) -> ParseResult:
    """Parse text that came from ``decode``."""
    return parse_bytes(text.encode("utf-8", "surrogateescape"), version)


def _parse(text: str, version, use_fast_path: bool = True,
           comments: bool = True) -> ParseResult:
    result = _parse_all(text, version, use_fast_path, comments)
    if not comments:
        # The grammar's path collects them anyway; drop them so that the
        # result does not depend on which path read the file.
        result.comments = []
    return result


def _parse_all(text: str, version, use_fast_path: bool,
               comments: bool) -> ParseResult:

    result = ParseResult()
    if not text:
        return result

    # Blanks only (no line end): libvirt skips them, finds the end of the
    # buffer and still asks for a name.  The grammar would accept it.
    if not text.strip(" \t"):
        result.error = SyntaxIssue("expecting a name",
                                   *_position(text, len(text)))
        return result

    from . import fastpath

    fast = (fastpath.parse(text, version, comments=comments)
            if use_fast_path else None)
    if fast is not None:
        return fast

    # Only now, for files the fast path leaves to the grammar, load Lark.
    from lark.exceptions import UnexpectedInput

    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        result.error = _libvirt_error(text, exc)
        overflow = _first_overflow(exc, version)
        if overflow is not None:
            # libvirt scans once, front to back: a number too large for
            # 11.x stops it before it ever reaches the syntax error.
            result.error = SyntaxIssue("numeric overflow in conf value",
                                       *_position(text, overflow.end_pos))
        tree = None
    if tree is not None:
        _collect(tree, text, result, version)
        return result

    # Keep what came before the error, as far as it is whole: parse the
    # text up to the start of the failing line (once, no recursion).
    prefix_end = _line_start(text, result.error.line)
    if 0 < prefix_end < len(text):
        try:
            prefix_tree = _parser().parse(text[:prefix_end])
        except UnexpectedInput:
            prefix_tree = None
        if prefix_tree is not None:
            partial = ParseResult()
            _collect(prefix_tree, text, partial, version)
            if partial.error is None:
                result.entries = partial.entries
                result.comments = partial.comments
    return result


def _first_overflow(exc, version):
    """The first number read before the syntax error that 11.x refuses."""
    from lark import Token, Tree

    state = getattr(getattr(exc, "interactive_parser", None),
                    "parser_state", None)
    if state is None:
        return None
    numbers = []
    for item in state.value_stack:
        if isinstance(item, Tree):
            numbers.extend(item.scan_values(
                lambda value: isinstance(value, Token)
                and value.type == "NUMBER"))
        elif isinstance(item, Token) and item.type == "NUMBER":
            numbers.append(item)
    too_large = [token for token in numbers if overflows(token, version)]
    return min(too_large, key=lambda token: token.start_pos, default=None)


def _line_start(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


class _Overflow(Exception):
    def __init__(self, token):
        self.token = token


def _decoded(raw: str) -> str:
    """Text of the latin-1 parse back to ``decode``'s text."""
    return decode(raw.encode("latin-1"))


class _Columns:
    """Columns in decoded characters for tokens met in file order.

    Lark counts columns in bytes here.  Where a line has non-ASCII bytes,
    the characters are counted from the previous token of the same line
    rather than from the line start, so that a long line with many
    statements is still read in linear time.
    """

    def __init__(self, text: str):
        self._text = text
        self._ascii = text.isascii()
        self._line_start = -1
        self._offset = 0
        self._column = 1

    def __call__(self, token) -> int:
        if self._ascii:
            return token.column
        line_start = token.start_pos - (token.column - 1)
        if line_start != self._line_start or token.start_pos < self._offset:
            self._line_start, self._offset, self._column = (
                line_start, line_start, 1)
        self._column += len(_decoded(self._text[self._offset:
                                                token.start_pos]))
        self._offset = token.start_pos
        return self._column


def _collect(tree, text: str, result: ParseResult, version) -> None:
    column = _Columns(text)
    try:
        for statement in tree.children:
            if statement.data == "assignment":
                name_token = statement.children[0]
                # Columns are asked for in file order: name, then value.
                name_column = column(name_token)
                value = _value(statement.children[1], column, version)
                comment = None
                if len(statement.children) > 2:
                    comment = _decoded(statement.children[2][1:])
                result.entries.append(Entry(
                    str(name_token), value, name_token.line, name_column,
                    comment))
            else:
                token = statement.children[0]
                result.comments.append(Comment(
                    _decoded(token[1:]), token.line,
                    column(token)))
    except _Overflow as exc:
        result.error = SyntaxIssue("numeric overflow in conf value",
                                   exc.token.line,
                                   column(exc.token)
                                   + len(exc.token))


def _value(node, column, version) -> Value:
    """The ``Value`` of a value node.

    Lists are walked with a stack of their own rather than by recursion:
    libvirt reads lists nested thousands deep, and so must we.  Children
    are visited in file order, which ``column`` relies on.
    """
    found: List[Value] = []
    # One frame per open list: (node, its items so far, children left).
    stack = [(None, found, iter((node,)))]
    while stack:
        list_node, items, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if list_node is not None:
                stack[-1][1].append(Value(LIST, items, *_start(list_node)))
        elif getattr(child, "data", None) == "list":
            stack.append((child, [], iter(child.children)))
        else:
            items.append(_scalar(child, column, version))
    return found[0]


def _start(node) -> Tuple[int, int]:
    if node.meta.empty:
        return 0, 0
    return node.meta.line, node.meta.column


def _scalar(node, column, version) -> Value:
    from lark import Token

    if isinstance(node, Token):
        raise AssertionError(f"unexpected token {node.type}")
    token = node.children[0]
    if node.data == "number":
        return _number(token, column(token), version)
    quote = '"""' if token.type == "TRIPLE_STRING" else token[0]
    inner = token[len(quote):len(token) - len(quote)]
    # libvirt copies the string with strndup: a NUL byte ends it.
    inner = _decoded(inner.split("\x00", 1)[0])
    return Value(STRING, inner, token.line, column(token), quote)


def _number(token, column: int, version) -> Value:
    if overflows(str(token), version):
        raise _Overflow(token)
    return number_value(str(token), token.line, column, version)


# -- errors in libvirt's words ---------------------------------------------

_VALUE_TERMINALS = {"TRIPLE_STRING", "DOUBLE_STRING", "SINGLE_STRING",
                    "NUMBER", "LSQB"}


def _position(text: str, offset: int) -> Tuple[int, int]:
    """1-based line and column (in decoded characters) of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return line, len(_decoded(text[line_start:offset])) + 1


def _libvirt_error(text: str, exc) -> SyntaxIssue:
    from lark.exceptions import UnexpectedToken

    if not isinstance(exc, UnexpectedToken):
        line, column = _position(text, len(text))
        return SyntaxIssue("expecting a value", line, column)
    token = exc.token
    kind = token.type
    offset = len(text) if kind == "$END" else token.start_pos
    line, column = _position(text, offset)

    # LALR merges states, so ``exc.expected`` can hold terminals of
    # another context; ask the parser what it really accepts here.
    try:
        expected = set(exc.interactive_parser.accepts())
    except Exception:  # pragma: no cover - older lark without it
        expected = set(exc.expected)

    if expected & _VALUE_TERMINALS:
        if kind == "BAD_TRIPLE_STRING":
            # libvirt scans for the closing quotes up to two characters
            # before the end, counting the lines it passes.
            stop = max(offset + 3, len(text) - 2)
            stop_line, stop_column = _position(text, min(stop, len(text)))
            if stop_line == line:
                return SyntaxIssue("unterminated string", line, column)
            # The caret goes where libvirt gave up, on the line it names;
            # the message says where the string began.
            return SyntaxIssue("unterminated string", stop_line,
                               stop_column, opened_at=(line, column))
        if kind in ("BAD_DOUBLE_STRING", "BAD_SINGLE_STRING"):
            return SyntaxIssue("unterminated string", line, column)
        if kind == "BAD_SIGN":
            return SyntaxIssue("unterminated number", line, column)
        if "RSQB" in expected and kind == "$END":
            if _after_comma(text, offset):
                return SyntaxIssue("expecting a value", line, column)
            return SyntaxIssue("list is not closed with ]", line, column)
        return SyntaxIssue("expecting a value", line, column)
    if "COMMA" in expected:
        if kind == "$END":
            return SyntaxIssue("list is not closed with ]", line, column)
        return SyntaxIssue("expecting a separator in list", line, column)
    if "EQUAL" in expected:
        return SyntaxIssue("expecting an assignment", line, column)
    if "NAME" in expected:
        return SyntaxIssue("expecting a name", line, column)
    return SyntaxIssue("expecting a separator", line, column)


def _after_comma(text: str, offset: int) -> bool:
    stripped = text[:offset].rstrip(" \t\r\n")
    return stripped.endswith(",")
