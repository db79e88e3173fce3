"""--select / --ignore, inline suppressions, --strict and --exit-zero."""

import pytest
from click.testing import CliRunner

from pyconfcheck import cli
from pyconfcheck.findings import Finding
from pyconfcheck.selection import (Selection, SelectionError,
                                   find_suppressions, parse_selectors)


def codes_of(text, args=(), tmp_path=None, monkeypatch=None):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.conf").write_text(text)
    result = CliRunner().invoke(cli.main, ["--isolated", "--no-host",
                                           "--ignore", "HOST001",
                                           *args, "q.conf"])
    assert result.exit_code in (0, 1), result.stderr
    return [tuple(line.split(":")[1:3]) + (line.split()[2].rstrip(":"),)
            for line in result.stdout.splitlines()
            if line.startswith("q.conf:")]


@pytest.fixture
def check(tmp_path, monkeypatch):
    def run(text, *args):
        return codes_of(text, args, tmp_path, monkeypatch)
    return run


def test_more_specific_selector_wins():
    selection = Selection(select=("STA002",), ignore=("STA",))
    assert selection.allows("STA002")
    assert not selection.allows("STA001")
    assert not selection.allows("TYP001")

    selection = Selection(ignore=("STA",))
    assert selection.allows("TYP001") and not selection.allows("STA010")

    # A tie goes to ignore.
    assert not Selection(select=("TYP",), ignore=("TYP",)).allows("TYP001")
    assert Selection(select=("ALL",)).allows("SYN001")


def test_parse_selectors_splits_and_checks():
    assert parse_selectors(["typ001, sta"], "--select") == ("TYP001", "STA")
    with pytest.raises(SelectionError) as raised:
        parse_selectors(["TYP001,ZZZ"], "--ignore")
    assert str(raised.value) == ("--ignore: 'ZZZ' is not a rule code or "
                                 "family (see 'confcheck rules')")


def test_exit_status():
    warning = Finding("p", 1, 1, "warning", "SET001", "m")
    error = Finding("p", 1, 1, "error", "TYP001", "m")
    assert Selection().exit_status([warning]) == 0
    assert Selection(strict=True).exit_status([warning]) == 1
    assert Selection().exit_status([error]) == 1
    assert Selection(exit_zero=True, strict=True).exit_status([error]) == 0


def test_find_suppressions_reads_whole_line_comments_only():
    lines = ["# confcheck: disable=TYP001, SET",
             'vnc_tls = "1" # confcheck: disable=TYP001',
             "  #confcheck:disable=STA003  # why: legacy"]
    found = find_suppressions(lines)
    assert sorted(found) == [1, 3]
    assert found[1].codes == ("TYP001", "SET")
    assert found[3].codes == ("STA003",)
    assert found[3].column == 3


def test_find_suppressions_matches_the_word_in_any_case():
    # Files without the word skip the per-line scan; any spelling the
    # suppression pattern accepts must still be found.
    lines = ["# nothing here", "#  CONFCHECK : Disable = TYP001",
             "# ConfChec\u212a: disable=SET"]
    found = find_suppressions(lines)

    assert sorted(found) == [2, 3]
    assert find_suppressions(["# confchek: disable=TYP001"]) == {}


def test_select_and_ignore_by_family(check):
    text = 'vnc_tls = "1"\nvnc_tsl = 1\n'
    assert check(text) == [("1", "11", "TYP001"), ("2", "1", "SET001")]
    assert check(text, "--select", "SET") == [("2", "1", "SET001")]
    assert check(text, "--ignore", "TYP,SET001") == []
    assert check(text, "--ignore", "SET", "--select", "SET001") == [
        ("2", "1", "SET001")]


def test_suppression_right_above_a_setting(check):
    text = ("# confcheck: disable=TYP001\n"
            'vnc_tls = "1"\n'
            'spice_tls = "1"\n')
    assert check(text) == [("3", "13", "TYP001")]


def test_suppression_anywhere_in_the_comment_block_above(check):
    text = ("# Use TLS for VNC.\n"
            "# confcheck: disable=TYP\n"
            "# (the template fills this in)\n"
            'vnc_tls = "1"\n')
    assert check(text) == []


def test_suppression_does_not_reach_past_a_blank_line(check):
    text = ("# confcheck: disable=TYP001\n"
            "\n"
            'vnc_tls = "1"\n')
    assert check(text) == [("3", "11", "TYP001")]


def test_suppression_covers_findings_inside_a_multi_line_list(check):
    text = ("# confcheck: disable=STA009\n"
            "cgroup_controllers = [\n"
            '  "cpu",\n'
            '  "io",\n'
            "]\n")
    assert check(text) == []
    assert check(text.replace("STA009", "STA001")) == [
        ("2", "1", "STA009")]


def test_unknown_code_in_a_suppression_is_a_warning(check):
    text = ("# confcheck: disable=TYP01,STA\n"
            'vnc_tls = "1"\n')
    assert check(text) == [("1", "1", "META001"), ("2", "11", "TYP001")]
    assert check(text, "--ignore", "META") == [("2", "11", "TYP001")]


def test_a_suppression_may_give_its_reason(check):
    text = ('# confcheck: disable=TYP001 templated by puppet, STA\n'
            'vnc_tls = "1"\n')
    assert check(text) == []


def test_a_suppression_naming_no_code_is_a_warning(check):
    text = "# confcheck: disable=\nvnc_tls = \"1\"\n"
    assert check(text) == [("1", "1", "META001"), ("2", "11", "TYP001")]


def test_meta_warning_message(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.conf").write_text("# confcheck: disable=NOPE1\n")
    result = CliRunner().invoke(cli.main, ["--isolated", "--no-host",
                                           "--select", "META", "--strict",
                                           "q.conf"])
    assert (result.exit_code, result.stderr) == (1, "")
    assert result.stdout == (
        "q.conf:1:1: warning META001: unknown code 'NOPE1' in a suppression "
        "comment; it silences nothing\n"
        "    # confcheck: disable=NOPE1\n"
        "    ^\n")
