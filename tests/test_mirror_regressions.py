"""Named cases for the mirror: every disagreement the proof found, and the
Augeas behaviours the mirror was built from, each measured with augtool
and python-augeas on our lens (Augeas 1.14).

Each case states what Augeas does; the mirror must give exactly that, and
where python-augeas is installed Augeas is asked again, so that a change
of lens or of Augeas shows up here by name.
"""

import pytest

from pyconfcheck.lens.bridge import Node
from pyconfcheck.mirror import parse_bytes, print_tree
from test_mirror_oracle import augeas_outcomes, mirror_outcome

SHORT = "Iterated lens matched less than it should"


def _rejected(pos, line, char):
    return ("error", (SHORT, pos, line, char))


def _tree(*nodes):
    return ("ok", tuple(nodes))


CASES = {
    # -- found by the proof -------------------------------------------------
    # The record after an indented comment: the iteration stops after the
    # comment; the mirror first placed the stop before it (the comment's
    # end was only counted once Lark had asked for the next token).
    "error_after_an_indented_comment_is_on_the_next_line": (
        b"  #\n\xc3\xa9t\xc3\\\xa9 = 1\n \n\n", _rejected(4, 2, 0)),
    "error_after_a_comment_ending_in_crlf": (
        b"\t#\xff;==\t\r\n+3=\"x\",#-7;\r", _rejected(9, 2, 0)),
    "error_after_blank_lines_at_a_lone_cr": (
        b"  gluster_debug_level\t=\t7831\n  \n#\n  \n  #\r\r",
        _rejected(39, 5, 2)),

    # -- how Augeas loads a file --------------------------------------------
    # A missing final newline is added, so the last line is read (the
    # lens test's `get "vnc_tls = 1" = *` is about a string, not a file).
    "last_line_without_newline_is_read": (
        b"vnc_tls = 1", _tree(Node("vnc_tls", "1"))),
    # An empty file is one newline: one blank line.
    "empty_file_is_one_blank_line": (b"", _tree(Node("#empty", None))),
    # The file ends at the first NUL byte.
    "nul_ends_the_file": (
        b"vnc_tls = 1\x00 garbage = = =", _tree(Node("vnc_tls", "1"))),

    # -- where Augeas places an error ----------------------------------------
    # Not at the start of the record: the walk adds the longest match of
    # each part of the record's lens until one fails.
    "error_after_the_value_that_matched": (
        b'user = "a\\"b"\n', _rejected(11, 1, 11)),
    "error_after_the_name_and_equals": (
        b"vnc_tls = 2\n", _rejected(10, 1, 10)),
    # mismatched quotes fail the match itself, not the tree building
    "mismatched_quotes_stop_after_equals": (
        b"user = \"abc'\n", _rejected(7, 1, 7)),
    # an indent matched text: the walk stops after it
    "error_in_an_indented_line_is_after_the_indent": (
        b"  vnc_tls = 2\n", _rejected(2, 1, 2)),
    # a list over lines: the error is inside the list, on a later line
    "error_inside_a_list_is_on_its_line": (
        b'cgroup_controllers = [\n  "cpu",\n  bad\n]\n', _rejected(25, 2, 2)),
    "comment_with_two_crs_fails_after_its_text": (
        b"#a\r\r\n", _rejected(2, 1, 2)),

    # -- a lens bug the proof found, now fixed in the lens -----------------
    # libvirt reads a comment after a value to the end of the line; the
    # lens once stopped the comment before a final ";" and let the line end
    # take one ";" only, so a comment ending in ";;" failed the file.
    "value_comment_ending_in_two_semicolons": (
        b"vnc_tls = 1 # c ;;\n",
        _tree(Node("vnc_tls", "1", (Node("#comment", "c ;;"),)))),
    "value_comment_ending_in_two_semicolons_no_blank": (
        b'spice_listen = "x"# see a;;\n',
        _tree(Node("spice_listen", "x", (Node("#comment", "see a;;"),)))),

    # -- the tree ------------------------------------------------------------
    # (the lens header once promised { "security_driver" { "#empty_list" } })
    "empty_list_of_a_string_or_list_setting_has_no_value_nor_child": (
        b"security_driver = [ ]\n", _tree(Node("security_driver", None))),
    "empty_value_comment_has_no_value": (
        b"vnc_sasl = 1 #\n",
        _tree(Node("vnc_sasl", "1", (Node("#comment", None),)))),
    "empty_comment_line_has_an_empty_value": (
        b"#\n", _tree(Node("#comment", ""))),
    "generic_list_kept_as_written": (
        b'new2 = [ "a\\b" ,\n 1 ]\n',
        _tree(Node("new2", '[ "a\\b" ,\n 1 ]'))),
    "crlf_list_in_a_generic_setting": (
        b'x = [\r\n"a",\r\n]\r\n', _tree(Node("x", '[\r\n"a",\r\n]'))),
    "value_comment_after_a_list": (
        b'nvram = [ "a:b" ]\t#x \n',
        _tree(Node("nvram", None, (Node("1", "a:b"), Node("#comment", "x"))))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_mirror(name):
    data, expected = CASES[name]
    assert mirror_outcome(data) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_augeas_still_does_this(name):
    data, expected = CASES[name]
    assert augeas_outcomes([data]) == [expected]


def test_print_escapes_values_as_augtool():
    result = parse_bytes(b'# \\ "q" \t\x01\x7f\xc3\xa9\xff\a\b\v\f\n')
    assert print_tree(result.tree) == (
        "/files/etc/libvirt/qemu.conf\n"
        '/files/etc/libvirt/qemu.conf/#comment = '
        '"\\\\ \\"q\\" \\t\\001\\177\\303\\251\\377\\a\\b\\v\\f"\n')


def test_print_numbers_repeated_labels_only():
    result = parse_bytes(b"vnc_tls = 1\n#a\nvnc_tls = 0 # x\nvnc_sasl = 1\n")
    assert print_tree(result.tree, "/q.conf") == (
        "/files/q.conf\n"
        '/files/q.conf/vnc_tls[1] = "1"\n'
        '/files/q.conf/#comment = "a"\n'
        '/files/q.conf/vnc_tls[2] = "0"\n'
        '/files/q.conf/vnc_tls[2]/#comment = "x"\n'
        '/files/q.conf/vnc_sasl = "1"\n')
