"""Reporters: SARIF against the official schema, GitHub escaping, masking."""

import json
import os
import re

import jsonschema
import pytest
from click.testing import CliRunner

from pyconfcheck import cli, rules
from pyconfcheck.findings import Finding
from pyconfcheck.report import github, redact, sarif

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "data",
                           "sarif-schema-2.1.0.json")

CANARY = "Zq7CanaryPw"

BROKEN = 'vnc_tls = "1"\nvnc_tsl = 1\nstdio_handler = "journald"\n'


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(args, **kwargs):
    return CliRunner().invoke(cli.main, ["--isolated"] + args, **kwargs)


@pytest.fixture(scope="module")
def sarif_validator():
    with open(SCHEMA_PATH, encoding="utf-8") as stream:
        schema = json.load(stream)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_vendored_schema_is_the_official_one():
    with open(SCHEMA_PATH, encoding="utf-8") as stream:
        text = stream.read()
    assert len(text) == 112318
    schema = json.loads(text)
    assert schema["$id"] == sarif.SCHEMA_URI
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def _sarif(workdir, args):
    result = run(["--format", "sarif"] + args)
    assert result.stderr == ""
    return result, json.loads(result.stdout)


def test_sarif_validates_and_lists_every_rule(workdir, sarif_validator):
    (workdir / "conf").mkdir()
    (workdir / "conf" / "qemu.conf").write_text(BROKEN)
    result, log = _sarif(workdir, ["--no-host", "conf/qemu.conf"])
    assert result.exit_code == 1
    sarif_validator.validate(log)

    assert log["$schema"] == sarif.SCHEMA_URI
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "confcheck"
    assert driver["version"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(rules.registry())
    for descriptor in driver["rules"]:
        assert descriptor["name"]
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] in (
            "error", "warning", "note")

    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [
        "HOST001", "TYP001", "SET001", "STA003"]
    for item in results:
        assert ids[item["ruleIndex"]] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "conf/qemu.conf", "uriBaseId": "%SRCROOT%"}
        assert item["partialFingerprints"][sarif.FINGERPRINT_KEY]
    typ = results[1]
    assert typ["level"] == "error"
    assert typ["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 11}
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1}
    assert results[0]["properties"]["fileLevel"] is True
    assert results[0]["level"] == "note"


def test_sarif_with_no_findings_is_valid(workdir, sarif_validator):
    (workdir / "q.conf").write_text('vnc_listen = "::"\n')
    result, log = _sarif(workdir, ["--no-host", "--ignore", "HOST",
                                   "q.conf"])
    assert result.exit_code == 0
    sarif_validator.validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_fingerprints_survive_lines_added_above(workdir):
    (workdir / "q.conf").write_text(BROKEN)
    _, before = _sarif(workdir, ["--no-host", "q.conf"])
    (workdir / "q.conf").write_text("# a new comment\n\n" + BROKEN)
    _, after = _sarif(workdir, ["--no-host", "q.conf"])

    def prints(log):
        return [(r["ruleId"], r["partialFingerprints"])
                for r in log["runs"][0]["results"]]

    assert prints(before) == prints(after)
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r in after["runs"][0]["results"]]
    assert lines == [1, 3, 4, 5]


def test_sarif_duplicate_findings_get_distinct_fingerprints(workdir):
    (workdir / "q.conf").write_text("vnc_tls = 1\nvnc_tls = 1\nvnc_tls = 1\n")
    _, log = _sarif(workdir, ["--no-host", "--select", "SET002", "q.conf"])
    values = [r["partialFingerprints"][sarif.FINGERPRINT_KEY]
              for r in log["runs"][0]["results"]]
    assert len(values) == 2 and len(set(values)) == 2


def test_sarif_uri_outside_the_working_directory_is_absolute(tmp_path):
    uri, base = sarif.artifact_uri("/etc/libvirt/qemu.conf", str(tmp_path))
    assert (uri, base) == ("file:///etc/libvirt/qemu.conf", None)
    uri, base = sarif.artifact_uri("a dir/q,1.conf", str(tmp_path))
    assert (uri, base) == ("a%20dir/q%2C1.conf", "%SRCROOT%")


def _finding(message="m", path="q.conf", line=3, column=7, code="TYP001",
             severity="error"):
    return Finding(path=path, line=line, column=column, severity=severity,
                   code=code, message=message)


def test_github_escapes_properties_and_message():
    assert github.escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert github.escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    finding = _finding(message="bad\n::error::forged 100%",
                       path="dir,x/a:b.conf")
    line = github.annotation(finding, "wrong-type", cwd="/nowhere")
    assert line == ("::error file=dir%2Cx/a%3Ab.conf,line=3,col=7,"
                    "title=TYP001 wrong-type::bad\\x0a::error::forged 100%25")
    assert "\n" not in line


def test_github_levels_and_file_level_findings():
    info = _finding(code="HOST001", severity="info", line=0, column=0)
    assert github.annotation(info, "x", cwd="/nowhere") == (
        "::notice file=q.conf,title=HOST001 x::m")
    warning = _finding(code="SET001", severity="warning", column=0)
    assert github.annotation(warning, "y", cwd="/nowhere").startswith(
        "::warning file=q.conf,line=3,title=SET001 y::")


def test_github_format_cannot_be_steered_by_the_config(workdir):
    (workdir / "a.conf").write_text(
        'stdio_handler = "x%0A::add-mask::y,z:w"\n')
    (workdir / "b.conf").write_text("::set-env name=X::1\n")
    result = run(["--no-host", "--ignore", "HOST", "--format", "github",
                  "a.conf", "b.conf"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # The value's "%0A" arrives as "%250A": the runner decodes it back to
    # the five characters, never to a line break.
    assert lines[0].startswith(
        "::error file=a.conf,line=1,col=17,title=STA003 unknown-enum-value::"
        "Unknown stdio handler x%250A::add-mask::y,z:w")
    assert lines[1] == (
        "::error file=b.conf,line=1,col=1,title=SYN001 syntax-error::"
        "expecting a name (a setting name starts with a letter)")
    token = re.fullmatch(r"::stop-commands::([0-9a-f]{32})",
                         lines[2]).group(1)
    assert lines[-1] == f"::{token}::"
    # The full list also comes as text, where the runner reads no command:
    # the config's own "::set-env" line is shown only inside the block.
    text = lines[3:-1]
    assert text[0].startswith("a.conf:1:17: error STA003:")
    assert "    ::set-env name=X::1" in text


def test_github_with_no_findings_prints_nothing(workdir):
    (workdir / "q.conf").write_text('vnc_listen = "::"\n')
    result = run(["--no-host", "--ignore", "HOST", "--format", "github",
                  "q.conf"])
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_password_reaches_any_format(workdir, fmt):
    files = {
        # a syntax error on the password's own line
        "syntax.conf": f'vnc_password = "{CANARY}" x\n',
        # a type error: a list where a string belongs
        "type.conf": f'vnc_password = [ "{CANARY}" ]\n',
        # a finding on another setting of the same line
        "shared.conf": f'vnc_tls = "1"; spice_password = "{CANARY}"\n',
        # a misspelt name is still a password
        "typo.conf": f'vnc_pasword = "{CANARY}"\n',
        # a value that fell onto the next line
        "spill.conf": f'rdp_password =\n"{CANARY}"\n',
        # the password as a type error's own value (unsigned number)
        "number.conf": "vnc_password = 4711471147\nvnc_tls = 2\n",
        # a triple-quoted password over lines, a finding on a later line
        "triple.conf": (f'vnc_password = """first\nsecond\n{CANARY}"""; '
                        'vnc_tsl = 1\nvnc_tls = 2\n'),
        # ... and a syntax error there, and one left open
        "triple-syntax.conf": f'vnc_password = """a\n{CANARY}""" x\n',
        "triple-open.conf": f'spice_password = """a\nb\n{CANARY}\n',
        # a list over lines (a type error), broken on a later line
        "list.conf": (f'rdp_password = [\n  "a",\n  "{CANARY}" x\n]\n'),
        # bytes that are not UTF-8 in a password (SYN002 and STA019)
        "bytes.conf": (f'vnc_password = "{CANARY}\udcff"\n'),
        # misspelt and shortened names (unknown settings: SET001)
        "typos.conf": (f'vnc_passowrd = "{CANARY}"\nspice_pw = "{CANARY}"\n'
                       f'rdp_pass = "{CANARY}"\nvnc_tls = 2\n'),
    }
    for name, text in files.items():
        (workdir / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    result = run(["--no-host", "--format", fmt, "--color", "always"]
                 + sorted(files))
    assert result.exit_code == 1
    assert result.stdout
    assert CANARY not in result.stdout + result.stderr
    assert "4711471147" not in result.stdout + result.stderr


def test_redact_hides_every_line_a_password_value_runs_on():
    lines = ['vnc_password = """one', "two # not a comment",
             'three"""; vnc_tls = 2', "vnc_tsl = 1",
             "spice_password = [", '  "x]y",', '  "secret9"', "]",
             "rdp_password = [ 'a',", "vnc_listen = '::'", "max_core = 1"]

    shown = [redact.source_line(lines, n) for n in range(1, 12)]

    assert shown == ["vnc_password <hidden>", None, None, "vnc_tsl = 1",
                     "spice_password <hidden>", None, None, None,
                     "rdp_password <hidden>", None, "max_core = 1"]


def test_redact_names_what_is_a_password_and_what_is_not():
    for name in ("vnc_passowrd", "spice_pass", "rdp_pw", "vnc_pwd",
                 "vncpassword", "my_passphrase", "tls_secret"):
        assert redact.is_secret_name(name), name
    for name in ("auto_save_bypass_cache", "vnc_tls_x509_secret_uuid",
                 "vnc_listen", "spice_port"):
        assert not redact.is_secret_name(name), name

    # A password named in a comment hides nothing below it; a setting
    # that only holds "pass" inside a word is shown whole.
    lines = ["# vnc_password is set by the installer", "vnc_listen = '::'",
             "auto_save_bypass_cache = 1", "vnc_tls = 1"]
    assert [redact.source_line(lines, n) for n in (2, 3, 4)] == [
        "vnc_listen = '::'", "auto_save_bypass_cache = 1", "vnc_tls = 1"]


def test_text_masks_the_value_but_keeps_the_caret_honest(workdir):
    (workdir / "q.conf").write_text(f'vnc_password = "{CANARY}" x\n')
    result = run(["--no-host", "--select", "SYN", "q.conf"])
    assert result.stdout == (
        "q.conf:1:30: error SYN001: expecting a separator (end the setting "
        "with a new line or ';')\n"
        "    vnc_password <hidden>\n"
        "                 ^\n")


def test_text_shows_control_characters_as_escapes(workdir):
    (workdir / "q.conf").write_bytes(
        b'stdio_handler = "\x1b[2J\xff"\n')
    result = run(["--no-host", "--select", "STA003", "q.conf"])
    assert "\x1b" not in result.stdout
    assert '    stdio_handler = "\\x1b[2J\\xff"\n' in result.stdout


def test_redact_source_line_rules():
    lines = ['a = 1; vnc_password = "s3cret"', "rdp_password =",
             '"s3cret"', "vnc_listen = '::'"]
    assert redact.source_line(lines, 1) == "a = 1; vnc_password <hidden>"
    assert redact.source_line(lines, 3) is None
    assert redact.source_line(lines, 4) == "vnc_listen = '::'"
    assert redact.source_line(lines, 9) is None
    assert redact.is_secret_name("spice_passwd")
    assert not redact.is_secret_name("vnc_tls_x509_secret_uuid")
    assert redact.scrub("value s3cret here", ["s3cret"]) == (
        "value <hidden> here")


def test_a_whole_password_value_hides_only_its_own_line():
    lines = ['vnc_password = "topsecret"', "spice_tls = 2",
             "spice_password = 12345 # a number", "vnc_tls = 2",
             'rdp_password = "open', 'rest"', "vnc_password =", '"x"']

    shown = [redact.source_line(lines, n) for n in range(1, 9)]

    assert shown == ["vnc_password <hidden>", "spice_tls = 2",
                     "spice_password <hidden>", "vnc_tls = 2",
                     "rdp_password <hidden>", None,
                     "vnc_password <hidden>", None]
