"""``psk generate --root TREE`` reads and writes inside TREE only.

A tree staged for a host often holds absolute symlinks ("/srv/keys.psk")
that name files of the host, not of the machine confcheck runs on.  The
checks and ``psk fingerprint --root`` follow them inside the tree; so must
the one command that writes, or it rewrites this machine's own file.
"""

import pytest
from click.testing import CliRunner

from pyconfcheck.cli import main
from pyconfcheck.psk import keyfile
from tests.psk_variants import KEY_HEX, OTHER_HEX

KEY_DIR = ("etc", "pki", "qemu-psk")


def invoke(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def tree(debian_host):
    (debian_host / "etc" / "libvirt").mkdir()
    (debian_host / "etc" / "libvirt" / "qemu.conf").write_text("")
    (debian_host.joinpath(*KEY_DIR)).mkdir(parents=True)
    return debian_host


@pytest.fixture
def outside(tmp_path_factory):
    """A directory of this machine, outside the tree."""
    return tmp_path_factory.mktemp("hostside")


def key_file(path, key_hex=OTHER_HEX):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"qemu:" + key_hex + b"\n")
    return path.read_bytes()


def in_tree(tree, absolute):
    return tree / str(absolute).lstrip("/")


def test_absolute_link_to_the_key_file_is_followed_inside_the_tree(
        tree, outside):
    real_file = outside / "keys.psk"
    before = key_file(real_file)
    tree_file = in_tree(tree, real_file)
    key_file(tree_file)
    tree.joinpath(*KEY_DIR, "keys.psk").symlink_to(real_file)

    result = invoke("psk", "generate", "--root", str(tree), "--rotate")
    listed = invoke("psk", "fingerprint", "--root", str(tree))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        'rotated a 32-byte key for identity "qemu" in '
        "/etc/pki/qemu-psk/keys.psk (line 1); fingerprint ")
    assert real_file.read_bytes() == before
    rotated = keyfile.client_lookup(tree_file.read_bytes(), b"qemu").key
    assert rotated not in (None, bytes.fromhex(OTHER_HEX.decode()))
    # fingerprint --root reads the file generate wrote.
    assert result.stdout.split()[-1] in listed.stdout
    assert tree.joinpath(*KEY_DIR, "keys.psk").is_symlink()
    assert [p.name for p in outside.iterdir()] == ["keys.psk"]


def test_relative_link_climbing_out_of_the_tree_stays_inside(tree, outside):
    real_file = outside / "keys.psk"
    before = key_file(real_file)
    climb = "../" * (len(tree.parts) + len(KEY_DIR) + 2)
    link = tree.joinpath(*KEY_DIR, "keys.psk")
    link.symlink_to(climb + str(real_file).lstrip("/"))
    tree_file = in_tree(tree, real_file)
    key_file(tree_file)

    result = invoke("psk", "generate", "--root", str(tree), "--rotate")

    assert result.exit_code == 0, result.output
    assert real_file.read_bytes() == before
    assert tree_file.read_bytes() != before


def test_new_entry_through_a_link_is_added_in_the_tree(tree, outside):
    real_file = outside / "keys.psk"
    real_file.write_bytes(b"backup:" + KEY_HEX + b"\n")
    before = real_file.read_bytes()
    tree_file = in_tree(tree, real_file)
    tree_file.parent.mkdir(parents=True)
    tree_file.write_bytes(before)
    tree.joinpath(*KEY_DIR, "keys.psk").symlink_to(real_file)

    result = invoke("psk", "generate", "--root", str(tree))

    assert result.exit_code == 0, result.output
    assert real_file.read_bytes() == before
    assert tree_file.read_bytes().startswith(before + b"qemu:")


def test_link_to_a_directory_missing_in_the_tree_writes_nothing_outside(
        tree, outside):
    real_file = outside / "keys.psk"
    before = key_file(real_file)
    tree.joinpath(*KEY_DIR, "keys.psk").symlink_to(real_file)

    result = invoke("psk", "generate", "--root", str(tree))

    assert result.exit_code == 2
    assert result.stderr == ("confcheck: cannot write /etc/pki/qemu-psk/"
                             "keys.psk: no such file or directory\n")
    assert real_file.read_bytes() == before
    assert [p.name for p in outside.iterdir()] == ["keys.psk"]


def test_dot_dot_after_a_missing_directory_stays_inside(tree, outside):
    # --dir /missing/../../..<outside>: once /missing is made, the kernel
    # would walk up out of the tree; the host's view is <outside>.
    climb = "/missing" + "/.." * (len(tree.parts) + 1)
    target = outside / "made"

    result = invoke("psk", "generate", "--root", str(tree), "--dir",
                    climb + str(target))

    assert result.exit_code == 0, result.output
    assert not target.exists()
    assert (in_tree(tree, target) / "keys.psk").is_file()


def test_symlinked_qemu_conf_is_read_inside_the_tree(tree, outside):
    real_conf = outside / "qemu.conf"
    real_conf.write_text('default_tls_psk_dir = "/srv/machine"\n')
    tree_conf = in_tree(tree, real_conf)
    tree_conf.parent.mkdir(parents=True)
    tree_conf.write_text('default_tls_psk_dir = "/srv/tree"\n')
    conf = tree / "etc" / "libvirt" / "qemu.conf"
    conf.unlink()
    conf.symlink_to(real_conf)

    result = invoke("psk", "generate", "--root", str(tree))

    assert result.exit_code == 0, result.output
    assert " in /srv/tree/keys.psk " in result.stdout
    assert (tree / "srv" / "tree" / "keys.psk").is_file()
    assert not (tree / "srv" / "machine").exists()


def test_symlinked_key_directory_resolves_inside_the_tree(tree, outside):
    real_dir = outside / "psk"
    real_dir.mkdir()
    key_dir = tree.joinpath(*KEY_DIR)
    key_dir.rmdir()
    key_dir.symlink_to(real_dir)

    result = invoke("psk", "generate", "--root", str(tree))

    assert result.exit_code == 0, result.output
    assert list(real_dir.iterdir()) == []
    assert (in_tree(tree, real_dir) / "keys.psk").is_file()


def test_from_is_a_file_of_this_machine(tree, outside):
    # --from names the copy received from the other host, as FILE and
    # --config do: a path on this machine, not one inside the tree.
    source = outside / "keys.psk.from-hv1"
    source.write_bytes(b"qemu:" + KEY_HEX + b"\n")

    result = invoke("psk", "generate", "--root", str(tree), "--from",
                    str(source))

    assert result.exit_code == 0, result.output
    written = tree.joinpath(*KEY_DIR, "keys.psk").read_bytes()
    assert written == b"qemu:" + KEY_HEX + b"\n"
