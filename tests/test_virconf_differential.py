"""The parser proof: pyconfcheck's virconf parser against libvirt's own.

Every input is read twice, by ``pyconfcheck.syntax`` and by the
``libvirt.so.0`` installed on the machine (``tests/oracle``), and compared
by ``virconf_proof.disagreements``: accept or reject; on reject the line
and the message; on accept every value, and the verdict of every typed
getter for every name in the file.

Inputs: the stock qemu.conf of libvirt 9.0.0 and 12.9.0 as shipped and
with every example uncommented (what libvirt's lens test reads), the 50
real files of ../shared/corpus/real, the project's examples, and
``CONFCHECK_PROOF_COUNT`` (default 30,000) generated files from seed
``CONFCHECK_PROOF_SEED``, and every short input up to
``CONFCHECK_PROOF_SHORT_LENGTH`` (default 3) pieces.
``make parser-proof-long`` runs a large count with a fresh seed and short
inputs of up to four pieces.

Only libvirt 9.0.0 can be loaded here (Debian 12).  What changed in 11.x
(numbers beyond 64 bits are an error instead of wrapping) is pinned
below from the facts notes, section 3.6.
"""

import collections
import glob
import os
import random
import time

import pytest

import confgen
from oracle import libvirt_conf
from pyconfcheck.syntax.virconf import SIGNED, UNSIGNED, parse_bytes
from virconf_proof import disagreements

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus"))

PROOF_COUNT = int(os.environ.get("CONFCHECK_PROOF_COUNT", "30000"))
PROOF_SEED = int(os.environ.get("CONFCHECK_PROOF_SEED", "20260527"))
#: How many pieces the exhaustive short inputs have at most.
PROOF_SHORT_LENGTH = int(os.environ.get("CONFCHECK_PROOF_SHORT_LENGTH", "3"))

#: Every message virconf.c of 9.0.0 has for a file it cannot read.
LIBVIRT_9_SYNTAX_MESSAGES = {
    "expecting a name", "expecting an assignment", "expecting a value",
    "unterminated string", "unterminated number",
    "expecting a separator in list", "list is not closed with ]",
    "expecting a separator",
}


@pytest.fixture(scope="module")
def oracle():
    try:
        return libvirt_conf.load()
    except libvirt_conf.OracleUnavailable as error:
        pytest.skip("libvirt0 (libvirt.so.0) is needed as the oracle: %s"
                    % error)


def _shared(path: str) -> str:
    if not os.path.exists(path):
        pytest.skip("%s is not present (the shared corpus lives next to the "
                    "repository)" % path)
    return path


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _report(problems, limit=10):
    lines = ["%d disagreement(s) with libvirt:" % len(problems)]
    for label, data, found in problems[:limit]:
        lines.append("  %s: %r" % (label, data[:300]))
        lines.extend("      " + item for item in found)
    return "\n".join(lines)


# -- the oracle itself -----------------------------------------------------------

def test_oracle_is_the_library_of_debian_12(oracle):
    # The 9.0 behaviour below (numbers wrap) is only proven with 9.0.
    assert oracle.version[:2] == (9, 0)


def test_oracle_reports_values_and_getter_verdicts(oracle):
    result = oracle.read(b"vnc_tls = 2\nmax_processes = -5\n",
                         kinds=("bool", "uint"))

    assert result.entries == (("vnc_tls", ("unsigned", 2)),
                              ("max_processes", ("signed", -5)))
    assert result.getters[("vnc_tls", "bool")] == libvirt_conf.GetterVerdict(
        -1, None, "value for 'vnc_tls' parameter must be 0 or 1",
        "internal error")
    assert result.getters[("max_processes", "uint")].message == (
        "expected an unsigned integer for 'max_processes' parameter")


def test_oracle_reports_the_line_libvirt_names(oracle):
    result = oracle.read(b"   \n\t\n")

    assert result.error == libvirt_conf.ReadError(
        "expecting a name", 3, "configuration file syntax error")


def test_oracle_reads_past_a_nul_byte_as_the_daemon_does(oracle):
    # virConfReadString would stop at the NUL and accept the file.
    result = oracle.read(b"a = 1\nb = 2\x00c = 3\n")

    assert result.error.message == "expecting a separator"
    assert result.error.line == 2


# -- stock files, real files, examples ---------------------------------------

_STOCK = [(version, form) for version in ("9.0.0", "12.9.0")
          for form in ("as shipped", "examples uncommented")]

#: How many entries libvirt reads from each stock file.
_STOCK_ENTRIES = {
    ("9.0.0", "as shipped"): 0, ("9.0.0", "examples uncommented"): 91,
    ("12.9.0", "as shipped"): 0, ("12.9.0", "examples uncommented"): 116,
}


@pytest.mark.parametrize("version,form", _STOCK,
                         ids=["-".join(item) for item in _STOCK])
def test_stock_file(oracle, version, form):
    path = _shared(os.path.join(CORPUS, "libvirt-" + version, "qemu.conf"))
    data = _read(path)
    if form == "examples uncommented":
        data = confgen.uncomment_examples(data.decode("utf-8")).encode()

    assert disagreements(data, oracle) == []
    assert len(oracle.read(data, kinds=()).entries) == _STOCK_ENTRIES[
        (version, form)]


_REAL = sorted(glob.glob(os.path.join(CORPUS, "real", "*.conf")))


@pytest.mark.parametrize("path", _REAL or [None],
                         ids=[os.path.basename(p) for p in _REAL] or ["none"])
def test_real_file(oracle, path):
    if path is None:
        _shared(os.path.join(CORPUS, "real"))
        pytest.skip("no files in %s" % os.path.join(CORPUS, "real"))

    assert disagreements(_read(path), oracle) == []


_EXAMPLES = sorted(glob.glob(os.path.join(REPO, "examples", "**", "qemu.conf"),
                             recursive=True))


@pytest.mark.parametrize(
    "path", _EXAMPLES or [None],
    ids=[os.path.relpath(p, REPO) for p in _EXAMPLES] or ["none"])
def test_project_example(oracle, path):
    if path is None:
        pytest.skip("the repository has no examples/**/qemu.conf yet")

    assert disagreements(_read(path), oracle) == []


#: Mutated copies made of each stock, real and example file.
_MUTANTS_PER_FILE = 40


def _corpus_files():
    """(label, bytes) of every stock (both forms), real and example file."""
    files = []
    for version in ("9.0.0", "12.9.0"):
        path = os.path.join(CORPUS, "libvirt-" + version, "qemu.conf")
        if os.path.exists(path):
            data = _read(path)
            files.append((path, data))
            files.append((path + " (examples uncommented)",
                          confgen.uncomment_examples(
                              data.decode("utf-8")).encode()))
    files.extend((path, _read(path)) for path in _REAL + _EXAMPLES)
    return files


@pytest.mark.slow
def test_mutated_corpus_files(oracle):
    files = _corpus_files()
    if not files:
        _shared(CORPUS)

    problems = []
    for file_number, (label, original) in enumerate(files):
        for number in range(_MUTANTS_PER_FILE):
            rng = random.Random("%d:%d:%d" % (PROOF_SEED, file_number,
                                              number))
            data = confgen.mutate(rng, original)
            found = disagreements(data, oracle)
            if found:
                problems.append(("%s, mutant %d" % (label, number), data,
                                 found))

    assert problems == [], _report(problems)


# -- generated files ---------------------------------------------------------

@pytest.mark.slow
def test_generated_files(oracle):
    started = time.monotonic()
    problems = []
    verdicts = collections.Counter()

    for index, data in confgen.corpus(PROOF_SEED, PROOF_COUNT):
        found = disagreements(data, oracle)
        if found:
            label = "confgen.generate(%d, %d)" % (PROOF_SEED, index)
            problems.append((label, data, found))
        if index >= confgen.SPECIAL_COUNT:
            error = oracle.read(data, kinds=()).error
            verdicts[error.message if error else "accepted"] += 1

    elapsed = time.monotonic() - started
    print("\nparser proof: %d generated files (seed %d), %d disagreements, "
          "%.1f s; libvirt's verdicts: %s" % (
              PROOF_COUNT, PROOF_SEED, len(problems), elapsed,
              dict(verdicts.most_common())))
    assert problems == [], _report(problems)

    # The proof is only as good as its inputs: both outcomes in bulk, and
    # every way libvirt 9.0.0 can refuse a file, each many times over
    # (the fixed special files at the start are not counted).
    if PROOF_COUNT >= 10000:
        generated = PROOF_COUNT - confgen.SPECIAL_COUNT
        assert verdicts["accepted"] > generated // 4
        assert generated - verdicts["accepted"] > generated // 4
        assert set(verdicts) - {"accepted"} == LIBVIRT_9_SYNTAX_MESSAGES
        assert min(verdicts.values()) >= generated // 500


#: Where the short inputs start: a statement, a value, a triple-quoted
#: string and a list.
_SHORT_PREFIXES = (b"", b"a = ", b'a = """', b"a = [")


@pytest.mark.slow
@pytest.mark.parametrize("prefix", _SHORT_PREFIXES,
                         ids=[repr(p) for p in _SHORT_PREFIXES])
def test_every_short_input(oracle, prefix):
    problems = []
    for data in confgen.short_inputs(prefix, PROOF_SHORT_LENGTH):
        found = disagreements(data, oracle)
        if found:
            problems.append((repr(data), data, found))

    assert problems == [], _report(problems)


def test_generator_is_a_function_of_seed_and_index():
    first = [confgen.generate(7, index) for index in range(100, 140)]
    again = [confgen.generate(7, index) for index in range(100, 140)]
    other = [confgen.generate(8, index) for index in range(100, 140)]

    assert first == again
    assert first != other


def test_uncomment_examples_picks_what_the_lens_test_picks():
    stock = ("# prose line\n"
             "#   indented = 1\n"
             "#vnc_tls = 1\n"
             "#cgroup_device_acl = [\n"
             "#    \"/dev/null\",\n"
             "#]\n"
             "\n"
             "#max_core = \"unlimited\"\n")

    assert confgen.uncomment_examples(stock) == (
        "vnc_tls = 1\n"
        "cgroup_device_acl = [\n"
        "    \"/dev/null\",\n"
        "]\n"
        "max_core = \"unlimited\"\n")


# -- where 9.0.0 and 11.x differ: numbers beyond 64 bits ----------------------

def _only_value(data: bytes, version):
    result = parse_bytes(data, version=version)
    assert result.error is None
    (entry,) = result.entries
    return entry.value.type, entry.value.value


@pytest.mark.parametrize("literal,expected", [
    # Measured on 9.0.0 (facts 3.6) and proven by the oracle above.
    ("18446744073709551616", (UNSIGNED, 0)),
    ("18446744073709551615", (UNSIGNED, 18446744073709551615)),
    ("99999999999999999999", (UNSIGNED, 7766279631452241919)),
    ("-9223372036854775808", (SIGNED, -9223372036854775808)),
    ("9223372036854775807", (UNSIGNED, 9223372036854775807)),
])
def test_libvirt_9_wraps_numbers(literal, expected):
    assert _only_value(b"max_core = " + literal.encode() + b"\n",
                       (9, 0)) == expected


@pytest.mark.parametrize("version", [(11, 3), (12, 9), None],
                         ids=["11.3", "12.9", "newest"])
@pytest.mark.parametrize("literal", [
    "9223372036854775808", "18446744073709551615", "18446744073709551616",
    "-9223372036854775808", "+99999999999999999999",
])
def test_libvirt_11_refuses_numbers_beyond_llong(version, literal):
    data = b"vnc_tls = 1\n\nmax_core = " + literal.encode() + b"\n"
    result = parse_bytes(data, version=version)

    assert (result.error.message, result.error.line) == (
        "numeric overflow in conf value", 3)


@pytest.mark.parametrize("version", [(11, 3), None], ids=["11.3", "newest"])
def test_libvirt_11_keeps_the_largest_llong(version):
    assert _only_value(b"max_core = 9223372036854775807\n", version) == (
        UNSIGNED, 9223372036854775807)
    assert _only_value(b"keepalive_interval = -9223372036854775807\n",
                       version) == (SIGNED, -9223372036854775807)


@pytest.mark.parametrize("data,line", [
    # virconf.c scans once, front to back, and stops at the first problem:
    # an overflowing number before a syntax error is what 11.x reports.
    (b"a = 99999999999999999999\nb = bare\n", 1),
    (b"a = 1\nb = 99999999999999999999 bare\n", 2),
    (b"a = [ 1, [ 99999999999999999999, 2 ]\n", 1),
])
def test_libvirt_11_stops_at_an_overflow_before_a_syntax_error(data, line):
    error = parse_bytes(data, version=(11, 3)).error

    assert (error.message, error.line) == ("numeric overflow in conf value",
                                           line)


def test_libvirt_11_stops_at_a_syntax_error_before_an_overflow():
    data = b"a = bare\nb = 99999999999999999999\n"
    error = parse_bytes(data, version=(11, 3)).error

    assert (error.message, error.line) == ("expecting a value", 1)
