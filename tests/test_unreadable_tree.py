"""confcheck run as an ordinary user over a tree it cannot fully read.

What confcheck itself may not see is "not checked" (a warning or an info
that says why), never "missing": the file or account is usually there and
only the run lacks the rights.  The CLI runs as nobody through runuser, in
a tree under a world-searchable directory whose files are world-readable
except the one each case shuts out.
"""

import json
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

import certs
from certs import DAY, NOW, SERVER_USAGE

CONFCHECK = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), ".venv", "bin", "confcheck")
RUNUSER = shutil.which("runuser")

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or RUNUSER is None,
    reason="runs confcheck as nobody: needs root and runuser")

QEMU_UID, KVM_GID = 64055, 104
CONF = 'user = "libvirt-qemu"\ngroup = "kvm"\nvnc_tls = 1\n'


@pytest.fixture
def host_root():
    # pytest's tmp_path lies under a 0700 directory nobody cannot search.
    top = tempfile.mkdtemp(prefix="confcheck-unreadable-")
    os.chmod(top, 0o755)
    root = os.path.join(top, "host")
    os.makedirs(os.path.join(root, "etc", "libvirt"))
    _write(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
           f"libvirt-qemu:x:{QEMU_UID}:{KVM_GID}::/var/lib/libvirt:"
           "/bin/false\n")
    _write(root, "/etc/group", f"root:x:0:\nkvm:x:{KVM_GID}:\n"
           f"libvirt-qemu:x:{QEMU_UID}:\n")
    _write(root, "/etc/os-release", "ID=debian\n")
    _write(root, "/etc/libvirt/qemu.conf", CONF)
    yield root
    shutil.rmtree(top)


def _write(root: str, path: str, text: str) -> None:
    real = os.path.join(root, path.lstrip("/"))
    with open(real, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.chmod(real, 0o644)


def _pki(root: str, expired: bool = False) -> str:
    """/etc/pki/qemu as it should be: root:kvm 0750, files root:kvm 0640."""
    ca = certs.make_ca()
    start, end = (NOW - 400 * DAY, NOW - DAY) if expired else (None, None)
    extra = {"not_before": start, "not_after": end} if expired else {}
    server = certs.issue("host", SERVER_USAGE, ca, "server", **extra)
    directory = os.path.join(root, "etc", "pki", "qemu")
    os.makedirs(directory)
    os.chmod(os.path.dirname(directory), 0o755)
    certs.write(os.path.join(directory, "ca-cert.pem"),
                certs.cert_pem(ca.cert), 0o640)
    certs.write_pair(directory, "server", server, mode=0o640)
    for path in [directory] + [os.path.join(directory, name)
                               for name in os.listdir(directory)]:
        os.chown(path, 0, KVM_GID)
    os.chmod(directory, 0o750)
    return directory


def _relevant(finding: dict) -> bool:
    # The tree has no virtlogd (STA018); CA fingerprints are noise here.
    return (finding["code"].startswith(("X509", "ACC", "HOST"))
            or finding["code"] in ("STA013", "STA014")) and (
                finding["code"] != "X509018")


def run_as_nobody(root: str):
    """(exit status, findings as (line, severity, code, message))."""
    done = subprocess.run(
        [RUNUSER, "-u", "nobody", "--", CONFCHECK, "--isolated",
         "--format", "json", "--root", root], capture_output=True,
        text=True, timeout=60, cwd="/")
    assert done.stderr == ""
    findings = json.loads(done.stdout)["findings"]
    return done.returncode, [(f["line"], f["severity"], f["code"],
                              f["message"]) for f in findings
                             if _relevant(f)]


def test_tls_directory_confcheck_cannot_search(host_root):
    directory = _pki(host_root)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o750
    status, findings = run_as_nobody(host_root)
    # QEMU (group kvm) can search it; nobody cannot: nothing is "missing".
    assert findings == [
        (3, "warning", "X509026", 'vnc: confcheck cannot reach '
         f'"/etc/pki/qemu/{name}" (permission denied); run confcheck as '
         "root to check it")
        for name in ("ca-cert.pem", "server-cert.pem", "server-key.pem")]
    assert status == 0


def test_key_confcheck_cannot_read_keeps_the_other_findings(host_root):
    directory = _pki(host_root, expired=True)
    os.chmod(directory, 0o755)
    for name in ("ca-cert.pem", "server-cert.pem"):
        os.chmod(os.path.join(directory, name), 0o644)
    status, findings = run_as_nobody(host_root)
    assert [f[:3] for f in findings] == [(3, "error", "X509004"),
                                         (3, "warning", "X509026")]
    assert findings[0][3].startswith(
        'vnc: server certificate "/etc/pki/qemu/server-cert.pem" expired on ')
    assert findings[1][3] == (
        'vnc: confcheck cannot read "/etc/pki/qemu/server-key.pem" '
        "(permission denied); its contents were not checked (run confcheck "
        "as root)")
    assert status == 1


def test_tls_directory_written_in_the_file_behind_a_closed_parent(host_root):
    _pki(host_root)
    _write(host_root, "/etc/libvirt/qemu.conf",
           CONF + 'vnc_tls_x509_cert_dir = "/etc/pki/qemu"\n')
    os.chmod(os.path.join(host_root, "etc", "pki"), 0o700)
    status, findings = run_as_nobody(host_root)
    # Not STA013 "does not exist"; the QEMU user is shut out for real.
    # Whether /etc/pki/qemu-psk (TLS-PSK) exists is unknown too.
    assert findings == [
        (0, "info", "HOST002", "whether vnc_tls_x509_cert_dir directory "
         "'/etc/pki/qemu' exists was not checked: confcheck cannot reach it "
         "(permission denied); run confcheck as root"),
        (0, "info", "HOST002", "whether the TLS-PSK directory "
         "'/etc/pki/qemu-psk' exists (and its keys.psk) was not checked: "
         "confcheck cannot reach it (permission denied); run confcheck as "
         "root"),
        (4, "error", "ACC001", 'vnc: the QEMU user libvirt-qemu:kvm cannot '
         'search "/etc/pki" (root:root 0700), so it cannot open '
         '"/etc/pki/qemu/ca-cert.pem"; give its group x on the directory '
         "(e.g. chgrp kvm and chmod g+x)"),
        (4, "warning", "X509026", 'vnc: confcheck cannot reach TLS directory '
         '"/etc/pki/qemu" (permission denied); run confcheck as root to '
         "check it")]
    assert status == 1


def test_accounts_confcheck_cannot_read_are_not_checked(host_root):
    directory = _pki(host_root)
    os.chmod(directory, 0o755)
    for name in ("ca-cert.pem", "server-cert.pem"):
        os.chmod(os.path.join(directory, name), 0o644)
    for name in ("passwd", "group"):
        os.chmod(os.path.join(host_root, "etc", name), 0o600)
    status, findings = run_as_nobody(host_root)
    denied = "confcheck cannot read /etc/{} (permission denied)"
    assert findings == [
        (0, "info", "ACC003", "the user and group QEMU runs as could not be "
         f"resolved on this host: {denied.format('passwd')}; TLS file "
         "access was not checked (run confcheck as root)"),
        (0, "info", "HOST002", "whether user 'libvirt-qemu' (qemu.conf "
         "user, line 1) exists was not checked: "
         f"{denied.format('passwd')}; run confcheck as root"),
        (0, "info", "HOST002", "whether group 'kvm' (qemu.conf group, line "
         f"2) exists was not checked: {denied.format('group')}; run "
         "confcheck as root"),
        (0, "info", "HOST002", "whether libvirt's built-in QEMU user "
         "'libvirt-qemu' (build default for debian) exists was not checked: "
         f"{denied.format('passwd')}; run confcheck as root"),
        (0, "info", "HOST002", "whether libvirt's built-in QEMU group "
         "'libvirt-qemu' (build default for debian) exists was not checked: "
         f"{denied.format('group')}; run confcheck as root"),
        (3, "warning", "X509026", 'vnc: confcheck cannot read '
         '"/etc/pki/qemu/server-key.pem" (permission denied); its contents '
         "were not checked (run confcheck as root)")]
    assert status == 0


def test_fifo_is_reported_not_opened(host_root):
    directory = _pki(host_root)
    os.remove(os.path.join(directory, "server-cert.pem"))
    os.mkfifo(os.path.join(directory, "server-cert.pem"))
    # As root, so the FIFO is reachable: run() would hang if it opened it.
    done = subprocess.run(
        [CONFCHECK, "--isolated", "--format", "json", "--root", host_root],
        capture_output=True, text=True, timeout=60)
    findings = [(f["line"], f["severity"], f["code"], f["stage"],
                 f["message"]) for f in json.loads(done.stdout)["findings"]
                if _relevant(f)]
    assert findings == [
        (3, "error", "X509025", "vm-start", 'vnc: server-cert.pem in '
         '"/etc/pki/qemu" is a FIFO, not a regular file: QEMU cannot load '
         "it (needed as server)")]
    assert done.returncode == 1


# -- start-up checks: a path confcheck may not look at is not checked -------

ACCOUNTS = 'user = "libvirt-qemu"\ngroup = "kvm"\n'
NOT_CHECKED = ("was not checked: confcheck cannot read {} (permission "
               "denied); run confcheck as root")
LOCK_DRIVERS = "/usr/lib/x86_64-linux-gnu/libvirt/lock-driver"
#: Enough of a shared object for the loader's first look.
ELF_HEADER = b"\x7fELF\x02\x01\x01" + bytes(57)


def _install(root: str, path: str, data: bytes = b"", mode: int = 0o644):
    """A host file, with world-searchable directories down to it."""
    real = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(real), mode=0o755, exist_ok=True)
    with open(real, "wb") as stream:
        stream.write(data)
    os.chmod(real, mode)
    directory = os.path.dirname(real)
    while directory != root:
        os.chmod(directory, 0o755)
        directory = os.path.dirname(directory)


def _shut(root: str, path: str, mode: int = 0o700) -> None:
    os.chmod(os.path.join(root, path.lstrip("/")), mode)


def startup_as_nobody(root: str, conf: str, virtlogd: bool = True):
    """(exit status, every finding) for ACCOUNTS + ``conf``, as nobody."""
    _write(root, "/etc/libvirt/qemu.conf", ACCOUNTS + conf)
    if virtlogd:
        # Away from /usr/sbin, which some cases shut.
        _install(root, "/usr/bin/virtlogd", mode=0o755)
    done = subprocess.run(
        [RUNUSER, "-u", "nobody", "--", CONFCHECK, "--isolated",
         "--format", "json", "--root", root], capture_output=True,
        text=True, timeout=60, cwd="/")
    assert done.stderr == ""
    return done.returncode, [
        (f["line"], f["severity"], f["code"], f["message"])
        for f in json.loads(done.stdout)["findings"]]


def _note(what: str, path: str):
    return (0, "info", "HOST002", f"{what} {NOT_CHECKED.format(path)}")


def test_lock_plugin_behind_a_closed_directory(host_root):
    plugin = f"{LOCK_DRIVERS}/lockd.so"
    _install(host_root, plugin, ELF_HEADER)
    _shut(host_root, LOCK_DRIVERS)
    status, findings = startup_as_nobody(host_root,
                                         'lock_manager = "lockd"\n')
    # Not STA016 "Plugin ... not accessible: No such file or directory".
    assert findings == [_note(
        f"whether the lock manager plugin {plugin} exists (qemu.conf "
        "lock_manager, line 3)", plugin)]
    assert status == 0


def test_lock_plugin_confcheck_cannot_read(host_root):
    plugin = f"{LOCK_DRIVERS}/lockd.so"
    _install(host_root, plugin, ELF_HEADER, mode=0o600)
    status, findings = startup_as_nobody(host_root,
                                         'lock_manager = "lockd"\n')
    # Not read is not "file too short"; neither is it a silent pass.
    assert findings == [_note(
        f"whether {plugin} is a shared object (qemu.conf lock_manager, "
        "line 3)", plugin)]
    assert status == 0


def test_lock_manager_file_confcheck_cannot_read(host_root):
    _install(host_root, f"{LOCK_DRIVERS}/lockd.so", ELF_HEADER)
    _install(host_root, "/etc/libvirt/qemu-lockd.conf",
             b"auto_disk_leases = 5\n", mode=0o600)
    status, findings = startup_as_nobody(host_root,
                                         'lock_manager = "lockd"\n')
    assert findings == [_note(
        "whether /etc/libvirt/qemu-lockd.conf, which the lock manager "
        "reads, is valid (qemu.conf lock_manager, line 3)",
        "/etc/libvirt/qemu-lockd.conf")]
    assert status == 0


def test_virtlockd_socket_behind_a_closed_directory(host_root):
    _install(host_root, f"{LOCK_DRIVERS}/lockd.so", ELF_HEADER)
    _install(host_root, "/etc/libvirt/qemu-lockd.conf",
             b'file_lockspace_dir = "/var/lib/libvirt/lockd/files"\n')
    _install(host_root, "/run/libvirt/virtlockd-sock")
    _shut(host_root, "/run/libvirt")
    status, findings = startup_as_nobody(host_root,
                                         'lock_manager = "lockd"\n')
    # Not STA016 "Failed to connect socket to ...: No such file".
    assert findings == [_note(
        "whether virtlockd listens (file_lockspace_dir in "
        "/etc/libvirt/qemu-lockd.conf)", "/run/libvirt/virtlockd-sock")]
    assert status == 0


def test_ebtables_behind_a_closed_directory(host_root):
    _install(host_root, "/usr/sbin/ebtables", b"#!/bin/sh\n", mode=0o755)
    _shut(host_root, "/usr/sbin")
    status, findings = startup_as_nobody(host_root, "mac_filter = 1\n")
    # Not STA017 "cannot execute binary /usr/sbin/ebtables: No such file".
    assert findings == [_note(
        "whether ebtables is installed (qemu.conf mac_filter, line 3)",
        "/usr/sbin/ebtables")]
    assert status == 0


def test_virtlogd_behind_a_closed_directory(host_root):
    _install(host_root, "/usr/sbin/virtlogd", mode=0o755)
    _shut(host_root, "/usr/sbin")
    status, findings = startup_as_nobody(host_root, "", virtlogd=False)
    # Not the STA018 warning "virtlogd is not installed".
    assert findings == [_note(
        'whether virtlogd is installed (stdio_handler = "logd", the '
        "default)", "/usr/sbin/virtlogd")]
    assert status == 0


def test_hugetlbfs_mount_behind_a_closed_directory(host_root):
    os.makedirs(os.path.join(host_root, "dev", "hugepages"))
    _install(host_root, "/proc/mounts",
             b"hugetlbfs /dev/hugepages hugetlbfs rw 0 0\n")
    _shut(host_root, "/dev")
    status, findings = startup_as_nobody(
        host_root, 'hugetlbfs_mount = "/dev/hugepages"\n')
    # Not STA004 "cannot determine filesystem ...: No such file".
    assert findings == [_note(
        "whether hugetlbfs_mount '/dev/hugepages' is a hugetlbfs mount "
        "(qemu.conf hugetlbfs_mount, line 3)", "/dev/hugepages")]
    assert status == 0


def test_mount_table_confcheck_cannot_read(host_root):
    os.makedirs(os.path.join(host_root, "dev", "hugepages"))
    _install(host_root, "/proc/mounts",
             b"hugetlbfs /dev/hugepages hugetlbfs rw 0 0\n"
             b"cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n",
             mode=0o600)
    status, findings = startup_as_nobody(
        host_root, 'hugetlbfs_mount = "/dev/hugepages"\n'
        'cgroup_controllers = [ "cpu" ]\n')
    # The reason is the refusal, not "no /proc/mounts in the tree".
    assert findings == [
        _note("whether each hugetlbfs_mount is a hugetlbfs mount",
              "/proc/mounts"),
        _note("whether cpu and cpuacct are mounted together "
              "(cgroup_controllers)", "/proc/mounts")]
    assert status == 0


def test_directories_the_daemon_creates_behind_a_closed_directory(
        host_root):
    os.makedirs(os.path.join(host_root, "var", "lib", "libvirt", "qemu"))
    _shut(host_root, "/var/lib/libvirt")
    status, findings = startup_as_nobody(
        host_root, 'auto_dump_path = "/var/lib/libvirt/qemu/dump"\n'
        'memory_backing_dir = "/var/lib/libvirt/qemu/ram"\n')
    # Not STA015 "Failed to create dump dir ...: Permission denied": the
    # privileged daemon creates them as root.
    dump = "/var/lib/libvirt/qemu/dump"
    ram = "/var/lib/libvirt/qemu/ram/libvirt/qemu"
    assert findings == [
        _note(f"whether the daemon can create dump dir {dump} (qemu.conf "
              "auto_dump_path, line 3)", dump),
        _note(f"whether the daemon can create memory backing dir {ram} "
              "(qemu.conf memory_backing_dir, line 4)", ram)]
    assert status == 0


def test_firmware_descriptors_confcheck_cannot_list(host_root):
    _install(host_root, "/usr/share/qemu/firmware/50-ovmf.json", b"{}")
    _shut(host_root, "/usr/share/qemu/firmware", 0o000)
    status, findings = startup_as_nobody(
        host_root, 'nvram = [ "/usr/share/OVMF/OVMF_CODE.fd" ]\n')
    # Not STA005 "Invalid nvram format": with descriptors libvirt ignores
    # nvram, format and all.
    assert findings == [_note(
        "whether nvram (qemu.conf nvram, line 3) is ignored for firmware "
        "descriptors in /usr/share/qemu/firmware, or each entry must be "
        "LOADER:VARS", "/usr/share/qemu/firmware")]
    assert status == 0


@pytest.mark.parametrize("driver, closed, evidence", [
    ("selinux", "/sys/fs/selinux", "/sys/fs/selinux/enforce"),
    ("apparmor", "/sys/module/apparmor",
     "/sys/module/apparmor/parameters/enabled"),
    ("apparmor", "/etc/apparmor.d/libvirt",
     "/etc/apparmor.d/libvirt/TEMPLATE.qemu"),
])
def test_security_driver_state_behind_a_closed_directory(
        host_root, driver, closed, evidence):
    _install(host_root, "/sys/fs/selinux/enforce", b"1\n")
    _install(host_root, "/sys/module/apparmor/parameters/enabled", b"Y\n")
    _install(host_root, "/sys/kernel/security/apparmor/profiles",
             b"libvirtd (enforce)\n")
    _install(host_root, "/etc/apparmor.d/libvirt/TEMPLATE.qemu")
    _shut(host_root, closed)
    status, findings = startup_as_nobody(
        host_root, f'security_driver = "{driver}"\n')
    # Not STA007 "Security driver ... not enabled".
    assert findings == [_note(
        f"whether security driver {driver} is usable (qemu.conf "
        "security_driver, line 3)", evidence)]
    assert status == 0


def test_apparmor_profiles_confcheck_cannot_read(host_root):
    _install(host_root, "/sys/module/apparmor/parameters/enabled", b"Y\n")
    _install(host_root, "/sys/kernel/security/apparmor/profiles",
             b"libvirtd (enforce)\n", mode=0o600)
    status, findings = startup_as_nobody(host_root,
                                         'security_driver = "apparmor"\n')
    assert findings == [_note(
        "whether SELinux/AppArmor can serve security_driver and "
        "security_require_confined", "/sys/kernel/security/apparmor/profiles")]
    assert status == 0


def test_dpkg_database_confcheck_cannot_read(host_root):
    _install(host_root, "/var/lib/dpkg/status",
             b"Package: libvirt-daemon\nStatus: install ok installed\n"
             b"Version: 9.0.0-4\n", mode=0o600)
    status, findings = startup_as_nobody(host_root, "")
    # Not a silent fall-back to the newest release (and its PSK rules).
    assert findings == [_note(
        "which libvirt release is installed (judged by the newest rules, "
        "with the TLS-PSK proposal; --libvirt-version X.Y names one)",
        "/var/lib/dpkg/status")]
    assert status == 0


def test_os_release_confcheck_cannot_read(host_root):
    _shut(host_root, "/etc/os-release", 0o600)
    status, findings = startup_as_nobody(host_root, "")
    # Not a silent root:root built-in account (HOST003 and QEMU's access
    # judged for root).
    assert findings == [_note(
        "which QEMU user and group libvirt is built with (the distribution "
        "/etc/os-release names)", "/etc/os-release")]
    assert status == 0


# -- TLS-PSK: a directory confcheck cannot search does not "not exist" -----

PSK_KEY = b"qemu:" + b"ab" * 32 + b"\n"
REACH = ("was not checked: confcheck cannot reach it (permission denied); "
         "run confcheck as root")


def _psk(root: str, directory: str = "/etc/pki/qemu-psk") -> None:
    """root:libvirt-qemu 0750 with keys.psk 0640, as the proposal has it."""
    _install(root, f"{directory}/keys.psk", PSK_KEY, mode=0o640)
    real = os.path.join(root, directory.lstrip("/"))
    for path in (real, os.path.join(real, "keys.psk")):
        os.chown(path, 0, QEMU_UID)
    os.chmod(real, 0o750)


def test_psk_directory_written_in_the_file_behind_a_closed_parent(
        host_root):
    _psk(host_root)
    _shut(host_root, "/etc/pki")
    status, findings = startup_as_nobody(
        host_root, 'default_tls_psk_dir = "/etc/pki/qemu-psk"\n')
    # Not PSK001 "directory ... does not exist".
    assert [f for f in findings if f[2] != "SET005"] == [
        (0, "info", "HOST002", "whether default_tls_psk_dir directory "
         f"'/etc/pki/qemu-psk' exists {REACH}"),
        (0, "warning", "PSK004", "confcheck cannot reach "
         "/etc/pki/qemu-psk/keys.psk (permission denied); run confcheck as "
         "root to check it")]
    assert status == 0


def test_default_psk_directory_behind_a_closed_parent(host_root):
    _psk(host_root)
    _shut(host_root, "/etc/pki")
    status, findings = startup_as_nobody(host_root, "")
    # Not a silent "TLS-PSK not in use".
    assert findings == [
        (0, "info", "HOST002", "whether the TLS-PSK directory "
         f"'/etc/pki/qemu-psk' exists (and its keys.psk) {REACH}")]
    assert status == 0
