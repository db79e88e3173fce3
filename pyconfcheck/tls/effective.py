"""Which x509 directory, verify flag and secret each TLS feature gets.

libvirt fills these in after reading qemu.conf (``SetDefaults``, facts
§5.3), for each feature in order:

1. secret: the feature's own ``F_tls_x509_secret_uuid``; else, only when
   the feature has no directory of its own in the file,
   ``default_tls_x509_secret_uuid`` (vnc, chardev, migrate, backup, vxhs,
   nbd — SPICE and RDP have no secret);
2. directory: the feature's own ``F_tls_x509_cert_dir``; else
   ``/etc/pki/libvirt-F`` *if it exists* — silently, even when
   ``default_tls_x509_cert_dir`` is set; else ``default_tls_x509_cert_dir``
   (``/etc/pki/qemu`` by default);
3. verify (vnc, chardev, migrate, backup): ``F_tls_x509_verify``; else
   ``default_tls_x509_verify``; else 0 for vnc and 1 for the others.

:func:`resolve_tls` gives all of it with where each value came from, for
the checks and for ``confcheck show``.
"""

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from ..settings import NEWEST_RELEASE

DEFAULT_DIR = "/etc/pki/qemu"

#: every feature libvirt resolves, in its order
FEATURES = ("vnc", "spice", "rdp", "chardev", "migrate", "backup", "vxhs",
            "nbd")
HAS_SECRET = ("vnc", "chardev", "migrate", "backup", "vxhs", "nbd")
VERIFY_DEFAULT = {"vnc": False, "chardev": True, "migrate": True,
                  "backup": True}

# Sources of a value.
LINE = "line"            # written in qemu.conf
DEFAULT = "default"      # libvirt's built-in default
INHERITED = "inherited"  # taken from a default_tls_x509_* setting
OVERRIDE = "override"    # /etc/pki/libvirt-<F> exists and wins silently
UNSET = "unset"


@dataclass(frozen=True)
class Source:
    kind: str
    #: the line (and setting) the value was read from; 0 for none
    line: int = 0
    column: int = 0
    setting: Optional[str] = None

    def describe(self) -> str:
        if self.kind == LINE:
            return f"line {self.line}"
        if self.kind == INHERITED:
            where = f", line {self.line}" if self.line else ""
            return f"inherited from {self.setting}{where}"
        if self.kind == OVERRIDE:
            return (f"{self.setting} exists, so libvirt uses it silently")
        return self.kind


@dataclass(frozen=True)
class TlsFeature:
    name: str
    directory: str
    directory_source: Source
    #: None for features without a verify setting (spice, rdp, vxhs, nbd)
    verify: Optional[bool]
    verify_source: Optional[Source]
    #: None when no secret applies
    secret_uuid: Optional[str]
    secret_source: Source

    @property
    def secret_setting(self) -> str:
        if self.secret_source.setting:
            return self.secret_source.setting
        return f"{self.name}_tls_x509_secret_uuid"


def features_in(version: Optional[Tuple[int, int]]) -> Tuple[str, ...]:
    """The features ``version`` of libvirt resolves (None = newest)."""
    effective = version or NEWEST_RELEASE
    names = []
    for name in FEATURES:
        if name == "rdp" and effective < (11, 3):
            continue
        if name == "vxhs" and effective > (11, 3):
            continue
        names.append(name)
    return tuple(names)


def _written(doc, name: str):
    """(value, Source) when ``name`` is in the file with a valid value."""
    entry = doc.first(name)
    if entry is None:
        return None, None
    value = doc.value(name)
    if value is None:
        return None, None
    return value, Source(LINE, entry.line, getattr(entry, "column", 0), name)


def resolve_tls(doc, host, version: Optional[Tuple[int, int]] = None
                ) -> Dict[str, TlsFeature]:
    """Every x509 feature of ``version`` with its effective values.

    ``host`` may be None (``--no-host``): the ``/etc/pki/libvirt-<F>``
    override cannot be seen then and is assumed absent.
    """
    default_dir, default_dir_source = _written(doc,
                                               "default_tls_x509_cert_dir")
    default_verify, default_verify_source = _written(
        doc, "default_tls_x509_verify")
    default_secret, default_secret_source = _written(
        doc, "default_tls_x509_secret_uuid")

    resolved = {}
    for name in features_in(version):
        own_dir, own_dir_source = _written(doc, f"{name}_tls_x509_cert_dir")

        secret, secret_source = None, Source(UNSET)
        if name in HAS_SECRET:
            secret, secret_source = _written(
                doc, f"{name}_tls_x509_secret_uuid")
            if secret is None:
                secret_source = Source(UNSET)
                if own_dir is None and default_secret is not None:
                    secret = default_secret
                    secret_source = Source(
                        INHERITED, default_secret_source.line,
                        default_secret_source.column,
                        "default_tls_x509_secret_uuid")

        override = f"/etc/pki/libvirt-{name}"
        if own_dir is not None:
            directory, directory_source = own_dir, own_dir_source
        elif host is not None and host.exists(override):
            directory, directory_source = override, Source(
                OVERRIDE, setting=override)
        elif default_dir is not None:
            directory = default_dir
            directory_source = Source(
                INHERITED, default_dir_source.line,
                default_dir_source.column, "default_tls_x509_cert_dir")
        else:
            directory, directory_source = DEFAULT_DIR, Source(DEFAULT)

        verify, verify_source = None, None
        if name in VERIFY_DEFAULT:
            verify, verify_source = _written(doc, f"{name}_tls_x509_verify")
            if verify is None and default_verify is not None:
                verify = default_verify
                verify_source = Source(
                    INHERITED, default_verify_source.line,
                    default_verify_source.column, "default_tls_x509_verify")
            elif verify is None:
                verify, verify_source = VERIFY_DEFAULT[name], Source(DEFAULT)
            verify = bool(verify)

        resolved[name] = TlsFeature(name, directory, directory_source,
                                    verify, verify_source, secret,
                                    secret_source)
    return resolved
