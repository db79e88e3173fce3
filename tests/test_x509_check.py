"""The X509 rules end to end: a qemu.conf, a host tree, exact findings.

The host tree's QEMU account (libvirt-qemu:kvm) is given the uid and gid
the tests run as, so key files can be 0600 without root and nothing is
world-readable by accident.
"""

import contextlib
import datetime
import os
import signal

import pytest

import certs
from certs import CLIENT_USAGE, DAY, NOW, SERVER_USAGE
from pyconfcheck import api
from pyconfcheck.tls import effective
from pyconfcheck.document import Document
from pyconfcheck.host import Host

UID, GID = os.geteuid(), os.getegid()
DEST = "dst.example.test"


@pytest.fixture(scope="module")
def pki():
    ca = certs.make_ca()
    return {
        "ca": ca,
        "server": certs.issue(DEST, certs.Usage(
            ca=False, key_usage=("digital_signature", "key_encipherment"),
            purposes=("server", "client")), ca, "server", san=[DEST]),
        "client": certs.issue("client", CLIENT_USAGE, ca, "client"),
    }


def tree(tmp_path, conf: str) -> str:
    root = tmp_path / "host"
    (root / "etc" / "libvirt").mkdir(parents=True)
    (root / "etc" / "passwd").write_text(
        f"root:x:0:0:root:/root:/bin/bash\n"
        f"libvirt-qemu:x:{UID}:{GID}::/var/lib/libvirt:/bin/false\n")
    (root / "etc" / "group").write_text(f"root:x:0:\nkvm:x:{GID}:\n")
    (root / "etc" / "libvirt" / "qemu.conf").write_text(conf)
    return str(root)


def pki_dir(root: str, path: str, files: dict) -> str:
    directory = os.path.join(root, path.lstrip("/"))
    os.makedirs(directory, exist_ok=True)
    for name, data in files.items():
        certs.write(os.path.join(directory, name), data, 0o600)
    return directory


def server_files(pki, server=None, ca=None):
    server = server or pki["server"]
    return {"ca-cert.pem": certs.cert_pem((ca or pki["ca"]).cert),
            "server-cert.pem": certs.cert_pem(server.cert),
            "server-key.pem": certs.key_pem(server.key)}


def client_files(pki):
    return {"client-cert.pem": certs.cert_pem(pki["client"].cert),
            "client-key.pem": certs.key_pem(pki["client"].key)}


def run(root, **options):
    conf = os.path.join(root, "etc", "libvirt", "qemu.conf")
    findings, _ = api.check_file(conf, api.Options(root=root, **options),
                                 display="qemu.conf")
    return [(f.line, f.severity, f.code, f.message) for f in findings
            if f.code.startswith(("X509", "ACC")) and f.code != "X509018"]


CONF_HEAD = 'user = "libvirt-qemu"\ngroup = "kvm"\n'


def test_c11_expired_vnc_server_certificate(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n")
    expired = certs.issue(DEST, SERVER_USAGE, pki["ca"], "server",
                          not_before=datetime.datetime(
                              2019, 1, 1, tzinfo=datetime.timezone.utc),
                          not_after=datetime.datetime(
                              2020, 1, 1, tzinfo=datetime.timezone.utc))
    pki_dir(root, "/etc/pki/qemu", server_files(pki, expired))
    assert run(root) == [
        (3, "error", "X509004", 'vnc: server certificate '
         '"/etc/pki/qemu/server-cert.pem" expired on 2020-01-01 00:00 UTC')]


def test_c11_expiring_within_30_days_is_a_warning(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n")
    soon = certs.issue(DEST, SERVER_USAGE, pki["ca"], "server",
                       not_after=NOW + 10 * DAY)
    pki_dir(root, "/etc/pki/qemu", server_files(pki, soon))
    found = run(root)
    assert [(line, sev, code) for line, sev, code, _ in found] == [
        (3, "warning", "X509005")]
    assert "expires in 9 days" in found[0][3]


def test_c13_libvirtd_ca_name_is_named(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "nbd_tls = 1\n")
    files = server_files(pki)
    del files["ca-cert.pem"]
    files.update(client_files(pki))
    pki_dir(root, "/etc/pki/qemu", files)
    pki_dir(root, "/etc/pki/CA", {"cacert.pem": certs.cert_pem(
        pki["ca"].cert)})
    assert run(root) == [
        (3, "error", "X509002", 'nbd: ca-cert.pem is missing from '
         '"/etc/pki/qemu" (needed as client); "/etc/pki/CA/cacert.pem" is '
         'libvirtd\'s name for this file: QEMU reads only '
         '"/etc/pki/qemu/ca-cert.pem"')]


def test_nbd_without_client_files_is_a_warning(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "nbd_tls = 1\n")
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    assert run(root) == [
        (3, "warning", "X509016", 'nbd: client-cert.pem and client-key.pem '
         'are missing from "/etc/pki/qemu": a server that verifies clients '
         'refuses the connection')]


def test_c14_source_without_client_certificate(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "migrate_tls_force = 1\n")
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    findings, _ = api.check_file(
        os.path.join(root, "etc/libvirt/qemu.conf"),
        api.Options(root=root, role="source"), display="qemu.conf")
    ours = [f for f in findings if f.code == "X509015"]
    assert [(f.line, f.severity, f.stage, f.message) for f in ours] == [
        (3, "error", "migration", 'migrate: client-cert.pem and '
         'client-key.pem are missing from "/etc/pki/qemu", and the server '
         'verifies clients: the handshake fails')]


def test_destination_does_not_need_client_files(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "migrate_tls_force = 1\n")
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    assert run(root, role="destination") == []


def test_no_verify_means_no_client_files_needed(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "migrate_tls_x509_verify = 0\n")
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    assert run(root) == []


def test_migration_host_not_in_certificate(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "migrate_tls_force = 1\n"
                'migration_host = "other.example.test"\n')
    files = server_files(pki)
    files.update(client_files(pki))
    pki_dir(root, "/etc/pki/qemu", files)
    assert run(root) == [
        (4, "error", "X509014", 'migrate: server certificate '
         '"/etc/pki/qemu/server-cert.pem" does not name '
         '"other.example.test" (it names dst.example.test); a client '
         'connecting to "other.example.test" rejects it')]
    assert run(root, migrate_uri=f"qemu+tls://{DEST}/system",
               role="source") == []


def test_migrate_uri_host_is_checked(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "migrate_tls_force = 1\n")
    files = server_files(pki)
    files.update(client_files(pki))
    pki_dir(root, "/etc/pki/qemu", files)
    assert run(root, migrate_uri=f"qemu+tls://{DEST}/system") == []
    found = run(root, migrate_uri="qemu+tls://wrong.example.test/system")
    assert [(line, code) for line, _, code, _ in found] == [(3, "X509014")]


def test_silent_override_of_default_dir(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + 'default_tls_x509_cert_dir = "/srv/pki"'
                "\nvnc_tls = 1\n")
    pki_dir(root, "/srv/pki", server_files(pki))
    pki_dir(root, "/etc/pki/libvirt-vnc", {})
    assert run(root) == [
        (3, "warning", "X509019", 'vnc: uses "/etc/pki/libvirt-vnc", not '
         'default_tls_x509_cert_dir (line 3): libvirt prefers an existing '
         '/etc/pki/libvirt-vnc silently; set vnc_tls_x509_cert_dir or '
         'remove the directory'),
        (4, "error", "X509002", 'vnc: ca-cert.pem is missing from '
         '"/etc/pki/libvirt-vnc" (needed as server)'),
        (4, "error", "X509002", 'vnc: server-cert.pem is missing from '
         '"/etc/pki/libvirt-vnc" (needed as server)'),
        (4, "error", "X509002", 'vnc: server-key.pem is missing from '
         '"/etc/pki/libvirt-vnc" (needed as server)')]


def test_malformed_secret_uuid(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n"
                'vnc_tls_x509_secret_uuid = "vnc-secret"\n')
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    assert run(root) == [
        (4, "error", "X509013",
         'vnc: vnc_tls_x509_secret_uuid "vnc-secret" is not a UUID')]


def test_default_secret_not_inherited_with_own_dir(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n"
                'vnc_tls_x509_cert_dir = "/srv/vnc"\n'
                'default_tls_x509_secret_uuid = '
                '"0b1c3a2e-5f6d-4e7a-9b8c-1d2e3f4a5b6c"\n')
    files = server_files(pki)
    files["server-key.pem"] = certs.key_pem(pki["server"].key, b"pass-x")
    pki_dir(root, "/srv/vnc", files)
    assert run(root) == [
        (4, "error", "X509012", 'vnc: private key "/srv/vnc/server-key.pem" '
         'is encrypted but no vnc_tls_x509_secret_uuid gives QEMU its '
         'passphrase')]


def test_default_secret_inherited_without_own_dir(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n"
                'default_tls_x509_secret_uuid = '
                '"0b1c3a2e-5f6d-4e7a-9b8c-1d2e3f4a5b6c"\n')
    files = server_files(pki)
    files["server-key.pem"] = certs.key_pem(pki["server"].key, b"pass-x")
    pki_dir(root, "/etc/pki/qemu", files)
    assert run(root) == []


def test_features_not_turned_on_are_not_checked(tmp_path):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 0\nspice_tls = 0\n")
    assert run(root) == []


def test_default_dir_missing(tmp_path):
    root = tree(tmp_path, CONF_HEAD + "spice_tls = 1\n")
    assert run(root) == [
        (3, "error", "X509001",
         'spice: TLS directory "/etc/pki/qemu" does not exist')]


def test_no_host_checks_nothing(tmp_path):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n")
    assert run(root, no_host=True) == []


def test_unresolvable_qemu_user_is_one_info(tmp_path, pki):
    root = tree(tmp_path, 'user = "nobody-here"\nvnc_tls = 1\n')
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    assert [f for f in run(root) if f[2].startswith("ACC")] == [
        (0, "info", "ACC003", "the user and group QEMU runs as could not be "
         "resolved on this host: TLS file access was not checked")]


def test_ca_fingerprint_is_info(tmp_path, pki):
    from pyconfcheck.tls.x509 import fingerprint

    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n")
    pki_dir(root, "/etc/pki/qemu", server_files(pki))
    conf = os.path.join(root, "etc", "libvirt", "qemu.conf")
    findings, _ = api.check_file(conf, api.Options(root=root))
    infos = [(f.line, f.severity, f.message) for f in findings
             if f.code == "X509018"]
    assert infos == [(3, "info", 'vnc: CA "CN=confcheck test CA,O=confcheck '
                      'tests" in "/etc/pki/qemu/ca-cert.pem" has SHA-256 '
                      f'fingerprint {fingerprint(pki["ca"].cert)}')]
    assert len(fingerprint(pki["ca"].cert).split(":")) == 32


@pytest.mark.skipif(os.geteuid() != 0, reason="chown needs root")
def test_c12_key_root_only(tmp_path, pki):
    root = tree(tmp_path, 'user = "libvirt-qemu"\ngroup = "kvm"\n'
                "vnc_tls = 1\n")
    # The QEMU account must not be root for this case.
    (tmp_path / "host" / "etc" / "passwd").write_text(
        "root:x:0:0:root:/root:/bin/bash\n"
        "libvirt-qemu:x:64055:104::/var/lib/libvirt:/bin/false\n")
    (tmp_path / "host" / "etc" / "group").write_text(
        "root:x:0:\nkvm:x:104:\nlibvirt-qemu:x:64055:libvirt-qemu\n")
    directory = pki_dir(root, "/etc/pki/qemu", server_files(pki))
    os.chmod(directory, 0o755)
    for name in ("ca-cert.pem", "server-cert.pem"):
        os.chmod(os.path.join(directory, name), 0o644)
    os.chown(os.path.join(directory, "server-key.pem"), 0, 0)
    assert run(root) == [
        (3, "error", "ACC002", 'vnc: the QEMU user libvirt-qemu:kvm cannot '
         'read "/etc/pki/qemu/server-key.pem" (root:root 0600); make it '
         'root:kvm 0640')]


# -- files that are not regular files ----------------------------------------

@contextlib.contextmanager
def fails_instead_of_hanging(seconds: int = 20):
    """A check that opens a FIFO blocks for ever: make it fail instead."""
    def expire(signum, frame):
        raise TimeoutError(f"the check took over {seconds} s (opened a FIFO?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _replace(directory: str, name: str, kind: str) -> None:
    path = os.path.join(directory, name)
    os.remove(path)
    if kind == "a directory":
        os.mkdir(path)
    else:
        os.mkfifo(path)


@pytest.mark.parametrize("kind", ["a directory", "a FIFO"])
@pytest.mark.parametrize("name", ["ca-cert.pem", "server-cert.pem",
                                  "server-key.pem"])
def test_server_file_that_is_not_a_regular_file(tmp_path, pki, name, kind):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n")
    directory = pki_dir(root, "/etc/pki/qemu", server_files(pki))
    _replace(directory, name, kind)
    with fails_instead_of_hanging():
        findings = run(root)
    assert findings == [
        (3, "error", "X509025", f'vnc: {name} in "/etc/pki/qemu" is {kind}, '
         "not a regular file: QEMU cannot load it (needed as server)")]


def test_not_a_regular_file_in_migration_has_the_migration_stage(tmp_path,
                                                                pki):
    root = tree(tmp_path, CONF_HEAD + "migrate_tls_force = 1\n")
    directory = pki_dir(root, "/etc/pki/qemu",
                        {**server_files(pki), **client_files(pki)})
    _replace(directory, "server-key.pem", "a directory")
    conf = os.path.join(root, "etc", "libvirt", "qemu.conf")
    findings, _ = api.check_file(conf, api.Options(root=root,
                                                   role="destination"))
    assert [(f.line, f.severity, f.code, f.stage, f.message)
            for f in findings if f.code == "X509025"] == [
        (3, "error", "X509025", "migration", 'migrate: server-key.pem in '
         '"/etc/pki/qemu" is a directory, not a regular file: QEMU cannot '
         'load it (needed as server)')]


def test_client_pair_with_a_directory_is_not_skipped(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "nbd_tls = 1\n")
    directory = pki_dir(root, "/etc/pki/qemu", {
        "ca-cert.pem": certs.cert_pem(pki["ca"].cert), **client_files(pki)})
    _replace(directory, "client-key.pem", "a directory")
    assert run(root) == [
        (3, "error", "X509025", 'nbd: client-key.pem in "/etc/pki/qemu" is '
         "a directory, not a regular file: QEMU cannot load it (needed as "
         "client)")]


def test_optional_server_file_that_is_a_fifo(tmp_path, pki):
    root = tree(tmp_path, CONF_HEAD + "vnc_tls = 1\n")
    directory = pki_dir(root, "/etc/pki/qemu", server_files(pki))
    os.mkfifo(os.path.join(directory, "dh-params.pem"))
    with fails_instead_of_hanging():
        findings = run(root)
    assert findings == [
        (3, "error", "X509025", 'vnc: dh-params.pem in "/etc/pki/qemu" is a '
         "FIFO, not a regular file: QEMU cannot load it (needed as server)")]


# -- the effective values ---------------------------------------------------

def resolve(text: str, host=None, version=None):
    return effective.resolve_tls(Document(text.encode(), version), host,
                                 version)


def test_resolution_defaults():
    resolved = resolve("")
    assert list(resolved) == ["vnc", "spice", "rdp", "chardev", "migrate",
                              "backup", "nbd"]
    vnc = resolved["vnc"]
    assert (vnc.directory, vnc.directory_source.describe()) == (
        "/etc/pki/qemu", "default")
    assert (vnc.verify, resolved["migrate"].verify) == (False, True)
    assert resolved["spice"].verify is None
    assert vnc.secret_uuid is None


def test_resolution_inherits_and_reports_lines():
    resolved = resolve('default_tls_x509_cert_dir = "/srv/pki"\n'
                       "default_tls_x509_verify = 0\n"
                       'default_tls_x509_secret_uuid = "u"\n'
                       'nbd_tls_x509_cert_dir = "/srv/nbd"\n')
    assert resolved["vnc"].directory == "/srv/pki"
    assert resolved["vnc"].directory_source.describe() == (
        "inherited from default_tls_x509_cert_dir, line 1")
    assert resolved["migrate"].verify is False
    assert resolved["migrate"].verify_source.describe() == (
        "inherited from default_tls_x509_verify, line 2")
    assert resolved["vnc"].secret_uuid == "u"
    assert resolved["nbd"].secret_uuid is None
    assert resolved["nbd"].directory_source.describe() == "line 4"
    assert resolved["spice"].secret_uuid is None


def test_resolution_override_directory(tmp_path):
    (tmp_path / "etc" / "pki" / "libvirt-migrate").mkdir(parents=True)
    resolved = resolve('default_tls_x509_cert_dir = "/srv/pki"\n',
                       Host(str(tmp_path)))
    migrate = resolved["migrate"]
    assert migrate.directory == "/etc/pki/libvirt-migrate"
    assert migrate.directory_source.describe() == (
        "/etc/pki/libvirt-migrate exists, so libvirt uses it silently")
    assert resolved["vnc"].directory == "/srv/pki"


def test_resolution_by_version():
    assert "vxhs" in resolve("", version=(9, 0))
    assert "rdp" not in resolve("", version=(9, 0))
    assert "vxhs" in resolve("", version=(11, 3))
    assert "vxhs" not in resolve("", version=(12, 9))
