"""The QEMU user's access: Unix bits, groups, ACLs, SELinux, AppArmor."""

import os
import struct

import pytest

from pyconfcheck.host import Host, Identity
from pyconfcheck.tls import access

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0,
                               reason="chown and other users need root")
QEMU = Identity(64055, 104, (104,))


def acl(*entries) -> bytes:
    data = struct.pack("<I", 2)
    for tag, perm, ident in entries:
        data += struct.pack("<HHI", tag, perm, ident)
    return data


NO_ID = 0xFFFFFFFF


def host_tree(tmp_path):
    root = tmp_path / "host"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "passwd").write_text(
        "root:x:0:0::/root:/bin/sh\n"
        "libvirt-qemu:x:64055:104::/var/lib/libvirt:/bin/false\n")
    (root / "etc" / "group").write_text("root:x:0:\nkvm:x:104:\n"
                                        "certs:x:300:libvirt-qemu\n")
    return root


def secret_file(root, path, owner=(0, 0), mode=0o600):
    real = root / path.lstrip("/")
    real.parent.mkdir(parents=True, exist_ok=True)
    real.write_text("x")
    os.chown(real, *owner)
    os.chmod(real, mode)
    return real


def test_decode_acl():
    data = acl((0x01, 6, NO_ID), (0x02, 4, 64055), (0x04, 0, NO_ID),
               (0x10, 4, NO_ID), (0x20, 0, NO_ID))
    assert access.decode_acl(data) == [(1, 6, NO_ID), (2, 4, 64055),
                                       (4, 0, NO_ID), (16, 4, NO_ID),
                                       (32, 0, NO_ID)]
    assert access.decode_acl(b"\x01\x00\x00\x00") is None
    assert access.decode_acl(b"\x02\x00\x00\x00\x01") is None


def test_acl_named_user_masked_and_groups():
    info = os.stat_result((0o100600, 0, 0, 1, 0, 0, 1, 0, 0, 0))
    named = [(0x01, 6, NO_ID), (0x02, 4, 64055), (0x04, 0, NO_ID),
             (0x10, 4, NO_ID), (0x20, 0, NO_ID)]
    assert access.acl_allows(named, info, QEMU, os.R_OK)
    masked = named[:3] + [(0x10, 0, NO_ID), (0x20, 0, NO_ID)]
    assert not access.acl_allows(masked, info, QEMU, os.R_OK)
    by_group = [(0x01, 6, NO_ID), (0x04, 0, NO_ID), (0x08, 4, 104),
                (0x10, 4, NO_ID), (0x20, 0, NO_ID)]
    assert access.acl_allows(by_group, info, QEMU, os.R_OK)
    assert not access.acl_allows(by_group, info, Identity(7, 7), os.R_OK)


@ROOT_ONLY
def test_unreadable_key_and_fix(tmp_path):
    root = host_tree(tmp_path)
    secret_file(root, "/etc/pki/qemu/server-key.pem")
    os.chmod(root / "etc" / "pki" / "qemu", 0o755)
    problems = access.check_qemu_can_read(Host(str(root)), QEMU,
                                          "/etc/pki/qemu/server-key.pem")
    assert [(p.code, p.message) for p in problems] == [(
        "ACC002", 'the QEMU user libvirt-qemu:kvm cannot read '
        '"/etc/pki/qemu/server-key.pem" (root:root 0600); make it root:kvm '
        '0640')]


@ROOT_ONLY
def test_directory_not_searchable(tmp_path):
    root = host_tree(tmp_path)
    secret_file(root, "/etc/pki/qemu/server-key.pem", (0, 104), 0o640)
    os.chmod(root / "etc" / "pki" / "qemu", 0o700)
    problems = access.check_qemu_can_read(Host(str(root)), QEMU,
                                          "/etc/pki/qemu/server-key.pem")
    assert [(p.code, p.path) for p in problems] == [("ACC001",
                                                     "/etc/pki/qemu")]
    assert "cannot search \"/etc/pki/qemu\" (root:root 0700)" in (
        problems[0].message)


@ROOT_ONLY
def test_search_only_directory_and_supplementary_group(tmp_path):
    root = host_tree(tmp_path)
    secret_file(root, "/etc/pki/qemu/server-key.pem", (0, 300), 0o640)
    os.chmod(root / "etc" / "pki" / "qemu", 0o711)
    host = Host(str(root))
    with_group = Identity(64055, 104, (104, 300))
    assert access.check_qemu_can_read(
        host, with_group, "/etc/pki/qemu/server-key.pem") == []
    assert [p.code for p in access.check_qemu_can_read(
        host, QEMU, "/etc/pki/qemu/server-key.pem")] == ["ACC002"]


@ROOT_ONLY
def test_acl_on_file_grants_read(tmp_path):
    root = host_tree(tmp_path)
    key = secret_file(root, "/etc/pki/qemu/server-key.pem")
    os.chmod(root / "etc" / "pki" / "qemu", 0o755)
    os.setxattr(key, access.ACL_XATTR, acl(
        (0x01, 6, NO_ID), (0x02, 4, 64055), (0x04, 0, NO_ID),
        (0x10, 4, NO_ID), (0x20, 0, NO_ID)))
    assert access.check_qemu_can_read(Host(str(root)), QEMU,
                                      "/etc/pki/qemu/server-key.pem") == []


def test_missing_file_is_not_an_access_problem(tmp_path):
    root = host_tree(tmp_path)
    assert access.check_qemu_can_read(Host(str(root)), QEMU,
                                      "/etc/pki/qemu/none.pem") == []


@ROOT_ONLY
def test_world_readable_and_layout(tmp_path):
    root = host_tree(tmp_path)
    secret_file(root, "/etc/pki/qemu-psk/keys.psk", (0, 104), 0o644)
    os.chown(root / "etc" / "pki" / "qemu-psk", 0, 104)
    os.chmod(root / "etc" / "pki" / "qemu-psk", 0o750)
    host = Host(str(root))
    path = "/etc/pki/qemu-psk/keys.psk"
    assert [(p.code, p.message) for p in access.world_readable_secret(
        host, path, "PSK file")] == [(
            "ACC006", 'PSK file "/etc/pki/qemu-psk/keys.psk" is readable by '
            'every user (root:kvm 0644); remove the other bits '
            '(chmod o-rwx)')]
    assert [(p.code, p.message) for p in access.layout_differs(
        host, QEMU, path)] == [(
            "ACC007", '"/etc/pki/qemu-psk/keys.psk" is root:kvm 0644; the '
            'recommended layout is root:kvm 0640')]
    os.chmod(root / path.lstrip("/"), 0o640)
    assert access.world_readable_secret(host, path) == []
    assert access.layout_differs(host, QEMU, path) == []
    assert access.layout_differs(host, QEMU, "/etc/pki/qemu-psk",
                                 directory=True) == []


@ROOT_ONLY
def test_selinux_type_differs(tmp_path):
    root = host_tree(tmp_path)
    key = secret_file(root, "/srv/tls/server-key.pem")
    try:
        os.setxattr(root / "etc", access.SELINUX_XATTR, b"x")
    except OSError:
        pytest.skip("this filesystem refuses security.selinux")
    (root / "etc" / "pki").mkdir(exist_ok=True)
    os.setxattr(root / "etc" / "pki", access.SELINUX_XATTR,
                b"system_u:object_r:cert_t:s0\0")
    os.setxattr(key, access.SELINUX_XATTR,
                b"unconfined_u:object_r:admin_home_t:s0\0")
    problems = access.selinux_problems(Host(str(root)),
                                       "/srv/tls/server-key.pem")
    assert [(p.code, p.message) for p in problems] == [(
        "ACC004", '"/srv/tls/server-key.pem" has SELinux type admin_home_t, '
        "not cert_t as /etc/pki has: confined QEMU may be denied; run "
        "restorecon -R on its directory or label it cert_t with semanage "
        "fcontext")]
    os.setxattr(key, access.SELINUX_XATTR, b"system_u:object_r:cert_t:s0\0")
    assert access.selinux_problems(Host(str(root)),
                                   "/srv/tls/server-key.pem") == []


DEBIAN_ABSTRACTION = """\
  # for TLS
  /etc/pki/CA/ r,
  /etc/pki/CA/* r,
  /etc/pki/libvirt{,-spice,-vnc}/** r,
  /etc/pki/qemu/ r,
  /etc/pki/qemu/** r,
  #include <local/abstractions/libvirt-qemu>
"""


def test_apparmor_outside_profile_gets_the_rule(tmp_path):
    root = host_tree(tmp_path)
    abstractions = root / "etc" / "apparmor.d" / "abstractions"
    abstractions.mkdir(parents=True)
    (abstractions / "libvirt-qemu").write_text(DEBIAN_ABSTRACTION)
    host = Host(str(root))
    assert access.apparmor_problems(host, "/etc/pki/qemu",
                                    ["ca-cert.pem"]) == []
    assert access.apparmor_problems(host, "/etc/pki/libvirt-vnc",
                                    ["ca-cert.pem"]) == []
    problems = access.apparmor_problems(host, "/etc/pki/qemu-psk",
                                        ["keys.psk"])
    assert [(p.code, p.message) for p in problems] == [(
        "ACC005", 'AppArmor: libvirt\'s QEMU profile does not allow reading '
        '"/etc/pki/qemu-psk" (keys.psk); add "/etc/pki/qemu-psk/ r," and '
        '"/etc/pki/qemu-psk/** r," to '
        '/etc/apparmor.d/local/abstractions/libvirt-qemu and reload the '
        'profiles')]

    local = root / "etc" / "apparmor.d" / "local" / "abstractions"
    local.mkdir(parents=True)
    (local / "libvirt-qemu").write_text("/etc/pki/qemu-psk/** r,\n")
    assert access.apparmor_problems(host, "/etc/pki/qemu-psk",
                                    ["keys.psk"]) == []


def test_apparmor_deny_rules_win(tmp_path):
    root = host_tree(tmp_path)
    abstractions = root / "etc" / "apparmor.d" / "abstractions"
    abstractions.mkdir(parents=True)
    (abstractions / "libvirt-qemu").write_text(DEBIAN_ABSTRACTION)
    local = root / "etc" / "apparmor.d" / "local" / "abstractions"
    local.mkdir(parents=True)
    (local / "libvirt-qemu").write_text(
        "/etc/pki/qemu-psk/** r,\n"
        "audit deny /etc/pki/qemu-psk/keys.psk r,  # no, after all\n")
    host = Host(str(root))

    problems = access.apparmor_problems(host, "/etc/pki/qemu-psk",
                                        ["keys.psk"])

    assert [(p.code, p.message) for p in problems] == [(
        "ACC005", 'AppArmor: the deny rule "/etc/pki/qemu-psk/keys.psk" in '
        "libvirt's QEMU profile stops QEMU reading \"/etc/pki/qemu-psk\" "
        "(keys.psk); remove it and reload the profiles")]
    assert access.apparmor_problems(host, "/etc/pki/qemu-psk",
                                    ["other.psk"]) == []


def test_no_apparmor_evidence_no_warning(tmp_path):
    root = host_tree(tmp_path)
    assert access.apparmor_problems(Host(str(root)), "/srv/anything",
                                    ["ca-cert.pem"]) == []


def test_glob_forms():
    allows = access.apparmor_allows
    assert allows(["/etc/pki/libvirt{,-spice,-vnc}/**"],
                  "/etc/pki/libvirt-spice/a/b.pem")
    assert not allows(["/etc/pki/libvirt{,-spice,-vnc}/**"],
                      "/etc/pki/libvirt-migrate/a.pem")
    assert allows(["/etc/pki/CA/*"], "/etc/pki/CA/cacert.pem")
    assert not allows(["/etc/pki/CA/*"], "/etc/pki/CA/sub/cacert.pem")
