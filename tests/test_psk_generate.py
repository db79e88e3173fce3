"""``confcheck psk generate``, ``fingerprint`` and ``compare`` (issue 10).

Each psktool trap of facts/psk.md section 3 has a test showing generate
avoids it; the two-host and rotation tests use the real QEMU.
"""

import json
import os
import stat
import threading

import pytest
from click.testing import CliRunner

from pyconfcheck.cli import main
from pyconfcheck.psk import fingerprint as fp
from pyconfcheck.psk import generate as gen
from pyconfcheck.psk import keyfile
from tests.oracle import qemu_psk
from tests.psk_variants import KEY_HEX, OTHER_HEX

K = KEY_HEX.decode()
O = OTHER_HEX.decode()
ROOT_USER = os.getuid() == 0
needs_qemu = pytest.mark.skipif(
    bool(qemu_psk.missing_tools()),
    reason="needs Debian's qemu-utils (qemu-img, qemu-nbd)")


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def host(debian_host):
    (debian_host / "etc" / "libvirt").mkdir()
    (debian_host / "etc" / "libvirt" / "qemu.conf").write_text("")
    return debian_host


def keys_of(root):
    return root / "etc" / "pki" / "qemu-psk" / "keys.psk"


def key_of(data, identity="qemu"):
    return keyfile.client_lookup(data, identity.encode()).key


# -- what generate makes ----------------------------------------------------


def test_generated_file_passes_confcheck_without_warnings(host):
    result = invoke("psk", "generate", "--root", str(host))
    assert result.exit_code == 0, result.output

    checked = invoke("--root", str(host), "--psk-identity", "qemu")
    strict = invoke("psk", "check", "--strict", str(keys_of(host)))

    assert [line for line in checked.output.splitlines()
            if "PSK" in line] == []
    assert (strict.exit_code, strict.output) == (0, "")


def test_output_names_no_key(host):
    result = invoke("psk", "generate", "--root", str(host))
    key = key_of(keys_of(host).read_bytes())

    assert result.output.startswith(
        'added a 32-byte key for identity "qemu" in '
        "/etc/pki/qemu-psk/keys.psk (line 1); fingerprint ")
    assert key.hex() not in result.output.lower()
    assert key.hex()[:8] not in result.output.lower()


def test_trap_default_name_is_qemu_not_the_caller(tmp_path):
    gen.generate(str(tmp_path / "psk"))

    assert (tmp_path / "psk" / "keys.psk").read_bytes().startswith(b"qemu:")


def test_trap_new_file_is_0640_for_the_qemu_group(host):
    invoke("psk", "generate", "--root", str(host))
    info = keys_of(host).stat()
    dir_info = keys_of(host).parent.stat()

    assert stat.S_IMODE(info.st_mode) == 0o640
    assert stat.S_IMODE(dir_info.st_mode) == 0o750
    if ROOT_USER:
        assert (info.st_uid, info.st_gid) == (0, 64055)
        assert (dir_info.st_uid, dir_info.st_gid) == (0, 64055)


def test_trap_lines_without_colon_stay_byte_for_byte(tmp_path):
    keys = tmp_path / "keys.psk"
    before = (b"# migration keys\r\n\n; owner: ops\n   \nbackup:" + OTHER_HEX +
              b"\n")
    keys.write_bytes(before)

    gen.generate(str(tmp_path))

    after = keys.read_bytes()
    assert after.startswith(before)
    assert after.count(b"\n") == before.count(b"\n") + 1


def test_trap_missing_final_newline_is_not_glued(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"last:" + OTHER_HEX)

    gen.generate(str(tmp_path))

    lines = keys.read_bytes().split(b"\n")
    assert lines[0] == b"last:" + OTHER_HEX
    assert lines[1].startswith(b"qemu:") and lines[2] == b""


def test_trap_long_lines_are_kept(tmp_path):
    keys = tmp_path / "keys.psk"
    long_line = b"junk:" + b"ab" * 3000
    keys.write_bytes(long_line + b"\n")

    gen.generate(str(tmp_path))

    assert keys.read_bytes().split(b"\n")[0] == long_line


def test_trap_hex_form_of_the_same_name_is_refused(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"#71656d75:" + KEY_HEX + b"\n")

    with pytest.raises(gen.GenerateError, match="line 1 holds identity "
                       '"qemu" in its #hex form'):
        gen.generate(str(tmp_path))
    assert keys.read_bytes() == b"#71656d75:" + KEY_HEX + b"\n"


def test_trap_stale_tmp_file_does_not_block(tmp_path):
    (tmp_path / "keys.psk.tmp").write_bytes(b"left by a killed psktool\n")

    gen.generate(str(tmp_path))

    assert (tmp_path / "keys.psk").exists()
    assert sorted(os.listdir(tmp_path)) == ["keys.psk", "keys.psk.tmp"]


def test_rotating_a_last_line_without_newline_ends_the_file(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"a:" + OTHER_HEX + b"\nqemu:" + KEY_HEX)

    gen.generate(str(tmp_path), rotate=True)

    lines = keys.read_bytes().split(b"\n")
    assert len(lines) == 3 and lines[0] == b"a:" + OTHER_HEX
    assert lines[1].startswith(b"qemu:") and lines[2] == b""


@pytest.mark.parametrize("before, reason", [
    (b"backup:" + OTHER_HEX + b"\0\n",
     "line 2 for identity \"qemu\" would not work: a NUL byte on line 1 "
     "ends the file for QEMU on the source, which would never see it; "
     "remove that byte first"),
    (b"qemu\0old:" + OTHER_HEX + b"\n",
     "line 2 for identity \"qemu\" would not work: a NUL byte on line 1 "
     "ends the file for QEMU on the source, which would never see it; "
     "remove that byte first"),
])
def test_an_entry_another_line_would_hide_is_refused(tmp_path, before,
                                                      reason):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(before)

    result = invoke("psk", "generate", "--dir", str(tmp_path))

    assert (result.exit_code, result.output) == (2, f"confcheck: {reason}\n")
    assert keys.read_bytes() == before


def test_an_entry_gnutls_would_not_reach_is_refused():
    # generate refuses a #hex line for the name earlier on; the last check
    # catches any other line the destination would read first.
    content = b"#71656d75:" + OTHER_HEX + b"\nqemu:" + KEY_HEX + b"\n"

    with pytest.raises(gen.GenerateError, match="line 2 for identity "
                       '"qemu" would not work: GnuTLS on the destination '
                       "reads line 1 as that name first"):
        gen._both_read(content, b"qemu", bytes.fromhex(K), 2)


@pytest.mark.parametrize("size", [0, 1, 3, 15])
def test_trap_short_keys_are_refused(tmp_path, size):
    with pytest.raises(gen.GenerateError, match=f"a key of {size} bytes "
                       "is too weak; use at least 16"):
        gen.generate(str(tmp_path), size=size)
    assert not (tmp_path / "keys.psk").exists()


@pytest.mark.parametrize("identity, reason", [
    ("a:b", "it contains ':'"),
    ("#x", "it starts with '#'"),
    ("", "an empty identity"),
    ("a\tb", "control characters"),
    ("n" * 129, "it is 129 bytes long"),
    (" qemu", "starts or ends with a space"),
])
def test_identities_both_readers_cannot_use_are_refused(tmp_path, identity,
                                                        reason):
    with pytest.raises(gen.GenerateError, match="refused: .*" + reason):
        gen.generate(str(tmp_path), identity=identity)


def test_trap_in_place_rewrite_replaced_by_atomic_rename(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    keys.chmod(0o604)
    inode = keys.stat().st_ino

    gen.generate(str(tmp_path), rotate=True)

    assert keys.stat().st_ino != inode
    assert stat.S_IMODE(keys.stat().st_mode) == 0o604
    assert os.listdir(tmp_path) == ["keys.psk"]


def test_existing_owner_and_group_are_kept(tmp_path):
    if not ROOT_USER:
        pytest.skip("needs root to give the file to another owner")
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"backup:" + OTHER_HEX + b"\n")
    os.chown(keys, 64055, 104)

    gen.generate(str(tmp_path))

    assert (keys.stat().st_uid, keys.stat().st_gid) == (64055, 104)


def test_symlink_is_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "keys.psk").write_bytes(b"backup:" + OTHER_HEX +
                                                 b"\n")
    (tmp_path / "psk").mkdir()
    os.symlink("../real/keys.psk", tmp_path / "psk" / "keys.psk")

    gen.generate(str(tmp_path / "psk"))

    assert os.path.islink(tmp_path / "psk" / "keys.psk")
    assert b"qemu:" in (tmp_path / "real" / "keys.psk").read_bytes()


def test_rotate_replaces_only_that_line(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"a:" + OTHER_HEX + b"\nqemu:" + KEY_HEX +
                     b"\r\n# end\n")

    result = gen.generate(str(tmp_path), rotate=True)

    lines = keys.read_bytes().split(b"\n")
    assert (result.action, result.line) == ("rotated", 2)
    assert lines[0] == b"a:" + OTHER_HEX and lines[2] == b"# end"
    assert lines[1].startswith(b"qemu:") and KEY_HEX not in lines[1]
    assert b"\r" not in lines[1]


def test_add_twice_without_rotate_is_refused(tmp_path):
    gen.generate(str(tmp_path))

    result = invoke("psk", "generate", "--dir", str(tmp_path))

    assert result.exit_code == 2
    assert 'identity "qemu" already has a key on line 1; use --rotate' in \
        result.output


def test_from_copies_the_key_without_showing_it(tmp_path):
    gen.generate(str(tmp_path / "a"))
    source = tmp_path / "a" / "keys.psk"

    result = invoke("psk", "generate", "--dir", str(tmp_path / "b"),
                    "--from", str(source))

    key = key_of(source.read_bytes())
    assert result.exit_code == 0
    assert key_of((tmp_path / "b" / "keys.psk").read_bytes()) == key
    assert key.hex() not in result.output


def test_from_refuses_a_broken_line(tmp_path):
    bad = tmp_path / "bad.psk"
    bad.write_bytes(b"qemu:" + KEY_HEX + b"\r\n")

    result = invoke("psk", "generate", "--dir", str(tmp_path / "b"),
                    "--from", str(bad))

    assert result.exit_code == 2
    assert "not usable by both QEMU and GnuTLS" in result.output


# -- fingerprint and compare ------------------------------------------------


def test_fingerprint_ignores_hex_case_and_depends_on_the_name():
    lower = fp.entries(b"qemu:" + KEY_HEX + b"\n")[0].fingerprint
    upper = fp.entries(b"qemu:" + KEY_HEX.upper() + b"\n")[0].fingerprint
    other = fp.entries(b"backup:" + KEY_HEX + b"\n")[0].fingerprint

    assert lower == upper != other
    assert lower == fp.fingerprint(b"qemu", bytes.fromhex(K))
    assert len(lower) == 16


def test_fingerprint_text_and_json(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"qemu:" + KEY_HEX + b"\nweak:a1b2c3d4e5f60718\n")

    text = invoke("psk", "fingerprint", str(keys))
    data = json.loads(invoke("psk", "fingerprint", "--format", "json",
                             str(keys)).output)

    print_ = fp.fingerprint(b"qemu", bytes.fromhex(K))
    assert text.output == (
        f"# confcheck psk fingerprint of {keys}\n"
        f'"qemu"  line 1  32 bytes  {print_}\n'
        '"weak"  line 2  8 bytes  -  # no fingerprint: the key is only 8 '
        "bytes; a fingerprint of so short a key could be brute-forced\n")
    assert data["identities"][0] == {
        "identity": "qemu", "line": 1, "bytes": 32,
        "fingerprint": print_, "warning": None}
    assert K not in text.output and "a1b2c3d4" not in text.output


@pytest.mark.parametrize("saved_format", ["file", "text", "json"])
def test_compare_verdicts_and_exit(tmp_path, saved_format):
    a = tmp_path / "a.psk"
    b = tmp_path / "b.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\nlab:" + KEY_HEX + b"\nold:" +
                  KEY_HEX + b"\n")
    b.write_bytes(b"qemu:" + KEY_HEX.upper() + b"\nlab:" + OTHER_HEX +
                  b"\nnew:" + KEY_HEX + b"\n")
    other = b
    if saved_format != "file":
        other = tmp_path / "b.fingerprints"
        args = ["--format", "json"] if saved_format == "json" else []
        other.write_text(invoke("psk", "fingerprint", *args, str(b)).output)

    result = invoke("psk", "compare", str(a), str(other))

    assert result.exit_code == 1
    assert result.output == ('"qemu"    same\n"lab"     different\n'
                             '"old"     only in A\n"new"     only in B\n')


def test_compare_same_exits_0(tmp_path):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")

    assert invoke("psk", "compare", str(a), str(a)).exit_code == 0


def test_compare_json_names_identities_as_fingerprint_does(tmp_path):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")

    result = invoke("psk", "compare", "--format", "json", str(a), str(a))

    assert result.exit_code == 0
    assert json.loads(result.output)["identities"] == [
        {"identity": "qemu", "verdict": "same"}]


@pytest.mark.parametrize("saved", [
    '{"identities": [', '{"version": 1}', '{"identities": [{"line": 1}]}'])
def test_compare_refuses_a_damaged_json_list(tmp_path, saved):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    b = tmp_path / "b.json"
    b.write_text(saved)

    result = invoke("psk", "compare", str(a), str(b))

    assert result.exit_code == 2
    assert result.output.startswith(
        f"confcheck: {b}: not a fingerprint list saved with `confcheck psk "
        "fingerprint --format json` (")


# -- with the real QEMU ---------------------------------------------------


@needs_qemu
def test_two_hosts_made_with_generate_and_from_handshake(tmp_path):
    gen.generate(str(tmp_path / "host-a"))
    gen.generate(str(tmp_path / "host-b"),
                 key=gen.key_from_file(
                     (tmp_path / "host-a" / "keys.psk").read_bytes(), "qemu"))
    host_a = (tmp_path / "host-a" / "keys.psk").read_bytes()
    host_b = (tmp_path / "host-b" / "keys.psk").read_bytes()

    with qemu_psk.Oracle() as oracle:
        load_a = oracle.source_load(host_a, "qemu")
        load_b = oracle.source_load(host_b, "qemu")
        a_to_b = qemu_psk.pair_handshake(oracle, host_a, host_b, "qemu")
        b_to_a = qemu_psk.pair_handshake(oracle, host_b, host_a, "qemu")

    assert [o.works for o in (load_a, load_b, a_to_b, b_to_a)] == [True] * 4


@needs_qemu
def test_rotating_another_identity_never_breaks_a_handshake():
    with qemu_psk.Oracle() as oracle:
        served = oracle.dirs["variant"]
        os.unlink(os.path.join(served, "keys.psk"))
        gen.generate(served)
        gen.generate(served, identity="backup")
        with open(os.path.join(served, "keys.psk"), "rb") as handle:
            source = b"qemu:" + key_of(handle.read()).hex().encode() + b"\n"

        failures, done = [], threading.Event()

        def rotate_backup():
            count = 0
            while not done.is_set():
                gen.generate(served, identity="backup", rotate=True)
                count += 1
            failures.append(("rotations", count))

        rotator = threading.Thread(target=rotate_backup)
        rotator.start()
        try:
            outcomes = [qemu_psk.handshake_with_served_dir(
                oracle, source, "qemu") for _ in range(25)]
        finally:
            done.set()
            rotator.join(timeout=30)

    assert [o.message for o in outcomes if not o.works] == []
    assert failures[0][1] > 25


def test_compare_reads_a_list_from_standard_input(tmp_path):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    listing = invoke("psk", "fingerprint", str(a)).output

    result = CliRunner().invoke(main, ["psk", "compare", str(a), "-"],
                                input=listing)

    assert (result.exit_code, result.output) == (0, '"qemu"    same\n')


def test_existing_acl_is_kept(tmp_path):
    import shutil
    import subprocess

    if shutil.which("setfacl") is None or shutil.which("getfacl") is None:
        pytest.skip("needs setfacl and getfacl (the acl package)")
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"backup:" + OTHER_HEX + b"\n")
    keys.chmod(0o600)
    done = subprocess.run(["setfacl", "-m", "u:64055:r", str(keys)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("this file system takes no POSIX ACLs")

    gen.generate(str(tmp_path))

    acl = subprocess.run(["getfacl", "-c", str(keys)], capture_output=True,
                         text=True).stdout
    assert "user:64055:r--" in acl.splitlines()


def test_existing_selinux_label_is_kept(tmp_path):
    keys = tmp_path / "keys.psk"
    keys.write_bytes(b"backup:" + OTHER_HEX + b"\n")
    label = b"system_u:object_r:cert_t:s0\0"
    try:
        os.setxattr(keys, "security.selinux", label)
    except OSError:
        pytest.skip("this file system (or user) takes no security.selinux")

    gen.generate(str(tmp_path))

    assert os.getxattr(keys, "security.selinux") == label
    assert b"qemu:" in keys.read_bytes()


# -- what a new user met: one clear line, exit 2 -----------------------------


def run_confcheck(*args, user=None, timeout=30):
    """confcheck in its own process (a hang fails instead of blocking the
    suite); ``user`` "nobody" drops root with setpriv."""
    import subprocess
    import sys

    prefix = []
    if user == "nobody" and ROOT_USER:
        prefix = ["setpriv", "--reuid=65534", "--regid=65534",
                  "--clear-groups", "--"]
    program = "import sys\nfrom pyconfcheck.cli import main\nmain()\n"
    return subprocess.run(
        prefix + [sys.executable, "-c", program, *args],
        capture_output=True, text=True, timeout=timeout,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_generate_refuses_a_fifo_without_waiting_on_it(tmp_path):
    os.mkfifo(tmp_path / "keys.psk")

    done = run_confcheck("psk", "generate", "--dir", str(tmp_path))

    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"confcheck: {tmp_path}/keys.psk: not a regular file\n")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "keys.psk").st_mode)


def test_generate_refuses_a_directory_named_keys_psk(tmp_path):
    (tmp_path / "keys.psk").mkdir()

    result = invoke("psk", "generate", "--dir", str(tmp_path))

    assert (result.exit_code, result.stderr) == (
        2, f"confcheck: {tmp_path}/keys.psk: is a directory\n")


@pytest.fixture
def unwritable(tmp_path):
    """A directory only root may write in, and one only root may enter,
    both reachable by nobody (pytest's own tmp root is 0700)."""
    import shutil
    import tempfile

    if ROOT_USER and shutil.which("setpriv") is None:
        pytest.skip("needs setpriv (util-linux) to drop root")
    base = tempfile.mkdtemp(prefix="confcheck-psk-")
    os.chmod(base, 0o755)
    locked = os.path.join(base, "locked")
    readonly = os.path.join(base, "readonly")
    os.mkdir(locked, 0o700)
    os.mkdir(readonly, 0o555)
    os.makedirs(os.path.join(readonly, "tree", "etc"))
    os.chmod(os.path.join(readonly, "tree", "etc"), 0o555)
    yield base
    shutil.rmtree(base)


def test_generate_without_the_right_to_create_the_directory(unwritable):
    target = os.path.join(unwritable, "readonly", "x")

    done = run_confcheck("psk", "generate", "--dir", target, user="nobody")

    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"confcheck: cannot create {target}: permission denied\n")


def test_generate_without_the_right_to_reach_the_directory(unwritable):
    target = os.path.join(unwritable, "locked", "x")

    done = run_confcheck("psk", "generate", "--dir", target, user="nobody")

    assert (done.returncode, done.stderr) == (
        2, f"confcheck: cannot reach {target}: permission denied on a "
        "directory above it\n")


def test_generate_under_root_without_the_right_to_create(unwritable):
    tree = os.path.join(unwritable, "readonly", "tree")

    done = run_confcheck("psk", "generate", "--root", tree, user="nobody")

    assert (done.returncode, done.stderr) == (
        2, "confcheck: cannot create /etc/pki/qemu-psk: permission "
        "denied\n")


def test_generate_without_the_right_to_write_the_file(unwritable):
    target = os.path.join(unwritable, "readonly")

    done = run_confcheck("psk", "generate", "--dir", target, user="nobody")

    assert (done.returncode, done.stderr) == (
        2, f"confcheck: cannot write {target}/keys.psk: permission "
        "denied\n")


def test_generate_into_a_symlink_loop_says_so(tmp_path):
    loop = tmp_path / "l1"
    loop.symlink_to(loop)

    result = invoke("psk", "generate", "--dir", str(loop))

    assert (result.exit_code, result.stderr) == (
        2, f"confcheck: {loop}: too many levels of symbolic links (a "
        "symlink loop)\n")


def test_generate_into_a_dangling_symlink_says_so(tmp_path):
    link = tmp_path / "d1"
    link.symlink_to(tmp_path / "gone")

    result = invoke("psk", "generate", "--dir", str(link))

    assert (result.exit_code, result.stderr) == (
        2, f"confcheck: {link} is a symbolic link to a path that does not "
        "exist; create that directory or remove the link\n")


def test_unknown_qemu_group_is_one_sentence(host):
    (host / "etc" / "libvirt" / "qemu.conf").write_text(
        'group = "nosuchgroup"\n')

    result = invoke("psk", "generate", "--root", str(host))

    assert result.exit_code == 0
    assert result.stderr == (
        "confcheck: note: the QEMU group is unknown on this host, so the "
        "new directory and file could not be given to it; chgrp them to "
        "the group QEMU runs as\n")


def test_unknown_qemu_group_for_a_new_file_only(tmp_path):
    result = gen.generate(str(tmp_path))

    assert result.note == (
        "the QEMU group is unknown on this host, so the new file could not "
        "be given to it; chgrp it to the group QEMU runs as")


def test_from_standard_input_is_refused_plainly(tmp_path):
    result = CliRunner().invoke(
        main, ["psk", "generate", "--dir", str(tmp_path), "--from", "-"],
        input=b"qemu:" + KEY_HEX + b"\n")

    assert (result.exit_code, result.stderr) == (
        2, "confcheck: --from -: standard input is not supported; give the "
        "path of the other keys.psk\n")
    assert not (tmp_path / "keys.psk").exists()


def test_fingerprint_reads_standard_input(tmp_path):
    result = CliRunner().invoke(main, ["psk", "fingerprint", "-"],
                                input=b"qemu:" + KEY_HEX + b"\n")

    print_ = fp.fingerprint(b"qemu", bytes.fromhex(K))
    assert (result.exit_code, result.output) == (
        0, f'# confcheck psk fingerprint of -\n"qemu"  line 1  32 bytes  '
        f"{print_}\n")


def test_fingerprint_escapes_control_characters_in_the_file_name(tmp_path):
    keys = tmp_path / "k\x1b]0;x\x07.psk"
    keys.write_bytes(b"qemu:" + KEY_HEX + b"\n")

    text = invoke("psk", "fingerprint", str(keys))
    data = json.loads(invoke("psk", "fingerprint", "--format", "json",
                             str(keys)).output)
    missing = invoke("psk", "fingerprint", str(tmp_path / "n\x1b[2J.psk"))

    assert text.output.splitlines()[0] == (
        f"# confcheck psk fingerprint of {tmp_path}/k\\x1b]0;x\\x07.psk")
    assert data["file"] == f"{tmp_path}/k\\x1b]0;x\\x07.psk"
    assert (missing.exit_code, missing.stderr) == (
        2, f"confcheck: {tmp_path}/n\\x1b[2J.psk: no such file or "
        "directory\n")


@pytest.mark.parametrize("command", [["check", "-"], ["fingerprint", "-"],
                                     ["compare", "-", "k.psk"]])
def test_empty_standard_input_is_an_error(command):
    expected = ("a key file or a fingerprint list" if command[0] == "compare"
                else "a key file")

    result = CliRunner().invoke(main, ["psk", *command], input=b"")

    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"confcheck: -: empty input, expected {expected}\n")


def test_compare_takes_only_one_side_from_standard_input(tmp_path):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    listing = invoke("psk", "fingerprint", str(a)).output

    result = CliRunner().invoke(main, ["psk", "compare", "-", "-"],
                                input=listing)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", "confcheck: only one of A and B can be standard input (-)\n")


def _cut_line(text, index, length):
    """``text`` ending with its line ``index`` (0-based) cut to
    ``length`` characters and a newline."""
    lines = text.split("\n")
    return "\n".join(lines[:index] + [lines[index][:length]]) + "\n"


def _listing(tmp_path):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\nlab:" + OTHER_HEX + b"\n")
    return a, invoke("psk", "fingerprint", str(a)).output


@pytest.mark.parametrize("damage, reason", [
    (lambda text: text[:-1],
     "line 3: the fingerprint list ends without a newline, so it was cut "
     "off"),
    (lambda text: _cut_line(text, 1, len(text.split("\n")[1]) - 6),
     "line 2: the fingerprint is not 16 hex digits or '-' (cut short or "
     "edited?)"),
    (lambda text: _cut_line(text, 1, text.split("\n")[1].index("bytes")),
     "line 2 is not a line of `confcheck psk fingerprint` (cut off or "
     "edited?)"),
    (lambda text: text[:12], "a fingerprint list cut off in its first line"),
])
def test_compare_refuses_a_damaged_text_list(tmp_path, damage, reason):
    a, listing = _listing(tmp_path)

    result = CliRunner().invoke(main, ["psk", "compare", str(a), "-"],
                                input=damage(listing))

    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"confcheck: -: {reason}\n")


@pytest.mark.parametrize("saved, reason", [
    ("[1, 2]", "a JSON array, not an object"),
    ('{"version": 99, "identities": []}',
     "version 99; this confcheck reads version 1"),
    ('{"version": 1, "identities": [{"identity": 5}]}',
     'identities[0]: "identity" is missing or not a non-empty string'),
    ('{"version": 1, "identities": [{"identity": "qemu", '
     '"fingerprint": "2e559f28"}]}',
     'identities[0]: "fingerprint" is neither null nor 16 hex digits'),
    ('{"version": 1, "identities": {}}',
     '"identities" is missing or not a list'),
    ('{"version": 1,\n "identities": [',
     "invalid JSON at line 2, column 17: Expecting value"),
])
def test_compare_says_what_is_wrong_in_a_json_list(tmp_path, saved, reason):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    b = tmp_path / "b.json"
    b.write_text(saved)

    result = invoke("psk", "compare", str(a), str(b))

    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"confcheck: {b}: not a fingerprint list saved with "
        f"`confcheck psk fingerprint --format json` ({reason})\n")


def test_compare_masks_key_like_names_of_a_foreign_list(tmp_path):
    a = tmp_path / "a.psk"
    a.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    b = tmp_path / "b.json"
    b.write_text(json.dumps({"version": 1, "identities": [
        {"identity": K, "fingerprint": None}]}))

    result = invoke("psk", "compare", str(a), str(b))

    assert result.output == ('"qemu"                                  only '
                             "in A\n<a name with a long run of hex digits>"
                             "  only in B\n")


@pytest.mark.parametrize("settings, directory", [
    ('default_tls_psk_dir = "/srv/psk"\n', "srv/psk"),
    # migrate_tls_psk_dir wins over the default directory it falls back to
    ('default_tls_psk_dir = "/srv/psk"\nmigrate_tls_psk_dir = "/srv/mig"\n',
     "srv/mig")])
def test_directory_comes_from_the_hosts_qemu_conf(host, settings, directory):
    (host / "etc" / "libvirt" / "qemu.conf").write_text(settings)

    result = invoke("psk", "generate", "--root", str(host))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f'added a 32-byte key for identity "qemu" in /{directory}/keys.psk '
        "(line 1); fingerprint ")
    written = host / directory / "keys.psk"
    assert written.stat().st_mode & 0o777 == 0o640
    assert written.parent.stat().st_mode & 0o777 == 0o750
    assert not keys_of(host).exists()
