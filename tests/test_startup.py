"""Start-up checks on host trees: exact place, code, severity, stage, words.

The daemon's behaviour behind each expectation was measured with
tests/test_startup_oracle.py (Debian's libvirt 9.0.0); these tests pin
confcheck's side without the daemon, on small trees under ``--root``.
"""

import json
import os

import pytest

from conftest import run_check
from pyconfcheck.checks import startup
from pyconfcheck.host import Host
from pyconfcheck.version import detect_version

V9 = (9, 0)


def start_errors(findings):
    return [(f.line, f.column, f.code, f.severity, f.stage)
            for f in findings if f.stage == "start"]


def one(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in findings]
    return found[0]


def test_missing_user_is_a_start_error_at_the_value(debian_host):
    findings = run_check('vnc_tls = 0\nuser = "vmrunner"\n',
                         root=str(debian_host), version=V9)

    assert start_errors(findings) == [(2, 8, "STA014", "error", "start")]
    assert one(findings, "STA014").message.startswith(
        "Failed to parse user 'vmrunner'")


@pytest.mark.parametrize("value", ['"+107"', '"4242"', '"4294967295"',
                                   '"libvirt-qemu"'])
def test_numbers_and_existing_names_resolve(debian_host, value):
    findings = run_check(f"user = {value}\ngroup = {value}\n",
                         root=str(debian_host), version=V9)

    assert start_errors(findings) == []


def test_build_default_account_is_checked_before_the_file(debian_host):
    (debian_host / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    findings = run_check("vnc_tls = true\n", root=str(debian_host),
                         version=V9)

    first = startup.first_start_error(findings)
    assert (first.line, first.code, first.severity) == (0, "HOST003",
                                                        "error")
    assert first.message.startswith("Failed to parse user 'libvirt-qemu'")


def test_session_needs_no_build_default_account(debian_host):
    (debian_host / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    findings = run_check("", root=str(debian_host), version=V9,
                         session=True)

    assert start_errors(findings) == []


def test_session_refuses_namespaces(debian_host):
    findings = run_check('namespaces = [ "mount" ]\n', root=str(debian_host),
                         version=V9, session=True)

    assert start_errors(findings) == [(1, 1, "STA011", "error", "start")]
    assert one(findings, "STA011").message.startswith(
        "cannot use namespaces in session mode")


@pytest.mark.parametrize("conf, line, column, words", [
    ("migration_port_min = 0\n", 1, 22,
     "migration_port_min: port must be greater than 0"),
    ("migration_port_max = 70000\n", 1, 22,
     "migration_port_max: port must be between the minimal port 49152 and "
     "65535"),
    ("migration_port_min = 60000\n", 1, 22,
     "migration_port_max: port must be between the minimal port 60000 and "
     "65535"),
    ("remote_display_port_min = 5899\n", 1, 27,
     "remote_display_port_min: port must be greater than or equal to 5900"),
    ("remote_websocket_port_min = 6000\nremote_websocket_port_max = 5999\n",
     2, 29, "remote_websocket_port_max: port must be between the minimal "
     "port and 65535"),
    ("remote_display_port_min = 6000\nremote_display_port_max = 6000\n",
     2, 27, "start port 6000 must be less than end port 6000"),
])
def test_port_rules(conf, line, column, words):
    findings = run_check(conf, version=V9)

    finding = one(findings, "STA001")
    assert (finding.line, finding.column, finding.severity,
            finding.stage) == (line, column, "error", "start")
    assert finding.message.startswith(words)


@pytest.mark.parametrize("value, shown", [
    ('"localhost.example"', "localhost.example"),
    ('"localhostfoo.example.com"', "localhostfoo.example.com"),
    ('"127.0.0.1"', "127.0.0.1"), ('"[::1]"', "::1")])
def test_local_migration_addresses(value, shown):
    findings = run_check(f"migration_host = {value}\n", version=V9)

    finding = one(findings, "STA002")
    assert (finding.line, finding.column) == (1, 18)
    assert finding.message.startswith(
        f"migration_host must not be the address of the local machine: "
        f"{shown}")


def test_other_loopback_addresses_pass():
    assert start_errors(run_check('migration_address = "127.0.0.2"\n',
                                  version=V9)) == []


@pytest.mark.parametrize("conf, code, words", [
    ('stdio_handler = "journald"\n', "STA003",
     "Unknown stdio handler journald"),
    ('sched_core = "all"\n', "STA003", "Unknown sched_core value all"),
    ("allow_disk_format_probing = 1\n", "STA012",
     "allow_disk_format_probing is no longer supported"),
    ('nvram = [ "a:b:c" ]\n', "STA005", "Invalid nvram format: 'a:b:c'"),
    ('security_driver = [ "none", "none" ]\n', "STA007",
     "Duplicate security driver none"),
    ('cgroup_controllers = [ "io" ]\n', "STA009",
     "Unknown cgroup controller 'io'"),
    ('namespaces = [ "net" ]\n', "STA011", "Unknown namespace: net"),
    ('hugetlbfs_mount = ""\n', "STA004",
     "cannot determine filesystem for '': No such file or directory"),
])
def test_values_the_daemon_refuses_while_loading(conf, code, words):
    finding = one(run_check(conf, version=V9), code)

    assert (finding.severity, finding.stage) == ("error", "start")
    assert finding.message.startswith(words)


@pytest.mark.parametrize("item", ["a:", ":b", ":"])
def test_nvram_needs_something_on_each_side_of_the_colon(item):
    finding = one(run_check(f'nvram = [ "{item}" ]\n', version=V9),
                  "STA005")

    assert (finding.line, finding.stage) == (1, "start")
    assert finding.message.startswith(f"Invalid nvram format: '{item}'")


@pytest.mark.parametrize("item", ["  :b", "a: "])
def test_nvram_blanks_count_as_a_path(item):
    # Measured on libvirt 9.0: the sides are not trimmed before the test.
    conf = f'nvram = [ "{item}" ]\n'
    assert start_errors(run_check(conf, version=V9)) == []


def test_image_formats_follow_the_version():
    conf = 'save_image_format = "zstd"\n'

    assert start_errors(run_check(conf, version=V9)) == []
    assert one(run_check(conf, version=V9), "STA020").severity == "warning"
    assert start_errors(run_check('save_image_format = "zip"\n')) == [
        (1, 21, "STA003", "error", "start")]


def test_vxhs_directory_is_checked_up_to_11_3_only(debian_host):
    conf = 'vxhs_tls_x509_cert_dir = "/nope"\n'

    assert start_errors(run_check(conf, root=str(debian_host),
                                  version=V9)) == [
        (1, 26, "STA013", "error", "start")]
    assert start_errors(run_check(conf, root=str(debian_host))) == []


def test_tls_directory_must_exist_only_when_written(debian_host):
    findings = run_check('vnc_tls = 1\nnbd_tls_x509_cert_dir = "/etc/pki/n"\n',
                         root=str(debian_host), version=V9)

    finding = one(findings, "STA013")
    assert (finding.line, finding.column) == (2, 25)
    assert finding.message.startswith(
        "nbd_tls_x509_cert_dir directory '/etc/pki/n' does not exist")


def _mounts(root, text):
    (root / "proc").mkdir(exist_ok=True)
    (root / "proc" / "mounts").write_text(text)


def test_hugetlbfs_mount_read_from_the_trees_mount_table(debian_host):
    for path in ("dev/hp", "tmp"):
        (debian_host / path).mkdir(parents=True)
    _mounts(debian_host, "none /dev/hp hugetlbfs rw,relatime 0 0\n"
                         "tmpfs /tmp tmpfs rw 0 0\n")

    good = run_check('hugetlbfs_mount = "/dev/hp"\n', root=str(debian_host))
    bad = run_check('hugetlbfs_mount = [ "/dev/hp", "/tmp" ]\n',
                    root=str(debian_host))

    assert start_errors(good) == []
    assert one(bad, "STA004").message.startswith(
        "not a hugetlbfs mount: '/tmp'")


def test_hugetlbfs_without_a_mount_table_is_skipped_with_a_note(debian_host):
    (debian_host / "dev" / "hp").mkdir(parents=True)
    findings = run_check('hugetlbfs_mount = "/dev/hp"\n',
                         root=str(debian_host))

    assert start_errors(findings) == []
    note = one(findings, "HOST002")
    assert (note.severity, note.line) == ("info", 0)
    assert "hugetlbfs" in note.message and "proc/mounts" in note.message


def test_security_driver_needs_the_trees_sys(debian_host):
    conf = 'security_driver = "apparmor"\n'

    unknown = run_check(conf, root=str(debian_host))
    (debian_host / "sys").mkdir()
    known = run_check(conf, root=str(debian_host))

    assert "SELinux/AppArmor" in one(unknown, "HOST002").message
    assert start_errors(unknown) == []
    finding = one(known, "STA007")
    assert (finding.line, finding.column, finding.stage) == (1, 19, "start")
    assert "Failed to initialize security drivers" in finding.message


def test_security_driver_selinux_enabled_in_the_tree(debian_host):
    (debian_host / "sys" / "fs" / "selinux").mkdir(parents=True)
    (debian_host / "sys" / "fs" / "selinux" / "enforce").write_text("1\n")

    findings = run_check('security_driver = "selinux"\n'
                         "security_require_confined = 1\n",
                         root=str(debian_host))

    assert start_errors(findings) == []


def test_require_confined_with_driver_none(debian_host):
    findings = run_check('security_driver = "none"\n'
                         "security_require_confined = 1\n",
                         root=str(debian_host))

    finding = one(findings, "STA008")
    assert (finding.line, finding.column) == (2, 29)


def test_misspelt_driver_is_not_found(debian_host):
    finding = one(run_check('security_driver = "apparmour"\n',
                            root=str(debian_host)), "STA007")

    assert finding.message.startswith("Security driver apparmour not found")


def test_cgroup_v1_comounted_cpu_alone_is_a_warning(debian_host):
    _mounts(debian_host, "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup "
                         "rw,cpu,cpuacct 0 0\n")

    findings = run_check('cgroup_controllers = [ "cpu" ]\n',
                         root=str(debian_host))

    finding = one(findings, "STA010")
    assert (finding.line, finding.severity, finding.stage) == (
        1, "warning", "vm-start")


#: Enough of a shared object for the loader's first look.
_ELF_HEADER = b"\x7fELF\x02\x01\x01" + bytes(57)


def test_lock_manager_plugin_and_its_file(debian_host):
    plugins = debian_host / "usr/lib/x86_64-linux-gnu/libvirt/lock-driver"
    plugins.mkdir(parents=True)
    (plugins / "lockd.so").write_bytes(_ELF_HEADER)
    (debian_host / "etc" / "libvirt").mkdir()
    lockd = debian_host / "etc" / "libvirt" / "qemu-lockd.conf"
    lockd.write_text("auto_disk_leases = 5\n")

    missing = run_check('lock_manager = "sanlock"\n', root=str(debian_host))
    bad_type = run_check('lock_manager = "lockd"\n', root=str(debian_host))
    lockd.write_text("auto_disk_leases = yes\n")
    bad_syntax = run_check('lock_manager = "lockd"\n', root=str(debian_host))

    assert one(missing, "STA016").message.startswith(
        f"Plugin /usr/lib/x86_64-linux-gnu/libvirt/lock-driver/sanlock.so "
        "not accessible: No such file or directory")
    assert one(bad_type, "STA016").message.startswith(
        "/etc/libvirt/qemu-lockd.conf: value for 'auto_disk_leases' "
        "parameter must be 0 or 1")
    assert one(bad_syntax, "STA016").message.startswith(
        "/etc/libvirt/qemu-lockd.conf:1: expecting a value")


def test_mac_filter_needs_ebtables(debian_host):
    findings = run_check("mac_filter = 1\n", root=str(debian_host))
    (debian_host / "usr/sbin/ebtables").write_text("")
    os.chmod(debian_host / "usr/sbin/ebtables", 0o755)

    assert one(findings, "STA017").message.startswith(
        "Failed to apply firewall rules /usr/sbin/ebtables")
    assert start_errors(run_check("mac_filter = 1\n",
                                  root=str(debian_host))) == []


@pytest.mark.parametrize("conf, words", [
    ('auto_dump_path = ""\n', "Failed to create dump dir : Invalid argument"),
    ('auto_dump_path = "/etc/passwd/dump"\n',
     "Failed to create dump dir /etc/passwd/dump: Not a directory"),
    ('memory_backing_dir = "/etc/passwd"\n',
     "Failed to create memory backing dir /etc/passwd/libvirt/qemu: Not a "
     "directory"),
])
def test_directories_the_daemon_creates(debian_host, conf, words):
    finding = one(run_check(conf, root=str(debian_host)), "STA015")

    assert (finding.line, finding.severity, finding.stage) == (
        1, "error", "start")
    assert finding.message.startswith(words)


def test_first_start_error_follows_the_daemon_not_the_file(debian_host):
    findings = run_check(
        'nbd_tls_x509_cert_dir = "/nope"\n'      # validate phase
        'mac_filter = 1\n'                       # after the load
        'cgroup_controllers = [ "io" ]\n'        # load, late
        'user = "nosuch"\n'                      # load, before cgroups
        'max_processes = -1\n',                  # load, earlier still
        root=str(debian_host), version=V9)

    ordered = sorted((f for f in findings if f.stage == "start"),
                     key=startup.daemon_order)
    assert [f.code for f in ordered] == [
        "TYP001", "STA014", "STA009", "STA013", "STA017"]


def test_load_order_covers_every_setting_libvirt_reads():
    from pyconfcheck import settings

    read = {s.name for s in settings.SETTINGS
            if s.read_in(None) and not s.proposed}
    assert read - set(startup._LOAD_INDEX) == set()


def _dpkg(root, stanzas):
    status = root / "var" / "lib" / "dpkg"
    status.mkdir(parents=True)
    (status / "status").write_text("\n".join(stanzas))


def test_version_from_the_trees_dpkg_database(tmp_path):
    _dpkg(tmp_path, [
        "Package: libvirt0\nStatus: install ok installed\n"
        "Version: 9.0.0-4+deb12u2\n",
        "Package: libvirt-daemon-driver-qemu\nStatus: install ok installed\n"
        "Version: 1:11.3.0-3\n"])

    assert detect_version(Host(str(tmp_path))) == (11, 3)


def test_version_ignores_removed_packages(tmp_path):
    _dpkg(tmp_path, [
        "Package: libvirt-daemon\nStatus: deinstall ok config-files\n"
        "Version: 9.0.0-4\n"])

    assert detect_version(Host(str(tmp_path))) is None


def test_version_without_a_database_or_host(tmp_path):
    assert detect_version(Host(str(tmp_path))) is None
    assert detect_version(None) is None


def _cli(args):
    from click.testing import CliRunner

    from pyconfcheck import cli

    return CliRunner().invoke(cli.main, ["--isolated"] + args)


@pytest.mark.parametrize("version", ["8.10", "0.9", "7.0.0"])
def test_releases_before_the_modelled_ones_are_refused(tmp_path, version):
    conf = tmp_path / "qemu.conf"
    conf.write_text("vnc_tls = 1\n")

    result = _cli(["--no-host", "--libvirt-version", version, str(conf)])

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"confcheck: --libvirt-version: libvirt {version} is older than "
        "any release confcheck models (9.0 to 12.9)\n")


def test_a_newer_release_is_judged_by_the_newest_rules(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_text('vnc_tls = 1\ndefault_tls_psk_dir = "/x"\n')

    result = _cli(["--no-host", "--libvirt-version", "13.1", str(conf)])

    assert result.stderr == (
        "confcheck: note: libvirt 13.1 is newer than the newest release "
        "confcheck models; judged by 12.9's rules\n")
    # The proposal's setting is in no release: unknown to 12.9's rules.
    assert ("2:1: warning SET003: 'default_tls_psk_dir' is ignored by "
            "libvirt 12.9" in result.stdout)


def test_an_installed_release_outside_the_model_is_said(tmp_path):
    _dpkg(tmp_path, ["Package: libvirt-daemon\nStatus: install ok "
                     "installed\nVersion: 7.0.0-3+deb11u2\n"])
    (tmp_path / "etc/libvirt").mkdir(parents=True)
    (tmp_path / "etc/libvirt/qemu.conf").write_text("vnc_tls = 0\n")

    result = _cli(["--root", str(tmp_path), "--select", "HOST004,SET"])

    assert result.stdout.splitlines() == [
        f"{tmp_path}/etc/libvirt/qemu.conf:0:0: info HOST004: libvirt 7.0 "
        "is installed on this host, outside the releases confcheck models; "
        "judged by 9.0's rules, the nearest it models; --libvirt-version "
        "chooses another"]


# -- boundaries measured with the daemon (issue 7 audit) --------------------

@pytest.mark.parametrize("value", [
    '"+0"', '"0"', '"-1"', '"+-1"', '"-4294967295"', '"-0"', '" 107"',
    '"\t5"', '"+ 107"', '"++1"', '"007"'])
def test_numbers_as_the_c_library_reads_them(debian_host, value):
    findings = run_check(f"user = {value}\ngroup = {value}\n"
                         f"swtpm_user = {value}\n", root=str(debian_host),
                         version=V9)

    assert start_errors(findings) == []


@pytest.mark.parametrize("value, shown", [
    ('"+4294967296"', "4294967296"), ('"+"', ""), ('"+root"', "root"),
    ('"+-"', "-"), ('"-4294967296"', "-4294967296"), ('"107 "', "107 "),
    ('" "', " "), ('"0x10"', "0x10"), ('"--1"', "--1"), ('"ROOT"', "ROOT")])
def test_ids_the_daemon_refuses_name_what_it_parsed(debian_host, value,
                                                     shown):
    findings = run_check(f"swtpm_group = {value}\n", root=str(debian_host),
                         version=V9)

    assert start_errors(findings) == [(1, 15, "STA014", "error", "start")]
    assert one(findings, "STA014").message.startswith(
        f"Failed to parse group '{shown}': ")


@pytest.mark.parametrize("value, shown", [
    ('"localhost6"', "localhost6"), ('"[localhost:1]"', "localhost:1"),
    ('"0:0:0:0:0:0:0:1"', "0:0:0:0:0:0:0:1"), ('"127.1"', "127.1"),
    ('"2130706433"', "2130706433"), ('"0x7f000001"', "0x7f000001"),
    ('"127.0.0.01"', "127.0.0.01"), ('"[::1%1]"', "::1%1")])
def test_every_spelling_of_the_local_machine(value, shown):
    findings = run_check(f"migration_address = {value}\n", version=V9)

    assert start_errors(findings) == [(1, 21, "STA002", "error", "start")]
    assert one(findings, "STA002").message.startswith(
        "migration_address must not be the address of the local machine: "
        f"{shown}; ")


@pytest.mark.parametrize("value", [
    '"LOCALHOST"', '"Localhost.localdomain"', '" localhost"',
    '"[localhost]"', '"[127.0.0.1]"', '"[a:b]"', '"[::1]x"', '"[[::1]]"',
    '"127.0.0.1."', '"::ffff:127.0.0.1"', '"::"', '""'])
def test_addresses_that_only_look_local(value):
    assert start_errors(run_check(f"migration_host = {value}\n",
                                  version=V9)) == []


def test_tls_directory_written_empty_does_not_exist(debian_host):
    findings = run_check('vnc_tls_x509_cert_dir = ""\n',
                         root=str(debian_host), version=V9)

    assert start_errors(findings) == [(1, 25, "STA013", "error", "start")]
    assert one(findings, "STA013").message.startswith(
        "vnc_tls_x509_cert_dir directory '' does not exist; ")


@pytest.mark.parametrize("mount, words", [
    ("proc /proc proc rw 0 0", "/proc/d: No such file or directory"),
    ("sysfs /proc sysfs rw 0 0", "/proc/d: Operation not permitted"),
    ("tmpfs /proc tmpfs ro,relatime 0 0", "/proc/d: Read-only file system"),
])
def test_dump_dir_in_a_filesystem_without_mkdir(debian_host, mount, words):
    (debian_host / "proc").mkdir()
    _mounts(debian_host, f"/dev/sda1 / ext4 rw 0 0\n{mount}\n")

    finding = one(run_check('auto_dump_path = "/proc/d"\n',
                            root=str(debian_host), version=V9), "STA015")

    assert (finding.line, finding.column, finding.severity) == (
        1, 18, "error")
    assert finding.message.startswith(f"Failed to create dump dir {words}; ")


def test_dump_dir_on_a_writable_filesystem_passes(debian_host):
    (debian_host / "proc").mkdir()
    _mounts(debian_host, "/dev/sda1 / ext4 rw 0 0\n")

    assert start_errors(run_check('auto_dump_path = "/var/dump"\n',
                                  root=str(debian_host), version=V9)) == []


@pytest.mark.parametrize("data, words", [
    (b"not elf\n", "file too short"), (b"x" * 200, "invalid ELF header")])
def test_lock_plugin_that_is_no_shared_object(debian_host, data, words):
    plugins = debian_host / "usr/lib/x86_64-linux-gnu/libvirt/lock-driver"
    plugins.mkdir(parents=True)
    (plugins / "fake.so").write_bytes(data)
    plugin = "/usr/lib/x86_64-linux-gnu/libvirt/lock-driver/fake.so"

    finding = one(run_check('lock_manager = "fake"\n', root=str(debian_host),
                            version=V9), "STA016")

    assert (finding.line, finding.column) == (1, 16)
    assert finding.message.startswith(
        f"Failed to load plugin {plugin}: {plugin}: {words}; ")


def test_lock_plugin_path_is_joined_without_a_double_slash(debian_host):
    finding = one(run_check('lock_manager = "/opt/x"\n',
                            root=str(debian_host), version=V9), "STA016")

    assert finding.message.startswith(
        "Plugin /usr/lib/x86_64-linux-gnu/libvirt/lock-driver/opt/x.so not "
        "accessible: ")


def test_ebtables_present_but_not_executable(debian_host):
    (debian_host / "usr/sbin/ebtables").write_text("#!/bin/sh\n")
    os.chmod(debian_host / "usr/sbin/ebtables", 0o644)

    finding = one(run_check("mac_filter = 1\n", root=str(debian_host),
                            version=V9), "STA017")

    assert (finding.line, finding.column) == (1, 14)
    assert finding.message.startswith(
        "Failed to apply firewall rules /usr/sbin/ebtables --concurrent -P "
        "libvirt_qemu_FORWARD DROP: cannot execute binary "
        "/usr/sbin/ebtables: Permission denied; ")


def test_missing_hugetlbfs_path_fails_without_a_mount_table(debian_host):
    (debian_host / "dev" / "hp").mkdir(parents=True)
    findings = run_check('hugetlbfs_mount = [ "/dev/hp", "/dev/nope" ]\n',
                         root=str(debian_host), version=V9)

    assert start_errors(findings) == [(1, 1, "STA004", "error", "start")]
    assert one(findings, "STA004").message.startswith(
        "cannot determine filesystem for '/dev/nope': No such file or "
        "directory; ")
    assert "hugetlbfs" in one(findings, "HOST002").message


def test_session_reads_the_per_user_file_by_default(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pyconfcheck import cli

    config = tmp_path / "home" / ".config" / "libvirt"
    config.mkdir(parents=True)
    (config / "qemu.conf").write_text('namespaces = [ "mount" ]\n')
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)

    result = CliRunner().invoke(cli.main, [
        "--session", "--no-host", "--libvirt-version", "9.0",
        "--format", "json"])

    assert result.exit_code == 1, result.output
    found = json.loads(result.output)
    text = json.dumps(found)
    assert str(config / "qemu.conf") in text
    assert "cannot use namespaces in session mode" in text


@pytest.mark.parametrize("conf", [
    'auto_dump_path = "/"\n', 'memory_backing_dir = "/tmp/x"\n',
    '  auto_dump_path = "/dev/shm/d"\n', 'memory_backing_dir = "/work"\n'])
def test_oracle_refuses_directories_the_daemon_would_make_on_the_host(
        conf):
    from tests.oracle import ns_runner

    with pytest.raises(SystemExit, match="would make the daemon create"):
        ns_runner._check_created(conf)


def test_oracle_allows_directories_inside_its_overlays():
    from tests.oracle import ns_runner

    ns_runner._check_created('auto_dump_path = "/var/lib/d"\n'
                             'memory_backing_dir = "ram"\n'
                             'auto_dump_path = "/proc/x"\n')
