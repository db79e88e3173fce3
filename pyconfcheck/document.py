"""The document: a parsed qemu.conf plus the typed value of every setting."""

from typing import Dict, List, Optional, Tuple

from . import settings
from .syntax import getters, virconf

Version = Optional[Tuple[int, int]]


class Document:
    """qemu.conf as libvirt ``version`` sees it.

    ``entries`` holds every assignment, in file order, duplicates included.
    ``first(name)`` is the one libvirt uses.  ``value(name)`` is its typed
    value when the setting is known to the version and its getter accepts
    it, else None.
    """

    def __init__(self, data: bytes, version: Version = None,
                 truncated: bool = False):
        self.data = data
        self.version = version
        #: the file is larger than libvirt's limit (data holds a prefix)
        self.truncated = truncated
        # Comment lines are not kept: no check reads them, and they are
        # most of a large file (a 10 MiB one would hold 250,000).
        self.parse = virconf.parse_bytes(data, version, comments=False)
        self.entries: List[virconf.Entry] = self.parse.entries
        self.by_name: Dict[str, List[virconf.Entry]] = {}
        for entry in self.entries:
            self.by_name.setdefault(entry.name, []).append(entry)
        self._typed: Dict[str, tuple] = {}
        self._lines: Optional[List[str]] = None

    @property
    def error(self) -> Optional[virconf.SyntaxIssue]:
        return self.parse.error

    @property
    def readable(self) -> bool:
        """True when libvirt would get past reading and parsing."""
        return self.parse.error is None and not self.truncated

    def first(self, name: str) -> Optional[virconf.Entry]:
        found = self.by_name.get(name)
        return found[0] if found else None

    def is_set(self, name: str) -> bool:
        return name in self.by_name

    def typed(self, name: str):
        """(value, getter_error) for the entry libvirt uses, or (None, None)."""
        if name not in self._typed:
            entry = self.first(name)
            setting = settings.lookup(name)
            if entry is None or setting is None:
                self._typed[name] = (None, None)
            else:
                self._typed[name] = getters.get(entry.value, setting.kind,
                                                name)
        return self._typed[name]

    def value(self, name: str, default=None):
        """The typed value libvirt ``version`` uses, or ``default``."""
        setting = settings.lookup(name)
        if setting is None or not setting.read_in(self.version):
            return default
        value, error = self.typed(name)
        if error is not None or self.first(name) is None:
            return default
        return value

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, for excerpts."""
        if self._lines is None:
            self._lines = virconf.decode(self.data).split("\n")
        if 1 <= line <= len(self._lines):
            return self._lines[line - 1].rstrip("\r")
        return ""
