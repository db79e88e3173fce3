"""``psk compare`` never passes on a side that holds nothing.

In ``ssh hv1 confcheck psk fingerprint | confcheck psk compare keys.psk -``
a remote side that failed (a header and no entry, an error text, junk)
must not read as "every identity only in A", exit 0.  And an identity
migrations use that is on one side only fails the migration: exit 1.
"""

import json

import pytest
from click.testing import CliRunner

from pyconfcheck.cli import main
from tests.psk_variants import KEY_HEX, OTHER_HEX


def invoke(*args, stdin=None):
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def keys(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    return path


NOT_A_KEY_FILE = ('no line names one; it is neither a key file with a '
                  '"name:key" line nor a fingerprint list')
NO_USABLE_KEY = ("no line holds a key QEMU or GnuTLS can use (`confcheck "
                 "psk check` says why)")


@pytest.mark.parametrize("stdin, why", [
    ("# confcheck psk fingerprint of x\n",
     "the fingerprint list has no entry"),
    ("garbage\n", NOT_A_KEY_FILE),
    ("ssh: connect to host hv1 port 22: Connection refused\n",
     NO_USABLE_KEY),
    ("qemu:not-hex\n", NO_USABLE_KEY),
    ("# only a comment\n\n", NOT_A_KEY_FILE),
    (json.dumps({"version": 1, "file": "x", "identities": []}),
     "the fingerprint list has no entry"),
])
def test_a_side_holding_no_identity_is_an_error(keys, stdin, why):
    result = invoke("psk", "compare", str(keys), "-", stdin=stdin)

    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"confcheck: B (-) holds no identity: {why}\n")


def test_side_a_is_named_too(keys, tmp_path):
    empty = tmp_path / "empty.psk"
    empty.write_bytes(b"\n")

    result = invoke("psk", "compare", str(empty), str(keys))

    assert (result.exit_code, result.stdout, result.stderr) == (
        2, "", f"confcheck: A ({empty}) holds no identity: it is empty\n")


def test_two_key_files_one_without_identities(keys, tmp_path):
    junk = tmp_path / "junk.psk"
    junk.write_bytes(b"; keys go here\n")

    result = invoke("psk", "compare", str(keys), str(junk))

    assert result.exit_code == 2
    assert result.stderr == (f"confcheck: B ({junk}) holds no identity: "
                             f"{NOT_A_KEY_FILE}\n")


def test_identity_in_use_on_one_side_only_fails(keys, tmp_path):
    other = tmp_path / "other.psk"
    other.write_bytes(b"backup:" + KEY_HEX + b"\n")

    result = invoke("psk", "compare", str(keys), str(other))

    assert (result.exit_code, result.stdout) == (
        1, '"qemu"    only in A\n"backup"  only in B\n')


def test_identity_in_use_only_in_b_fails(keys, tmp_path):
    other = tmp_path / "other.psk"
    other.write_bytes(b"backup:" + KEY_HEX + b"\n")

    result = invoke("psk", "compare", str(other), str(keys))

    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == '"qemu"    only in B'


def test_identity_not_in_use_on_one_side_only_passes(keys, tmp_path):
    other = tmp_path / "other.psk"
    other.write_bytes(b"qemu:" + KEY_HEX + b"\nlab:" + OTHER_HEX + b"\n")

    result = invoke("psk", "compare", str(keys), str(other))

    assert (result.exit_code, result.stdout) == (
        0, '"qemu"    same\n"lab"     only in B\n')


def test_identity_option_names_the_identities_in_use(keys, tmp_path):
    other = tmp_path / "other.psk"
    other.write_bytes(b"qemu:" + KEY_HEX + b"\nlab:" + OTHER_HEX + b"\n")

    used = invoke("psk", "compare", "--identity", "qemu", "--identity",
                  "lab", str(keys), str(other))
    not_qemu = invoke("psk", "compare", "--identity", "backup",
                      str(other), str(other))

    assert (used.exit_code, used.stdout) == (
        1, '"qemu"    same\n"lab"     only in B\n')
    assert not_qemu.exit_code == 0


def test_identity_in_use_missing_from_a_saved_list_fails(keys, tmp_path):
    other = tmp_path / "other.psk"
    other.write_bytes(b"backup:" + KEY_HEX + b"\n")
    listed = invoke("psk", "fingerprint", str(other)).stdout

    result = invoke("psk", "compare", str(keys), "-", stdin=listed)

    assert result.exit_code == 1
    assert '"qemu"    only in A' in result.stdout


def test_help_says_what_fails(keys):
    text = invoke("psk", "compare", "--help").output

    assert "--identity NAME" in text
    assert "holds no identity" in " ".join(text.split())
