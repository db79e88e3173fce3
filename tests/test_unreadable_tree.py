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
    assert findings == [
        (0, "info", "HOST002", "whether vnc_tls_x509_cert_dir directory "
         "'/etc/pki/qemu' exists was not checked: confcheck cannot reach it "
         "(permission denied); run confcheck as root"),
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
