"""The Augeas side of the mirror proof: our lens, loaded by python-augeas.

Every input is a real file under one scratch root (``/cases/000000`` ...),
and one Augeas instance loads them all with one ``load``: the lens then
sees exactly what it sees on a host (Augeas's own file reading, with its
NUL and final-newline handling), bytes that are not UTF-8 included, and
ten thousand inputs cost a second or two instead of one Augeas start each.

Only our lens is searched (no autoloading, no standard include path), so
the stock ``libvirtd_qemu.aug`` of the machine plays no part.

The tests in this file check the oracle itself.
"""

import os
import tempfile
from typing import List, Optional, Sequence, Tuple

import pytest

from pyconfcheck.lens import LENS_DIR, MODULE
from pyconfcheck.lens.bridge import Node

CASES_DIR = "/cases"

#: ("ok", tree) or ("error", (message, pos, line, char))
Outcome = Tuple[str, object]


def augeas_module():
    try:
        import augeas
    except ImportError:
        pytest.skip("python-augeas is needed for the Augeas side")
    return augeas


def _value(aug, augeas, path: str) -> Optional[str]:
    try:
        value = aug.get(path)
    except UnicodeDecodeError:
        # python-augeas decodes with augeas.AUGENC; read the bytes through
        # Latin-1 and give them back as the mirror does (surrogate escapes)
        encoding = augeas.AUGENC
        augeas.AUGENC = "latin-1"
        try:
            value = aug.get(path)
        finally:
            augeas.AUGENC = encoding
        return value.encode("latin-1").decode("utf-8", "surrogateescape")
    return "" if value == b"" else value


def _tree(aug, augeas, path: str) -> Tuple[Node, ...]:
    return tuple(Node(aug.label(child), _value(aug, augeas, child),
                      _tree(aug, augeas, child))
                 for child in aug.match(path + "/*"))


def _error(aug, base: str):
    def number(name):
        return int(aug.get(f"{base}/{name}"))

    return (aug.get(base + "/message"), number("pos"), number("line"),
            number("char"))


#: inputs per Augeas instance: finding a node among N siblings costs O(N),
#: so one instance for ten thousand files would be quadratic
BATCH = 1000


def augeas_outcomes(inputs: Sequence[bytes],
                    lens_dir: str = str(LENS_DIR)) -> List[Outcome]:
    """What our lens makes of each input, loaded as a file."""
    outcomes: List[Outcome] = []
    for first in range(0, len(inputs), BATCH):
        outcomes += _batch(inputs[first:first + BATCH], lens_dir)
    return outcomes


def _batch(inputs: Sequence[bytes], lens_dir: str) -> List[Outcome]:
    augeas = augeas_module()
    with tempfile.TemporaryDirectory(prefix="mirror-proof-") as root:
        cases = os.path.join(root, CASES_DIR.lstrip("/"))
        os.makedirs(cases)
        names = [f"{index:06d}" for index in range(len(inputs))]
        for name, data in zip(names, inputs):
            with open(os.path.join(cases, name), "wb") as handle:
                handle.write(data)

        flags = augeas.Augeas.NO_MODL_AUTOLOAD | augeas.Augeas.NO_STDINC
        aug = augeas.Augeas(root=root, loadpath=lens_dir, flags=flags)
        try:
            aug.set("/augeas/load/Mirror/lens", MODULE + ".lns")
            aug.set("/augeas/load/Mirror/incl", CASES_DIR + "/*")
            aug.load()
            outcomes: List[Outcome] = []
            for name in names:
                error = f"/augeas/files{CASES_DIR}/{name}/error"
                if aug.match(error):
                    outcomes.append(("error", _error(aug, error)))
                else:
                    tree = _tree(aug, augeas, f"/files{CASES_DIR}/{name}")
                    outcomes.append(("ok", tree))
            return outcomes
        finally:
            aug.close()


def mirror_outcome(data: bytes) -> Outcome:
    from pyconfcheck.mirror import parse_bytes

    result = parse_bytes(data)
    if result.ok:
        return ("ok", result.tree)
    error = result.error
    return ("error", (error.message, error.pos, error.line, error.char))


def disagreements(inputs: Sequence[bytes], labels: Sequence[str]):
    """(label, input, augeas outcome, mirror outcome) where they differ."""
    found = []
    for label, data, expected in zip(labels, inputs,
                                     augeas_outcomes(inputs)):
        got = mirror_outcome(data)
        if got != expected:
            found.append((label, data, expected, got))
    return found


def report(found, limit: int = 8) -> str:
    lines = [f"{len(found)} disagreement(s) between the mirror and Augeas:"]
    for label, data, expected, got in found[:limit]:
        lines.append(f"  {label}: {data[:300]!r}")
        lines.append(f"      augeas: {_short(expected)}")
        lines.append(f"      mirror: {_short(got)}")
    return "\n".join(lines)


def _short(outcome: Outcome) -> str:
    return repr(outcome)[:600]


# ---------------------------------------------------------------------------
# The oracle itself


def test_oracle_loads_our_lens_not_the_stock_one():
    # The stock lens rejects a comment after a value; ours reads it.
    [outcome] = augeas_outcomes([b"vnc_tls = 1 # on\n"])
    assert outcome == ("ok", (Node("vnc_tls", "1",
                                   (Node("#comment", "on"),)),))


def test_oracle_reports_where_the_lens_stops():
    [outcome] = augeas_outcomes([b"vnc_tls = 1\nvnc_tls = 2\n"])
    assert outcome == ("error", (
        "Iterated lens matched less than it should", 22, 2, 10))


def test_oracle_reads_bytes_that_are_not_utf8():
    [outcome] = augeas_outcomes([b"# \xff\xc3\n"])
    assert outcome == ("ok", (Node("#comment", "\udcff\udcc3"),))
