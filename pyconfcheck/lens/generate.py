"""Write the Augeas lens and its test from the settings table.

``lenses/libvirtd_qemu.aug`` is the lens text of ``LENS_TEMPLATE`` with
one key regex per value type, built from :data:`pyconfcheck.settings`,
plus the regex of every *other* setting name (the generic entries).

``lenses/tests/test_libvirtd_qemu.aug`` follows libvirt's practice: the
``#key = value`` example lines of ``examples/qemu.conf`` become one
``get`` test whose expected tree is worked out here from the table, and
the hand-written tests of ``test_template.aug`` (every syntax form, edits,
and ``= *`` for what the lens cannot read) follow it.  A setting of the
table that the example does not document, or documents with a value the
lens cannot read, breaks ``make lens-test``.

Run ``python -m pyconfcheck.lens.generate`` to rewrite both files,
``--check`` to fail when they are out of date.
"""

import re
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from .. import settings
from . import EXAMPLE_FILE, LENS_FILE, LENS_TEST_FILE

_HERE = Path(__file__).resolve().parent
LENS_TEMPLATE = _HERE / "lens_template.aug"
TEST_TEMPLATE = _HERE / "test_template.aug"

_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS_ = frozenset("0123456789_")

# The lens's value types, in the order the lens lists them.
VALUE_TYPES = ("str", "bool", "uint", "int", "str_array", "str_or_array",
               "limits", "bytes")


def value_type(setting: settings.Setting) -> str:
    """The lens value type of ``setting``.

    The table's ``lens`` column names the stock builder; ours reads signed
    numbers where libvirt's getter is signed, and a list where libvirt
    takes a string or a list.
    """
    if setting.lens == "int":
        return "int" if setting.kind == settings.INT else "uint"
    if setting.lens == "str" and setting.kind == settings.STRING_OR_LIST:
        return "str_or_array"
    return setting.lens


def names_by_type(rows: Iterable[settings.Setting] = settings.SETTINGS
                  ) -> Dict[str, List[str]]:
    groups: Dict[str, List[str]] = {kind: [] for kind in VALUE_TYPES}
    for setting in rows:
        groups[value_type(setting)].append(setting.name)
    return groups


# ---------------------------------------------------------------------------
# The regex of every setting name that is not in the table


def _char_class(chars: Iterable[str]) -> str:
    """A bracket expression for ``chars`` written as ranges."""
    codes = sorted(ord(c) for c in chars)
    parts = []
    start = prev = codes[0]
    for code in codes[1:] + [-1]:
        if code == prev + 1:
            prev = code
            continue
        if prev - start >= 2:
            parts.append(f"{chr(start)}-{chr(prev)}")
        else:
            parts.append("".join(chr(c) for c in range(start, prev + 1)))
        start = prev = code
    return "[" + "".join(parts) + "]"


_LOWER_TAIL = _char_class(_LOWER | _DIGITS_) + "*"
_ANY_TAIL = _char_class(_LOWER | _UPPER | _DIGITS_) + "*"


def _trie(names: Iterable[str]) -> dict:
    root: dict = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _deviations(node: dict, allowed: frozenset) -> str:
    """Lower-case strings that follow the trie from ``node`` and leave it.

    At each node a string goes on with a character no known name has
    there (and the regex ends: the caller adds the tail), or follows the
    trie.  A name that stops inside the trie is not matched here.
    """
    branches = []
    for char in sorted(c for c in node if c):
        branches.append(char + _deviations(node[char], _LOWER | _DIGITS_))
    others = allowed - set(node)
    if others:
        branches.append(_char_class(others))
    if len(branches) == 1:
        return branches[0]
    return "(" + "|".join(branches) + ")"


def _stops(node: dict) -> Optional[str]:
    """Non-empty paths from ``node`` to nodes where no known name ends."""
    branches = []
    for char in sorted(c for c in node if c):
        child = node[char]
        rest = _stops(child)
        stops_here = "" not in child
        if rest is None:
            if stops_here:
                branches.append(char)
        else:
            branches.append(f"{char}({rest})" + ("?" if stops_here else ""))
    return "|".join(branches) if branches else None


def unknown_name_regex(names: Iterable[str]) -> str:
    """A regex for every libvirt setting name except ``names``.

    libvirt's names are ``[A-Za-z][A-Za-z0-9_]*``; ours are lower case.
    A name with a capital letter is unknown outright.  A lower-case one is
    unknown when it leaves the trie of known names (then anything may
    follow: one tail for the whole trie) or stops in it where no known
    name ends.  Written so, this is about 25 kilobytes, which glibc
    compiles faster than the 35 kB of one trie holding a tail at every
    node; asking Augeas to subtract the names from the name regex instead
    costs seconds of type checking and a sevenfold cold load.
    """
    names = list(names)
    if any(set(name) - _LOWER - _DIGITS_ for name in names):
        raise ValueError("known setting names must be lower case")
    trie = _trie(names)
    lower = f"{_deviations(trie, _LOWER)}{_LOWER_TAIL}"
    stops = _stops(trie)
    if stops is not None:
        lower += "|" + stops
    capital = (f"{_char_class(_LOWER)}{_LOWER_TAIL}"
               f"{_char_class(_UPPER)}{_ANY_TAIL}")
    return f"{lower}|{_char_class(_UPPER)}{_ANY_TAIL}|{capital}"


# ---------------------------------------------------------------------------
# The lens


def _alternation(names: List[str]) -> str:
    return "|".join(names)


def lens_text(rows: Iterable[settings.Setting] = settings.SETTINGS) -> str:
    rows = tuple(rows)
    groups = names_by_type(rows)
    text = LENS_TEMPLATE.read_text()
    for kind in VALUE_TYPES:
        text = text.replace(f"@{kind.upper()}_NAMES@",
                            _alternation(groups[kind]))
    text = text.replace("@UNKNOWN_NAME@",
                        unknown_name_regex(s.name for s in rows))
    text = text.replace("@COUNT@", str(len(rows)))
    if "@" in re.sub(r"\(\*.*?\*\)", "", text, flags=re.S):
        raise RuntimeError("lens template has an unreplaced placeholder")
    return text


# ---------------------------------------------------------------------------
# The test generated from the example file

_EXAMPLE_LINE = re.compile(r"^#(\w.*)$")
_LIST_END = re.compile(r"^#\s*\]")


def example_lines(text: str) -> List[str]:
    """The ``#key = value`` lines of an example file, uncommented.

    A line ``#word...`` is taken without its ``#``; when it opens a list
    (ends with ``[``), the following ``#`` lines up to ``#]`` are taken
    too.  Prose (``#`` then a blank) and blank lines are dropped.
    """
    picked: List[str] = []
    in_list = False
    for line in text.splitlines():
        if in_list:
            if line.startswith("#"):
                picked.append(line[1:])
            if _LIST_END.match(line):
                in_list = False
            continue
        match = _EXAMPLE_LINE.match(line)
        if match:
            picked.append(match.group(1))
            in_list = match.group(1).rstrip().endswith("[")
    return picked


_TOKEN = re.compile(r"""\s*(?:
      (?P<str>"[^"\n]*"|'[^'\n]*')
    | (?P<num>[-+]?[0-9]+)
    | (?P<punct>[\[\],])
    )""", re.X)


def _tokens(value: str) -> List[Tuple[str, str]]:
    tokens = []
    pos = 0
    value = value.rstrip()
    while pos < len(value):
        match = _TOKEN.match(value, pos)
        if not match:
            raise ValueError(f"cannot read example value {value!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


def _aug_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _expected_entry(name: str, value: str) -> str:
    """The tree our lens gives ``name = value``, as an Augeas test tree."""
    setting = settings.lookup(name)
    if setting is None:
        raise ValueError(f"example documents unknown setting {name!r}")
    tokens = _tokens(value)
    if tokens[0] == ("punct", "["):
        items = [tok for kind, tok in tokens if kind != "punct"]
        if not items:
            return f"{{ {_aug_string(name)} }}"
        kids = " ".join(f"{{ \"{n}\" = {_aug_string(item[1:-1])} }}"
                        for n, item in enumerate(items, 1))
        return f"{{ {_aug_string(name)} {kids} }}"
    kind, token = tokens[0]
    if kind == "str":
        token = token[1:-1]
    return f"{{ {_aug_string(name)} = {_aug_string(token)} }}"


def expected_tree(lines: List[str]) -> List[str]:
    """One expected tree line per setting of the picked example lines."""
    tree = []
    joined = "\n".join(lines)
    for match in re.finditer(r"^(\w+)\s*=\s*(\[[^\]]*\]|[^\n]*)", joined,
                             flags=re.M):
        tree.append(_expected_entry(match.group(1),
                                    match.group(2).replace("\n", " ")))
    return tree


def documented_names(lines: List[str]) -> List[str]:
    return [m.group(1) for m in
            re.finditer(r"^(\w+)\s*=", "\n".join(lines), flags=re.M)]


def test_text(example: Optional[str] = None,
              rows: Iterable[settings.Setting] = settings.SETTINGS) -> str:
    if example is None:
        example = EXAMPLE_FILE.read_text()
    lines = example_lines(example)
    missing = [s.name for s in rows if s.name not in documented_names(lines)]
    if missing:
        raise ValueError("examples/qemu.conf does not document: "
                         + ", ".join(missing))
    conf = "\n".join(lines) + "\n"
    body = ("   let conf = " + _aug_string(conf) + "\n\n"
            "   test Libvirtd_qemu.lns get conf =\n"
            + "\n".join(expected_tree(lines)) + "\n")
    template = TEST_TEMPLATE.read_text()
    if template.count("@CONFIG@\n") != 1:
        raise RuntimeError("test template needs one @CONFIG@ line")
    return template.replace("@CONFIG@\n", body)


# ---------------------------------------------------------------------------


def outputs() -> Dict[Path, str]:
    return {LENS_FILE: lens_text(), LENS_TEST_FILE: test_text()}


def main(argv: List[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, text in outputs().items():
        if path.exists() and path.read_text() == text:
            continue
        if check:
            stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if stale:
        print("out of date (run python -m pyconfcheck.lens.generate): "
              + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
