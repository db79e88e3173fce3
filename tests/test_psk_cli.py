"""``confcheck psk check`` and the promise that no key is ever printed."""

import json
import os

import pytest
from click.testing import CliRunner

from pyconfcheck.cli import main
from tests.psk_variants import KEY_HEX, variants

K = KEY_HEX.decode()

#: a key no output may contain, in any case, in any part of 8 digits
CANARY = "c4a7a11c0ffee5ca1ab1e5eed5b0a710ad5c4a7a11c0ffee5ca1ab1e5eed5b0a"


def invoke(*args):
    return CliRunner().invoke(main, list(args))


#: a key whose bytes are printable, for a name written as "#<its hex>"
TEXT_CANARY = b"Zq7Canary9Wx3Kp!"


def _old_rendering(raw):
    """How names were once printed: decoded, escaped where unprintable."""
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(char if char.isprintable() else
                   char.encode("unicode_escape").decode("ascii")
                   for char in text)


def _decoded_pieces():
    """Runs of the canaries' decoded bytes as an output could show them."""
    pieces = []
    for raw, width in ((bytes.fromhex(CANARY), 12), (TEXT_CANARY, 6)):
        shown = _old_rendering(raw)
        pieces += [shown[i:i + width] for i in range(len(shown) - width + 1)]
    return pieces


def leaks(text):
    lowered = text.lower()
    found = [CANARY[i:i + 8] for i in range(len(CANARY) - 7)
             if CANARY[i:i + 8] in lowered]
    hexed = TEXT_CANARY.hex()
    found += [hexed[i:i + 8] for i in range(len(hexed) - 7)
              if hexed[i:i + 8] in lowered]
    # JSON doubles a backslash: look at the text as a terminal shows it.
    for view in (text, text.replace("\\\\", "\\")):
        found += [piece for piece in _decoded_pieces() if piece in view]
    return found


def hex_name_files():
    """The canary as a "#<hex>" name: GnuTLS decodes it to key bytes."""
    c, u = CANARY.encode(), CANARY.upper().encode()
    t = TEXT_CANARY.hex().encode()
    return {
        "hex-name-is-key": b"#" + c + b":\n",
        "hex-name-is-key-upper": b"#" + u + b":" + KEY_HEX + b"\n",
        "hex-name-is-printable-key": b"#" + t + b":" + KEY_HEX +
        b"\nqemu:" + KEY_HEX + b"\n",
        "hex-name-of-16-digits": b"#" + c[:16] + b":" + KEY_HEX + b"\n",
        "hex-name-twice": b"#" + c + b":" + KEY_HEX + b"\n#" + c + b":zz\n",
        "hex-name-weak": b"#" + t + b":a1b2c3d4e5f60718\n",
        "hex-name-and-plain": b"#" + t + b":" + KEY_HEX + b"\n" +
        TEXT_CANARY + b":" + KEY_HEX + b"\n",
    }


def canary_files():
    """The canary as the key (and as a name) in every shape of line."""
    c, u = CANARY.encode(), CANARY.upper().encode()
    shapes = {
        "valid": b"qemu:" + c + b"\n",
        "upper": b"qemu:" + u + b"\n",
        "crlf": b"qemu:" + c + b"\r\n",
        "cr-only": b"backup:" + c + b"\rqemu:" + c + b"\r",
        "space-after-colon": b"qemu: " + c + b"\n",
        "trailing-space": b"qemu:" + c + b" ",
        "0x": b"qemu:0x" + c + b"\n",
        "odd": b"qemu:" + c + b"f\n",
        "extra-field": b"qemu:" + c + b":" + c + b"\n",
        "colon-bytes": b"qemu:" + b":".join(c[i:i + 2] for i in
                                             range(0, 64, 2)) + b"\n",
        "not-hex": b"qemu:" + c[:30] + b"zz" + c[32:] + b"\n",
        "short": b"qemu:" + c[:6] + b"\n",
        "weak": b"qemu:" + c[:16] + b"\n",
        "duplicate": b"qemu:" + c + b"\nqemu:" + u + b"\n",
        "hex-name": b"#71656d75:" + c + b"\nqemu:" + KEY_HEX + b"\n",
        "nul": b"qemu:" + c[:20] + b"\0" + c[20:] + b"\n",
        "bom": b"\xef\xbb\xbfqemu:" + c + b"\n",
        "as-name": c + b":" + c + b"\n" + c + b":zz\n",
        "as-identity-line": c + b"\n",
        "other-identity": b"backup:" + c + b"\t\n",
        # Part of the key in the name: a tab or a space where ':' belongs.
        "name-then-tab": c + b"\t:" + c + b"\n",
        "tab-inside-name": c[:14] + b"\t" + c[14:] + b":" + c + b"zz\n",
        "space-inside-name": c[:30] + b" " + c[30:] + b" :qemu:" + c + b"\n",
        "bom-inside-name": c[:40] + b"\xef\xbb\xbf" + c[40:] + b":zz\n",
        "nul-before-entry": b"backup:" + c + b"\0\nqemu:" + c + b"\n",
    }
    for variant in variants():
        shapes["variant-" + variant.name] = variant.data.replace(
            KEY_HEX, c)
    shapes.update(hex_name_files())
    return shapes


def _commands(path, scratch):
    """Every psk command on the key file ``path``, in every format."""
    for fmt in ("text", "json"):
        yield ["psk", "check", "--format", fmt, "--identity", "qemu",
               "--identity", CANARY, path]
        yield ["psk", "fingerprint", "--format", fmt, path]
        yield ["psk", "compare", "--format", fmt, path, path]
    yield ["psk", "generate", "--dir", scratch, "--from", path]
    yield ["psk", "generate", "--dir", os.path.dirname(path)]
    yield ["psk", "generate", "--dir", os.path.dirname(path), "--rotate"]


def test_no_key_in_any_output(tmp_path):
    """--debug too: no shape of line may reach a traceback either."""
    outputs, crashes = [], []
    for name, data in canary_files().items():
        directory = tmp_path / name
        directory.mkdir()
        path = directory / "keys.psk"
        path.write_bytes(data)
        path.chmod(0o644)
        for args in _commands(str(path), str(tmp_path / "from" / name)):
            result = invoke(*args, "--debug")
            if result.exception is not None and \
                    not isinstance(result.exception, SystemExit):
                crashes.append((name, args[1], repr(result.exception)))
            assert result.exit_code in (0, 1, 2), (name, result.output)
            outputs.append(result.output)
    assert crashes == []
    assert leaks("".join(outputs)) == []


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_key_in_the_main_run(debian_host, fmt):
    directory = debian_host / "etc" / "pki" / "qemu-psk"
    directory.mkdir(parents=True)
    (debian_host / "etc" / "libvirt").mkdir()
    (debian_host / "etc" / "libvirt" / "qemu.conf").write_text("")
    outputs = []
    for data in canary_files().values():
        (directory / "keys.psk").write_bytes(data)
        result = invoke("--root", str(debian_host), "--format", fmt,
                        "--psk-identity", "qemu", "--psk-identity", CANARY,
                        "--debug")
        assert result.exit_code in (0, 1), result.output
        outputs.append(result.output)
    assert sum("PSK0" in output for output in outputs) >= 40
    assert leaks("".join(outputs)) == []


def test_no_key_in_an_internal_error(tmp_path, monkeypatch):
    """Whatever a bug puts in an exception, the one-line report hides it."""
    from pyconfcheck.psk import keyfile

    def broken(data, identities, path):
        raise ValueError(f"cannot parse {data.decode()!r}")

    monkeypatch.setattr(keyfile, "analyse", broken)
    path = tmp_path / "keys.psk"
    path.write_bytes(b"qemu:" + CANARY.encode() + b"\n")

    result = invoke("psk", "check", str(path))

    assert result.exit_code == 2
    assert result.output == (
        "confcheck: internal error: ValueError: cannot parse "
        "'qemu:<hex digits>\\n' (run with --debug for the traceback)\n")


def test_the_leak_detector_can_fail():
    assert leaks("key " + CANARY[10:30].upper()) != []
    assert leaks(_old_rendering(bytes.fromhex(CANARY))[5:25]) != []
    assert leaks(json.dumps(_old_rendering(bytes.fromhex(CANARY)))) != []
    assert leaks("name Canary9Wx") != []


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("command", ["check", "fingerprint", "compare"])
def test_no_key_in_a_hex_name(tmp_path, command, fmt):
    """A "#<hex>" name of 16 or more digits is described, in both its
    written and its decoded form, by every command in every format."""
    other = tmp_path / "other.psk"
    other.write_bytes(b"qemu:" + KEY_HEX + b"\n")
    outputs = []
    for name, data in hex_name_files().items():
        path = tmp_path / name
        path.write_bytes(data)
        args = {"check": ["check", str(path)],
                "fingerprint": ["fingerprint", str(path)],
                "compare": ["compare", str(path), str(other)]}[command]
        result = invoke("psk", *args, "--format", fmt, "--debug")
        # compare refuses (2) a file with no key either reader can use.
        allowed = (0, 1, 2) if command == "compare" else (0, 1)
        assert result.exit_code in allowed, (name, result.output)
        outputs.append(result.output)

    assert "<a name written as # and 64 hex digits>" in "".join(outputs)
    assert leaks("".join(outputs)) == []


def test_hex_name_that_is_a_key_is_described(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_bytes(b"#deadbeefcafebabe0123456789abcdef:\n")
    path.chmod(0o600)

    result = invoke("psk", "check", str(path))

    assert result.output == (
        f"{path}:0:0: error PSK023: no line for identity \"qemu\": the "
        "source cannot load its credentials and the destination rejects "
        "every migration that sends it; add \"qemu:<key>\"\n"
        f"{path}:1:1: warning PSK020: line 1 writes identity <a name "
        "written as # and 32 hex digits> as \"#<hex>\": only GnuTLS on the "
        "destination reads that form; QEMU as a source needs "
        "\"<name>:<key>\"\n"
        f"{path}:1:35: warning PSK017: line 1, identity <a name written as "
        "# and 32 hex digits>: the key is empty (GnuTLS on the destination "
        "would fail if it were used)\n")


def test_check_reads_standard_input():
    clean = CliRunner().invoke(main, ["psk", "check", "-"],
                               input=f"qemu:{K}\n".encode())
    broken = CliRunner().invoke(main, ["psk", "check", "-"],
                                input=f"qemu:{K}\r\n".encode())

    assert (clean.exit_code, clean.output) == (0, "")
    assert (broken.exit_code, broken.output) == (
        1, "-:1:70: error PSK013: line 1, identity \"qemu\": the line "
        "ends in CR LF (a Windows line end); the CR is read as part of the "
        "key (both readers fail)\n")


def test_clean_file_exits_0(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_text(f"qemu:{K}\n")
    path.chmod(0o640)

    result = invoke("psk", "check", str(path))

    assert (result.exit_code, result.output) == (0, "")


def test_errors_exit_1_with_exact_text(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_text(f"qemu:{K}\r\nbackup:{K}\n")
    path.chmod(0o600)

    result = invoke("psk", "check", str(path))

    assert result.exit_code == 1
    assert result.output == (
        f"{path}:1:70: error PSK013: line 1, identity \"qemu\": the line "
        "ends in CR LF (a Windows line end); the CR is read as part of the "
        "key (both readers fail)\n")


def test_warnings_exit_0_unless_strict(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_text("qemu:a1b2c3d4e5f60718\n")
    path.chmod(0o600)

    assert invoke("psk", "check", str(path)).exit_code == 0
    assert invoke("psk", "check", "--strict", str(path)).exit_code == 1


def test_json_has_sides(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_text(f"qemu:{K} ")
    path.chmod(0o600)

    result = invoke("psk", "check", "--format", "json", str(path))
    document = json.loads(result.output)

    assert [(f["line"], f["column"], f["code"], f.get("side"))
            for f in document["findings"]] == [
        (1, 0, "PSK024", None), (1, 70, "PSK014", "source")]
    assert document["summary"] == {"error": 1, "warning": 0, "info": 1}


def test_permissions_of_a_file_alone(tmp_path):
    path = tmp_path / "keys.psk"
    path.write_text(f"qemu:{K}\n")
    path.chmod(0o666)

    result = invoke("psk", "check", str(path))

    assert result.exit_code == 0
    assert [line.split(": ")[1] for line in result.output.splitlines()] == [
        "warning PSK030", "warning PSK031"]


@pytest.mark.parametrize("make, reason", [
    (lambda p: None, "no such file or directory"),
    (lambda p: os.mkdir(p), "is a directory"),
    (lambda p: os.mkfifo(p), "not a regular file"),
    (lambda p: os.symlink(p, p), "too many levels of symbolic links"),
])
def test_bad_input_is_one_line_exit_2(tmp_path, make, reason):
    path = str(tmp_path / "keys.psk")
    make(path)

    result = CliRunner().invoke(main, ["psk", "check", path])

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"confcheck: {path}: {reason}\n"


def test_huge_file_is_refused(tmp_path):
    path = tmp_path / "keys.psk"
    with open(path, "wb") as handle:
        handle.truncate((16 << 20) + 1)

    result = CliRunner().invoke(main, ["psk", "check",
                                                       str(path)])

    assert (result.exit_code, result.stderr) == (
        2, f"confcheck: {path}: larger than 16 MiB\n")


def test_no_key_in_a_debug_traceback(tmp_path):
    """--debug prints the traceback, through the same mask."""
    import subprocess
    import sys

    path = tmp_path / "keys.psk"
    path.write_bytes(b"qemu:" + CANARY.encode() + b"\n")
    program = (
        "import sys\n"
        "from pyconfcheck.psk import keyfile\n"
        "def broken(data, identities, path):\n"
        "    raise ValueError('cannot parse %r' % data)\n"
        "keyfile.analyse = broken\n"
        "from pyconfcheck.cli import main\n"
        "main(sys.argv[1:])\n")

    done = subprocess.run([sys.executable, "-c", program, "--debug", "psk",
                           "check", str(path)], capture_output=True,
                          text=True, timeout=60)

    assert done.stdout == ""
    assert done.stderr.startswith("Traceback (most recent call last):")
    assert done.stderr.endswith(
        "ValueError: cannot parse b'qemu:<hex digits>\\n'\n")
    assert leaks(done.stderr) == []
