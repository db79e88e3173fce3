"""The comparison at the heart of the parser proof.

``disagreements(data, oracle)`` reads one file with pyconfcheck's parser
and with libvirt's (``tests/oracle/libvirt_conf.py``) and lists every way
they differ: accept or reject; on reject the line and the message; on
accept every entry's name and value, and for every name in the file the
verdict of each typed getter the QEMU driver uses.

Kept apart from the test module so that a long run and the regression
tests use the very same comparison.
"""

from typing import List, Sequence

from pyconfcheck.syntax.getters import get
from pyconfcheck.syntax.virconf import LIST, parse_bytes

#: The getter kinds of the settings table that libvirt 9.0.0 can answer
#: (the size getter only exists from 12.x; ``unread`` has no getter).
GETTER_KINDS = ("bool", "uint", "int", "string", "list", "string_or_list",
                "max_core")

#: The release whose library the oracle loads (Debian 12).
ORACLE_VERSION = (9, 0)


#: Marks the end of a list in a flattened value.
_END = ("end",)


def flat_ours(value) -> tuple:
    """pyconfcheck's ``Value`` as a flat tuple of ``(type, value)`` items.

    A list is ``("list",)``, its items, then ``("end",)``.  Flat, so that
    comparing and printing lists nested thousands deep (libvirt reads
    them) needs no recursion.
    """
    out = []
    stack = [value]
    while stack:
        item = stack.pop()
        if item is _END:
            out.append(_END)
        elif item.type == LIST:
            out.append((LIST,))
            stack.append(_END)
            stack.extend(reversed(item.value))
        else:
            out.append((item.type, item.value))
    return tuple(out)


def flat_oracle(value) -> tuple:
    """The oracle's nested ``(type, value)`` in ``flat_ours``'s form."""
    out = []
    stack = [value]
    while stack:
        item = stack.pop()
        if item is _END:
            out.append(_END)
        elif item[0] == LIST:
            out.append((LIST,))
            stack.append(_END)
            stack.extend(reversed(item[1]))
        else:
            out.append(item)
    return tuple(out)


def _expected_getter(verdict, kind: str):
    """What pyconfcheck's ``get`` must return for libvirt's verdict.

    For max_core, pyconfcheck's getter also makes the QEMU driver's own
    check that a string is "unlimited" (the driver's "Unknown core size"
    error, facts section 4.2); the library only runs the getter.
    """
    if verdict.status < 0:
        return None, (verdict.message, verdict.category)
    value = verdict.value
    if kind == "max_core" and isinstance(value, str) and value != "unlimited":
        return None, ("Unknown core size '%s'" % value,
                      "unsupported configuration")
    if isinstance(value, tuple):
        value = list(value)
    return value, None


def disagreements(data: bytes, oracle, kinds: Sequence[str] = GETTER_KINDS
                  ) -> List[str]:
    """Every difference between pyconfcheck and libvirt on ``data``."""
    ours = parse_bytes(data, version=ORACLE_VERSION)
    theirs = oracle.read(data, kinds=kinds)
    problems: List[str] = []

    if theirs.error is not None or ours.error is not None:
        if theirs.error is None:
            problems.append("libvirt accepts, pyconfcheck says line %d: %s"
                            % (ours.error.line, ours.error.message))
        elif ours.error is None:
            problems.append("pyconfcheck accepts, libvirt says line %s: %s"
                            % (theirs.error.line, theirs.error.message))
        elif (ours.error.line, ours.error.message) != (
                theirs.error.line, theirs.error.message):
            problems.append("error: pyconfcheck line %d: %s; libvirt line "
                            "%s: %s" % (ours.error.line, ours.error.message,
                                        theirs.error.line,
                                        theirs.error.message))
        return problems

    our_entries = tuple((entry.name, flat_ours(entry.value))
                        for entry in ours.entries)
    their_entries = tuple((name, flat_oracle(value))
                          for name, value in theirs.entries)
    if our_entries != their_entries:
        problems.append("entries: pyconfcheck %r; libvirt %r"
                        % (our_entries, their_entries))
        return problems

    first = {}
    for entry in ours.entries:
        first.setdefault(entry.name, entry.value)
    for (name, kind), verdict in sorted(theirs.getters.items()):
        value, error = get(first[name], kind, name)
        ours_now = (value, None if error is None
                    else (error.message, error.prefix))
        if ours_now != _expected_getter(verdict, kind):
            problems.append("getter %s of %r: pyconfcheck %r; libvirt %r"
                            % (kind, name, ours_now, verdict))
    return problems
