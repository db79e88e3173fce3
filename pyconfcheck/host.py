"""The host a qemu.conf will run on: its files and its accounts.

Every path a check looks at goes through :class:`Host`, so ``--root DIR``
makes DIR the host's ``/`` for files, symlinks and accounts alike.  Checks
only read; nothing here writes.
"""

import errno
import os
import stat
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

_MAX_SYMLINKS = 40

#: errnos that mean confcheck itself may not look, not that a path is absent
_DENIED = (errno.EACCES, errno.EPERM)

#: the account databases, by the kind of name they resolve
ACCOUNT_FILES = {"user": "/etc/passwd", "group": "/etc/group"}


def permission_denied(exc: BaseException) -> bool:
    """Whether a failed stat or open was refused to confcheck itself.

    Run as an ordinary user over a tree it cannot fully read, confcheck
    must say "not checked" for such a path, never "missing".
    """
    return getattr(exc, "errno", None) in _DENIED


def _refused(path: str) -> str:
    return f"confcheck cannot read {path} (permission denied)"


class HostPathError(Exception):
    """A path that cannot be resolved (loop, too deep)."""


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str = ""


@dataclass(frozen=True)
class GroupEntry:
    name: str
    gid: int
    members: Tuple[str, ...]


def _parse_colon_file(text: str, fields: int) -> List[List[str]]:
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        if len(parts) < fields:
            continue
        rows.append(parts)
    return rows


class Host:
    """A view of a host's filesystem rooted at ``root`` ("/" for live)."""

    def __init__(self, root: str = "/"):
        #: the root as the user wrote it, for naming files in findings
        self.given_root = root
        self.root = os.path.abspath(root)
        self.live = self.root == "/"
        self._passwd: Optional[Dict[str, Account]] = None
        self._groups: Optional[Dict[str, GroupEntry]] = None
        #: account database -> why confcheck could not read it
        self._unreadable_accounts: Dict[str, str] = {}

    # -- paths -----------------------------------------------------------

    def resolve(self, path: str) -> str:
        """The real path on this machine for host path ``path``.

        Symlinks are followed inside the root: an absolute link target is
        taken relative to the host's ``/``, and ``..`` never leaves it.
        A missing component ends the walk (the rest is appended as is).
        Raises HostPathError on a symlink loop.
        """
        if self.live:
            return os.path.realpath(path) if _has_loop_free(path) else path
        parts = [p for p in path.split("/") if p]
        resolved: List[str] = []
        followed = 0
        while parts:
            part = parts.pop(0)
            if part == ".":
                continue
            if part == "..":
                if resolved:
                    resolved.pop()
                continue
            candidate = os.path.join(self.root, *resolved, part)
            try:
                is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
            except OSError:
                resolved.append(part)
                resolved.extend(parts)
                break
            if not is_link:
                resolved.append(part)
                continue
            followed += 1
            if followed > _MAX_SYMLINKS:
                raise HostPathError(
                    f"too many levels of symbolic links in '{path}'")
            target = os.readlink(candidate)
            target_parts = [p for p in target.split("/") if p]
            if target.startswith("/"):
                resolved = []
            parts = target_parts + parts
        return os.path.join(self.root, *resolved)

    def resolve_inside(self, path: str) -> str:
        """``resolve``, for a path confcheck is about to create or write.

        ``resolve`` appends what follows a missing component as written,
        which is right for a read (the kernel fails on it as the host
        would), but ``missing/../../..`` in it would leave the root once
        the missing directory is made.  Here that rest is normalised
        inside the root too.  Raises HostPathError as ``resolve`` does.
        """
        real = self.resolve(path)
        if self.live:
            return real
        inside: List[str] = []
        for part in real[len(self.root):].split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if inside:
                    inside.pop()
                continue
            inside.append(part)
        return os.path.join(self.root, *inside)

    def display(self, path: str) -> str:
        """How to name a host path in a message (as the host sees it)."""
        return path

    def location(self, path: str) -> str:
        """Where a finding about host file ``path`` points.

        Under ``--root`` it is the file in the tree (``tree/etc/...``), a
        path that editors, CI annotations and SARIF viewers can open.
        """
        if self.live or not path.startswith("/"):
            return path
        return os.path.join(self.given_root, path.lstrip("/"))

    def stat(self, path: str) -> os.stat_result:
        """stat() of a host path; OSError as stat raises it."""
        if path == "":
            # As in C: the empty path names nothing (not the cwd, not /).
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT),
                                    path)
        try:
            real = self.resolve(path)
        except HostPathError as exc:
            raise OSError(errno.ELOOP, str(exc)) from None
        return os.stat(real)

    def lstat(self, path: str) -> os.stat_result:
        real = self.resolve(os.path.dirname(path) or "/")
        return os.lstat(os.path.join(real, os.path.basename(path)))

    def denied(self, path: str) -> bool:
        """stat() of ``path`` is refused to confcheck (EACCES, EPERM).

        Then whether the path exists is unknown; ``exists`` says False.
        """
        return self.refusal(path, contents=False) is not None

    def refusal(self, path: str, contents: bool = True) -> Optional[str]:
        """Why confcheck itself may not look at ``path``, or None.

        With ``contents`` the file must be readable too; without, only
        stat() counts (a directory, a socket, a program).  The words are
        those of the HOST002 notes: a path refused is "not checked".
        """
        try:
            if contents:
                self.read_bytes(path, 0)
            else:
                self.stat(path)
        except OSError as exc:
            if permission_denied(exc):
                return _refused(path)
        return None

    def exists(self, path: str) -> bool:
        """libvirt's virFileExists: the path exists (any type)."""
        try:
            self.stat(path)
        except OSError:
            return False
        return True

    def read_bytes(self, path: str, limit: int) -> bytes:
        """Up to ``limit`` + 1 bytes of a regular host file.

        Raises OSError (reader.ReadError) for anything else: missing,
        unreadable, a directory, a FIFO, a symlink loop.
        """
        from .reader import read_limited

        try:
            real = self.resolve(path)
        except HostPathError as exc:
            raise OSError(errno.ELOOP, str(exc)) from None
        return read_limited(real, limit)

    # -- accounts --------------------------------------------------------

    def _read_text(self, path: str) -> str:
        try:
            return self.read_bytes(path, 16 << 20).decode("utf-8", "replace")
        except OSError:
            return ""

    def _read_accounts(self, path: str) -> str:
        # A database confcheck may not read is remembered, so that an
        # account it cannot find is "not checked" rather than "missing".
        try:
            return self.read_bytes(path, 16 << 20).decode("utf-8", "replace")
        except OSError as exc:
            if permission_denied(exc):
                self._unreadable_accounts[path] = _refused(path)
            return ""

    def accounts_unreadable(self, kind: str) -> Optional[str]:
        """Why names of ``kind`` ("user", "group") cannot be looked up.

        None when the database was read (or is simply absent, in which
        case no name resolves, as on the host itself).
        """
        table = self.users if kind == "user" else self.groups
        if table:
            return None
        return self._unreadable_accounts.get(ACCOUNT_FILES[kind])

    @property
    def users(self) -> Dict[str, Account]:
        if self._passwd is None:
            accounts = {}
            text = self._read_accounts(ACCOUNT_FILES["user"])
            for row in _parse_colon_file(text, 4):
                try:
                    account = Account(row[0], int(row[2]), int(row[3]),
                                      row[5] if len(row) > 5 else "")
                except ValueError:
                    continue
                accounts.setdefault(account.name, account)
            self._passwd = accounts
        return self._passwd

    @property
    def groups(self) -> Dict[str, GroupEntry]:
        if self._groups is None:
            groups = {}
            text = self._read_accounts(ACCOUNT_FILES["group"])
            for row in _parse_colon_file(text, 3):
                try:
                    gid = int(row[2])
                except ValueError:
                    continue
                members = tuple(m for m in (row[3] if len(row) > 3
                                            else "").split(",") if m)
                groups.setdefault(row[0], GroupEntry(row[0], gid, members))
            self._groups = groups
        return self._groups

    def user_by_uid(self, uid: int) -> Optional[Account]:
        for account in self.users.values():
            if account.uid == uid:
                return account
        return None

    def group_by_gid(self, gid: int) -> Optional[GroupEntry]:
        for group in self.groups.values():
            if group.gid == gid:
                return group
        return None

    def supplementary_gids(self, user_name: str) -> Tuple[int, ...]:
        return tuple(sorted(g.gid for g in self.groups.values()
                            if user_name in g.members))

    def os_release(self) -> Dict[str, str]:
        values = {}
        text = self._read_text("/etc/os-release") or self._read_text(
            "/usr/lib/os-release")
        for line in text.splitlines():
            if "=" not in line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("\"'")
        return values


def _has_loop_free(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno != errno.ELOOP
    return True


@dataclass(frozen=True)
class Identity:
    """The credentials a process runs with, for permission checks."""

    uid: int
    gid: int
    groups: Tuple[int, ...] = ()

    def in_group(self, gid: int) -> bool:
        return gid == self.gid or gid in self.groups


def may_access(info: os.stat_result, who: Identity, want: int) -> bool:
    """Classic Unix permission check; ``want`` is a mask of R_OK/W_OK/X_OK.

    root (uid 0) may read and search anything and execute where any x bit
    is set.  POSIX ACLs are not consulted here (see access.py).
    """
    if who.uid == 0:
        if want & os.X_OK and not stat.S_ISDIR(info.st_mode):
            return bool(info.st_mode & 0o111)
        return True
    mode = info.st_mode
    if info.st_uid == who.uid:
        bits = (mode >> 6) & 7
    elif who.in_group(info.st_gid):
        bits = (mode >> 3) & 7
    else:
        bits = mode & 7
    return (bits & want) == want
