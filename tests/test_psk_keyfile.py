"""keys.psk line by line: exact line, column, code, severity, side, words."""

import pytest
from hypothesis import given, settings, strategies as st

from pyconfcheck.psk import keyfile
from tests.psk_variants import KEY_HEX, OTHER_HEX

K = KEY_HEX.decode()
O = OTHER_HEX.decode()


def run(text, identities=("qemu",)):
    data = text if isinstance(text, bytes) else text.encode()
    return keyfile.analyse(data, identities, "keys.psk")


def rows(findings):
    return [(f.line, f.column, f.code, f.severity, f.side)
            for f in findings]


def test_clean_file_has_no_findings():
    assert run(f"qemu:{K}\n") == []


def test_every_line_finding_hides_its_source_line():
    findings = run(f"qemu:{K}\r\nbackup:{O} \n#71656d75:{O}\n")

    assert findings
    assert all(not f.show_source for f in findings)
    assert all(f.stage == "migration" for f in findings)
    assert all(f.path == "keys.psk" for f in findings)


class TestLineEnds:
    def test_crlf_on_the_identity_line_fails_both_sides(self):
        findings = run(f"qemu:{K}\r\n")

        assert rows(findings) == [(1, 70, "PSK013", "error", "both")]
        assert findings[0].message == (
            'line 1, identity "qemu": the line ends in CR LF (a Windows '
            "line end); the CR is read as part of the key (both readers "
            "fail)")

    def test_crlf_on_other_lines_is_a_warning(self):
        findings = run(f"backup:{O}\r\nqemu:{K}\n")

        assert rows(findings) == [(1, 72, "PSK013", "warning", "both")]
        assert "would fail if it were used" in findings[0].message

    def test_cr_only_line_ends_hide_the_second_identity(self):
        findings = run(f"backup:{O}\rqemu:{K}\r")

        assert ("PSK013", "error", "both") in [
            (f.code, f.severity, f.side) for f in findings]
        error = [f for f in findings if f.severity == "error"][0]
        assert (error.line, error.column) == (1, 72)
        assert "CR-only line ends" in error.message


class TestWhitespace:
    def test_space_after_colon(self):
        assert rows(run(f"qemu: {K}\n")) == [
            (1, 6, "PSK014", "error", "both")]

    def test_single_trailing_space_at_end_of_file_fails_the_source_only(
            self):
        findings = run(f"qemu:{K} ")

        assert rows(findings) == [
            (1, 0, "PSK024", "info", None),
            (1, 70, "PSK014", "error", "source")]
        assert findings[1].message == (
            'line 1, identity "qemu": trailing whitespace is read as part '
            "of the key (QEMU on the source fails)")

    def test_trailing_space_before_newline_fails_both(self):
        assert rows(run(f"qemu:{K} \n")) == [
            (1, 70, "PSK014", "error", "both")]

    def test_leading_space_before_the_name(self):
        findings = run(f" qemu:{K}\n")

        assert rows(findings)[0] == (1, 1, "PSK014", "error", "both")
        assert findings[0].message.startswith(
            'identity "qemu" is not found: line 1 starts with whitespace')

    def test_space_before_colon(self):
        findings = run(f"qemu :{K}\n")

        assert rows(findings)[0] == (1, 5, "PSK014", "error", "both")


class TestHex:
    @pytest.mark.parametrize("key, column, code", [
        ("correct-horse-battery-staple", 7, "PSK010"),
        ("0x" + K, 6, "PSK012"),
        (K + "a", 6, "PSK011"),
        (K + ":extra", 70, "PSK010"),
        ("", 6, "PSK017"),
        ("a1b2c3", 6, "PSK018"),
    ])
    def test_bad_keys_on_the_identity_line(self, key, column, code):
        assert rows(run(f"qemu:{key}\n")) == [
            (1, column, code, "error", "both")]

    def test_not_hex_names_the_byte(self):
        findings = run("qemu:correct-horse-battery-staple\n")

        assert findings[0].message == (
            'line 1, identity "qemu": the key has a character that is not '
            "a hex digit at byte 2 of the key (both readers fail)")

    def test_short_key_on_another_line_is_a_warning(self):
        findings = run(f"qemu:{K}\nbackup:a1b2c3\n")

        assert rows(findings) == [(2, 8, "PSK018", "warning", "both")]
        assert "only 3 bytes" in findings[0].message

    def test_weak_key_warns(self):
        findings = run("qemu:a1b2c3d4e5f60718\n")

        assert rows(findings) == [(1, 0, "PSK019", "warning", "both")]
        assert "only 8 bytes" in findings[0].message

    def test_upper_case_hex_is_fine(self):
        assert run(f"qemu:{K.upper()}\n") == []


class TestNames:
    def test_byte_order_mark_on_the_identity_line(self):
        findings = run(b"\xef\xbb\xbfqemu:" + KEY_HEX + b"\n")

        assert rows(findings) == [(1, 1, "PSK015", "error", "both")]

    def test_byte_order_mark_before_a_comment_is_harmless(self):
        assert run(b"\xef\xbb\xbf# keys\nqemu:" + KEY_HEX + b"\n") == []

    def test_case_matters(self):
        findings = run(f"QEMU:{K}\n")

        assert rows(findings) == [(1, 1, "PSK023", "error", "both")]
        assert "case-sensitive" in findings[0].message

    def test_no_line_for_the_identity(self):
        findings = run(f"backup:{K}\n")

        assert rows(findings) == [(0, 0, "PSK023", "error", "both")]
        assert findings[0].message.startswith(
            'no line for identity "qemu"')

    def test_identity_from_the_caller(self):
        assert rows(run(f"qemu:{K}\n", identities=("backup",))) == [
            (0, 0, "PSK023", "error", "both")]

    def test_comments_and_blank_lines_are_quiet(self):
        assert run(f"# keys: rotate yearly\n; x\n\n  \nqemu:{K}\n") == []


class TestHexNames:
    def test_hex_name_only_fails_the_source(self):
        findings = run(f"#71656d75:{K}\n")

        assert rows(findings) == [(1, 1, "PSK020", "error", "source")]

    def test_hex_name_before_plain_line_with_another_key(self):
        findings = run(f"#71656d75:{O}\nqemu:{K}\n")

        assert rows(findings) == [(1, 1, "PSK020", "error", "both")]
        assert findings[0].message == (
            'identity "qemu": GnuTLS on the destination uses line 1 and '
            "QEMU on the source line 2, and their keys differ, so a "
            "migration between two hosts with this file fails")

    def test_unused_hex_name_warns_for_the_destination(self):
        findings = run(f"qemu:{K}\n#6261636b7570:{O}\n")

        assert rows(findings) == [(2, 1, "PSK020", "warning", "destination")]

    def test_identity_with_colon_needs_both_forms(self):
        findings = run(f"a:b:{K}\n", identities=("a:b",))

        assert rows(findings) == [(1, 1, "PSK021", "error", "destination")]
        assert '"#613a62:<same key>"' in findings[0].message

    def test_identity_with_colon_in_both_forms_warns(self):
        findings = run(f"#613a62:{K}\na:b:{K}\n", identities=("a:b",))

        assert rows(findings) == [(2, 1, "PSK021", "warning", "both")]

    def test_identity_with_colon_literal_line_first_only_warns(self):
        # GnuTLS never takes "a:b:<key>" for "a:b" (its name field is
        # "a"), so it reads the #hex line below it: line order is no
        # matter, and the "add #613a62" error would be false.
        findings = run(f"a:b:{K}\n#613a62:{K}\n", identities=("a:b",))

        assert rows(findings) == [(1, 1, "PSK021", "warning", "both")]
        assert findings[0].message == (
            'identity "a:b" contains \':\' or starts with \'#\': it works '
            "only while lines 1 and 2 carry the same key; prefer a plain "
            "name")

    def test_identity_with_colon_literal_first_other_key_is_an_error(self):
        findings = run(f"a:b:{O}\n#613a62:{K}\n", identities=("a:b",))

        assert rows(findings) == [(2, 1, "PSK020", "error", "both")]
        assert "uses line 2 and QEMU on the source line 1" in \
            findings[0].message

    def test_destination_never_matches_the_literal_line_of_a_colon_name(
            self):
        # "a:" + a key whose hex starts with "b": a strncmp over the
        # identity's length would take it for "a:b"; GnuTLS does not.
        key = "bf" + K[2:]
        server = keyfile.server_lookup(f"a:{key}\n".encode(), b"a:b")

        assert server.line is None


class TestDuplicates:
    def test_different_second_key_says_which_is_used(self):
        findings = run(f"qemu:{K}\nqemu:{O}\n")

        assert rows(findings) == [(2, 1, "PSK022", "warning", "both")]
        assert findings[0].message == (
            'identity "qemu" is already on line 1 with a different key: '
            "both readers use line 1")

    def test_same_key_twice(self):
        findings = run(f"qemu:{K}\nqemu:{K}\n")

        assert "with the same key" in findings[0].message

    def test_broken_first_line_has_no_fallback(self):
        findings = run(f"qemu:{K}\r\nqemu:{K}\n")

        assert rows(findings) == [(1, 70, "PSK013", "error", "both"),
                                  (2, 1, "PSK022", "warning", "both")]
        assert "no reader falls back" in findings[1].message


class TestNul:
    def test_nul_before_the_identity_fails_the_source(self):
        findings = run(b"backup:" + OTHER_HEX + b"\0\nqemu:" + KEY_HEX +
                       b"\n")

        assert rows(findings) == [(1, 72, "PSK016", "error", "source")]

    def test_utf16_file(self):
        data = ("\ufeffqemu:" + K + "\n").encode("utf-16-le")

        assert ("PSK023", "error") in [(f.code, f.severity)
                                       for f in run(data)]


def test_empty_identity_is_an_error():
    assert rows(run(f":{K}\n", identities=("",))) == [
        (0, 0, "PSK021", "error", "both")]


def test_long_key_like_name_is_not_shown():
    findings = run(f"{K}:zz\n")

    assert all(K not in f.message for f in findings)
    assert "<a name of 64 hex digits>" in findings[1].message


def test_name_holding_part_of_a_key_is_not_shown():
    # A tab before the ':': the name is the key and a tab.
    findings = run(f"{K}\t:{K}\nqemu:{K}\n")

    assert [(f.line, f.column, f.code) for f in findings] == [
        (1, 65, "PSK014")]
    assert findings[0].message == (
        "line 1, identity <a name of 65 bytes with a long run of hex "
        "digits>: whitespace around the name is part of it for both "
        "readers")
    assert keyfile.show_name(b"host-0b1c3a2e-5f6d-4e7a") == \
        '"host-0b1c3a2e-5f6d-4e7a"'


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300),
       st.lists(st.text(max_size=8), min_size=1, max_size=3))
def test_any_bytes_give_findings_not_tracebacks(data, identities):
    for finding in keyfile.analyse(data, identities, "k"):
        assert finding.line >= 0 and finding.column >= 0
        assert finding.side in (None, "source", "destination", "both")
