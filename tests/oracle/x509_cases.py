"""The x509 directories QEMU judges and confcheck must judge the same way.

Each :class:`Case` is one credentials directory, the role it plays
(``server``: qemu-nbd serves with it; ``client``: qemu-img loads it and
connects with it; ``both``: a migration host's directory, serving and
connecting with itself) and what the peer does (verify clients or not,
which host name the client expects).  ``expect`` is what the case was
built to show; the oracle test checks that QEMU agrees with it, so a case
that stops testing what its name says is noticed.

The peer of a one-role case is a reference directory made from the
reference CA, served or loaded as root.

``hinges_on`` names what decides a case that only some qemu.conf
features tell confcheck, so the end-to-end oracle reaches that case
only through a feature that does: the host name a client expects
(only migration names one) or whether the server verifies clients (an
NBD client's settings do not say).
"""

import os
import struct
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Sequence, Tuple

import certs
from certs import CA_USAGE, CLIENT_USAGE, DAY, NOW, SERVER_USAGE, Usage

#: the QEMU account the cases run as when the tests run as root
QEMU_UID = 64055
QEMU_GID = 64055
#: a group the QEMU account is a supplementary member of in some cases
EXTRA_GID = 64056

DEST = "dst.example.test"


class World:
    """The reference CA and the certificates most cases share."""

    def __init__(self):
        self.ca = certs.make_ca()
        self.other_ca = certs.make_ca("another CA", key_name="other-ca")
        self.server = certs.issue(DEST, SERVER_USAGE, self.ca, "server",
                                  san=[DEST, "localhost", "127.0.0.1"])
        self.client = certs.issue("client.example.test", CLIENT_USAGE,
                                  self.ca, "client")
        self.both = certs.issue(DEST, _usage(purposes=("server", "client")),
                                self.ca, "server", san=[DEST])

    def ca_pem(self) -> bytes:
        return certs.cert_pem(self.ca.cert)

    def server_files(self, issued=None, key=None) -> Dict[str, bytes]:
        issued = issued or self.server
        return {"ca-cert.pem": self.ca_pem(),
                "server-cert.pem": certs.cert_pem(issued.cert),
                "server-key.pem": certs.key_pem(key or issued.key)}

    def client_files(self, issued=None, key=None) -> Dict[str, bytes]:
        issued = issued or self.client
        return {"ca-cert.pem": self.ca_pem(),
                "client-cert.pem": certs.cert_pem(issued.cert),
                "client-key.pem": certs.key_pem(key or issued.key)}

    def migration_files(self) -> Dict[str, bytes]:
        files = self.server_files(self.both)
        files.update(self.client_files(self.both))
        return files


def _usage(**changes) -> Usage:
    base = dict(ca=False, key_usage=("digital_signature", "key_encipherment"),
                purposes=("server",))
    base.update(changes)
    return Usage(**base)


#: the case turns on the name the client expects in the server's
#: certificate
HOST_NAME = "host-name"
#: the case turns on whether the server verifies client certificates
PEER_VERIFY = "peer-verify"

#: owner uid, gid and mode of a path inside the case directory ("." = it)
Mode = Tuple[int, int, int]


@dataclass
class Case:
    name: str
    role: str
    expect: bool
    files: Callable[[World], Dict[str, bytes]]
    verify: bool = True
    hostname: str = DEST
    #: chown/chmod per file; files not named are root 0644, the dir 0755
    modes: Dict[str, Mode] = field(default_factory=dict)
    #: POSIX ACL entries (tag, perm, id) per file
    acls: Dict[str, Sequence[Tuple[int, int, int]]] = field(
        default_factory=dict)
    #: supplementary groups of the QEMU process
    groups: Sequence[int] = ()
    #: the key is encrypted with this password and QEMU gets a secret
    password: Optional[bytes] = None
    give_secret: bool = True
    #: needs root (runs QEMU as another user)
    needs_root: bool = False
    #: "" or what decides the case beyond the directory: HOST_NAME,
    #: PEER_VERIFY (see the module's docstring)
    hinges_on: str = ""


def acl_xattr(entries) -> bytes:
    """``system.posix_acl_access`` bytes: version 2, then tag/perm/id."""
    data = struct.pack("<I", 2)
    for tag, perm, ident in entries:
        data += struct.pack("<HHI", tag, perm, ident)
    return data


ACL_USER_OBJ, ACL_USER, ACL_GROUP_OBJ = 0x01, 0x02, 0x04
ACL_GROUP, ACL_MASK, ACL_OTHER = 0x08, 0x10, 0x20
NO_ID = 0xFFFFFFFF


def _replace(files: Dict[str, bytes], **changes) -> Dict[str, bytes]:
    files = dict(files)
    for name, data in changes.items():
        name = name.replace("_", "-") + ".pem"
        if data is None:
            files.pop(name, None)
        else:
            files[name] = data
    return files


def _server_with(world, **issue_args) -> Dict[str, bytes]:
    issued = certs.issue(issue_args.pop("cn", DEST),
                         issue_args.pop("usage", SERVER_USAGE),
                         issue_args.pop("issuer", world.ca), "server",
                         **issue_args)
    return world.server_files(issued)


def _client_with(world, **issue_args) -> Dict[str, bytes]:
    issued = certs.issue(issue_args.pop("cn", "client.example.test"),
                         issue_args.pop("usage", CLIENT_USAGE),
                         issue_args.pop("issuer", world.ca), "client",
                         **issue_args)
    return world.client_files(issued)


def _own_ca(world, usage: Usage) -> Dict[str, bytes]:
    """A server certificate issued by a CA made with ``usage``.

    The CA's key is its own, so the ca-cert.pem of the case is this CA
    and nothing else.
    """
    ca = certs.make_ca("odd CA", key_name="odd-ca", usage=usage)
    leaf = certs.issue(DEST, SERVER_USAGE, ca, "server", san=[DEST])
    return {"ca-cert.pem": certs.cert_pem(ca.cert),
            "server-cert.pem": certs.cert_pem(leaf.cert),
            "server-key.pem": certs.key_pem(leaf.key)}


def _with_intermediate(world, where: str,
                       with_client: bool = False) -> Dict[str, bytes]:
    """A leaf issued by an intermediate CA kept in ``where``."""
    middle = certs.issue("intermediate CA", CA_USAGE, world.ca, "middle")
    leaf = certs.issue(DEST, _usage(purposes=("server", "client")), middle,
                       "server", san=[DEST])
    middle_pem = certs.cert_pem(middle.cert)
    ca_file = world.ca_pem() + (middle_pem if where == "ca" else b"")
    cert_file = certs.cert_pem(leaf.cert) + (
        middle_pem if where == "cert" else b"")
    files = {"ca-cert.pem": ca_file, "server-cert.pem": cert_file,
             "server-key.pem": certs.key_pem(leaf.key)}
    if with_client:
        files["client-cert.pem"] = cert_file
        files["client-key.pem"] = certs.key_pem(leaf.key)
    return files


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    body = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _der_integer(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return b"\x02" + _der_length(len(body)) + body


FFDHE2048 = int(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695"
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A"
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935"
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A"
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4"
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61"
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005"
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF",
    16)


def _dh_params(label: str = "DH PARAMETERS") -> bytes:
    """RFC 7919's ffdhe2048 group as a PEM PKCS#3 DHParameter.

    Written by hand: generating parameters takes seconds, and
    ``cryptography`` labels its output "X9.42 DH PARAMETERS".
    """
    import base64

    body = _der_integer(FFDHE2048) + _der_integer(2)
    der = b"\x30" + _der_length(len(body)) + body
    text = base64.encodebytes(der).decode().replace("\n", "")
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return ("\n".join([f"-----BEGIN {label}-----"] + lines
                      + [f"-----END {label}-----", ""])).encode()


ROOT_ONLY_KEY = {"server-key.pem": (0, 0, 0o600)}

CASES = (
    # -- the server side (VNC, chardev bind, backup, migration dest) -----
    Case("server-good", "server", True, lambda w: w.server_files()),
    Case("server-expired", "server", False, lambda w: _server_with(
        w, san=[DEST], not_before=NOW - 800 * DAY,
        not_after=NOW - 30 * DAY)),
    Case("server-not-yet-valid", "server", False, lambda w: _server_with(
        w, san=[DEST], not_before=NOW + 2 * DAY)),
    Case("server-expires-in-10-days", "server", True, lambda w: _server_with(
        w, san=[DEST], not_after=NOW + 10 * DAY)),
    Case("ca-expired", "server", False, lambda w: dict(
        w.server_files(), **{"ca-cert.pem": certs.cert_pem(certs.make_ca(
            not_before=NOW - 900 * DAY,
            not_after=NOW - 1 * DAY).cert)})),
    Case("server-wrong-ca", "server", False, lambda w: _server_with(
        w, san=[DEST], issuer=w.other_ca)),
    Case("server-key-mismatch", "server", False, lambda w: w.server_files(
        key=certs.key("stranger"))),
    Case("server-no-ca-cert", "server", False, lambda w: _replace(
        w.server_files(), ca_cert=None)),
    Case("server-no-cert", "server", False, lambda w: _replace(
        w.server_files(), server_cert=None)),
    Case("server-no-key", "server", False, lambda w: _replace(
        w.server_files(), server_key=None)),
    Case("server-empty-dir", "server", False, lambda w: {}),
    Case("libvirtd-names", "server", False, lambda w: {
        "cacert.pem": w.ca_pem(),
        "servercert.pem": certs.cert_pem(w.server.cert),
        "serverkey.pem": certs.key_pem(w.server.key)}),
    Case("server-cert-garbage", "server", False, lambda w: _replace(
        w.server_files(), server_cert=b"not a certificate\n")),
    Case("server-leaf-is-ca", "server", False, lambda w: _server_with(
        w, san=[DEST], usage=_usage(ca=True))),
    Case("ca-not-a-ca", "server", False, lambda w: _own_ca(
        w, Usage(ca=False, key_usage=("key_cert_sign",)))),
    Case("server-purpose-client-critical", "server", False,
         lambda w: _server_with(w, san=[DEST], usage=_usage(
             purposes=("client",), purposes_critical=True))),
    Case("server-purpose-client-noncritical", "server", True,
         lambda w: _server_with(w, san=[DEST], usage=_usage(
             purposes=("client",), purposes_critical=False))),
    Case("server-no-purpose", "server", True, lambda w: _server_with(
        w, san=[DEST], usage=_usage(purposes=()))),
    Case("server-usage-sign-only-critical", "server", False,
         lambda w: _server_with(w, san=[DEST], usage=_usage(
             key_usage=("key_cert_sign",)))),
    Case("server-usage-signature-only-critical", "server", True,
         lambda w: _server_with(w, san=[DEST], usage=_usage(
             key_usage=("digital_signature",)))),
    Case("server-usage-encipherment-only-critical", "server", False,
         lambda w: _server_with(w, san=[DEST], usage=_usage(
             key_usage=("key_encipherment",)))),
    Case("server-no-key-usage", "server", True, lambda w: _server_with(
        w, san=[DEST], usage=_usage(key_usage=None))),
    Case("ca-without-cert-sign-critical", "server", False,
         lambda w: _own_ca(w, Usage(ca=True, key_usage=("crl_sign",)))),
    Case("ca-without-cert-sign-noncritical", "server", False,
         lambda w: _own_ca(w, Usage(ca=True, key_usage=("crl_sign",),
                                    key_usage_critical=False))),
    Case("ca-without-extensions", "server", False,
         lambda w: _own_ca(w, Usage(ca=None, key_usage=None))),
    Case("server-usage-sign-only-noncritical", "server", False,
         lambda w: _server_with(w, san=[DEST], usage=_usage(
             key_usage=("key_cert_sign",), key_usage_critical=False))),
    Case("server-wrong-san", "server", False, lambda w: _server_with(
        w, cn="some server", san=["elsewhere.example.test"]),
         hinges_on=HOST_NAME),
    Case("server-cn-only", "server", True, lambda w: _server_with(w)),
    Case("server-cn-only-wrong", "server", False, lambda w: _server_with(
        w, cn="elsewhere.example.test"), hinges_on=HOST_NAME),
    Case("server-cn-right-san-wrong", "server", False, lambda w: _server_with(
        w, san=["elsewhere.example.test"]), hinges_on=HOST_NAME),
    Case("server-wildcard-san", "server", True, lambda w: _server_with(
        w, cn="wild", san=["*.example.test"])),
    Case("server-ip-san", "server", True, lambda w: _server_with(
        w, cn="by address", san=["127.0.0.1"]), hostname="127.0.0.1"),
    # QEMU checks its own certificate against ca-cert.pem alone, and the
    # peer needs the intermediate too: here both ends share the file.
    Case("intermediate-in-ca-file-same-both-ends", "both", True,
         lambda w: _with_intermediate(w, "ca", with_client=True)),
    Case("intermediate-sent-with-cert", "server", False,
         lambda w: _with_intermediate(w, "cert")),
    Case("intermediate-missing", "server", False,
         lambda w: _with_intermediate(w, "nowhere")),
    Case("ca-file-expired-extra", "server", False, lambda w: dict(
        w.server_files(), **{"ca-cert.pem": w.ca_pem() + certs.cert_pem(
            certs.make_ca("old CA", key_name="old-ca",
                          not_before=NOW - 900 * DAY,
                          not_after=NOW - DAY).cert)})),
    Case("san-ip-only-cn-name", "server", False, lambda w: _server_with(
        w, san=["127.0.0.1"]), hinges_on=HOST_NAME),
    # QEMU 7.2 does not refuse its own revoked certificate.
    Case("crl-revokes-server", "server", True, lambda w: dict(
        w.server_files(), **{"ca-crl.pem": certs.crl_pem(
            w.ca, [w.server.cert.serial_number])})),
    Case("crl-revokes-another", "server", True, lambda w: dict(
        w.server_files(), **{"ca-crl.pem": certs.crl_pem(w.ca, [12345])})),
    Case("crl-garbage", "server", False, lambda w: dict(
        w.server_files(), **{"ca-crl.pem": b"not a CRL\n"})),
    Case("ca-file-two-cas", "server", True, lambda w: dict(
        w.server_files(), **{"ca-cert.pem": certs.cert_pem(w.other_ca.cert)
                             + w.ca_pem()})),
    Case("dh-params-good", "server", True, lambda w: dict(
        w.server_files(), **{"dh-params.pem": _dh_params()})),
    Case("dh-params-x942-label", "server", False, lambda w: dict(
        w.server_files(), **{"dh-params.pem": _dh_params(
            "X9.42 DH PARAMETERS")})),
    Case("dh-params-garbage", "server", False, lambda w: dict(
        w.server_files(), **{"dh-params.pem": b"-----BEGIN DH PARAMETERS"
                             b"-----\nAAAA\n-----END DH PARAMETERS-----\n"})),
    Case("encrypted-key-with-secret", "server", True,
         lambda w: w.server_files(), password=b"sesame-for-tests"),
    Case("encrypted-key-without-secret", "server", False,
         lambda w: w.server_files(), password=b"sesame-for-tests",
         give_secret=False),
    # -- what the QEMU user may read --------------------------------------
    Case("key-root-only", "server", False, lambda w: w.server_files(),
         modes=ROOT_ONLY_KEY, needs_root=True),
    Case("key-group-qemu-0640", "server", True, lambda w: w.server_files(),
         modes={".": (0, QEMU_GID, 0o750),
                "server-key.pem": (0, QEMU_GID, 0o640)}, needs_root=True),
    Case("dir-not-searchable", "server", False, lambda w: w.server_files(),
         modes={".": (0, 0, 0o700)}, needs_root=True),
    Case("dir-search-only", "server", True, lambda w: w.server_files(),
         modes={".": (0, 0, 0o711)}, needs_root=True),
    Case("key-supplementary-group", "server", True,
         lambda w: w.server_files(),
         modes={"server-key.pem": (0, EXTRA_GID, 0o640)},
         groups=(EXTRA_GID,), needs_root=True),
    Case("key-acl-user", "server", True, lambda w: w.server_files(),
         modes=ROOT_ONLY_KEY, needs_root=True,
         acls={"server-key.pem": [(ACL_USER_OBJ, 6, NO_ID),
                                  (ACL_USER, 4, QEMU_UID),
                                  (ACL_GROUP_OBJ, 0, NO_ID),
                                  (ACL_MASK, 4, NO_ID),
                                  (ACL_OTHER, 0, NO_ID)]}),
    Case("key-acl-masked", "server", False, lambda w: w.server_files(),
         modes=ROOT_ONLY_KEY, needs_root=True,
         acls={"server-key.pem": [(ACL_USER_OBJ, 6, NO_ID),
                                  (ACL_USER, 4, QEMU_UID),
                                  (ACL_GROUP_OBJ, 0, NO_ID),
                                  (ACL_MASK, 0, NO_ID),
                                  (ACL_OTHER, 0, NO_ID)]}),
    Case("dh-params-unreadable", "server", False, lambda w: dict(
        w.server_files(), **{"dh-params.pem": _dh_params()}),
         modes={"dh-params.pem": (0, 0, 0o600)}, needs_root=True),
    # -- the client side (NBD disks, chardev connect, migration source) --
    Case("client-good", "client", True, lambda w: w.client_files()),
    Case("client-ca-only-peer-verifies", "client", False,
         lambda w: {"ca-cert.pem": w.ca_pem()}, hinges_on=PEER_VERIFY),
    Case("client-ca-only-peer-trusts", "client", True,
         lambda w: {"ca-cert.pem": w.ca_pem()}, verify=False,
         hinges_on=PEER_VERIFY),
    Case("client-no-ca-cert", "client", False, lambda w: _replace(
        w.client_files(), ca_cert=None)),
    Case("client-expired", "client", False, lambda w: _client_with(
        w, not_before=NOW - 400 * DAY, not_after=NOW - DAY)),
    Case("client-wrong-ca", "client", False, lambda w: _client_with(
        w, issuer=w.other_ca)),
    Case("client-key-mismatch", "client", False, lambda w: w.client_files(
        key=certs.key("stranger"))),
    Case("client-cert-without-key", "client", False, lambda w: _replace(
        w.client_files(), client_key=None), hinges_on=PEER_VERIFY),
    Case("client-purpose-server-critical", "client", False,
         lambda w: _client_with(w, usage=_usage(
             purposes=("server",), purposes_critical=True))),
    Case("client-usage-sign-only-noncritical", "client", False,
         lambda w: _client_with(w, usage=_usage(
             key_usage=("key_cert_sign",), key_usage_critical=False,
             purposes=("client",)))),
    Case("client-key-root-only", "client", False, lambda w: w.client_files(),
         modes={"client-key.pem": (0, 0, 0o600)}, needs_root=True),
    # -- a migration host: the same directory serves and connects --------
    Case("migration-good", "both", True, lambda w: w.migration_files()),
    Case("migration-no-client-files", "both", False, lambda w: _replace(
        w.migration_files(), client_cert=None, client_key=None),
         hinges_on=PEER_VERIFY),
    Case("migration-no-client-files-no-verify", "both", True,
         lambda w: _replace(w.migration_files(), client_cert=None,
                            client_key=None), verify=False,
         hinges_on=PEER_VERIFY),
    Case("migration-wrong-host", "both", False, lambda w: w.migration_files(),
         hostname="other-host.example.test", hinges_on=HOST_NAME),
    Case("migration-libvirtd-client-names", "both", False, lambda w: dict(
        _replace(w.migration_files(), client_cert=None, client_key=None),
        **{"clientcert.pem": certs.cert_pem(w.both.cert),
           "clientkey.pem": certs.key_pem(w.both.key)}),
         hinges_on=PEER_VERIFY),
)


def build(world: World, case: Case, base: str) -> str:
    """Write ``case``'s directory under ``base``; return its path."""
    directory = os.path.join(base, case.name)
    os.makedirs(directory)
    os.chmod(directory, 0o755)
    for name, data in case.files(world).items():
        if case.password and name.endswith("-key.pem"):
            data = certs.key_pem(
                world.server.key if name.startswith("server")
                else world.client.key, case.password)
        certs.write(os.path.join(directory, name), data)

    for name, entries in case.acls.items():
        os.setxattr(os.path.join(directory, name), "system.posix_acl_access",
                    acl_xattr(entries))
    for name, (uid, gid, mode) in case.modes.items():
        path = os.path.normpath(os.path.join(directory, name))
        os.chown(path, uid, gid)
        os.chmod(path, mode)
    # The ACL's group class follows chmod: set the ACL again afterwards.
    for name, entries in case.acls.items():
        os.setxattr(os.path.join(directory, name), "system.posix_acl_access",
                    acl_xattr(entries))
    return directory
