"""The command line's contract: exit codes, stdout and stderr, exactly."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pyconfcheck import __version__, api, cli

HOST001 = ("{path}:0:0: info HOST001: --no-host: checks that need the host "
           "(accounts, directories, TLS and PSK files, plugins, security "
           "drivers) were skipped\n")

BROKEN = 'vnc_tls = "1"\nvnc_tsl = 1\n'

BROKEN_TEXT = (
    "{path}:1:11: error TYP001: expected a bool for 'vnc_tls' parameter; "
    "write vnc_tls = 1\n"
    '    vnc_tls = "1"\n'
    "              ^\n"
    "{path}:2:1: warning SET001: unknown setting 'vnc_tsl'; libvirt ignores "
    "it silently (did you mean 'vnc_tls'?)\n"
    "    vnc_tsl = 1\n"
    "    ^\n")

VENV_BIN = os.path.dirname(sys.executable)


def invoke(args, **kwargs):
    return CliRunner().invoke(cli.main, args, **kwargs)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory with no .confcheck.toml above it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def write(directory, name, text):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_clean_file_exits_0_silently_but_for_the_no_host_note(workdir):
    write(workdir, "q.conf", 'vnc_listen = "0.0.0.0"\n')
    result = invoke(["--no-host", "--ignore", "HOST001", "q.conf"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_errors_exit_1_with_line_and_caret(workdir):
    write(workdir, "q.conf", BROKEN)
    result = invoke(["--no-host", "q.conf"])
    assert result.exit_code == 1
    assert result.stdout == (HOST001 + BROKEN_TEXT).format(path="q.conf")
    assert result.stderr == ""


def test_options_may_follow_the_file(workdir):
    write(workdir, "q.conf", BROKEN)
    result = invoke(["q.conf", "--no-host", "--select", "SET"])
    assert result.exit_code == 0
    assert result.stdout.startswith("q.conf:2:1: warning SET001:")


def test_missing_file_is_one_line_and_exit_2(workdir):
    result = invoke(["--no-host", "absent.conf"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "confcheck: absent.conf: no such file or directory\n"


def test_directory_is_one_line_and_exit_2(workdir):
    (workdir / "dir").mkdir()
    result = invoke(["--no-host", "dir"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "confcheck: dir: is a directory\n"


def test_one_unreadable_file_among_several_still_reports_the_rest(workdir):
    write(workdir, "q.conf", BROKEN)
    result = invoke(["--no-host", "--select", "TYP", "q.conf", "absent.conf"])
    assert result.exit_code == 2
    assert result.stdout.startswith("q.conf:1:11: error TYP001:")
    assert result.stderr == "confcheck: absent.conf: no such file or directory\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the CLI as nobody")
def test_an_unreadable_file_does_not_stop_the_others(workdir):
    # Run as nobody: root reads any file.  The check, not click, reports
    # the unreadable one, so the readable one is still checked.
    write(workdir, "q.conf", BROKEN)
    write(workdir, "secret.conf", BROKEN)
    os.chmod(workdir / "secret.conf", 0o600)
    os.chmod(workdir, 0o755)
    done = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         os.path.join(VENV_BIN, "confcheck"), "--isolated", "--no-host",
         "--select", "TYP", "secret.conf", "q.conf"],
        capture_output=True, text=True, cwd=workdir, check=False)

    assert done.returncode == 2
    assert done.stdout.startswith("q.conf:1:11: error TYP001:")
    assert done.stderr == "confcheck: secret.conf: permission denied\n"


def test_closed_standard_input_is_one_line(workdir):
    done = subprocess.run([os.path.join(VENV_BIN, "confcheck"), "--isolated",
                           "--no-host", "-"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=False,
                          preexec_fn=lambda: os.close(0))

    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("confcheck: <stdin>: standard input is closed\n")


def test_click_usage_error_is_one_line_and_exit_2(workdir):
    result = invoke(["--no-host", "--format", "xml", "q.conf"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("confcheck: Invalid value for '--format'")
    assert result.stderr.count("\n") == 1


def test_unknown_option_is_one_line_and_exit_2(workdir):
    result = invoke(["--frobnicate"])
    assert result.exit_code == 2
    assert result.stderr.startswith("confcheck: No such option")
    assert result.stderr.count("\n") == 1


def test_version(workdir):
    result = invoke(["--version"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, f"confcheck {__version__}\n", "")


def test_ctrl_c_is_one_line_and_exit_2(workdir, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "check_inputs", interrupted)
    write(workdir, "q.conf", BROKEN)
    result = invoke(["--no-host", "q.conf"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "confcheck: interrupted\n")


def test_unexpected_exception_is_one_line_without_debug(workdir, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(api, "check_inputs", broken)
    write(workdir, "q.conf", BROKEN)
    result = invoke(["--no-host", "q.conf"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "confcheck: internal error: RuntimeError: boom second line "
        "(run with --debug for the traceback)\n")

    result = invoke(["--no-host", "q.conf", "--debug"])
    assert isinstance(result.exception, RuntimeError)


def test_stdin_and_as(workdir):
    result = invoke(["--no-host", "--select", "TYP", "-"], input=BROKEN)
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:1:11: error TYP001:")

    result = invoke(["--no-host", "--select", "TYP", "--as",
                     "/etc/libvirt/qemu.conf", "-"], input=BROKEN)
    assert result.exit_code == 1
    assert result.stdout.startswith("/etc/libvirt/qemu.conf:1:11: error")


def test_as_names_the_installed_path_for_a_temporary_file(workdir):
    write(workdir, "tmpXYZ", BROKEN)
    result = invoke(["--no-host", "--select", "SET", "--as",
                     "/etc/libvirt/qemu.conf", "tmpXYZ"])
    assert result.stdout.startswith("/etc/libvirt/qemu.conf:2:1: warning")
    assert "tmpXYZ" not in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--as", "/x", "a", "b"], "--as names the place of one FILE; give "
                               "exactly one"),
    (["--root", "r", "--host-tree", "t"], "--root and --host-tree do not "
                                          "mix: each host tree is its own "
                                          "root"),
    (["-", "-"], "'-' (standard input) can be given only once"),
    (["--select", "NOPE", "a"], "--select: 'NOPE' is not a rule code or "
                                "family (see 'confcheck rules')"),
    (["--ignore", "TYP001,XX9", "a"], "--ignore: 'XX9' is not a rule code "
                                      "or family (see 'confcheck rules')"),
    (["--libvirt-version", "nine", "a"], "--libvirt-version: 'nine' is not "
                                         "a version like 9.0"),
    # a mistyped --root would otherwise judge an empty host
    (["--root", "absent", "a"], "Invalid value for '--root': Directory "
                                "'absent' does not exist."),
    (["show", "--root", "absent", "a"], "Invalid value for '--root': "
                                        "Directory 'absent' does not exist."),
])
def test_usage_mistakes_are_one_line_and_exit_2(workdir, args, message):
    (workdir / "r").mkdir()
    result = invoke(args)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"confcheck: {message}\n")


def _tree(root, name, conf):
    tree = root / name
    write(tree, "etc/libvirt/qemu.conf", conf)
    write(tree, "etc/passwd", "root:x:0:0::/root:/bin/sh\n"
                              "libvirt-qemu:x:64055:108::/var/lib:/bin/false\n")
    write(tree, "etc/group", "root:x:0:\nkvm:x:108:\nlibvirt-qemu:x:64055:\n")
    write(tree, "etc/os-release", "ID=debian\n")
    return tree


def test_host_trees_each_with_their_own_root(workdir):
    _tree(workdir, "good", 'user = "root"\n')
    _tree(workdir, "bad", 'user = "nobody-here"\n')
    result = invoke(["--host-tree", "good", "--host-tree", "bad",
                     "--select", "STA014"])
    assert result.exit_code == 1
    path = os.path.join("bad", "etc", "libvirt", "qemu.conf")
    assert result.stdout.splitlines()[0].startswith(
        f"{path}:1:8: error STA014:")
    assert "good" not in result.stdout


def test_host_tree_without_qemu_conf_is_exit_2(workdir):
    (workdir / "empty").mkdir()
    result = invoke(["--host-tree", "empty"])
    assert result.exit_code == 2
    assert result.stderr == ("confcheck: empty/etc/libvirt/qemu.conf: no "
                             "such file or directory\n")


def test_json_format(workdir):
    write(workdir, "q.conf", BROKEN)
    result = invoke(["--no-host", "--format", "json", "q.conf"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["summary"] == {"error": 1, "warning": 1, "info": 1}
    assert document["findings"][1] == {
        "path": "q.conf", "line": 1, "column": 11, "severity": "error",
        "code": "TYP001", "stage": "start", "setting": "vnc_tls",
        "message": "expected a bool for 'vnc_tls' parameter; write "
                   "vnc_tls = 1", "daemon_first": True}


def test_colour_only_when_asked_or_on_a_terminal(workdir, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    write(workdir, "q.conf", BROKEN)
    plain = invoke(["--no-host", "q.conf"])
    assert "\033[" not in plain.stdout

    coloured = invoke(["--no-host", "--color", "always", "q.conf"])
    assert "\033[1;31merror\033[0m" in coloured.stdout

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    assert "\033[" not in invoke(["--no-host", "q.conf"]).stdout
    assert "\033[" in invoke(["--no-host", "--color", "always",
                              "q.conf"]).stdout

    monkeypatch.delenv("NO_COLOR")
    # On a terminal that says it cannot show colour, none is sent.
    monkeypatch.setenv("TERM", "dumb")
    assert "\033[" not in invoke(["--no-host", "q.conf"]).stdout
    monkeypatch.setenv("TERM", "xterm")
    assert "\033[" in invoke(["--no-host", "q.conf"]).stdout
    assert "\033[" not in invoke(["--no-host", "--color", "never",
                                  "q.conf"]).stdout


def test_strict_and_exit_zero(workdir):
    write(workdir, "w.conf", "vnc_tsl = 1\n")
    assert invoke(["--no-host", "w.conf"]).exit_code == 0
    assert invoke(["--no-host", "--strict", "w.conf"]).exit_code == 1
    write(workdir, "e.conf", BROKEN)
    assert invoke(["--no-host", "--exit-zero", "e.conf"]).exit_code == 0


def test_config_file_found_upward(workdir, monkeypatch):
    write(workdir, ".confcheck.toml",
          'ignore = ["HOST001", "SET"]\nstrict = true\nno-host = true\n')
    write(workdir, "sub/deeper/q.conf", BROKEN)
    monkeypatch.chdir(workdir / "sub" / "deeper")
    result = invoke(["q.conf"])
    assert result.exit_code == 1
    assert result.stdout.count("\n") == 3
    assert result.stdout.startswith("q.conf:1:11: error TYP001:")

    isolated = invoke(["--isolated", "--no-host", "q.conf"])
    assert "SET001" in isolated.stdout

    # The command line wins over the file.
    assert invoke(["--no-strict", "--select", "SET",
                   "q.conf"]).exit_code == 0


def test_explicit_config_and_its_mistakes(workdir):
    write(workdir, "q.conf", BROKEN)
    write(workdir, "ci.toml", '[confcheck]\nselect = "SET"\nno-host = true\n')
    result = invoke(["--config", "ci.toml", "q.conf"])
    assert result.exit_code == 0
    assert result.stdout.startswith("q.conf:2:1: warning SET001:")

    write(workdir, "bad.toml", "colour = 'always'\n")
    result = invoke(["--config", "bad.toml", "q.conf"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("confcheck: bad.toml: unknown key 'colour'")

    write(workdir, "typo.toml", "select = [\"TYP9\"]\n")
    result = invoke(["--config", "typo.toml", "q.conf"])
    assert result.stderr == ("confcheck: typo.toml: select: 'TYP9' is not a "
                             "rule code or family (see 'confcheck rules')\n")

    write(workdir, "broken.toml", "select = [\n")
    result = invoke(["--config", "broken.toml", "q.conf"])
    assert result.exit_code == 2
    assert result.stderr.startswith("confcheck: broken.toml: not valid TOML")
    assert result.stderr.count("\n") == 1

    write(workdir, "old.toml", 'libvirt-version = "8.0"\n')
    result = invoke(["--config", "old.toml", "q.conf"])
    assert (result.exit_code, result.stderr) == (
        2, "confcheck: old.toml: libvirt-version: libvirt 8.0 is older than "
        "any release confcheck models (9.0 to 12.9)\n")

    (workdir / "binary.toml").write_bytes(b"select = 1\n\xff\xfe")
    result = invoke(["--config", "binary.toml", "q.conf"])
    assert (result.exit_code, result.stderr) == (
        2, "confcheck: binary.toml: not valid TOML: bytes that are not "
        "UTF-8 at offset 11\n")

    # A FIFO would block a plain open() for ever.
    os.mkfifo(workdir / "fifo.toml")
    result = invoke(["--config", "fifo.toml", "q.conf"])
    assert (result.exit_code, result.stderr) == (
        2, "confcheck: fifo.toml: not a regular file\n")


def test_explain_works_for_every_listed_rule(workdir):
    listing = invoke(["rules"])
    assert listing.exit_code == 0
    codes = [line.split()[0] for line in listing.stdout.splitlines()]
    assert "TYP001" in codes and "META001" in codes
    for code in codes:
        result = invoke(["explain", code.lower()])
        assert result.exit_code == 0, code
        assert result.stdout.startswith(code + " ")
        assert result.stderr == ""


def test_explain_unknown_code(workdir):
    result = invoke(["explain", "TYP01"])
    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "confcheck: unknown rule code 'TYP01' (did you mean "
               "TYP001?); 'confcheck rules' lists them all\n")


def test_the_error_the_daemon_reports_is_named(workdir):
    # The daemon checks ports before security drivers: it reports line 2.
    write(workdir, "q.conf",
          'security_driver = "bogus"\nmigration_port_min = 0\n')

    text = invoke(["--no-host", "--libvirt-version", "9.0", "q.conf"])
    as_json = invoke(["--no-host", "--libvirt-version", "9.0", "--format",
                      "json", "q.conf"])

    assert text.stdout.splitlines()[-1] == (
        "q.conf: 2 errors stop the QEMU driver; libvirt reports only the "
        "one it meets first, line 2 (STA001), so fix them all")
    assert [(f["line"], f["code"]) for f in json.loads(as_json.stdout)[
        "findings"] if f.get("daemon_first")] == [(2, "STA001")]

    # One start-up error needs no note.
    write(workdir, "one.conf", "migration_port_min = 0\n")
    one = invoke(["--no-host", "one.conf"])
    assert one.stdout.splitlines()[-1] == "                         ^"


def test_explain_a_family_or_an_odd_word(workdir):
    result = invoke(["explain", "psk"])
    assert (result.exit_code, result.stderr) == (
        2, "confcheck: unknown rule code 'psk' (PSK is a family: PSK001 to "
           "PSK032); 'confcheck rules' lists them all\n")

    result = invoke(["explain", "TYP0\x1b[2J"])
    assert result.stderr.startswith(
        "confcheck: unknown rule code 'TYP0\\x1b[2J'")


def test_rules_json(workdir):
    result = invoke(["rules", "--format", "json"])
    listed = json.loads(result.stdout)
    assert {"code": "META001", "name": "unknown-suppression-code",
            "severity": "warning", "stage": "none",
            "summary": "a suppression comment names a code confcheck does "
                       "not know"} in listed


def test_show_is_a_lazy_subcommand():
    assert "show" in cli.main.list_commands(None)
    assert cli._LAZY_COMMANDS["show"] == ("pyconfcheck.show", "show_command")


def test_start_up_imports_no_heavy_library():
    code = ("import sys, pyconfcheck.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'lark', 'cryptography', 'augeas', 'jsonschema'}))")
    out = subprocess.run([sys.executable, "-c", code], check=True,
                         capture_output=True, text=True).stdout
    assert out == "[]\n"


def test_head_closes_the_pipe_quietly(tmp_path):
    conf = tmp_path / "q.conf"
    conf.write_text("vnc_tls = 1\n" * 5000)
    process = subprocess.Popen(
        [os.path.join(VENV_BIN, "confcheck"), "--no-host", str(conf)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert first.startswith(str(conf).encode())
    assert stderr == b""
    assert process.returncode == 0


_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_KEYS = os.path.join(_REPO, "examples", "hosts", "psk", "etc", "pki",
                     "qemu-psk", "keys.psk")
_STOCK = os.path.join(_REPO, "examples", "hosts", "clean", "etc", "libvirt",
                      "qemu.conf")


@pytest.mark.parametrize("args,status", [
    (["--version"], 0), (["--help"], 0), (["psk", "--help"], 0),
    (["rules"], 0), (["explain", "SYN001"], 0),
    (["show", "--no-host", _STOCK], 0), (["tree", _STOCK], 0),
    (["psk", "fingerprint", _KEYS], 0),
    # the keys.psk example has errors: a closed pipe keeps that status
    (["psk", "check", _KEYS], 1),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_a_reader_gone_before_the_output_is_quiet(args, status):
    # The read end is closed before confcheck starts, so every write
    # meets EPIPE; click alone would report exit 1 for it.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([os.path.join(VENV_BIN, "confcheck")] + args,
                              stdout=write_end, stderr=subprocess.PIPE,
                              timeout=60)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (status, b"")


def test_console_script_exit_codes(tmp_path):
    script = os.path.join(VENV_BIN, "confcheck")
    missing = subprocess.run([script, str(tmp_path / "absent")],
                             capture_output=True, text=True)
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1
    module = subprocess.run([sys.executable, "-m", "pyconfcheck",
                             "--version"], capture_output=True, text=True)
    assert (module.returncode, module.stdout) == (0,
                                                  f"confcheck {__version__}\n")


def test_readme_shows_the_demo_output_as_it_is():
    # "make demo" output in the README is real output: keep it so.
    with open(os.path.join(_REPO, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    block = readme.split("$ confcheck --root examples/hosts/broken\n",
                         1)[1].split("```", 1)[0]
    done = subprocess.run(
        [os.path.join(VENV_BIN, "confcheck"), "--isolated", "--root",
         "examples/hosts/broken"], cwd=_REPO, capture_output=True,
        text=True, timeout=120)
    shown = [line for line in done.stdout.splitlines()
             if line.startswith("examples/")]
    assert (done.returncode, block.splitlines()) == (1, shown)


def test_readme_shows_psk_check_as_it_is(tmp_path):
    with open(os.path.join(_REPO, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    block = readme.split("$ confcheck psk check keys.psk\n",
                         1)[1].split("```", 1)[0]
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"qemu:0xdeadbeef\r\nbackup:abcd\n")
    keys.chmod(0o644)

    done = subprocess.run(
        [os.path.join(VENV_BIN, "confcheck"), "psk", "check", "keys.psk"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert (done.returncode, done.stdout.splitlines()) == (
        1, block.splitlines())
