"""The PSK check of the main run: directory, keys.psk, permissions (C15-C18).

Ownership is set up without root: the host tree's passwd and group name
the uid and gid the tests run as, and the QEMU account is either another
uid (cannot read a 0600 file) or in the test's group (can read 0640).
"""

import os

import pytest
from click.testing import CliRunner

from conftest import run_check
from pyconfcheck.cli import main
from tests.psk_variants import KEY_HEX, OTHER_HEX

K = KEY_HEX.decode()
O = OTHER_HEX.decode()
UID, GID = os.getuid(), os.getgid()


def host_path(path):
    """The host's view of a finding's path (under --root it is in the tree)."""
    marker = os.sep + "etc" + os.sep
    return "/etc/" + path.split(marker, 1)[1] if marker in path and \
        not path.startswith("/etc/") else path


def psk(findings):
    return [(host_path(f.path), f.line, f.column, f.code, f.severity, f.stage,
             f.side) for f in findings if f.code.startswith("PSK")]


@pytest.fixture
def host(debian_host):
    """Debian 12 whose admin account is the test's own uid and gid."""
    etc = debian_host / "etc"
    if UID == 0:
        passwd = ("root:x:0:0:root:/root:/bin/bash\n"
                  "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/bin/false\n")
    else:
        passwd = (f"admin:x:{UID}:{GID}::/home/admin:/bin/bash\n"
                  "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/bin/false\n")
    (etc / "passwd").write_text(passwd)
    (etc / "group").write_text(
        f"{'root' if GID == 0 else 'admin'}:x:{GID}:\n"
        "libvirt-qemu:x:64055:libvirt-qemu\n")
    return debian_host


def key_dir(root, path="etc/pki/qemu-psk", mode=0o750):
    directory = root / path
    directory.mkdir(parents=True)
    directory.chmod(mode)
    return directory


def key_file(directory, data, mode=0o640):
    path = directory / "keys.psk"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    path.chmod(mode)
    return path


def qemu_in_my_group(root):
    """Put the QEMU account's group on the test's gid (0640 readable)."""
    (root / "etc" / "group").write_text(
        f"libvirt-qemu:x:{GID}:libvirt-qemu\n")


# -- C15: the directory -----------------------------------------------------


def test_c15_explicit_directory_missing_stops_the_daemon(host):
    findings = run_check('default_tls_psk_dir = "/etc/pki/qemu-psk-lab"\n',
                         root=str(host))

    assert psk(findings) == [("qemu.conf", 1, 23, "PSK001", "error", "start",
                              "both")]
    message = [f for f in findings if f.code == "PSK001"][0].message
    assert message == (
        "default_tls_psk_dir: directory '/etc/pki/qemu-psk-lab' does not "
        "exist; under the TLS-PSK proposal the QEMU driver will not start")


def test_c15_released_version_ignores_the_settings(host):
    findings = run_check('default_tls_psk_dir = "/etc/pki/qemu-psk-lab"\n',
                         root=str(host), version=(11, 6))

    assert psk(findings) == []


def test_c15_directory_without_keys_file(host):
    key_dir(host, "etc/pki/qemu-psk-lab")

    findings = run_check('default_tls_psk_dir = "/etc/pki/qemu-psk-lab"\n',
                         root=str(host))

    assert psk(findings) == [("/etc/pki/qemu-psk-lab/keys.psk", 0, 0,
                              "PSK002", "error", "migration", "both")]


def test_migrate_dir_wins_over_default_dir(host):
    qemu_in_my_group(host)
    key_file(key_dir(host, "srv/migrate-psk"), f"qemu:{K}\n")
    key_dir(host, "etc/pki/qemu-psk")
    text = ('default_tls_psk_dir = "/etc/pki/qemu-psk"\n'
            'migrate_tls_psk_dir = "/srv/migrate-psk"\n')

    assert psk(run_check(text, root=str(host))) == []


def test_nothing_to_check_without_settings_directory_or_identity(host):
    assert psk(run_check("", root=str(host))) == []


def test_an_identity_asks_for_the_default_directory(host):
    findings = run_check("", root=str(host), psk_identities=("qemu",))

    assert psk(findings) == [("/etc/pki/qemu-psk/keys.psk", 0, 0, "PSK002",
                              "error", "migration", "both")]
    assert "directory /etc/pki/qemu-psk does not exist" in [
        f for f in findings if f.code == "PSK002"][0].message


def test_no_host_checks_nothing(host):
    assert psk(run_check('default_tls_psk_dir = "/nowhere"\n')) == []


# -- C16 and C17: the lines -------------------------------------------------


def test_c16_not_hex_on_the_identity_in_use(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"backup:0x{O}\nqemu:correct-horse-battery-"
             "staple\n")

    findings = run_check("", root=str(host))

    assert psk(findings) == [
        ("/etc/pki/qemu-psk/keys.psk", 1, 8, "PSK012", "warning",
         "migration", "both"),
        ("/etc/pki/qemu-psk/keys.psk", 2, 7, "PSK010", "error",
         "migration", "both")]


def test_c17_only_other_identities(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"backup:{K}\n")

    findings = run_check("", root=str(host),
                         migrate_uri="qemu+tls://hv2.example/system")

    assert psk(findings) == [("/etc/pki/qemu-psk/keys.psk", 0, 0, "PSK023",
                              "error", "migration", "both")]


def test_identity_from_the_migration_uri(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"qemu:{K}\n")

    findings = run_check("", root=str(host),
                         migrate_uri="qemu+tls://backup@hv2.example/system")

    assert [f.message for f in findings if f.code == "PSK023"] == [
        'no line for identity "backup": the source cannot load its '
        "credentials and the destination rejects every migration that "
        'sends it; add "backup:<key>"']


def test_c17_duplicate_is_a_warning(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"qemu:{K}\nqemu:{O}\n")

    assert psk(run_check("", root=str(host))) == [
        ("/etc/pki/qemu-psk/keys.psk", 2, 1, "PSK022", "warning",
         "migration", "both")]


def test_role_source_drops_destination_only_findings(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"qemu:{K}\n#6261636b7570:{O}\n")

    assert psk(run_check("", root=str(host), role="source")) == []
    assert len(psk(run_check("", root=str(host), role="destination"))) == 1


# -- C18: permissions -------------------------------------------------------


def test_c18_world_readable(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"qemu:{K}\n", mode=0o644)

    findings = run_check("", root=str(host))

    assert psk(findings) == [("/etc/pki/qemu-psk/keys.psk", 0, 0, "PSK030",
                              "warning", "migration", None)]


@pytest.mark.skipif(UID == 0, reason="root's own files: the tree's owner "
                    "cannot differ from the QEMU user without chown")
def test_c18_qemu_user_cannot_read_0600(host):
    key_file(key_dir(host, mode=0o755), f"qemu:{K}\n", mode=0o600)

    findings = run_check("", root=str(host))

    assert psk(findings) == [("/etc/pki/qemu-psk/keys.psk", 0, 0, "PSK032",
                              "error", "migration", "both")]
    assert [f.message for f in findings if f.code == "PSK032"] == [
        "QEMU runs as libvirt-qemu:libvirt-qemu and cannot read "
        "/etc/pki/qemu-psk/keys.psk: the file is admin:admin 0600; QEMU "
        "opens it itself (chgrp libvirt-qemu, chmod 0640; directory 0750)"]


def test_c18_root_owned_0600_with_chown(host):
    if UID != 0:
        pytest.skip("needs root to give the file to root:root")
    key_file(key_dir(host, mode=0o755), f"qemu:{K}\n", mode=0o600)
    os.chown(host / "etc/pki/qemu-psk/keys.psk", 0, 0)

    findings = run_check("", root=str(host))

    assert [f.message for f in findings if f.code == "PSK032"] == [
        "QEMU runs as libvirt-qemu:libvirt-qemu and cannot read "
        "/etc/pki/qemu-psk/keys.psk: the file is root:root 0600; QEMU "
        "opens it itself (chgrp libvirt-qemu, chmod 0640; directory 0750)"]


def test_c18_unsearchable_directory(host):
    if UID == 0:
        os.chown(host / "etc", 0, 0)
    key_file(key_dir(host, mode=0o700), f"qemu:{K}\n", mode=0o644)

    findings = run_check("", root=str(host))

    assert ("PSK032", "error") in [(f.code, f.severity) for f in findings]
    message = [f.message for f in findings if f.code == "PSK032"][0]
    assert "may not search /etc/pki/qemu-psk" in message


def test_c18_recommended_layout_is_quiet(host):
    qemu_in_my_group(host)
    key_file(key_dir(host, mode=0o750), f"qemu:{K}\n", mode=0o640)

    assert psk(run_check("", root=str(host))) == []


def test_writable_directory(host):
    qemu_in_my_group(host)
    key_file(key_dir(host, mode=0o777), f"qemu:{K}\n")

    assert psk(run_check("", root=str(host))) == [
        ("/etc/pki/qemu-psk", 0, 0, "PSK031", "warning", "migration", None)]


# -- bad files --------------------------------------------------------------


def test_keys_file_is_a_directory(host):
    (key_dir(host) / "keys.psk").mkdir()

    assert psk(run_check("", root=str(host))) == [
        ("/etc/pki/qemu-psk/keys.psk", 0, 0, "PSK003", "error", "migration",
         "both")]


def test_keys_file_is_a_fifo(host):
    os.mkfifo(key_dir(host) / "keys.psk")

    assert [f.code for f in run_check("", root=str(host))
            if f.code.startswith("PSK")] == ["PSK003"]


def test_keys_file_symlink_loop(host):
    directory = key_dir(host)
    os.symlink("keys.psk", directory / "keys.psk")

    findings = run_check("", root=str(host))

    assert psk(findings) == [("/etc/pki/qemu-psk/keys.psk", 0, 0, "PSK004",
                              "error", "migration", "both")]
    assert "too many levels of symbolic links" in [
        f.message for f in findings if f.code == "PSK004"][0]


def test_binary_keys_file(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), bytes(range(256)) * 40)

    codes = {f.code for f in run_check("", root=str(host))}
    assert "PSK023" in codes


def test_through_the_command_line(host):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"qemu:{K}\r\n")
    (host / "etc" / "libvirt").mkdir()
    (host / "etc" / "libvirt" / "qemu.conf").write_text("")

    result = CliRunner().invoke(main, ["--root", str(host)])

    assert result.exit_code == 1
    assert "/etc/pki/qemu-psk/keys.psk:1:70: error PSK013: line 1, " \
        'identity "qemu": the line ends in CR LF' in result.output
    assert K not in result.output


# -- issue 8: the QEMU user's access, beyond the modes ----------------------


def test_layout_other_than_root_qemu_group_0640_0750_is_info(host):
    qemu_in_my_group(host)
    key_file(key_dir(host, mode=0o755), f"qemu:{K}\n", mode=0o640)

    findings = run_check("", root=str(host))

    owner = "root" if UID == 0 else "admin"
    expected = [("/etc/pki/qemu-psk", "ACC007", "info",
                 f'"/etc/pki/qemu-psk" is {owner}:libvirt-qemu 0755; the '
                 "recommended layout is root:libvirt-qemu 0750")]
    if UID != 0:
        expected.insert(0, (
            "/etc/pki/qemu-psk/keys.psk", "ACC007", "info",
            '"/etc/pki/qemu-psk/keys.psk" is admin:libvirt-qemu 0640; the '
            "recommended layout is root:libvirt-qemu 0640"))
    assert sorted((host_path(f.path), f.code, f.severity, f.message)
                  for f in findings if f.code.startswith("ACC")) == \
        sorted(expected)


def test_layout_is_not_repeated_after_a_mode_warning(host):
    qemu_in_my_group(host)
    key_file(key_dir(host, mode=0o750), f"qemu:{K}\n", mode=0o644)
    if UID == 0:
        os.chown(host / "etc/pki/qemu-psk", 0, GID)

    findings = run_check("", root=str(host))

    assert [(host_path(f.path), f.code) for f in findings
            if f.code.startswith(("ACC", "PSK"))] == [
        ("/etc/pki/qemu-psk/keys.psk", "PSK030")]


APPARMOR = ("/etc/pki/qemu/ r,\n/etc/pki/qemu/** r,\n"
            "#include <local/abstractions/libvirt-qemu>\n")


@pytest.mark.parametrize("conf, expected", [
    ("", ["ACC005"]),
    ('security_driver = "apparmor"\n', ["ACC005"]),
    ('security_driver = "none"\n', []),
])
def test_apparmor_profile_not_covering_the_psk_dir(host, conf, expected):
    qemu_in_my_group(host)
    key_file(key_dir(host), f"qemu:{K}\n")
    profile = host / "etc" / "apparmor.d" / "abstractions"
    profile.mkdir(parents=True)
    (profile / "libvirt-qemu").write_text(APPARMOR)

    findings = [f for f in run_check(conf, root=str(host))
                if f.code == "ACC005"]

    assert [f.code for f in findings] == expected
    if expected:
        assert (host_path(findings[0].path), findings[0].severity,
                findings[0].side) == ("/etc/pki/qemu-psk", "warning", "both")
        assert '"/etc/pki/qemu-psk/** r,"' in findings[0].message


def test_selinux_label_other_than_etc_pki(host):
    qemu_in_my_group(host)
    path = key_file(key_dir(host), f"qemu:{K}\n")
    (host / "etc" / "pki").chmod(0o755)
    try:
        os.setxattr(host / "etc" / "pki", "security.selinux",
                    b"system_u:object_r:cert_t:s0\0")
        os.setxattr(path, "security.selinux",
                    b"unconfined_u:object_r:admin_home_t:s0\0")
    except OSError:
        pytest.skip("this file system (or user) takes no security.selinux")

    findings = [f for f in run_check("", root=str(host))
                if f.code == "ACC004"]

    assert [(host_path(f.path), f.severity, f.side, f.message)
            for f in findings] == [(
                "/etc/pki/qemu-psk/keys.psk", "warning", "both",
                '"/etc/pki/qemu-psk/keys.psk" has SELinux type admin_home_t,'
                " not cert_t as /etc/pki has: confined QEMU may be denied; "
                "run restorecon -R on its directory or label it cert_t with "
                "semanage fcontext")]
