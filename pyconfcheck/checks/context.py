"""What every check receives: the document, the host and the options."""

from dataclasses import dataclass, field
from typing import Optional, Tuple

from ..findings import Finding
from ..host import Host, Identity


@dataclass
class CheckContext:
    #: the path findings name (``--as`` may differ from the file read)
    path: str
    #: the parsed file (pyconfcheck.document.Document)
    doc: object
    #: the host, or None under ``--no-host`` (checks that need it skip)
    host: Optional[Host]
    #: the libvirt release judged against; None = newest + TLS-PSK proposal
    version: Optional[Tuple[int, int]] = None
    session: bool = False
    #: identities the migration source will send (``--psk-identity``)
    psk_identities: Tuple[str, ...] = ()
    migrate_uri: Optional[str] = None
    #: "source", "destination" or None for both
    role: Optional[str] = None
    #: the release installed on the checked host (its package database),
    #: when ``version`` comes from there; None otherwise
    version_detected: Optional[Tuple[int, int]] = None
    #: False when no LNS rule is selected: the Augeas load is skipped
    lens_check: bool = True
    #: resolved lazily by pyconfcheck.effective
    _cache: dict = field(default_factory=dict)

    def finding(self, code: str, message: str, line: int = 0,
                column: int = 0, **extra) -> Finding:
        """A finding with the rule's default severity and stage."""
        from .. import rules

        rule = rules.get(code)
        extra.setdefault("severity", rule.severity)
        extra.setdefault("stage", rule.stage)
        return Finding(path=self.path, line=line, column=column, code=code,
                       message=message, **extra)

    @property
    def qemu_identity(self) -> Optional[Identity]:
        """The uid, gid and groups QEMU runs with, or None if unknown."""
        if "qemu_identity" not in self._cache:
            from .. import effective

            self._cache["qemu_identity"] = effective.qemu_identity(self)
        return self._cache["qemu_identity"]
