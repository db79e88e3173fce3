"""Lark parsers built once, at install time, and loaded from then on.

Building an LALR parser from a grammar costs tens of milliseconds; loading
the analysed tables costs two.  The tables are kept next to each grammar
(``virconf.lark.cache``), inside the installed package: a private place,
never a predictable file in a shared temporary directory.  ``make`` writes
them after installing (``python -m pyconfcheck.larkcache``); where the
package directory is read-only and they are missing, the parser is built
in memory each time and nothing is written anywhere else.

Lark stores a hash of the grammar and options in the file and rebuilds
when they differ, so a cache never outlives a change to its grammar.
"""

import os
import sys

#: The grammars of pyconfcheck, relative to the package.
GRAMMARS = ("syntax/virconf.lark", "mirror/lens.lark")

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def cache_path(grammar_path: str) -> str:
    return grammar_path + ".cache"


def build(grammar_path: str, **options):
    """A Lark LALR parser for ``grammar_path``, from its cache if there."""
    from lark import Lark

    with open(grammar_path, encoding="utf-8") as grammar:
        text = grammar.read()
    cache = cache_path(grammar_path)
    writable = os.access(os.path.dirname(grammar_path), os.W_OK)
    if os.path.exists(cache) or writable:
        return Lark(text, parser="lalr", cache=cache, **options)
    return Lark(text, parser="lalr", **options)


def main() -> int:
    """Build every grammar's cache (run by ``make`` after installing)."""
    from .mirror import _parser as mirror_parser
    from .syntax import virconf

    virconf._parser()
    mirror_parser()
    for relative in GRAMMARS:
        path = cache_path(os.path.join(_PACKAGE, relative))
        state = "ready" if os.path.exists(path) else "not written"
        print(f"{os.path.relpath(path)}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
