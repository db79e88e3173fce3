"""Every disagreement the parser proof ever found, one named test each.

Each case is the smallest input showing the difference, with the answer
libvirt 9.0.0's ``libvirt.so.0`` gives, written out so that the test runs
(and can fail) without libvirt installed; ``test_libvirt_still_agrees``
asks the real library again when it is there.  The comment on each case
says where it was first seen: ``confgen.generate(seed, index)`` of the
generator at the commit named (the generator grows, and its files with it).
"""

import pytest

from oracle import libvirt_conf
from pyconfcheck.syntax.getters import SYNTAX, get
from pyconfcheck.syntax.virconf import parse_bytes
from virconf_proof import disagreements

#: (name, input) of every regression, for the oracle re-check below.
REGRESSIONS = []


def regression(data: bytes):
    """Register ``data`` as the input of the decorated regression test."""
    def register(test):
        REGRESSIONS.append((test.__name__, data))
        return test
    return register


def _parse(data: bytes):
    return parse_bytes(data, version=(9, 0))


# Seen in the first 3,000 files of seed 1 (generator before its first
# commit) and in many runs since: libvirt keeps signed and unsigned numbers
# in one 64-bit slot, and its int getter reads that slot as signed.
INT_GETTER_WRAPS = b"keepalive_interval = 18446744073709551615\n"


@regression(INT_GETTER_WRAPS)
def test_int_getter_reads_a_huge_unsigned_number_as_signed():
    (entry,) = _parse(INT_GETTER_WRAPS).entries

    assert get(entry.value, "int", "keepalive_interval") == (-1, None)


# Seen in the first 3,000 files of seed 1 (generator before its first
# commit): the string-or-list getter hands a list to the list getter,
# whose error is a syntax-class error.
STRING_OR_LIST_WITH_NUMBER = b'security_driver = [ "selinux", 1 ]\n'


@regression(STRING_OR_LIST_WITH_NUMBER)
def test_string_or_list_getter_fails_a_list_with_a_number_as_a_list():
    (entry,) = _parse(STRING_OR_LIST_WITH_NUMBER).entries
    value, error = get(entry.value, "string_or_list", "security_driver")

    assert value is None
    assert error.message == (
        "expected a string list for 'security_driver' parameter")
    assert error.prefix == SYNTAX


# Seen in the first 3,000 files of seed 1 (generator before its first
# commit): the value is copied as a C string, so a NUL byte inside the
# quotes ends it.
NUL_IN_STRING = b'user = "qemu\x00-ignored"\n'


@regression(NUL_IN_STRING)
def test_nul_byte_ends_a_quoted_string():
    result = _parse(NUL_IN_STRING)

    assert result.error is None
    assert [(e.name, e.value.value) for e in result.entries] == [
        ("user", "qemu")]


# First seen in confgen.generate(2, 4943) at commit 3d297e4: an
# unterminated triple-quoted string is scanned up to two *bytes* before the
# end of the file; the line ends counted on the way give the line of the
# error.  "é" is two bytes.
TRIPLE_LINE_IN_BYTES = b'a = """xy\n\xc3\xa9'


@regression(TRIPLE_LINE_IN_BYTES)
def test_unterminated_triple_string_line_counts_bytes():
    error = _parse(TRIPLE_LINE_IN_BYTES).error

    assert (error.message, error.line) == ("unterminated string", 2)


# First seen in confgen.generate(3, 13166) at commit 3d297e4: a triple
# quote only opens a string when seven *bytes* remain from its first quote.
TRIPLE_NEEDS_SEVEN_BYTES = b'a = """\xc3\xa9\xc3\xa9'


@regression(TRIPLE_NEEDS_SEVEN_BYTES)
def test_triple_quote_opens_when_seven_bytes_remain():
    error = _parse(TRIPLE_NEEDS_SEVEN_BYTES).error

    assert (error.message, error.line, error.column) == (
        "unterminated string", 1, 5)


# The same rule the other way: six bytes are not enough, so the quotes
# are an empty string followed by another string.
TRIPLE_SIX_BYTES = b'a = """\xc3\xa9x'


@regression(TRIPLE_SIX_BYTES)
def test_triple_quote_does_not_open_with_six_bytes_left():
    error = _parse(TRIPLE_SIX_BYTES).error

    assert (error.message, error.line) == ("expecting a separator", 1)


# Columns are in characters even though the grammar counts bytes.
COLUMNS_AFTER_NON_ASCII = 'a = "é"; b = 1\n'.encode()


@regression(COLUMNS_AFTER_NON_ASCII)
def test_columns_count_characters_after_non_ascii_text():
    result = _parse(COLUMNS_AFTER_NON_ASCII)

    assert [(e.name, e.line, e.column, e.value.column)
            for e in result.entries] == [("a", 1, 1, 5), ("b", 1, 10, 14)]


# Found by a robustness run of 1 MiB inputs (not by the generator): libvirt
# reads lists nested thousands deep (100,000 on this machine; deeper ones
# crash it), and the parser raised RecursionError from depth 1,000.
DEEP_LIST = b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n"


@regression(DEEP_LIST)
def test_lists_nested_thousands_deep_are_read():
    (entry,) = _parse(DEEP_LIST).entries

    depth, value = 0, entry.value
    while value.value:
        (value,) = value.value
        depth += 1
    assert depth == 4999
    assert isinstance(entry.value.plain(), list)


# Found by the same run: a literal of a million digits raised ValueError
# (Python's limit on converting long digit strings).  libvirt 9.0 wraps it
# like any other: 10**1048576 - 1 is 2**64 - 1 modulo 2**64.
MILLION_DIGITS = b"max_core = " + b"9" * (1 << 20) + b"\n"


@regression(MILLION_DIGITS)
def test_a_number_of_a_million_digits_wraps_in_9_0():
    (entry,) = _parse(MILLION_DIGITS).entries

    assert (entry.value.type, entry.value.value) == (
        "unsigned", 18446744073709551615)


def test_a_number_of_a_million_digits_overflows_in_11():
    error = parse_bytes(MILLION_DIGITS, version=(11, 3)).error

    assert (error.message, error.line) == ("numeric overflow in conf value", 1)


def test_leading_zeros_do_not_overflow_in_11():
    data = b"max_core = " + b"0" * 40 + b"9223372036854775807\n"
    (entry,) = parse_bytes(data, version=(11, 3)).entries

    assert entry.value.value == 9223372036854775807


@pytest.fixture(scope="module")
def oracle():
    try:
        return libvirt_conf.load()
    except libvirt_conf.OracleUnavailable as error:
        pytest.skip("libvirt0 (libvirt.so.0) is needed as the oracle: %s"
                    % error)


@pytest.mark.parametrize("data", [data for _, data in REGRESSIONS],
                         ids=[name for name, _ in REGRESSIONS])
def test_libvirt_still_agrees(oracle, data):
    assert disagreements(data, oracle) == []
