"""Where Augeas says our lens stopped reading a file.

When the lens's top-level iteration (``( record | comment | empty )*``)
cannot match the next record, Augeas does not report where that record
starts: it walks the record's lens from there, left to right, adding up
the longest match of each part until one fails, going inside a part only
when nothing before it matched text (Augeas's ``try_match`` in get.c,
measured against augtool with this lens).  The offset it reaches is
``error/pos``, and ``error/line`` and ``error/char`` follow from it.

This module models the lens as a tree of parts for that walk.  Each part
knows the Python regex of the text it matches, written so that Python's
first match is the longest one, which is what Augeas's POSIX matcher
returns.  The key regexes come from the settings table, as the lens's do.
"""

import functools
import re
from typing import Dict, FrozenSet, List, Sequence

_BLANKS = r"[ \t]*"
_WS = r"[ \t\r\n]*"


class _Part:
    """One lens: the regex of what it matches, and the walk."""

    pattern = ""

    @functools.cached_property
    def _regex(self):
        return re.compile(self.pattern)

    def longest(self, text: str, pos: int) -> int:
        """Length of the longest match at ``pos``, -1 when none."""
        match = self._regex.match(text, pos)
        return match.end() - pos if match else -1

    def walk(self, text: str, pos: int) -> int:
        """Augeas's try_match: how far the parts that match get."""
        return self.longest(text, pos)


class _Regex(_Part):
    """del, store or key: a regex of its own."""

    def __init__(self, pattern: str):
        self.pattern = pattern


class _Nothing(_Part):
    """label, seq and counter: they match the empty text."""

    pattern = ""

    def walk(self, text: str, pos: int) -> int:
        return 0


class _Names(_Regex):
    """A key from a list of names: the longest name wins."""

    def __init__(self, names: Sequence[str]):
        ordered = sorted(names, key=len, reverse=True)
        super().__init__("(?:" + "|".join(map(re.escape, ordered)) + ")")


class _OtherName(_Regex):
    """Every name libvirt allows except the known ones."""

    def __init__(self, known: FrozenSet[str]):
        self.known = known
        ordered = sorted(known, key=len, reverse=True)
        known_word = "(?:" + "|".join(map(re.escape, ordered)) + ")"
        super().__init__(
            f"(?!{known_word}(?![A-Za-z0-9_]))[A-Za-z][A-Za-z0-9_]*")

    def longest(self, text: str, pos: int) -> int:
        run = re.compile(r"[A-Za-z][A-Za-z0-9_]*").match(text, pos)
        if not run:
            return -1
        word = run.group()
        for size in range(len(word), 0, -1):
            if word[:size] not in self.known:
                return size
        return -1


class _Concat(_Part):
    def __init__(self, *parts: _Part):
        # Augeas flattens a concatenation of concatenations.
        self.parts: List[_Part] = []
        for part in parts:
            self.parts += part.parts if isinstance(part, _Concat) else [part]
        self.pattern = "".join(f"(?:{p.pattern})" for p in self.parts)

    def walk(self, text: str, pos: int) -> int:
        result = 0
        for part in self.parts:
            size = part.longest(text, pos)
            if size >= 0:
                result += size
                pos += size
            elif result > 0:
                return result
            else:
                return part.walk(text, pos)
        return result


class _Union(_Part):
    def __init__(self, *parts: _Part):
        self.parts: List[_Part] = []
        for part in parts:
            self.parts += part.parts if isinstance(part, _Union) else [part]
        # The alternatives never match the same text (the lens is type
        # checked), so the order only serves Python's first match.
        self.pattern = "|".join(f"(?:{p.pattern})" for p in self.parts)

    def longest(self, text: str, pos: int) -> int:
        return max(part.longest(text, pos) for part in self.parts)

    def walk(self, text: str, pos: int) -> int:
        for part in self.parts:
            size = part.walk(text, pos)
            if size > 0:
                return size
        return 0


class _Inside(_Part):
    """subtree, square, maybe and star: the walk goes into the child."""

    def __init__(self, child: _Part, suffix: str = "", pattern: str = ""):
        self.child = child
        self.pattern = pattern or f"(?:{child.pattern}){suffix}"

    def walk(self, text: str, pos: int) -> int:
        return self.child.walk(text, pos)


def _subtree(*parts: _Part) -> _Part:
    return _Inside(_Concat(*parts))


def _maybe(part: _Part) -> _Part:
    return _Inside(part, "?")


def _star(part: _Part) -> _Part:
    return _Inside(part, "*")


def _square(left: str, body: str, right: str) -> _Part:
    # The two quotes must be the same character: Augeas's square lens
    # rejects "text' when it matches, not only when it builds the tree.
    same = "|".join(f"{q}(?:{body}){q}" for q in ('"', "'"))
    return _Inside(_Concat(_Regex(left), _Regex(body), _Regex(right)),
                   pattern=same)


# ---------------------------------------------------------------------------
# The lens, part by part, as lenses/libvirtd_qemu.aug writes it


def _lens(names_by_type: Dict[str, List[str]]) -> _Part:
    either_quote = r"[\"']"
    dquote, squote = _Regex('"'), _Regex("'")

    def plain_str(body):
        return _square(either_quote, body, either_quote)

    dquoted_str = _Concat(dquote, _Regex("[^\"\\r\\n]*'[^\"\\r\\n]*"), dquote)
    squoted_str = _Concat(squote, _Regex("[^'\\r\\n]*\"[^'\\r\\n]*"), squote)
    any_str = plain_str("[^\"'\\r\\n]*")
    full_str = plain_str("[^\"'\\r\\n]+")

    seq = _Nothing()
    str_item = _Union(_subtree(seq, any_str), _subtree(seq, dquoted_str),
                      _subtree(seq, squoted_str))
    list_sep = _Regex(f"{_WS},{_WS}")
    list_val = _Concat(
        _Nothing(), _Regex(r"\[" + _WS),
        _Union(_Concat(str_item, _star(_Concat(list_sep, str_item)),
                       _Regex(f"{_WS}(?:,{_WS})?\\]")),
               _Regex(r"\]")))

    value_comment = _Union(
        _subtree(_Nothing(), _Regex(f"{_BLANKS}(?:;{_BLANKS})?#{_BLANKS}"),
                 _Regex(r"[^ \t\r\n][^\r\n]*[^ \t\r\n]|[^ \t\r\n]")),
        _subtree(_Nothing(), _Regex(f"{_BLANKS}(?:;{_BLANKS})?#")))
    equals = _Regex(f"{_BLANKS}={_BLANKS}")
    eol = _Regex(f"{_BLANKS}(?:;{_BLANKS})?\\r?\\n")
    comment_eol = _Regex(f"{_BLANKS}\\r?\\n")
    tail = _Union(_Concat(value_comment, comment_eol), eol)

    def setting(names, value):
        key = names if isinstance(names, _Part) else _Names(names)
        return _subtree(key, equals, value, tail)

    def store(pattern):
        return _Regex(pattern)

    names = names_by_type
    uint_val = store(r"\+?[0-9]+")
    raw_scalar = r"""[-+]?[0-9]+|"[^"\r\n]*"|'[^'\r\n]*'"""
    raw_items = (f"(?:{raw_scalar})(?:{_WS},{_WS}(?:{raw_scalar}))*"
                 f"{_WS}(?:,{_WS})?")
    raw_val = store(f"{raw_scalar}|\\[{_WS}(?:{raw_items})?\\]")
    known = frozenset(n for group in names.values() for n in group)

    settings = _Union(
        setting(names["str"], any_str),
        setting(names["str"], dquoted_str),
        setting(names["str"], squoted_str),
        setting(names["bool"], store(r"\+?0*[01]")),
        setting(names["uint"], uint_val),
        setting(names["int"], store(r"[-+]?[0-9]+")),
        setting(names["str_array"], list_val),
        setting(names["str_or_array"], full_str),
        setting(names["str_or_array"], dquoted_str),
        setting(names["str_or_array"], squoted_str),
        setting(names["str_or_array"], list_val),
        setting(names["limits"], plain_str("unlimited")),
        setting(names["limits"], uint_val),
        setting(names["bytes"], plain_str("[0-9]+[A-Za-z]+")),
        setting(names["bytes"], uint_val),
        setting(_OtherName(known), raw_val),
    )
    record = _Concat(_Regex(_BLANKS), settings)
    comment = _subtree(
        _Nothing(), _Regex(f"{_BLANKS}#{_BLANKS}"),
        _Regex(r"(?:[^ \t\n][^\n]*[^\r\n]|[^ \t\r\n])?"), _Regex(r"\r?\n"))
    empty = _subtree(_Nothing(), _Regex(f"{_BLANKS}\\r?\\n"))
    return _Union(record, comment, empty)


@functools.lru_cache(maxsize=1)
def _line_lens() -> _Part:
    from ..lens.generate import names_by_type

    return _lens(names_by_type())


def failure_offset(text: str, record_start: int) -> int:
    """Augeas's ``error/pos`` when the record at ``record_start`` fails."""
    return record_start + _line_lens().walk(text, record_start)
