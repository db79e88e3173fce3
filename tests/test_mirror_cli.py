"""``confcheck tree``: byte for byte what augtool prints with our lens.

The examples, the stock qemu.conf files and the real corpus files are
loaded by one augtool run (our lens only, every file under one root) and
printed; ``confcheck tree --as`` the same path must print the same bytes.
For files the lens rejects, standard error must hold the first two lines
of augtool's ``errors``.  Then the exit statuses and the one-line troubles.
"""

import os
import shutil
import subprocess
import tempfile

import pytest
from click.testing import CliRunner

from pyconfcheck.cli import main
from pyconfcheck.lens import LENS_DIR, MODULE
from pyconfcheck.mirror.cli import hide_passwords
from test_mirror_differential import (
    _read, corpus_files, example_files, lens_test_inputs,
)

AUGTOOL = shutil.which("augtool")


def _augtool(files, commands):
    """augtool's output for ``commands`` after loading ``files`` (bytes)
    as /cases/000000 ... with our lens only."""
    if AUGTOOL is None:
        pytest.skip("augtool (augeas-tools) is not installed")
    with tempfile.TemporaryDirectory(prefix="mirror-cli-") as root:
        os.makedirs(os.path.join(root, "cases"))
        for index, data in enumerate(files):
            with open(os.path.join(root, "cases", f"{index:06d}"), "wb") as f:
                f.write(data)
        script = "\n".join([
            f"set /augeas/load/Mirror/lens {MODULE}.lns",
            "set /augeas/load/Mirror/incl /cases/*",
            "load", *commands, ""])
        done = subprocess.run(
            [AUGTOOL, "-r", root, "--noautoload", "-S", "-I", str(LENS_DIR)],
            input=script.encode(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, check=False, timeout=300)
        return done.stdout


def _tree_cli(path, as_path):
    result = CliRunner().invoke(main, ["tree", "--as", as_path, path])
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


def _masked(printed: bytes, root: str) -> bytes:
    """augtool's print with password values hidden as confcheck hides
    them (augtool shows them; confcheck never prints a password)."""
    text = printed.decode("latin-1")
    return hide_passwords(text, root).encode("latin-1")


def _compare_print(paths):
    """Both print the same bytes; where the lens rejects a file, augtool
    prints nothing and confcheck tree says so as augtool's errors do."""
    files = [_read(path) for path in paths]
    names = [f"/cases/{index:06d}" for index in range(len(paths))]
    commands = []
    for name in names:
        commands += [f"print /files{name}",
                     f"print /augeas/files{name}/error/line"]
    expected = _masked(_augtool(files, commands), "/files/cases")
    got = b""
    rejected = 0
    for path, name in zip(paths, names):
        status, out, err = _tree_cli(path, name)
        got += out
        if status == 1:
            rejected += 1
            where = err.split(b"\n")[0].split(b":")[-1].split(b".")[0]
            got += (f'/augeas/files{name}/error/line = "'.encode()
                    + where + b'"\n')
        else:
            assert (status, err) == (0, b""), path
    assert rejected < len(paths)
    if got != expected:
        for path in paths:
            one = _masked(_augtool([_read(path)],
                                   ["print /files/cases/000000"]),
                          "/files/cases")
            _, mine, _ = _tree_cli(path, "/cases/000000")
            assert mine == one, path
    assert got == expected


def test_tree_equals_augtool_print_on_the_examples():
    _compare_print(example_files())


def test_tree_equals_augtool_print_on_the_stock_and_real_corpus():
    _compare_print(corpus_files())


def test_rejection_reads_as_augtool_errors(tmp_path):
    rejected = [data for _, data in lens_test_inputs()
                if b"vnc_tls = 2" in data or b"a-b = 1" in data
                or b"[ , ]" in data]
    assert len(rejected) == 3
    for index, data in enumerate(rejected):
        path = tmp_path / f"bad{index}.conf"
        path.write_bytes(data)
        errors = _augtool([data], ["errors"]).decode()
        first_two = errors.splitlines()[:2]
        status, out, err = _tree_cli(str(path), "/cases/000000")
        assert status == 1 and out == b""
        assert err.decode().splitlines() == first_two


# ---------------------------------------------------------------------------
# Exit statuses and troubles


def _run(args):
    result = CliRunner().invoke(main, ["tree", *args])
    return result.exit_code, result.stdout, result.stderr


def test_default_path_and_exit_0(tmp_path):
    path = tmp_path / "q.conf"
    path.write_text("vnc_tls = 1\n")
    assert _run([str(path)]) == (
        0, '/files/etc/libvirt/qemu.conf\n'
           '/files/etc/libvirt/qemu.conf/vnc_tls = "1"\n', "")


def test_password_values_are_hidden_unless_asked_for(tmp_path):
    path = tmp_path / "q.conf"
    path.write_text('# vnc_password = "Zq7a"\n'
                    'vnc_listen = "a"  # spice_password = "Zq7b"\n'
                    'vnc_password = "Zq7c"\nvnc_password = "Zq7d"\n'
                    'vnc_pasword = "Zq7e"\n# passwords: see the vault\n'
                    'vnc_tls_x509_secret_uuid = "0f2c"\n')
    root = "/files/etc/libvirt/qemu.conf"

    assert _run([str(path)]) == (0, "".join(line + "\n" for line in [
        root,
        f'{root}/#comment[1] = "vnc_password = <hidden>"',
        f'{root}/vnc_listen = "a"',
        f'{root}/vnc_listen/#comment = "spice_password = <hidden>"',
        f"{root}/vnc_password[1] = <hidden>",
        f"{root}/vnc_password[2] = <hidden>",
        f"{root}/vnc_pasword = <hidden>",
        f'{root}/#comment[2] = "passwords: see the vault"',
        f'{root}/vnc_tls_x509_secret_uuid = "0f2c"']), "")
    # No option prints them: confcheck never shows a password.
    assert _run(["--show-passwords", str(path)])[0] == 2


def test_rejected_file_exits_1(tmp_path):
    path = tmp_path / "q.conf"
    path.write_text("# ok\nvnc_tls = yes\n")
    assert _run([str(path)]) == (
        1, "", "Error in /etc/libvirt/qemu.conf:2.10 (parse_failed)\n"
               "  Iterated lens matched less than it should\n")


@pytest.mark.parametrize("data, reason", [
    (b"vnc_tls = 1\n\x00\n", "line 2: holds a NUL byte (a binary file?)"),
    (b"# ok\n# \xff\n", "line 2: bytes that are not UTF-8"),
])
def test_not_text_is_trouble(tmp_path, data, reason):
    path = tmp_path / "q.conf"
    path.write_bytes(data)
    assert _run([str(path)]) == (2, "", f"confcheck tree: {path}: {reason}\n")


def test_unreadable_paths_are_one_line(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, reason in ((tmp_path / "none", "no such file or directory"),
                         (tmp_path, "is a directory"),
                         (fifo, "not a regular file")):
        assert _run([str(path)]) == (
            2, "", f"confcheck tree: {path}: {reason}\n")


def test_unreadable_file(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "q.conf"
    path.write_text("vnc_tls = 1\n")
    path.chmod(0)
    assert _run([str(path)]) == (
        2, "", f"confcheck tree: {path}: permission denied\n")


def test_as_must_be_absolute(tmp_path):
    path = tmp_path / "q.conf"
    path.write_text("vnc_tls = 1\n")
    assert _run(["--as", "q.conf", str(path)]) == (
        2, "", "confcheck tree: --as q.conf: the path must be absolute\n")


def test_console_script_is_one_line_without_file():
    done = subprocess.run(
        [os.path.join(os.path.dirname(os.path.abspath(os.sys.executable)),
                      "confcheck"), "tree"],
        capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1
