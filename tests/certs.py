"""A small certificate factory for the x509 tests, the oracle and the demo.

Everything is made with ``cryptography``.  Keys are the slow part, so a few
RSA keys are made once per process and handed out by name; a case that
needs a key of its own (a mismatch) asks for another name.
"""

import datetime
import ipaddress
import os
from dataclasses import dataclass, field
from typing import Dict, Optional, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_KEYS: Dict[str, rsa.RSAPrivateKey] = {}

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def key(name: str = "default") -> rsa.RSAPrivateKey:
    """The RSA key called ``name``, made on first use and then reused."""
    if name not in _KEYS:
        _KEYS[name] = rsa.generate_private_key(public_exponent=65537,
                                               key_size=2048)
    return _KEYS[name]


@dataclass
class Issued:
    """A certificate and the key that belongs to it."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey


@dataclass
class Usage:
    """Extensions of a certificate; ``None`` leaves an extension out."""

    ca: Optional[bool] = False
    ca_critical: bool = True
    key_usage: Optional[Sequence[str]] = ()
    key_usage_critical: bool = True
    purposes: Optional[Sequence[str]] = ()
    purposes_critical: bool = False
    extra: list = field(default_factory=list)


_KEY_USAGE_FLAGS = ("digital_signature", "content_commitment",
                    "key_encipherment", "data_encipherment", "key_agreement",
                    "key_cert_sign", "crl_sign", "encipher_only",
                    "decipher_only")

_PURPOSES = {"server": ExtendedKeyUsageOID.SERVER_AUTH,
             "client": ExtendedKeyUsageOID.CLIENT_AUTH,
             "email": ExtendedKeyUsageOID.EMAIL_PROTECTION}

CA_USAGE = Usage(ca=True, key_usage=("key_cert_sign", "crl_sign"))
SERVER_USAGE = Usage(ca=False,
                     key_usage=("digital_signature", "key_encipherment"),
                     purposes=("server",))
CLIENT_USAGE = Usage(ca=False,
                     key_usage=("digital_signature", "key_encipherment"),
                     purposes=("client",))


def _name(common_name: Optional[str]) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                                     "confcheck tests")]
    if common_name is not None:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME,
                                             common_name))
    return x509.Name(attributes)


def _san(names: Sequence[str]) -> x509.SubjectAlternativeName:
    general = []
    for name in names:
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(general)


def issue(common_name: Optional[str], usage: Usage,
          issuer: Optional[Issued] = None, key_name: str = "default",
          san: Sequence[str] = (), not_before=None, not_after=None,
          serial: Optional[int] = None) -> Issued:
    """A certificate for ``key(key_name)``, self-signed when no issuer."""
    subject_key = key(key_name)
    signer_key = issuer.key if issuer else subject_key
    issuer_name = issuer.cert.subject if issuer else _name(common_name)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name))
               .issuer_name(issuer_name)
               .public_key(subject_key.public_key())
               .serial_number(serial or x509.random_serial_number())
               .not_valid_before(not_before or NOW - DAY)
               .not_valid_after(not_after or NOW + 7305 * DAY))

    if usage.ca is not None:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=usage.ca, path_length=None),
            critical=usage.ca_critical)

    if usage.key_usage is not None:
        flags = {flag: flag in usage.key_usage for flag in _KEY_USAGE_FLAGS}
        if not flags["key_agreement"]:
            flags["encipher_only"] = flags["decipher_only"] = False
        builder = builder.add_extension(x509.KeyUsage(**flags),
                                        critical=usage.key_usage_critical)

    if usage.purposes:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([_PURPOSES[p] for p in usage.purposes]),
            critical=usage.purposes_critical)

    if san:
        builder = builder.add_extension(_san(san), critical=False)

    builder = builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()),
        critical=False)
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer.key.public_key()), critical=False)

    cert = builder.sign(signer_key, hashes.SHA256())
    return Issued(cert, subject_key)


def make_ca(name: str = "confcheck test CA", key_name: str = "ca",
            **extra) -> Issued:
    return issue(name, extra.pop("usage", CA_USAGE), key_name=key_name,
                 **extra)


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(private_key, password: Optional[bytes] = None) -> bytes:
    if password:
        encryption = serialization.BestAvailableEncryption(password)
    else:
        encryption = serialization.NoEncryption()
    return private_key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     encryption)


def write(path: str, data: bytes, mode: int = 0o644) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def write_pair(directory: str, prefix: str, issued: Issued,
               password: Optional[bytes] = None, mode: int = 0o644) -> None:
    """``<prefix>-cert.pem`` and ``<prefix>-key.pem`` in ``directory``."""
    write(os.path.join(directory, f"{prefix}-cert.pem"),
          cert_pem(issued.cert), mode)
    write(os.path.join(directory, f"{prefix}-key.pem"),
          key_pem(issued.key, password), mode)


def crl_pem(issuer: Issued, revoked_serials: Sequence[int] = ()) -> bytes:
    """A PEM CRL signed by ``issuer`` listing ``revoked_serials``."""
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(issuer.cert.subject)
               .last_update(NOW - DAY)
               .next_update(NOW + 365 * DAY))
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial).revocation_date(NOW - DAY).build())
    crl = builder.sign(issuer.key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.PEM)
