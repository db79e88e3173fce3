"""What QEMU will make of an x509 credentials directory.

QEMU (``tls-creds-x509``) looks for fixed file names in the directory
libvirt passes, and checks its own certificates when the credentials
object is created — at guest start, hotplug, migration or backup, never at
daemon start-up.  Each rule below was measured with QEMU 7.2 and GnuTLS
3.7.9 by the oracle in ``tests/oracle`` (``docs/tls.md`` has the figure):

* server: ``ca-cert.pem``, ``server-cert.pem``, ``server-key.pem`` are
  required; ``dh-params.pem`` and ``ca-crl.pem`` are read when present,
  and a present file that cannot be read or parsed fails;
* client: ``ca-cert.pem`` is required; ``client-cert.pem`` and
  ``client-key.pem`` are used only when both are there;
* every certificate must be valid now; a CA needs basic constraints
  CA:TRUE and, when it has a key usage, keyCertSign (critical or not);
  a leaf must not say it is a CA; a leaf needs the digital-signature key
  usage (critical or not: without it the handshake fails); a *critical*
  key purpose must include the role (a non-critical one is not
  enforced); QEMU does not refuse its own certificate when ca-crl.pem
  revokes it (peers that check the CRL do);
* the leaf (the first certificate of its file) must be issued directly
  by a certificate in ``ca-cert.pem``; intermediates sent along in the
  leaf's file do not count;
* the private key must belong to the certificate; an encrypted key needs
  a secret;
* a client checks the server's names: the SAN DNS/IP entries, or the CN
  only when the certificate has no SAN DNS or IP entry at all.

``cryptography`` is imported inside the functions that read certificates,
so a run that checks no TLS never loads it.
"""

import base64
import binascii
import datetime
import ipaddress
import re
import stat
from typing import Iterable, List, Optional, Sequence

from ..host import Host, HostPathError, Identity, permission_denied
from . import Problem, access

SERVER = "server"
CLIENT = "client"

CA_CERT = "ca-cert.pem"
CA_CRL = "ca-crl.pem"
SERVER_CERT = "server-cert.pem"
SERVER_KEY = "server-key.pem"
CLIENT_CERT = "client-cert.pem"
CLIENT_KEY = "client-key.pem"
DH_PARAMS = "dh-params.pem"

REQUIRED = {SERVER: (CA_CERT, SERVER_CERT, SERVER_KEY), CLIENT: (CA_CERT,)}

#: where libvirtd keeps the same files (names people copy by mistake)
LIBVIRTD_NAMES = {
    CA_CERT: ("cacert.pem", "/etc/pki/CA/cacert.pem"),
    SERVER_CERT: ("servercert.pem", "/etc/pki/libvirt/servercert.pem"),
    SERVER_KEY: ("serverkey.pem", "private/serverkey.pem",
                 "/etc/pki/libvirt/private/serverkey.pem"),
    CLIENT_CERT: ("clientcert.pem", "/etc/pki/libvirt/clientcert.pem"),
    CLIENT_KEY: ("clientkey.pem", "private/clientkey.pem",
                 "/etc/pki/libvirt/private/clientkey.pem"),
}

EXPIRY_WARNING = datetime.timedelta(days=30)
MAX_FILE = 1 << 20

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                   r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def uuid_well_formed(text: str) -> bool:
    """libvirt's UUID syntax: 32 hex digits, dashes between the groups.

    libvirt's parser also skips dashes and spaces anywhere; the plain
    canonical and undashed forms are the ones accepted here.
    """
    return bool(_UUID.match(text.strip()))


# -- reading ----------------------------------------------------------------

def _read(host: Host, path: str, problems: List[Problem]
          ) -> Optional[bytes]:
    """The file's bytes, or None; a read refused to confcheck is noted."""
    try:
        return host.read_bytes(path, MAX_FILE)
    except (OSError, HostPathError) as exc:
        if permission_denied(exc):
            problems.append(Problem(
                "X509026", f"confcheck cannot read \"{path}\" (permission "
                "denied); its contents were not checked (run confcheck as "
                "root)", path))
        return None


def _is_file(host: Host, path: str) -> bool:
    try:
        return stat.S_ISREG(host.stat(path).st_mode)
    except OSError:
        return False


#: what file_kind() says of a path, besides "a directory", "a FIFO", ...
REGULAR = "regular"
MISSING = "missing"
DENIED = "denied"

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def file_kind(host: Host, path: str) -> str:
    """REGULAR, MISSING, DENIED (confcheck may not look), or what it is.

    Only stat() is used: a FIFO is never opened, so it cannot hang us.
    """
    try:
        mode = host.stat(path).st_mode
    except OSError as exc:
        return DENIED if permission_denied(exc) else MISSING
    if stat.S_ISREG(mode):
        return REGULAR
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def not_checked(path: str) -> Problem:
    """confcheck may not reach ``path``: unknown, so never "missing"."""
    return Problem("X509026", f"confcheck cannot reach \"{path}\" "
                   "(permission denied); run confcheck as root to check it",
                   path)


def _certificates(data: bytes):
    from cryptography import x509

    return x509.load_pem_x509_certificates(data)


def _subject(cert) -> str:
    return cert.subject.rfc4514_string() or "(empty subject)"


def fingerprint(cert) -> str:
    from cryptography.hazmat.primitives import hashes

    digest = cert.fingerprint(hashes.SHA256())
    return ":".join(f"{byte:02X}" for byte in digest)


def _extension(cert, kind):
    from cryptography import x509

    try:
        return cert.extensions.get_extension_for_class(kind)
    except x509.ExtensionNotFound:
        return None


# -- names ------------------------------------------------------------------

def _dns_match(pattern: str, name: str) -> bool:
    pattern = pattern.lower().rstrip(".")
    name = name.lower().rstrip(".")
    if pattern.startswith("*.") and "." in name:
        return name.split(".", 1)[1] == pattern[2:]
    return pattern == name


def certificate_names(cert) -> List[str]:
    """The names a client compares with: SAN DNS and IP, else the CN."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    names: List[str] = []
    san = _extension(cert, x509.SubjectAlternativeName)
    if san is not None:
        names += san.value.get_values_for_type(x509.DNSName)
        names += [str(ip) for ip in
                  san.value.get_values_for_type(x509.IPAddress)]
    if not names:
        names += [attr.value for attr in
                  cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    return names


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def names_host(cert, host_name: str) -> bool:
    """Whether a TLS client connecting to ``host_name`` accepts ``cert``."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    san = _extension(cert, x509.SubjectAlternativeName)
    dns = san.value.get_values_for_type(x509.DNSName) if san else []
    ips = san.value.get_values_for_type(x509.IPAddress) if san else []
    if _is_ip(host_name):
        wanted = ipaddress.ip_address(host_name)
        return any(ip == wanted for ip in ips)
    if dns or ips:
        return any(_dns_match(pattern, host_name) for pattern in dns)
    return any(_dns_match(attr.value, host_name) for attr in
               cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME))


# -- one certificate --------------------------------------------------------

def _when(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _validity(cert, label: str, path: str, now) -> List[Problem]:
    start = cert.not_valid_before_utc
    end = cert.not_valid_after_utc
    if now < start:
        return [Problem("X509004", f"{label} \"{path}\" is not valid yet: "
                        f"it starts on {_when(start)}", path)]
    if now > end:
        return [Problem("X509004", f"{label} \"{path}\" expired on "
                        f"{_when(end)}", path)]
    if end - now < EXPIRY_WARNING:
        days = (end - now).days
        return [Problem("X509005", f"{label} \"{path}\" expires in {days} "
                        f"days, on {_when(end)}", path)]
    return []


def _check_ca(cert, path: str, now) -> List[Problem]:
    from cryptography import x509

    label = f'CA certificate "{_subject(cert)}" in'
    problems = _validity(cert, label, path, now)
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is None:
        problems.append(Problem(
            "X509006", f"{label} \"{path}\" has no basic constraints; QEMU "
            "wants CA:TRUE on a CA", path))
    elif not constraints.value.ca:
        problems.append(Problem(
            "X509006", f"{label} \"{path}\" is marked as no CA (basic "
            "constraints CA:FALSE); it cannot vouch for other certificates",
            path))
    usage = _extension(cert, x509.KeyUsage)
    if usage is not None and not usage.value.key_cert_sign:
        problems.append(Problem(
            "X509007", f"{label} \"{path}\" has a key usage without "
            "keyCertSign; certificates it issued fail validation", path))
    return problems


def _check_leaf(cert, role: str, path: str, now) -> List[Problem]:
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    label = f"{role} certificate"
    problems = _validity(cert, label, path, now)
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is not None and constraints.value.ca:
        problems.append(Problem(
            "X509006", f"{label} \"{path}\" is marked as a CA (basic "
            f"constraints CA:TRUE); QEMU wants a non-CA {role} certificate",
            path))
    usage = _extension(cert, x509.KeyUsage)
    if usage is not None and not usage.value.digital_signature:
        problems.append(Problem(
            "X509007", f"{label} \"{path}\" has a key usage without "
            "digitalSignature; the TLS handshake needs it", path))
    purpose = _extension(cert, x509.ExtendedKeyUsage)
    wanted = (ExtendedKeyUsageOID.SERVER_AUTH if role == SERVER
              else ExtendedKeyUsageOID.CLIENT_AUTH)
    if purpose is not None and wanted not in purpose.value:
        what = f"TLS Web {role.capitalize()} Authentication"
        if purpose.critical:
            problems.append(Problem(
                "X509008", f"{label} \"{path}\" has a critical key purpose "
                f"without {what}; QEMU refuses it", path))
        else:
            problems.append(Problem(
                "X509009", f"{label} \"{path}\" has a key purpose without "
                f"{what}; QEMU accepts it but stricter peers do not",
                path))
    return problems


def _issuer_in(cert, cas) -> Optional[object]:
    for ca in cas:
        if ca.subject != cert.issuer:
            continue
        try:
            cert.verify_directly_issued_by(ca)
        except Exception:  # wrong signature, unsupported key type
            continue
        return ca
    return None


def _check_chain(cert, role: str, path: str, cas, ca_path: str
                 ) -> List[Problem]:
    issuer = _issuer_in(cert, cas)
    if issuer is None:
        return [Problem(
            "X509010", f"{role} certificate \"{path}\" is not issued by any "
            f"certificate in \"{ca_path}\" (its issuer is "
            f"\"{cert.issuer.rfc4514_string()}\"); QEMU checks it against "
            f"{CA_CERT} alone", path)]
    if issuer.subject != issuer.issuer:
        return [Problem(
            "X509022", f"{role} certificate \"{path}\" is issued by the "
            f"intermediate CA \"{_subject(issuer)}\" from \"{ca_path}\"; "
            f"every peer needs that intermediate in its own {CA_CERT}",
            path)]
    return []


# -- keys -------------------------------------------------------------------

def key_is_encrypted(data: bytes) -> bool:
    return (b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data
            or b"Proc-Type: 4,ENCRYPTED" in data)


def _check_key(key_data: bytes, cert, key_path: str, cert_path: str,
               secret_uuid: Optional[str], secret_setting: str
               ) -> List[Problem]:
    from cryptography.hazmat.primitives import serialization

    if key_is_encrypted(key_data):
        if secret_uuid:
            return []
        return [Problem(
            "X509012", f"private key \"{key_path}\" is encrypted but no "
            f"{secret_setting} gives QEMU its passphrase", key_path)]
    try:
        key = serialization.load_pem_private_key(key_data, password=None)
    except (ValueError, TypeError):
        return [Problem("X509003", f"private key \"{key_path}\" cannot be "
                        "read as a PEM private key", key_path)]
    except Exception as exc:  # unsupported algorithm and the like
        return [Problem("X509003", f"private key \"{key_path}\" cannot be "
                        f"used: {type(exc).__name__}", key_path)]
    if cert is None:
        return []
    ours = key.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    theirs = cert.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    if ours != theirs:
        return [Problem("X509011", f"private key \"{key_path}\" does not "
                        f"belong to the certificate \"{cert_path}\"",
                        key_path)]
    return []


# -- DH parameters and CRL --------------------------------------------------

_DH_PEM = re.compile(rb"-----BEGIN DH PARAMETERS-----\s*(.*?)\s*"
                     rb"-----END DH PARAMETERS-----", re.S)


def _dh_params_valid(data: bytes) -> bool:
    """GnuTLS wants PKCS#3: label "DH PARAMETERS", DER SEQUENCE of INTs."""
    import warnings

    match = _DH_PEM.search(data)
    if not match:
        return False
    # cryptography warns that finite-field DH is deprecated; GnuTLS still
    # reads dh-params.pem, so checking the file is what the user needs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from cryptography.hazmat.primitives.serialization import (
            load_der_parameters)

        try:
            der = base64.b64decode(match.group(1), validate=False)
            load_der_parameters(der)
        except (ValueError, binascii.Error):
            return False
    return True


def _check_crl(data: bytes, path: str, leaves) -> List[Problem]:
    from cryptography import x509

    try:
        crl = x509.load_pem_x509_crl(data)
    except ValueError:
        return [Problem("X509003", f"\"{path}\" cannot be read as a PEM "
                        "certificate revocation list", path)]
    problems = []
    for role, cert, cert_path in leaves:
        if crl.get_revoked_certificate_by_serial_number(
                cert.serial_number) is not None and crl.issuer == cert.issuer:
            problems.append(Problem(
                "X509021", f"{role} certificate \"{cert_path}\" is revoked "
                f"by \"{path}\"; QEMU still uses it, peers that check the "
                "CRL refuse it", cert_path))
    return problems


# -- the directory ----------------------------------------------------------

def _join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name


def libvirtd_hint(host: Host, directory: str, name: str) -> str:
    """A sentence naming a libvirtd-style copy of ``name``, or ""."""
    for candidate in LIBVIRTD_NAMES.get(name, ()):
        path = candidate if candidate.startswith("/") else _join(
            directory, candidate)
        if _is_file(host, path):
            return (f"; \"{path}\" is libvirtd's name for this file: "
                    f"QEMU reads only \"{_join(directory, name)}\"")
    return ""


def files_used(host: Host, directory: str, roles: Iterable[str]
               ) -> List[str]:
    """The files QEMU opens in ``directory`` for ``roles``, in order."""
    names: List[str] = []
    roles = set(roles)
    for role in (SERVER, CLIENT):
        if role in roles:
            for name in REQUIRED[role]:
                if name not in names:
                    names.append(name)
    if SERVER in roles:
        names += [name for name in (CA_CRL, DH_PARAMS)
                  if host.exists(_join(directory, name))]
    if CLIENT in roles:
        pair = [CLIENT_CERT, CLIENT_KEY]
        if all(host.exists(_join(directory, name)) for name in pair):
            names += pair
    return names


def check_directory(host: Host, directory: str, roles: Sequence[str], *,
                    peer_verifies: Optional[bool] = True,
                    host_names: Sequence[str] = (),
                    secret_uuid: Optional[str] = None,
                    secret_setting: str = "*_tls_x509_secret_uuid",
                    identity: Optional[Identity] = None,
                    now: Optional[datetime.datetime] = None,
                    fingerprints: bool = False) -> List[Problem]:
    """Everything that will stop QEMU using ``directory`` in ``roles``.

    ``roles``: ``"server"`` and/or ``"client"``.  ``peer_verifies``: does
    the server this host connects to as a client ask for a client
    certificate (True: missing client files are an error; None: unknown,
    a warning; False: not needed).  ``host_names``: names a client will
    expect in the server certificate.  ``identity``: the QEMU process's
    credentials, to check it can read what it opens (None: not checked).
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    roles = [role for role in (SERVER, CLIENT) if role in set(roles)]
    try:
        info = host.stat(directory)
    except OSError as exc:
        if permission_denied(exc):
            # Unknown to confcheck, but QEMU may still be shut out on
            # the way there: a directory above that it cannot search.
            problems = [Problem(
                "X509026", f"confcheck cannot reach TLS directory "
                f"\"{directory}\" (permission denied); run confcheck as root "
                "to check it", directory)]
            if identity is not None:
                _access_problems(host, identity, directory, roles, problems)
            return problems
        return [Problem("X509001", f"TLS directory \"{directory}\" does not "
                        "exist", directory)]
    if not stat.S_ISDIR(info.st_mode):
        return [Problem("X509001", f"TLS directory \"{directory}\" is not a "
                        "directory", directory)]

    problems: List[Problem] = []
    kinds = {name: file_kind(host, _join(directory, name))
             for name in (CA_CERT, CA_CRL, SERVER_CERT, SERVER_KEY,
                          CLIENT_CERT, CLIENT_KEY, DH_PARAMS)}
    # Only regular files are read: a FIFO would block, a directory fails.
    present = {name for name, kind in kinds.items() if kind == REGULAR}

    for role in roles:
        for name in REQUIRED[role]:
            path = _join(directory, name)
            if any(p.path == path for p in problems):
                continue
            if kinds[name] == MISSING:
                problems.append(Problem(
                    "X509002", f"{name} is missing from \"{directory}\" "
                    f"(needed as {role})"
                    + libvirtd_hint(host, directory, name), path))
            elif kinds[name] == DENIED:
                problems.append(not_checked(path))
            elif kinds[name] != REGULAR:
                problems.append(_not_regular(directory, name, kinds[name],
                                             role))
    if SERVER in roles:
        # QEMU loads these whenever they exist, whatever they are.
        for name in (CA_CRL, DH_PARAMS):
            if kinds[name] not in (REGULAR, MISSING, DENIED):
                problems.append(_not_regular(directory, name, kinds[name],
                                             SERVER))

    if identity is not None:
        _access_problems(host, identity, directory, roles, problems)

    cas = []
    ca_path = _join(directory, CA_CERT)
    if CA_CERT in present:
        cas = _load_cas(host, ca_path, now, fingerprints, problems)

    leaves = []
    for role in roles:
        if role == CLIENT:
            if not _client_files_usable(host, directory, kinds,
                                        peer_verifies, problems):
                continue
        cert_name = SERVER_CERT if role == SERVER else CLIENT_CERT
        key_name = SERVER_KEY if role == SERVER else CLIENT_KEY
        cert = _load_leaf(host, directory, cert_name, role, present, now,
                          cas, ca_path, problems)
        if cert is not None:
            leaves.append((role, cert, _join(directory, cert_name)))
        if key_name in present:
            key_data = _read(host, _join(directory, key_name), problems)
            if key_data is not None:
                problems += _check_key(
                    key_data, cert, _join(directory, key_name),
                    _join(directory, cert_name), secret_uuid,
                    secret_setting)
            problems += access.world_readable_secret(
                host, _join(directory, key_name))
        if role == SERVER and cert is not None:
            for name in host_names:
                if not names_host(cert, name):
                    cert_path = _join(directory, cert_name)
                    shown = ", ".join(certificate_names(cert)) or "no names"
                    problems.append(Problem(
                        "X509014", f"server certificate \"{cert_path}\" does "
                        f"not name \"{name}\" (it names {shown}); a client "
                        f"connecting to \"{name}\" rejects it", cert_path))

    if SERVER in roles and DH_PARAMS in present:
        data = _read(host, _join(directory, DH_PARAMS), problems)
        if data is not None and not _dh_params_valid(data):
            problems.append(Problem(
                "X509017", f"\"{_join(directory, DH_PARAMS)}\" is not PEM "
                "PKCS#3 DH parameters (\"-----BEGIN DH PARAMETERS-----\"); "
                "QEMU cannot load it: regenerate it with certtool "
                "--generate-dh-params or remove it",
                _join(directory, DH_PARAMS)))
    if SERVER in roles and CA_CRL in present:
        data = _read(host, _join(directory, CA_CRL), problems)
        if data is not None:
            problems += _check_crl(data, _join(directory, CA_CRL), leaves)
    return problems


def _access_problems(host, identity, directory, roles, problems) -> None:
    """Whether the QEMU user can open each file it will open."""
    for name in files_used(host, directory, roles):
        for problem in access.check_qemu_can_read(
                host, identity, _join(directory, name)):
            # A directory QEMU cannot search blocks every file once.
            if problem.code == "ACC001" and any(
                    p.code == "ACC001" and p.path == problem.path
                    for p in problems):
                continue
            problems.append(problem)


def _load_cas(host, ca_path, now, fingerprints, problems):
    data = _read(host, ca_path, problems)
    if data is None:
        return []
    try:
        cas = _certificates(data)
    except ValueError:
        problems.append(Problem("X509003", f"\"{ca_path}\" holds no readable "
                                "PEM certificate", ca_path))
        return []
    for ca in cas:
        problems += _check_ca(ca, ca_path, now)
        if fingerprints:
            problems.append(Problem(
                "X509018", f"CA \"{_subject(ca)}\" in \"{ca_path}\" has "
                f"SHA-256 fingerprint {fingerprint(ca)}", ca_path))
    return cas


def _load_leaf(host, directory, cert_name, role, present, now, cas,
               ca_path, problems):
    if cert_name not in present:
        return None
    cert_path = _join(directory, cert_name)
    data = _read(host, cert_path, problems)
    if data is None:
        return None
    try:
        cert = _certificates(data)[0]
    except ValueError:
        problems.append(Problem("X509003", f"{role} certificate "
                                f"\"{cert_path}\" is not a readable PEM "
                                "certificate", cert_path))
        return None
    problems += _check_leaf(cert, role, cert_path, now)
    if cas:
        problems += _check_chain(cert, role, cert_path, cas, ca_path)
    return cert


def _not_regular(directory: str, name: str, kind: str, role: str
                 ) -> Problem:
    return Problem(
        "X509025", f"{name} in \"{directory}\" is {kind}, not a regular "
        f"file: QEMU cannot load it (needed as {role})",
        _join(directory, name))


def _client_files_usable(host, directory, kinds, peer_verifies,
                         problems) -> bool:
    """Problems of the optional client pair; True when both can be read.

    QEMU uses the pair when both names exist (of any type), so a
    directory under one of them fails rather than being skipped.
    """
    pair = (CLIENT_CERT, CLIENT_KEY)
    denied = [name for name in pair if kinds[name] == DENIED]
    if denied:
        problems += [not_checked(_join(directory, name)) for name in denied]
        return False
    existing = {name for name in pair if kinds[name] != MISSING}
    problems += _client_pair_problems(host, directory, existing,
                                      peer_verifies)
    if len(existing) < len(pair):
        return False
    odd = [name for name in pair if kinds[name] != REGULAR]
    problems += [_not_regular(directory, name, kinds[name], CLIENT)
                 for name in odd]
    return not odd


def _client_pair_problems(host, directory, present, peer_verifies):
    have = [name for name in (CLIENT_CERT, CLIENT_KEY) if name in present]
    if len(have) == 2:
        return []
    missing = [name for name in (CLIENT_CERT, CLIENT_KEY)
               if name not in present]
    hints = "".join(libvirtd_hint(host, directory, name)
                    for name in missing)
    if have:
        what = (f"{have[0]} is in \"{directory}\" without "
                f"{missing[0]}; QEMU then sends no client certificate")
    else:
        what = (f"{CLIENT_CERT} and {CLIENT_KEY} are missing from "
                f"\"{directory}\"")
    path = _join(directory, missing[0])
    if peer_verifies:
        return [Problem("X509015", what + ", and the server verifies "
                        "clients: the handshake fails" + hints, path)]
    if peer_verifies is None:
        return [Problem("X509016", what + ": a server that verifies "
                        "clients refuses the connection" + hints, path)]
    if have:
        return [Problem("X509023", what + hints, path)]
    return []
