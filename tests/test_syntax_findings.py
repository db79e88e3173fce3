"""Syntax errors, bytes and size as findings (field cases C07 and C09)."""

from conftest import run_check


def syn(text, **kw):
    return [(f.line, f.column, f.code, f.severity, f.message)
            for f in run_check(text, **kw) if f.code.startswith("SYN")]


def test_c07_raw_boolean_fails_the_whole_file():
    text = 'vnc_listen = "0.0.0.0"\nvnc_tls = true\nvnc_sasl = 7\n'

    findings = run_check(text)

    assert [(f.line, f.column, f.code, f.severity) for f in findings
            if f.severity != "info"] == [(2, 11, "SYN001", "error")]
    assert findings[-1].message.startswith("expecting a value")


def test_c07_all_three_forms_say_which():
    quoted = run_check('vnc_tls = "1"\n')
    two = run_check("vnc_tls = 2\n")

    assert [f.code for f in quoted if f.severity == "error"] == ["TYP001"]
    assert "write vnc_tls = 1" in quoted[-1].message
    assert [f.code for f in two if f.severity == "error"] == ["TYP002"]


def test_c07_bare_boolean_word_suggests_the_number():
    findings = syn('vnc_listen = "a"; vnc_sasl = no\n')

    assert findings == [(1, 30, "SYN001", "error",
                         "expecting a value (numbers are bare, strings "
                         "quoted, lists in brackets; a bare word such as "
                         "true is not a value); write vnc_sasl = 0")]
    assert syn("vnc_tls = True\n")[0][4].endswith("; write vnc_tls = 1")


def test_c07_no_bool_fix_for_other_settings_or_words():
    # max_processes is not a bool; "maybe" is no boolean word.
    for text in ("max_processes = yes\n", "vnc_tls = maybe\n",
                 "vnc_tls = yes_please\n"):
        assert "; write" not in syn(text)[0][4], text


def test_unterminated_triple_string_says_where_it_opened():
    # libvirt names the line where its scan for the closing quotes ends;
    # the caret sits there and the message points back to the opening.
    text = 'vnc_tls = 1\nvnc_listen = """abc\ndef\nghi\n'

    assert syn(text) == [(4, 3, "SYN001", "error",
                          'unterminated string (the """ opened on line 2, '
                          'column 14, is never closed with """)')]
    assert syn('vnc_listen = "abc\n')[0][1:] == (
        14, "SYN001", "error",
        "unterminated string (close the quote on the same line)")


def test_c09_comment_line_inside_a_list():
    text = ('cgroup_controllers = [\n    "cpu",\n#    "memory",\n'
            '    "devices"\n]\n')

    assert syn(text) == [(3, 1, "SYN001", "error",
                          "expecting a value (numbers are bare, strings "
                          "quoted, lists in brackets; a bare word such as "
                          "true is not a value)")]


def test_c09_comment_after_an_item_inside_a_list():
    text = 'cgroup_controllers = [\n    "cpu" # first\n]\n'

    assert [s[:4] for s in syn(text)] == [(2, 11, "SYN001", "error")]
    assert syn(text)[0][4].startswith("expecting a separator in list")


def test_no_setting_findings_after_a_syntax_error():
    text = 'vnc_tsl = 1\nvnc_tls = "1"\nuser = bare\nfoo = 1\n'

    findings = [f for f in run_check(text) if f.severity != "info"]

    assert [(f.line, f.code) for f in findings] == [(3, "SYN001")]


def test_whitespace_only_file_is_rejected_like_libvirt():
    assert syn("  \n\t\n") == [
        (3, 1, "SYN001", "error",
         "expecting a name (a setting name starts with a letter)")]


def test_empty_file_is_fine():
    assert syn("") == []


def test_not_utf8_is_a_warning_not_a_crash():
    findings = syn(b'vnc_listen = "caf\xe9"\n')

    assert findings == [(1, 18, "SYN002", "warning",
                         "bytes that are not UTF-8")]


def test_nul_byte_is_a_finding():
    findings = syn(b"vnc_tls = 1\n\0\n")

    assert [(f[0], f[1], f[2]) for f in findings] == [
        (2, 1, "SYN001"), (2, 1, "SYN003")]


def test_file_over_10_mib_is_an_error_of_stage_start():
    data = b"# " + b"x" * (10 * 1024 * 1024) + b"\n"

    findings = run_check(data)

    assert [(f.code, f.severity, f.stage) for f in findings
            if f.code == "SYN004"] == [("SYN004", "error", "start")]


def test_binary_garbage_gives_findings_not_a_traceback():
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4096))

    findings = run_check(data)

    assert any(f.code == "SYN001" for f in findings)
