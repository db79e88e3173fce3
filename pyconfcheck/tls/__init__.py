"""x509 TLS credentials and the QEMU user's access to them.

* ``effective`` — which directory, verify flag and secret each TLS feature
  ends up with, and where each came from (libvirt's SetDefaults rules);
* ``x509`` — what QEMU will make of a credentials directory;
* ``access`` — whether the QEMU user can reach and read a file (Unix
  bits, supplementary groups, POSIX ACLs, SELinux labels, AppArmor);
* ``check`` — the ``X509`` and ``ACC`` rules, run per feature.

``x509`` and ``access`` return :class:`Problem` values; ``check`` turns
them into findings at the line that chose the directory.
"""

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a credentials file or directory.

    ``code`` is a rule code (``X509…``, ``ACC…``); ``message`` names paths
    and identities only, never key material.
    """

    code: str
    message: str
    #: the host path the problem is about
    path: Optional[str] = None
