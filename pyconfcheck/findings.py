"""Findings: what every check produces and every reporter prints."""

from dataclasses import dataclass, field
from typing import Optional

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

# When the problem bites.
STAGE_START = "start"          # the QEMU driver will not start
STAGE_VM_START = "vm-start"    # a guest using the feature will not start
STAGE_MIGRATION = "migration"  # a migration (handshake) will fail
STAGE_EDIT = "edit"            # Augeas-based tools cannot edit the file
STAGE_NONE = "none"


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``line`` and ``column`` are 1-based; 0 means the finding is about the
    file (or a host) as a whole.  ``message`` must never hold key material
    or a password: checks pass identities, line numbers and lengths only.
    """

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str
    stage: str = STAGE_NONE
    #: which reader or side fails, where that matters (PSK: source,
    #: destination, both)
    side: Optional[str] = None
    #: the setting the finding is about, if any
    setting: Optional[str] = None
    #: False when the source line must not be echoed (it holds a secret)
    show_source: bool = True
    #: the start-up error the daemon meets first, the only one it reports
    daemon_first: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self):
        return (self.path, self.line, self.column,
                SEVERITY_ORDER.get(self.severity, 9), self.code)

    def as_dict(self):
        data = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "stage": self.stage,
        }
        if self.side is not None:
            data["side"] = self.side
        if self.setting is not None:
            data["setting"] = self.setting
        if self.daemon_first:
            data["daemon_first"] = True
        return data
