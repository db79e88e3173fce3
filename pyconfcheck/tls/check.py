"""The X509 and ACC rules: will each TLS feature the file turns on work?

Which features are checked, and in which role (facts/libvirt.md §5.2):

* ``vnc_tls = 1``, ``spice_tls = 1``: this host serves (server files);
* ``chardev_tls = 1``: checked as the server of a ``mode='bind'`` TCP
  chardev, the usual TLS console; a ``mode='connect'`` chardev's needs
  depend on a far end the file does not describe;
* ``nbd_tls = 1`` (and ``vxhs_tls = 1`` up to 11.3): this host is a
  client; whether the NBD server wants a client certificate is unknown,
  so missing client files are a warning;
* backup: when any ``backup_tls_x509_*`` setting is written (pull-mode
  backup is turned on per backup job, not in this file): server;
* migration: when ``migrate_tls_force = 1``, any ``migrate_tls_x509_*``
  setting is written, or ``/etc/pki/libvirt-migrate`` exists — the signs
  that this host migrates with ``--tls``.  Both roles unless ``--role``
  says ``source`` (client) or ``destination`` (server); the source
  assumes the destination verifies clients as this file says
  (``migrate_tls_x509_verify``, default 1), and the destination's server
  certificate must name ``migration_host`` and the host of
  ``--migrate-uri`` when given;
* RDP (11.3 and later, when any ``rdp_*`` setting is written): the two
  files libvirt itself requires before starting qemu-rdp; how qemu-rdp
  then reads them was not measured, so nothing more is checked.

Findings point at the line that chose the directory (the feature's own
``*_tls_x509_cert_dir``, or ``default_tls_x509_cert_dir``), else at the
line that turned the feature on.  ``--no-host`` checks nothing here.
"""

from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlsplit

from .. import findings as F
from ..rules import Rule
from . import Problem, access, x509
from .effective import INHERITED, LINE, OVERRIDE, TlsFeature, resolve_tls


def _rule(code, name, severity, summary, doc, stage=F.STAGE_VM_START):
    return Rule(code, name, severity, stage, summary, doc.strip() + "\n")


RULES = (
    _rule("X509001", "x509-dir-missing", F.ERROR,
          "the effective TLS directory of a feature does not exist", """
A feature's directory chosen by default (/etc/pki/qemu) or inherited from
default_tls_x509_cert_dir is never checked at start-up; QEMU fails when a
guest starts.  (A directory written for the feature itself stops the
daemon instead: see the start-up rules.)

Failing: vnc_tls = 1 with no /etc/pki/qemu on the host.
Passing: vnc_tls = 1 and /etc/pki/qemu holding the server files.
Fix: create the directory with the files, or point the feature at one.
"""),
    _rule("X509002", "x509-file-missing", F.ERROR,
          "a file the feature's role needs is missing", """
QEMU looks for fixed names: a server needs ca-cert.pem, server-cert.pem
and server-key.pem; a client needs ca-cert.pem.  libvirtd's names
(cacert.pem, servercert.pem, /etc/pki/CA/cacert.pem) are not read; when
one is found the finding names it.

Failing: nbd_tls = 1 and /etc/pki/qemu holds cacert.pem only.
Passing: /etc/pki/qemu/ca-cert.pem.
Fix: copy or link the file under QEMU's name.
"""),
    _rule("X509003", "x509-unreadable-content", F.ERROR,
          "a certificate, key or CRL file cannot be parsed", """
QEMU cannot import a file that is not PEM.

Failing: server-cert.pem holding DER bytes or text.
Passing: a "-----BEGIN CERTIFICATE-----" block.
Fix: convert it (openssl x509 -inform der -out server-cert.pem).
"""),
    _rule("X509004", "x509-not-valid-now", F.ERROR,
          "a certificate has expired or is not valid yet", """
QEMU checks every certificate's dates when the credentials load, so
guests (or migrations) using the feature fail.

Failing: server-cert.pem expired yesterday.
Passing: a certificate valid now.
Fix: issue a new certificate (and check the host's clock).
"""),
    _rule("X509005", "x509-expires-soon", F.WARNING,
          "a certificate expires within 30 days", """
Renew before the date: after it, guests using the feature fail to start.

Failing: server-cert.pem valid for 10 more days.
Passing: valid for more than 30 days.
Fix: issue a new certificate and replace the file.
"""),
    _rule("X509006", "x509-ca-flag", F.ERROR,
          "a CA certificate is marked as no CA, or a leaf as a CA", """
QEMU wants basic constraints CA:TRUE on every ca-cert.pem entry and
refuses a server or client certificate whose basic constraints say CA.

Failing: server-cert.pem with basicConstraints CA:TRUE.
Passing: CA:FALSE on the leaf, CA:TRUE on the CA.
Fix: reissue with the right basic constraints.
"""),
    _rule("X509007", "x509-key-usage", F.ERROR,
          "the key usage does not fit the role", """
A server or client certificate with a key usage extension needs
digitalSignature (critical or not: GnuTLS will not sign the handshake
otherwise); a CA with a key usage extension needs keyCertSign (critical
or not).

Failing: server-cert.pem with keyUsage = keyEncipherment only.
Passing: keyUsage = digitalSignature, keyEncipherment.
Fix: reissue with the usage the role needs.
"""),
    _rule("X509008", "x509-key-purpose", F.ERROR,
          "a critical key purpose does not include the role", """
QEMU refuses a certificate whose critical extended key usage lacks TLS
Web Server (server) or TLS Web Client (client) Authentication.

Failing: server-cert.pem with critical extendedKeyUsage = clientAuth.
Passing: extendedKeyUsage = serverAuth (or serverAuth, clientAuth).
Fix: reissue with the purpose the role needs.
"""),
    _rule("X509009", "x509-key-purpose-soft", F.WARNING,
          "a non-critical key purpose does not include the role", """
QEMU accepts it, but other TLS peers (VNC viewers, libraries that honour
extendedKeyUsage) refuse it.

Failing: server-cert.pem with extendedKeyUsage = clientAuth.
Passing: extendedKeyUsage = serverAuth.
Fix: reissue with the purpose the role needs.
"""),
    _rule("X509010", "x509-chain", F.ERROR,
          "a leaf certificate is not issued by a CA in ca-cert.pem", """
QEMU validates its own certificate against ca-cert.pem of the same
directory alone; intermediates appended to server-cert.pem do not help.

Failing: server-cert.pem issued by a CA that is not in ca-cert.pem.
Passing: the issuer (root or intermediate) in ca-cert.pem.
Fix: put the issuing CA (and its chain) into ca-cert.pem.
"""),
    _rule("X509011", "x509-key-mismatch", F.ERROR,
          "a private key does not belong to its certificate", """
QEMU: "The certificate and the given key do not match".

Failing: server-key.pem from an earlier certificate request.
Passing: the key the certificate was issued for.
Fix: install the matching key, or reissue the certificate for this key.
"""),
    _rule("X509012", "x509-encrypted-key", F.ERROR,
          "an encrypted key has no secret UUID", """
QEMU can only decrypt a key when libvirt passes a secret, which it does
for the feature's *_tls_x509_secret_uuid (default_tls_x509_secret_uuid is
inherited only when the feature has no directory of its own).

Failing: an encrypted server-key.pem, vnc_tls_x509_cert_dir set, no
vnc_tls_x509_secret_uuid.
Passing: vnc_tls_x509_secret_uuid = "<uuid of a tls secret>".
Fix: set the feature's secret UUID, or store the key unencrypted 0640.
"""),
    _rule("X509013", "x509-secret-uuid", F.ERROR,
          "a TLS secret UUID is malformed", """
libvirt refuses it when it builds the TLS object: "malformed TLS secret
uuid".

Failing: vnc_tls_x509_secret_uuid = "vnc-secret".
Passing: vnc_tls_x509_secret_uuid = "0b1c3a2e-5f6d-4e7a-9b8c-1d2e3f4a5b6c".
Fix: use the UUID virsh secret-list shows.
""", stage=F.STAGE_VM_START),
    _rule("X509014", "x509-host-name", F.ERROR,
          "a migration destination's certificate does not name the host",
          """
The source checks the destination's server certificate against the host
name it connects to (migration_host, or the host in the migration URI):
SAN DNS/IP entries, or the CN only when there is no SAN DNS or IP entry.

Failing: migration_host = "dst.example.org", SAN = DNS:dst.
Passing: SAN = DNS:dst.example.org.
Fix: reissue the certificate with the name in its SAN.
""", stage=F.STAGE_MIGRATION),
    _rule("X509015", "x509-client-cert-needed", F.ERROR,
          "no client certificate while the server verifies clients", """
A migration source presents client-cert.pem and client-key.pem from its
migrate directory; the destination verifies them by default
(migrate_tls_x509_verify = 1).  QEMU uses them only when both exist.

Failing: the migrate directory holds server files and ca-cert.pem only.
Passing: client-cert.pem and client-key.pem there too.
Fix: issue a client certificate for the host, or set
migrate_tls_x509_verify = 0 on the destinations (weaker).
""", stage=F.STAGE_MIGRATION),
    _rule("X509016", "x509-client-cert-missing", F.WARNING,
          "no client certificate for a client whose server may verify", """
qemu.conf documents client-cert.pem and client-key.pem for NBD disks;
an NBD server that verifies clients refuses a client without them.

Failing: nbd_tls = 1 and no client-cert.pem.
Passing: client-cert.pem and client-key.pem in the NBD directory.
Fix: issue a client certificate for the host.
"""),
    _rule("X509017", "x509-dh-params", F.ERROR,
          "dh-params.pem is present but not loadable", """
QEMU loads dh-params.pem whenever it exists, and GnuTLS wants PEM PKCS#3
("-----BEGIN DH PARAMETERS-----"); "X9.42 DH PARAMETERS" fails too.

Failing: dh-params.pem written by a tool that labels it X9.42.
Passing: certtool --generate-dh-params output, or no file at all.
Fix: regenerate it, or remove it.
"""),
    _rule("X509018", "x509-ca-fingerprint", F.INFO,
          "the SHA-256 fingerprint of each CA in ca-cert.pem", """
Hosts that migrate to each other must trust the same CA: compare the
fingerprints confcheck prints on each host.

Failing: (information only)
Passing: (information only)
Fix: none needed.
"""),
    _rule("X509019", "x509-silent-override", F.WARNING,
          "/etc/pki/libvirt-<feature> silently replaces the configured dir",
          """
When a feature has no directory of its own, libvirt uses
/etc/pki/libvirt-<feature> if it exists, before default_tls_x509_cert_dir:
the directory the file names is then not the one used.

Failing: default_tls_x509_cert_dir = "/srv/pki" and /etc/pki/libvirt-vnc
exists.
Passing: vnc_tls_x509_cert_dir = "/srv/pki", or no /etc/pki/libvirt-vnc.
Fix: set the feature's own directory, or remove the stray directory.
"""),
    _rule("X509020", "x509-override-in-use", F.INFO,
          "a feature uses /etc/pki/libvirt-<feature>", """
The feature's files come from /etc/pki/libvirt-<feature>, chosen by libvirt
because it exists.

Failing: (information only)
Passing: (information only)
Fix: none needed.
"""),
    _rule("X509021", "x509-revoked", F.WARNING,
          "the host's own certificate is revoked by ca-crl.pem", """
QEMU 7.2 still uses its own certificate when ca-crl.pem revokes it
(measured), but every peer that checks the same CRL refuses it.

Failing: ca-crl.pem listing server-cert.pem's serial number.
Passing: a CRL that does not list it.
Fix: issue a new certificate.
"""),
    _rule("X509022", "x509-intermediate", F.WARNING,
          "the host's certificate is issued by an intermediate CA", """
QEMU accepts it when the intermediate is in ca-cert.pem, but peers check
the certificate with their own ca-cert.pem, which must hold it too.

Failing: a peer whose ca-cert.pem holds the root only.
Passing: the same ca-cert.pem (root and intermediate) on every host.
Fix: copy ca-cert.pem to every peer.
"""),
    _rule("X509023", "x509-client-pair", F.WARNING,
          "client-cert.pem without client-key.pem or the reverse", """
QEMU uses the client files only when both exist.

Failing: client-cert.pem alone.
Passing: both files.
Fix: add the missing half, or remove the other.
"""),
    _rule("ACC001", "access-search", F.ERROR,
          "the QEMU user cannot search a directory on the path", """
QEMU opens the files itself, as the user and group it runs as (qemu.conf
user/group).  Every directory from / down needs search (x) permission for
it; listing (r) is not needed.

Failing: /etc/pki/qemu root:root 0700, QEMU runs as libvirt-qemu:kvm.
Passing: root:kvm 0750, or 0711.
Fix: chgrp <qemu group> DIR && chmod 0750 DIR.
"""),
    _rule("ACC002", "access-read", F.ERROR,
          "the QEMU user cannot read a credentials file", """
Owner, group (primary and supplementary) and POSIX ACLs are checked for
the QEMU user and group that libvirt starts QEMU with.

Failing: server-key.pem root:root 0600.
Passing: root:<qemu group> 0640, or an ACL granting the QEMU user read.
Fix: chgrp <qemu group> FILE && chmod 0640 FILE.
"""),
    _rule("ACC003", "access-not-checked", F.INFO,
          "the QEMU user could not be resolved; access was not checked", """
Without the user and group QEMU runs as, file access cannot be judged.

Failing: (information only)
Passing: (information only)
Fix: make the user/group in qemu.conf resolvable on the host.
"""),
    _rule("ACC004", "access-selinux", F.WARNING,
          "a credentials file's SELinux type differs from /etc/pki's", """
Confined QEMU reads certificates labelled as /etc/pki is (cert_t); files
made elsewhere or moved with mv keep another type and are denied.

Failing: server-key.pem labelled admin_home_t.
Passing: cert_t.
Fix: restorecon -R DIR (or semanage fcontext for a custom path).
"""),
    _rule("ACC005", "access-apparmor", F.WARNING,
          "libvirt's AppArmor profile does not let QEMU read a directory", """
On AppArmor hosts, QEMU may read only what libvirt's abstraction allows:
/etc/pki/CA, /etc/pki/libvirt{,-spice,-vnc}, /etc/pki/qemu.  Other
directories (for example /etc/pki/qemu-psk) need a local rule.

Failing: migrate_tls_x509_cert_dir = "/srv/tls" on Debian.
Passing: the rules "/srv/tls/ r," and "/srv/tls/** r," in
/etc/apparmor.d/local/abstractions/libvirt-qemu.
Fix: add the rules the finding gives and reload AppArmor.
"""),
    _rule("ACC006", "access-world-readable", F.WARNING,
          "a private key or PSK file is readable by every user", """
Key material must not be readable by other local users.

Failing: server-key.pem 0644.
Passing: root:<qemu group> 0640.
Fix: chmod o-rwx FILE.
"""),
    _rule("ACC007", "access-layout", F.INFO,
          "a secret file's owner or mode is not the recommended one", """
Recommended: file root:<qemu group> 0640 in a root:<qemu group> 0750
directory (or the file owned by the QEMU user, 0400/0600).

Failing: keys.psk libvirt-qemu:root 0644.
Passing: root:libvirt-qemu 0640.
Fix: chown root:<qemu group> FILE && chmod 0640 FILE.
"""),
    _rule("X509024", "rdp-files", F.WARNING,
          "the RDP certificate directory lacks server-cert.pem or "
          "server-key.pem", """
From libvirt 11, guests with RDP graphics are served by qemu-rdp, and
libvirt itself checks before starting it that the RDP directory
(rdp_tls_x509_cert_dir, else /etc/pki/libvirt-rdp when it exists, else
default_tls_x509_cert_dir) holds server-cert.pem and server-key.pem:
"Missing certificate file".  qemu.conf does not say which guests use RDP,
so this is a warning whenever the file configures RDP.

Failing: rdp_listen = "0.0.0.0" with an empty /etc/pki/qemu.
Passing: the two files in place.
Fix: put the RDP server certificate and key in the directory.
"""),
    _rule("X509025", "x509-not-regular-file", F.ERROR,
          "a credentials file is a directory, FIFO or device", """
QEMU opens ca-cert.pem, server-cert.pem, server-key.pem (and ca-crl.pem,
dh-params.pem, the client pair, whenever those names exist) as files: a
directory under one of these names fails to load, and a FIFO blocks the
guest or migration that reads it.  confcheck only looks at its type; it
never opens it.

Failing: mkdir /etc/pki/qemu/server-cert.pem (a copy gone wrong).
Passing: /etc/pki/qemu/server-cert.pem, a regular PEM file.
Fix: remove the directory, FIFO or device and put the PEM file there.
"""),
    _rule("X509026", "x509-not-checked", F.WARNING,
          "confcheck was denied access to a credentials file", """
confcheck run as an ordinary user may not search the credentials directory
or read a file in it, even though the QEMU user can.  Then whether the file
is there and valid is unknown: it was not checked (never reported as
missing).  Whether the QEMU user can read it is still checked (ACC001,
ACC002).

Failing: /etc/pki/qemu root:kvm 0750 and confcheck run as a user outside
kvm.
Passing: the same directory, confcheck run as root.
Fix: run confcheck as root (or as a member of the QEMU group).
"""),
)

_MIGRATE_SETTINGS = ("migrate_tls_x509_cert_dir", "migrate_tls_x509_verify",
                     "migrate_tls_x509_secret_uuid")
_BACKUP_SETTINGS = ("backup_tls_x509_cert_dir", "backup_tls_x509_verify",
                    "backup_tls_x509_secret_uuid")


@dataclass
class Plan:
    """One feature to check: its values, its roles and where it points."""

    feature: TlsFeature
    roles: Tuple[str, ...]
    stage: str
    #: the line that turned the feature on
    line: int = 0
    column: int = 0
    peer_verifies: Optional[bool] = True
    #: (name, line, column) a client will expect in the server certificate
    host_names: List[Tuple[str, int, int]] = field(default_factory=list)


def _line_of(doc, name: str) -> Tuple[int, int]:
    entry = doc.first(name)
    if entry is None:
        return 0, 0
    return entry.line, getattr(entry, "column", 0)


def _turned_on(doc, name: str) -> bool:
    return doc.value(name) in (1, True)


def uri_host(uri: Optional[str]) -> Optional[str]:
    """The host part of a libvirt or migration URI, if it has one."""
    if not uri:
        return None
    if "://" not in uri:
        uri = "tcp://" + uri
    try:
        return urlsplit(uri).hostname
    except ValueError:
        return None


def plans(ctx, resolved: Dict[str, TlsFeature]) -> List[Plan]:
    """The features this file turns on, with the roles this host plays."""
    doc = ctx.doc
    found = []
    for name, roles in (("vnc", (x509.SERVER,)), ("spice", (x509.SERVER,)),
                        ("chardev", (x509.SERVER,)),
                        ("nbd", (x509.CLIENT,)), ("vxhs", (x509.CLIENT,))):
        if name in resolved and _turned_on(doc, f"{name}_tls"):
            line, column = _line_of(doc, f"{name}_tls")
            found.append(Plan(resolved[name], roles, F.STAGE_VM_START, line,
                              column, peer_verifies=None))

    if "backup" in resolved:
        written = [s for s in _BACKUP_SETTINGS if doc.first(s) is not None]
        if written:
            line, column = _line_of(doc, written[0])
            found.append(Plan(resolved["backup"], (x509.SERVER,),
                              F.STAGE_VM_START, line, column))

    migrate = resolved["migrate"]
    written = [s for s in ("migrate_tls_force",) + _MIGRATE_SETTINGS
               if doc.first(s) is not None]
    if (_turned_on(doc, "migrate_tls_force")
            or any(doc.first(s) is not None for s in _MIGRATE_SETTINGS)
            or migrate.directory_source.kind == OVERRIDE):
        line, column = _line_of(doc, written[0]) if written else (0, 0)
        roles = {"source": (x509.CLIENT,),
                 "destination": (x509.SERVER,)}.get(
                     ctx.role, (x509.SERVER, x509.CLIENT))
        plan = Plan(migrate, roles, F.STAGE_MIGRATION, line, column,
                    peer_verifies=migrate.verify)
        migration_host = doc.value("migration_host")
        if migration_host:
            host_line, host_column = _line_of(doc, "migration_host")
            plan.host_names.append((migration_host.strip("[]"), host_line,
                                    host_column))
        from_uri = uri_host(ctx.migrate_uri)
        if from_uri and from_uri not in [n for n, _, _ in plan.host_names]:
            plan.host_names.append((from_uri, 0, 0))
        found.append(plan)
    return found


def _directory_line(plan: Plan) -> Tuple[int, int, Optional[str]]:
    source = plan.feature.directory_source
    if source.kind in (LINE, INHERITED) and source.line:
        return source.line, source.column, source.setting
    return plan.line, plan.column, None


def _apparmor_applies(doc) -> bool:
    drivers = doc.value("security_driver")
    if drivers is None:
        return True
    if isinstance(drivers, str):
        drivers = [drivers]
    return "apparmor" in drivers


def _problems(ctx, plan: Plan, identity) -> List[Tuple[Problem, int, int]]:
    """Problems of one plan, each with the line and column to report."""
    feature = plan.feature
    line, column, _ = _directory_line(plan)
    out: List[Tuple[Problem, int, int]] = []

    secret = feature.secret_uuid
    if secret is not None and not x509.uuid_well_formed(secret):
        source = feature.secret_source
        out.append((Problem("X509013", f"{feature.secret_setting} "
                            f"\"{secret}\" is not a UUID"),
                    source.line, source.column))

    if feature.directory_source.kind == OVERRIDE:
        default = ctx.doc.first("default_tls_x509_cert_dir")
        if default is not None:
            out.append((Problem(
                "X509019", f"uses \"{feature.directory}\", not "
                f"default_tls_x509_cert_dir (line {default.line}): libvirt "
                f"prefers an existing {feature.directory} silently; set "
                f"{feature.name}_tls_x509_cert_dir or remove the directory"),
                default.line, getattr(default, "column", 0)))
        else:
            out.append((Problem("X509020", f"uses \"{feature.directory}\" "
                                "because it exists"), plan.line,
                        plan.column))

    if (feature.directory_source.kind == LINE
            and not ctx.host.exists(feature.directory)
            and not ctx.host.denied(feature.directory)):
        # The daemon does not start at all; the start-up rules say so.
        return out

    names = [name for name, _, _ in plan.host_names]
    problems = x509.check_directory(
        ctx.host, feature.directory, plan.roles,
        peer_verifies=plan.peer_verifies, host_names=names,
        secret_uuid=secret, secret_setting=feature.secret_setting,
        identity=identity, fingerprints=True)
    for problem in problems:
        where = (line, column)
        if problem.code == "X509014":
            for name, name_line, name_column in plan.host_names:
                if f'"{name}"' in problem.message and name_line:
                    where = (name_line, name_column)
        out.append((problem, *where))

    used = x509.files_used(ctx.host, feature.directory, plan.roles)
    present = [name for name in used
               if ctx.host.exists(f"{feature.directory}/{name}")]
    for name in present:
        for problem in access.selinux_problems(
                ctx.host, f"{feature.directory}/{name}"):
            out.append((problem, line, column))
    if present and _apparmor_applies(ctx.doc):
        for problem in access.apparmor_problems(ctx.host, feature.directory,
                                                present):
            out.append((problem, line, column))
    return out


def check(ctx) -> Iterator[F.Finding]:
    if ctx.host is None:
        return
    yield from check_rdp(ctx)
    resolved = resolve_tls(ctx.doc, ctx.host, ctx.version)
    todo = plans(ctx, resolved)
    if not todo:
        return

    identity = ctx.qemu_identity
    if identity is None:
        why = (ctx.host.accounts_unreadable("user")
               or ctx.host.accounts_unreadable("group"))
        yield ctx.finding(
            "ACC003", "the user and group QEMU runs as could not be "
            "resolved on this host"
            + (f": {why}; " if why else ": ")
            + "TLS file access was not checked"
            + (" (run confcheck as root)" if why else ""))

    # The same problem seen by several features is one finding that
    # names them all, at the first feature's line.
    merged: Dict[Tuple[str, str], list] = {}
    for plan in todo:
        for problem, line, column in _problems(ctx, plan, identity):
            key = (problem.code, problem.message)
            if key in merged:
                if plan.feature.name not in merged[key][0]:
                    merged[key][0].append(plan.feature.name)
                continue
            merged[key] = [[plan.feature.name], problem, line, column,
                           plan.stage]

    for names, problem, line, column, stage in merged.values():
        yield ctx.finding(problem.code,
                          f"{', '.join(names)}: {problem.message}", line,
                          column, stage=stage)


_RDP_SETTINGS = ("rdp_listen", "rdp_tls_x509_cert_dir", "rdp_username",
                 "rdp_password", "qemu_rdp")


def check_rdp(ctx) -> Iterator[F.Finding]:
    """The files libvirt checks before it starts qemu-rdp for a guest."""
    if ctx.host is None:
        return
    written = [ctx.doc.first(name) for name in _RDP_SETTINGS
               if ctx.doc.first(name) is not None]
    feature = resolve_tls(ctx.doc, ctx.host, ctx.version).get("rdp")
    if not written or feature is None:
        return
    if (feature.directory_source.kind == LINE
            and not ctx.host.exists(feature.directory)
            and not ctx.host.denied(feature.directory)):
        return  # the daemon does not start: STA013 says so
    source = feature.directory_source
    line, column = (source.line, source.column) if source.line else (
        written[0].line, written[0].column)
    for name, what in (("server-cert.pem", "certificate"),
                       ("server-key.pem", "key")):
        path = f"{feature.directory}/{name}"
        if ctx.host.denied(path):
            problem = x509.not_checked(path)
            yield ctx.finding(problem.code, f"rdp: {problem.message}", line,
                              column)
        elif not ctx.host.exists(path):
            yield ctx.finding(
                "X509024", f"rdp: Missing {what} file '{path}': guests "
                "with RDP graphics will not start", line, column)
