"""The check as a plain function: what the CLI (and tests) call."""

import os
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from . import checks
from .checks.context import CheckContext
from .document import Document
from .findings import ERROR, Finding
from .host import Host
from .reader import MAX_CONFIG_SIZE, read_limited

DEFAULT_CONFIG = "/etc/libvirt/qemu.conf"


@dataclass
class Options:
    root: Optional[str] = None
    no_host: bool = False
    version: Optional[Tuple[int, int]] = None
    session: bool = False
    psk_identities: Tuple[str, ...] = ()
    migrate_uri: Optional[str] = None
    role: Optional[str] = None


@dataclass
class Report:
    findings: List[Finding] = field(default_factory=list)
    documents: dict = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


def check_bytes(data: bytes, path: str, options: Options) -> Tuple[
        List[Finding], Document]:
    """Check qemu.conf content as if installed at ``path`` on the host."""
    truncated = len(data) > MAX_CONFIG_SIZE
    document = Document(data[:MAX_CONFIG_SIZE] if truncated else data,
                        options.version, truncated=truncated)
    host = None if options.no_host else Host(options.root or "/")
    ctx = CheckContext(path=path, doc=document, host=host,
                       version=options.version, session=options.session,
                       psk_identities=tuple(options.psk_identities),
                       migrate_uri=options.migrate_uri, role=options.role)
    findings = sorted(checks.run(ctx), key=Finding.sort_key)
    return findings, document


def check_file(path: str, options: Options, display: Optional[str] = None
               ) -> Tuple[List[Finding], Document]:
    """Read and check one file; ReadError when it cannot be read."""
    data = read_limited(path)
    return check_bytes(data, display or path, options)


def default_config_path(options: Options) -> str:
    if options.root:
        return os.path.join(options.root, DEFAULT_CONFIG.lstrip("/"))
    return DEFAULT_CONFIG
