"""Which libvirt release a checked tree runs, from its package database.

Without ``--libvirt-version`` confcheck judges a file against the release
installed on the host it checks (the live host, or the tree under
``--root``).  Debian and Ubuntu keep that in ``/var/lib/dpkg/status``; RPM
databases are binary (SQLite or Berkeley DB) and are read only when the
``rpm`` Python bindings are installed.  When nothing answers, the caller
keeps the default target (the newest release with the TLS-PSK proposal).
"""

import re
from typing import Iterator, Optional, Tuple

#: Packages whose version is libvirt's, in the order they are trusted: the
#: QEMU driver itself first, then the daemon, then the library.
LIBVIRT_PACKAGES = ("libvirt-daemon-driver-qemu", "libvirt-daemon",
                    "libvirt0", "libvirt-daemon-common", "libvirt-libs")

DPKG_STATUS = "/var/lib/dpkg/status"
_DPKG_LIMIT = 64 << 20

_LIBVIRT_PACKAGE_LINE = re.compile(
    rb"^package:[ \t]*(?:%s)[ \t]*$"
    % b"|".join(re.escape(name.encode()) for name in LIBVIRT_PACKAGES),
    re.MULTILINE | re.IGNORECASE)

# "9.0.0-4+deb12u2", "1:10.0.0-2ubuntu8", "12.9.0-1~bpo13+1"
_UPSTREAM = re.compile(r"^(?:\d+:)?(\d+)\.(\d+)")


def detect_version(host) -> Optional[Tuple[int, int]]:
    """(major, minor) of the libvirt installed on ``host``, or None.

    ``host`` is a :class:`pyconfcheck.host.Host` (or None under
    ``--no-host``, which answers None).
    """
    if host is None:
        return None
    installed = dict(_dpkg_versions(host))
    if not installed:
        installed = dict(_rpm_versions(host))
    for package in LIBVIRT_PACKAGES:
        version = installed.get(package)
        if version is not None:
            return version
    return None


def describe(version: Optional[Tuple[int, int]]) -> str:
    return "%d.%d" % version if version else "newest"


def _dpkg_versions(host) -> Iterator[Tuple[str, Tuple[int, int]]]:
    try:
        data = host.read_bytes(DPKG_STATUS, _DPKG_LIMIT)
    except OSError:
        return
    # The database lists every package (megabytes on a full host): find
    # the few stanzas that name a libvirt package and read only those.
    for match in _LIBVIRT_PACKAGE_LINE.finditer(data):
        start = data.rfind(b"\n\n", 0, match.start()) + 1
        end = data.find(b"\n\n", match.end())
        stanza = data[start:end if end >= 0 else len(data)]
        fields = _stanza_fields(stanza.decode("utf-8", "replace"))
        package = fields.get("package")
        if package not in LIBVIRT_PACKAGES:
            continue
        # Only an installed package counts: "deinstall ok config-files"
        # means the configuration stayed behind without the daemon.
        if not fields.get("status", "").endswith(" installed"):
            continue
        match = _UPSTREAM.match(fields.get("version", ""))
        if match:
            yield package, (int(match.group(1)), int(match.group(2)))


def _stanza_fields(stanza: str) -> dict:
    fields = {}
    for line in stanza.splitlines():
        if not line or line[0] in " \t" or ":" not in line:
            continue
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields


def _rpm_versions(host) -> Iterator[Tuple[str, Tuple[int, int]]]:
    try:
        import rpm  # the distribution's bindings; absent on most hosts
    except ImportError:
        return
    try:
        root = host.resolve("/")
        rpm.addMacro("_dbpath", root.rstrip("/") + "/var/lib/rpm")
        transaction = rpm.TransactionSet(root)
        for header in transaction.dbMatch():
            name = header["name"]
            name = name.decode() if isinstance(name, bytes) else name
            if name not in LIBVIRT_PACKAGES:
                continue
            version = header["version"]
            version = version.decode() if isinstance(version, bytes) \
                else version
            match = _UPSTREAM.match(version)
            if match:
                yield name, (int(match.group(1)), int(match.group(2)))
    except Exception:  # a damaged or foreign database: no answer
        return
    finally:
        try:
            rpm.delMacro("_dbpath")
        except Exception:
            pass
