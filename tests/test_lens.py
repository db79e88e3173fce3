"""The Augeas lens: generation, its augparse tests, the bridge, LNS checks."""

import os
import re
import shutil
import subprocess

import pytest

from pyconfcheck import settings
from pyconfcheck.checks.context import CheckContext
from pyconfcheck.document import Document
from pyconfcheck.host import Host
from pyconfcheck.lens import (
    EXAMPLE_FILE, LENS_DIR, LENS_FILE, LENS_TEST_FILE, bridge, check,
    generate,
)

needs_augeas = pytest.mark.skipif(not bridge.available(),
                                  reason="python-augeas is not installed")
needs_augparse = pytest.mark.skipif(shutil.which("augparse") is None,
                                    reason="augparse is not installed")
STOCK_DIRS = bridge.host_lens_dirs("/")
needs_stock = pytest.mark.skipif(
    bridge.module_file(STOCK_DIRS) is None,
    reason="no stock Libvirtd_qemu lens installed")
STOCK_TEST = "/usr/share/augeas/lenses/tests/test_libvirtd_qemu.aug"


# -- generation --------------------------------------------------------------


def test_lens_file_is_generated_from_the_table():
    assert LENS_FILE.read_text() == generate.lens_text()


def test_lens_test_is_generated_from_the_example():
    assert LENS_TEST_FILE.read_text() == generate.test_text()


def _key_regex(name):
    match = re.search(rf"let {name} = /(.*?)/\n", LENS_FILE.read_text())
    return re.compile(match.group(1))


def test_every_setting_has_exactly_one_value_type():
    groups = [f"{kind}_names" for kind in generate.VALUE_TYPES]
    for setting in settings.SETTINGS:
        owners = [g for g in groups
                  if _key_regex(g).fullmatch(setting.name)]
        assert owners == [f"{generate.value_type(setting)}_names"], \
            setting.name


def test_value_types_follow_the_getters():
    groups = generate.names_by_type()
    assert groups["int"] == ["seccomp_sandbox", "keepalive_interval"]
    assert groups["str_or_array"] == ["security_driver", "hugetlbfs_mount"]
    assert groups["limits"] == ["max_core"]
    assert groups["bytes"] == ["auto_dump_max_size"]
    assert "default_tls_psk_dir" in groups["str"]
    assert "migrate_tls_psk_dir" in groups["str"]
    assert sum(len(names) for names in groups.values()) == 120


def test_unknown_name_regex_excludes_exactly_the_table():
    unknown = _key_regex("unknown_name")
    for setting in settings.SETTINGS:
        assert not unknown.fullmatch(setting.name), setting.name
    for name in ("rx_queue_size", "spice_tls_x509_secret_uuid", "vnc",
                 "vnc_tls_", "vnc_tlsx", "user2", "u", "VNC_TLS", "vnc_Tls",
                 "nodedev_enumeration", "unix_sock_group", "x509"):
        assert unknown.fullmatch(name), name
    for name in ("_vnc", "1a", "a-b", "a.b", "", "vnc tls"):
        assert not unknown.fullmatch(name), name


def test_example_lines_are_picked_like_libvirt_does():
    text = ("# prose = 1\n#vnc_tls = 1\n#   user = \"x\"\n#nvram = [\n"
            "#   \"a\",\n#   \"b\"\n#]\n\nvnc_sasl = 1\n")
    assert generate.example_lines(text) == [
        "vnc_tls = 1", "nvram = [", "   \"a\",", "   \"b\"", "]"]


def test_example_documents_every_setting():
    lines = generate.example_lines(EXAMPLE_FILE.read_text())
    documented = generate.documented_names(lines)
    assert set(documented) == {s.name for s in settings.SETTINGS}
    assert len(documented) == 122  # two list forms documented twice


def test_an_undocumented_setting_breaks_the_test_generation():
    text = EXAMPLE_FILE.read_text().replace("#vnc_tls = 1\n", "")
    with pytest.raises(ValueError, match="does not document: vnc_tls$"):
        generate.test_text(text)


def test_expected_tree_of_example_lines():
    tree = generate.expected_tree([
        "vnc_listen = \"0.0.0.0\"", "keepalive_interval = -1",
        "nvram = [", "  \"a:b\",", "  \"c:d\"", "]", "namespaces = [ ]"])
    assert tree == ['{ "vnc_listen" = "0.0.0.0" }',
                    '{ "keepalive_interval" = "-1" }',
                    '{ "nvram" { "1" = "a:b" } { "2" = "c:d" } }',
                    '{ "namespaces" }']


# -- augparse ----------------------------------------------------------------


@needs_augparse
def test_lens_test_passes_with_type_checking():
    done = subprocess.run(["augparse", "-I", str(LENS_DIR),
                           str(LENS_TEST_FILE)],
                          capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (0, "")


@needs_augparse
def test_lens_test_can_fail(tmp_path):
    broken = LENS_TEST_FILE.read_text().replace(
        '{ "keepalive_interval" = "-1" }\n     { "seccomp_sandbox"',
        '{ "keepalive_interval" = "1" }\n     { "seccomp_sandbox"')
    assert broken != LENS_TEST_FILE.read_text()
    target = tmp_path / "test_libvirtd_qemu.aug"
    target.write_text(broken)
    done = subprocess.run(["augparse", "-I", str(LENS_DIR), str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Test failure" in done.stdout + done.stderr


@needs_augparse
@pytest.mark.skipif(not os.path.exists(STOCK_TEST),
                    reason="Debian's libvirtd_qemu lens test not installed")
def test_stock_lens_test_passes_with_our_lens_first():
    done = subprocess.run(["augparse", "-I", str(LENS_DIR), "--trace",
                           STOCK_TEST], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"Module {LENS_FILE} loaded" in done.stdout + done.stderr
    assert "Module /usr/share/augeas/lenses/libvirtd_qemu.aug" not in \
        done.stdout + done.stderr


# -- the bridge ----------------------------------------------------------------

PSK_FILE = (b"default_tls_psk_dir = \"/etc/pki/qemu-psk\"\n"
            b"migrate_tls_psk_dir = \"/etc/pki/qemu-psk\"\n"
            b"vnc_tls = 1 # on\n"
            b"keepalive_interval = -1\n"
            b"security_driver = [ \"selinux\", \"apparmor\", ]\n"
            b"rx_queue_size = 1024\n")


@needs_augeas
def test_bridge_tree_of_a_file_with_every_extension():
    result = bridge.parse_bytes(PSK_FILE)
    N = bridge.Node
    assert result.ok
    assert result.lens_file == str(LENS_FILE)
    assert result.tree == (
        N("default_tls_psk_dir", "/etc/pki/qemu-psk"),
        N("migrate_tls_psk_dir", "/etc/pki/qemu-psk"),
        N("vnc_tls", "1", (N("#comment", "on"),)),
        N("keepalive_interval", "-1"),
        N("security_driver", None, (N("1", "selinux"), N("2", "apparmor"))),
        N("rx_queue_size", "1024"),
    )


@needs_augeas
@needs_stock
def test_bridge_error_positions_are_one_based():
    result = bridge.parse_bytes(PSK_FILE, STOCK_DIRS)
    assert result.tree == ()
    assert result.error.line == 1
    assert result.error.column == 1
    assert result.error.message == "Iterated lens matched less than it should"
    result = bridge.parse_bytes(b"vnc_tls = 1\nkeepalive_interval = -1\n",
                                STOCK_DIRS)
    assert (result.error.line, result.error.column) == (2, 22)


@needs_augeas
def test_bridge_error_of_our_lens():
    result = bridge.parse_bytes(b"# ok\nvnc_listen = \"a\nb\"\n")
    assert (result.error.line, result.error.column) == (2, 14)


@needs_augeas
def test_bridge_without_the_module(tmp_path):
    result = bridge.parse_bytes(b"", [str(tmp_path)])
    assert result.lens_file is None
    assert result.load_error == f"no module Libvirtd_qemu in {tmp_path}"


@needs_augeas
def test_bridge_ignores_the_system_lenses(tmp_path):
    (tmp_path / "libvirtd_qemu.aug").write_text(
        "module Libvirtd_qemu =\n  let lns = [ key /x/ ]\n")
    result = bridge.parse_bytes(b"vnc_tls = 1\n", [str(tmp_path)])
    assert result.lens_file == str(tmp_path / "libvirtd_qemu.aug")
    assert result.error is not None


def test_host_lens_dirs_follow_augeas_order(tmp_path):
    for sub in ("usr/share/augeas/lenses/dist", "usr/share/augeas/lenses"):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
    assert bridge.host_lens_dirs(str(tmp_path)) == (
        str(tmp_path / "usr/share/augeas/lenses"),
        str(tmp_path / "usr/share/augeas/lenses/dist"))


def test_host_lens_dirs_of_a_bare_root(tmp_path):
    assert bridge.host_lens_dirs(str(tmp_path)) == ()


@needs_augeas
def test_edit_writes_what_libvirt_reads():
    edited = bridge.edit_bytes(PSK_FILE, [
        ("set", "vnc_tls", "0"),
        ("rm", "security_driver/2"),
        ("set", "keepalive_interval", "-5"),
        ("ins", "default_tls_x509_cert_dir", "default_tls_psk_dir", True),
        ("set", "default_tls_x509_cert_dir", "/etc/pki/qemu"),
    ])
    assert edited == (b"default_tls_x509_cert_dir = \"/etc/pki/qemu\"\n"
                      b"default_tls_psk_dir = \"/etc/pki/qemu-psk\"\n"
                      b"migrate_tls_psk_dir = \"/etc/pki/qemu-psk\"\n"
                      b"vnc_tls = 0 # on\n"
                      b"keepalive_interval = -5\n"
                      b"security_driver = [ \"selinux\", ]\n"
                      b"rx_queue_size = 1024\n")


@needs_augeas
def test_edit_refuses_a_value_libvirt_rejects():
    with pytest.raises(bridge.LensSaveError, match="^put_failed"):
        bridge.edit_bytes(b"vnc_listen = \"x\"\n",
                          [("set", "vnc_listen", "a\nb")])


# -- the LNS checks ------------------------------------------------------------


def _context(data, root):
    return CheckContext(path="/etc/libvirt/qemu.conf", doc=Document(data),
                        host=Host(str(root)))


def _host_with_stock_lens(tmp_path):
    lenses = tmp_path / "usr/share/augeas/lenses"
    (lenses / "dist").mkdir(parents=True)
    shutil.copy(bridge.module_file(STOCK_DIRS), lenses)
    shutil.copy(bridge.module_file(STOCK_DIRS, "Util"), lenses / "dist")
    return tmp_path


@needs_augeas
@needs_stock
def test_lns001_when_the_host_lens_cannot_read_the_file(tmp_path):
    root = _host_with_stock_lens(tmp_path)
    data = b"# c\nvnc_tls = 1\nkeepalive_interval = -1\n"
    findings = list(check.check(_context(data, root)))
    assert [(f.code, f.line, f.column, f.severity, f.stage, f.message)
            for f in findings] == [(
                "LNS001", 3, 22, "warning", "edit",
                "augtool and Puppet on this host cannot edit the file: the "
                "lens \"/usr/share/augeas/lenses/libvirtd_qemu.aug\" stops "
                "here (\"Iterated lens matched less than it should\"); "
                "pyconfcheck's lens reads it (make install-lens, then augtool "
                "-I /usr/local/share/augeas/lenses, or Puppet's augeas "
                "load_path)")]


@needs_augeas
@needs_stock
def test_no_finding_when_the_host_lens_reads_the_file(tmp_path):
    root = _host_with_stock_lens(tmp_path)
    assert list(check.check(_context(b"vnc_tls = 1\n", root))) == []


@needs_augeas
@needs_stock
def test_lns001_without_the_hint_when_no_lens_reads_it(tmp_path):
    root = _host_with_stock_lens(tmp_path)
    findings = list(check.check(_context(b"vnc_tls = 1; vnc_sasl = 1\n",
                                         root)))
    assert [(f.code, f.line, f.message.endswith('should")'))
            for f in findings] == [("LNS001", 1, True)]


@needs_augeas
def test_lns003_when_the_host_lens_does_not_load(tmp_path):
    lenses = tmp_path / "usr/share/augeas/lenses"
    lenses.mkdir(parents=True)
    (lenses / "libvirtd_qemu.aug").write_text(
        "module Libvirtd_qemu =\n  let lns = Util.empty\n")
    findings = list(check.check(_context(b"vnc_tls = 1\n", tmp_path)))
    assert [(f.code, f.severity, f.line) for f in findings] == [
        ("LNS003", "info", 0)]
    assert findings[0].message.startswith(
        "the lens \"/usr/share/augeas/lenses/libvirtd_qemu.aug\" could not "
        "be loaded: ")


def test_no_finding_on_a_host_without_the_lens(tmp_path):
    assert list(check.check(_context(b"vnc_tls = 1\n", tmp_path))) == []


def test_no_finding_without_a_host():
    ctx = CheckContext(path="qemu.conf", doc=Document(b"x = 1\n"), host=None)
    assert list(check.check(ctx)) == []


def test_lns002_when_python_augeas_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(bridge, "available", lambda: False)
    findings = list(check.check(_context(b"vnc_tls = 1\n", tmp_path)))
    assert [(f.code, f.severity, f.stage, f.line, f.message)
            for f in findings] == [
        ("LNS002", "info", "edit", 0,
         "python-augeas is not installed; the Augeas lens check was "
         "skipped")]


def test_augeas_is_imported_lazily():
    code = ("import sys, pyconfcheck.lens.check, pyconfcheck.lens.bridge; "
            "print('augeas' in sys.modules)")
    done = subprocess.run([os.sys.executable, "-c", code],
                          capture_output=True, text=True, check=True)
    assert done.stdout == "False\n"


@needs_augeas
@needs_stock
@pytest.mark.parametrize("selectors, loads", [
    ([], 1), (["--ignore", "LNS"], 0), (["--select", "SET"], 0),
    (["--select", "LNS002"], 1)])
def test_lens_check_runs_only_when_an_lns_rule_is_selected(
        tmp_path, monkeypatch, selectors, loads):
    from click.testing import CliRunner

    from pyconfcheck import cli

    root = _host_with_stock_lens(tmp_path)
    conf = root / "etc/libvirt/qemu.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b"keepalive_interval = -1\n")
    calls = []
    real_parse = bridge.parse_bytes

    def counting_parse(*args, **kwargs):
        calls.append(args)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(bridge, "parse_bytes", counting_parse)
    result = CliRunner().invoke(cli.main, ["--isolated", "--root", str(root)]
                                + selectors)

    assert len(calls) == loads
    assert ("LNS001" in result.stdout) == (loads == 1 and not selectors)
