"""A fast reader for the common shape of qemu.conf, exact or silent.

Lark's LALR parser costs a few microseconds per token in Python; a stock
qemu.conf of 40 KB is no problem, a generated one of 10 MiB is.  This
module reads well-formed files statement by statement with a handful of
compiled regexes and builds exactly the entries the grammar would.  It
never decides an error: on anything it does not recognise (a syntax
error, a nested list, a triple-quoted string, a number too large, a NUL
byte) it returns None and the caller parses the whole file with the Lark grammar,
which stays the one definition of the syntax.  Both paths are compared on
every input of the parser proof (tests/test_virconf_fastpath.py).
"""

import re
from typing import Optional

from .virconf_model import (Comment, Entry, LIST, ParseResult, STRING,
                            Value, number_value, overflows)

# After "=": a scalar value, blanks, an optional comment, blanks, then a
# separator (line ends, or one ";" with what follows, or the end).
_ASSIGNMENT = re.compile(
    r'([A-Za-z][A-Za-z0-9_]*)[ \t]*=[ \t]*'
    r'(?:"(?!"")([^"\r\n]*)"|\'([^\'\r\n]*)\'|([+-]?[0-9]+)|(\[))')
_AFTER_VALUE = re.compile(
    r'[ \t]*(?:#([^\r\n]*))?[ \t]*(?:([\r\n][ \t\r\n]*)|(;[ \t\r\n]*)|\Z)')
_COMMENT_LINE = re.compile(
    r'#([^\r\n]*)(?:([\r\n][ \t\r\n]*)|\Z)')
# A run of comment lines and the blanks between them, when their text is
# not wanted: one match instead of one per line.
_COMMENT_RUN = re.compile(
    r'(?:#[^\r\n]*(?:[\r\n][ \t\r\n]*|\Z))+')
_LEADING = re.compile(r'[ \t\r\n]*')
_LIST_BLANKS = re.compile(r'[ \t\r\n]*')
_LIST_ITEM = re.compile(
    r'"(?!"")([^"\r\n]*)"|\'([^\'\r\n]*)\'|([+-]?[0-9]+)')


class _GiveUp(Exception):
    """The fast path does not recognise this input: use the grammar."""


#: Beyond this a line with non-ASCII bytes is left to the grammar, which
#: counts its columns without going back to the line start each time.
_LONG_LINE = 4096


def parse(text: str, version, comments: bool = True
          ) -> Optional[ParseResult]:
    """Entries of ``text`` (one character per byte, as virconf.py hands it
    over), or None to let the grammar decide.  With ``comments`` False,
    comment lines are skipped, not listed."""
    if "\x00" in text or '"""' in text:
        return None
    try:
        if text.isascii():
            return _parse(text, version, _ascii_column, _same, comments)
        return _parse(text, version, _decoded_column, _decoded, comments)
    except _GiveUp:
        return None


def _same(raw: str) -> str:
    return raw


def _decoded(raw: str) -> str:
    """Text of the one-character-per-byte input as decode() gives it."""
    return raw.encode("latin-1").decode("utf-8", "surrogateescape")


def _ascii_column(text: str, line_start: int, pos: int) -> int:
    return pos - line_start + 1


def _decoded_column(text: str, line_start: int, pos: int) -> int:
    """Columns count decoded characters, as the grammar's path does."""
    if pos - line_start > _LONG_LINE:
        raise _GiveUp
    return len(_decoded(text[line_start:pos])) + 1


def _parse(text: str, version, column_of, text_of,
           keep_comments: bool = True) -> ParseResult:
    result = ParseResult()
    entries, comments = result.entries, result.comments
    end = len(text)
    pos = _LEADING.match(text).end()
    if pos == end:
        # Empty is fine; blanks only is an error the grammar words.
        if end:
            raise _GiveUp
        return result

    line = text.count("\n", 0, pos) + 1
    line_start = text.rfind("\n", 0, pos) + 1
    assignment_match = _ASSIGNMENT.match
    after_match = _AFTER_VALUE.match
    comment_match = _COMMENT_LINE.match
    comment_run_match = _COMMENT_RUN.match

    while pos < end:
        if text[pos] == "#" and not keep_comments:
            # Comment text holds no line end: every one in the run is a
            # separator, and the last one starts the current line.
            run_end = comment_run_match(text, pos).end()
            newlines = text.count("\n", pos, run_end)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", pos, run_end) + 1
            pos = run_end
            continue
        if text[pos] == "#":
            found = comment_match(text, pos)
            if found is None:
                raise _GiveUp
            comments.append(Comment(text_of(found.group(1)), line,
                                    column_of(text, line_start, pos)))
            separator = found.group(2)
            pos = found.end()
            if separator:
                newlines = separator.count("\n")
                if newlines:
                    line += newlines
                    line_start = separator.rfind("\n") + found.start(2) + 1
            continue

        found = assignment_match(text, pos)
        if found is None:
            raise _GiveUp
        name = found.group(1)
        name_line, name_column = line, column_of(text, line_start, pos)
        value_pos = found.start(2) - 1 if found.group(2) is not None else \
            found.start(3) - 1 if found.group(3) is not None else \
            found.start(4) if found.group(4) is not None else found.start(5)
        value_column = column_of(text, line_start, value_pos)

        if found.group(2) is not None:
            value = Value(STRING, text_of(found.group(2)), line, value_column,
                          '"')
            pos = found.end()
        elif found.group(3) is not None:
            value = Value(STRING, text_of(found.group(3)), line, value_column,
                          "'")
            pos = found.end()
        elif found.group(4) is not None:
            literal = found.group(4)
            if overflows(literal, version):
                raise _GiveUp
            value = number_value(literal, line, value_column, version)
            pos = found.end()
        else:
            value, pos, line, line_start = _list(
                text, found.end(), line, line_start, version, column_of,
                text_of)

        after = after_match(text, pos)
        if after is None:
            raise _GiveUp
        comment = after.group(1)
        entries.append(Entry(name, value, name_line, name_column,
                             None if comment is None else text_of(comment)))
        separator = after.group(2) or after.group(3)
        if separator is None and after.end() < end:
            raise _GiveUp
        if separator:
            start = after.start(2) if after.group(2) else after.start(3)
            newlines = separator.count("\n")
            if newlines:
                line += newlines
                line_start = start + separator.rfind("\n") + 1
        pos = after.end()
    return result


def _list(text, pos, line, line_start, version, column_of, text_of):
    """A flat list from just after "[": (Value, end, line, line_start)."""
    items = []
    blanks = _LIST_BLANKS.match
    item_match = _LIST_ITEM.match

    def skip(position, line, line_start):
        found = blanks(text, position)
        span = found.group()
        newlines = span.count("\n")
        if newlines:
            line += newlines
            line_start = position + span.rfind("\n") + 1
        return found.end(), line, line_start

    pos, line, line_start = skip(pos, line, line_start)
    if text.startswith("]", pos):
        return Value(LIST, items, 0, 0), pos + 1, line, line_start
    while True:
        found = item_match(text, pos)
        if found is None:
            raise _GiveUp
        column = column_of(text, line_start, pos)
        if found.group(1) is not None:
            items.append(Value(STRING, text_of(found.group(1)), line, column,
                               '"'))
        elif found.group(2) is not None:
            items.append(Value(STRING, text_of(found.group(2)), line, column,
                               "'"))
        else:
            literal = found.group(3)
            if overflows(literal, version):
                raise _GiveUp
            items.append(number_value(literal, line, column, version))
        pos, line, line_start = skip(found.end(), line, line_start)
        if text.startswith("]", pos):
            return Value(LIST, items, 0, 0), pos + 1, line, line_start
        if not text.startswith(",", pos):
            raise _GiveUp
        pos, line, line_start = skip(pos + 1, line, line_start)
        if text.startswith("]", pos):
            return Value(LIST, items, 0, 0), pos + 1, line, line_start
