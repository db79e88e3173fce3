"""Writing keys.psk safely: the only code of confcheck that writes.

What psktool gets wrong for libvirt (facts/psk.md section 3), and what is
done here instead:

* the entry is named ``qemu`` (QEMU's default identity), not after the
  user who runs the command;
* a new file is 0640 owned by root and the QEMU group (QEMU opens it
  itself), a new directory 0750;
* every other line is kept byte for byte: comments, blank lines, long
  lines, a last line without a newline (which gets one, so the new entry
  is not glued onto it);
* the file is replaced atomically (a temporary file in the same
  directory, fsync, rename), so a destination that re-reads it at every
  handshake never sees a partial file; an existing file keeps its owner,
  group, mode, ACL and SELinux label; a symlink is followed (under
  ``--root`` the caller resolves it inside the tree: ``key_path``);
* concurrent runs are serialised with a lock on the directory, and no
  ``.tmp`` file left behind by a killed run can block the next one.
"""

import errno
import fcntl
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from typing import Optional, Tuple

from . import keyfile
from .fingerprint import fingerprint

DEFAULT_BYTES = 32
MIN_BYTES = 16
MAX_BYTES = 512
FILE_MODE = 0o640
DIR_MODE = 0o750
#: extended attributes that carry an ACL or a security label
_KEPT_XATTRS = ("system.posix_acl_access", "security.selinux")


class GenerateError(Exception):
    """A refusal; ``str()`` says why, in one line, without key material."""


@dataclass(frozen=True)
class Result:
    path: str
    line: int
    size: int
    action: str          # "added", "rotated"
    #: the new entry's fingerprint (``fingerprint.fingerprint``)
    fingerprint: str
    created_file: bool
    created_dir: bool
    #: a note when ownership could not be set (not running as root)
    note: Optional[str] = None


def identity_problem(identity: str) -> Optional[str]:
    """Why ``identity`` cannot be used by both readers, or None."""
    raw = identity.encode("utf-8", "surrogateescape")
    if not raw:
        return "an empty identity cannot be sent in a handshake"
    if b":" in raw:
        return ("it contains ':', which GnuTLS on the destination takes as "
                "the end of the name")
    if raw.startswith(b"#"):
        return ("it starts with '#', which GnuTLS on the destination takes "
                "as a hex-encoded name")
    if any(byte < 0x20 or byte == 0x7f for byte in raw):
        return "it contains control characters (a newline, a tab, a NUL...)"
    if raw != raw.strip(b" "):
        return "it starts or ends with a space"
    if len(raw) > keyfile.SAFE_IDENTITY_BYTES:
        return (f"it is {len(raw)} bytes long; keep names within "
                f"{keyfile.SAFE_IDENTITY_BYTES}")
    return None


def key_from_file(data: bytes, identity: str) -> bytes:
    """The key both readers take for ``identity`` from another keys.psk."""
    raw = identity.encode("utf-8", "surrogateescape")
    client = keyfile.client_lookup(data, raw)
    server = keyfile.server_lookup(data, raw)
    if client.line is None and server.line is None:
        raise GenerateError(f"no line for identity "
                            f"{keyfile.show_name(raw)} in the --from file")
    if not (client.works and server.works) or client.key != server.key:
        raise GenerateError(
            f"the --from file's line for identity {keyfile.show_name(raw)} "
            "is not usable by both QEMU and GnuTLS; run `confcheck psk "
            "check` on it")
    if len(client.key) < MIN_BYTES:
        raise GenerateError(
            f"the --from file's key for identity {keyfile.show_name(raw)} "
            f"is only {len(client.key)} bytes; at least {MIN_BYTES} are "
            "needed")
    return client.key


def _entry_lines(data: bytes, raw: bytes):
    """(plain line numbers, #hex line numbers) naming ``raw``."""
    plain, hexed = [], []
    for line in keyfile.split_lines(data):
        text = line.text
        if text.startswith(raw + b":"):
            plain.append(line.number)
        elif text.startswith(b"#") and b":" in text:
            if keyfile.hex_name(text[1:].split(b":", 1)[0]) == raw:
                hexed.append(line.number)
    return plain, hexed


def updated_content(data: bytes, identity: str, key: bytes,
                    rotate: bool) -> Tuple[bytes, int, str]:
    """The new file content, the entry's line number and what was done.

    Only the entry's own line changes (or a line is added); every other
    byte stays.  A last line without a newline gets one.
    """
    raw = identity.encode("utf-8", "surrogateescape")
    entry = raw + b":" + key.hex().encode("ascii")
    plain, hexed = _entry_lines(data, raw)
    shown = keyfile.show_name(raw)

    if hexed:
        raise GenerateError(
            f"line {hexed[0]} holds identity {shown} in its #hex form, "
            "which only the destination reads; remove that line first")
    if plain and not rotate:
        raise GenerateError(
            f"identity {shown} already has a key on line {plain[0]}; use "
            "--rotate to replace it")
    if not plain and rotate:
        raise GenerateError(f"identity {shown} has no key to rotate; leave "
                            "out --rotate to add one")

    if plain:
        lines = data.split(b"\n")
        target = plain[0] - 1
        # A last line without LF gets one, so psktool cannot glue on it.
        lines[target] = entry if target < len(lines) - 1 else entry + b"\n"
        content, number, action = b"\n".join(lines), plain[0], "rotated"
    else:
        if data and not data.endswith(b"\n"):
            data += b"\n"
        number = data.count(b"\n") + 1
        content, action = data + entry + b"\n", "added"
    _both_read(content, raw, key, number)
    return content, number, action


def _both_read(content: bytes, raw: bytes, key: bytes, number: int) -> None:
    """Refuse a result in which a reader would not take the new key.

    Other lines are kept byte for byte, so one of them can still hide the
    entry: a NUL byte ends the file for QEMU, and a line GnuTLS reads as
    the same name (``qemu<NUL>...:``) comes first for the destination.
    """
    shown = keyfile.show_name(raw)
    if keyfile.client_lookup(content, raw).key != key:
        nul = content.find(b"\0")
        where = content.count(b"\n", 0, nul) + 1 if nul >= 0 else None
        why = (f"a NUL byte on line {where} ends the file for QEMU on the "
               "source, which would never see it" if where is not None
               else "QEMU on the source would not read it")
        raise GenerateError(f"line {number} for identity {shown} would not "
                            f"work: {why}; remove that byte first")
    server = keyfile.server_lookup(content, raw)
    if server.key != key:
        raise GenerateError(
            f"line {number} for identity {shown} would not work: GnuTLS on "
            f"the destination reads line {server.line} as that name first; "
            "fix or remove that line first (`confcheck psk check`)")


def _lock(directory: str) -> int:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _copy_metadata(source: os.stat_result, source_path: str, fd: int,
                   note: list) -> None:
    """Owner, group, mode, ACL and label of the file being replaced."""
    try:
        os.fchown(fd, source.st_uid, source.st_gid)
    except PermissionError:
        if (source.st_uid, source.st_gid) != (os.getuid(), os.getgid()):
            note.append("could not keep the file's owner and group (not "
                        "running as root)")
    os.fchmod(fd, stat.S_IMODE(source.st_mode))
    for name in _KEPT_XATTRS:
        try:
            value = os.getxattr(source_path, name)
        except OSError:
            continue
        try:
            os.setxattr(fd, name, value)
        except OSError:
            note.append(f"could not keep the {name.split('.')[1]} attribute")


#: why a new directory or file did not get root:<QEMU group>
GROUP_UNKNOWN, NOT_ROOT = "group unknown", "not root"


def _new_file_metadata(fd: int, gid: Optional[int]) -> Optional[str]:
    """Mode and owner of a new file; GROUP_UNKNOWN, NOT_ROOT or None."""
    os.fchmod(fd, FILE_MODE)
    if gid is None:
        return GROUP_UNKNOWN
    try:
        os.fchown(fd, 0, gid)
    except PermissionError:
        return NOT_ROOT
    return None


def _ownership_note(gid: Optional[int], problems: dict) -> Optional[str]:
    """One sentence for what did not get root:<QEMU group>.

    ``problems`` maps "directory" and "file" (the new ones) to
    GROUP_UNKNOWN, NOT_ROOT or None.
    """
    for problem in (GROUP_UNKNOWN, NOT_ROOT):
        things = [what for what, why in problems.items() if why == problem]
        if not things:
            continue
        new = "the new " + " and ".join(things)
        them = "them" if len(things) > 1 else "it"
        if problem == GROUP_UNKNOWN:
            return (f"the QEMU group is unknown on this host, so {new} "
                    f"could not be given to it; chgrp {them} to the group "
                    "QEMU runs as")
        return (f"could not give {new} to root:{gid} (not running as "
                f"root); chown {them} root:{gid}")
    return None


def write_atomically(path: str, content: bytes, gid: Optional[int],
                     real: Optional[str] = None) -> Tuple[
        bool, Optional[str], Optional[str]]:
    """Replace ``path`` (following a symlink) by ``content``.

    ``real`` is the file ``path`` names when the caller resolved it
    already (inside the tree under --root); it is written as it is, and
    the temporary file goes next to it.  Returns (whether the file was
    created, a note for the user or None, why a new file is not
    root:<QEMU group> or None).
    """
    real = real or os.path.realpath(path)
    directory = os.path.dirname(real)
    note: list = []
    ownership = None
    try:
        existing = os.stat(real)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise GenerateError(f"{path} is not a regular file")

    fd, temporary = tempfile.mkstemp(prefix=".keys.psk.", dir=directory)
    try:
        if existing is not None:
            _copy_metadata(existing, real, fd, note)
        else:
            ownership = _new_file_metadata(fd, gid)
        view = memoryview(content)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.rename(temporary, real)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise

    dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return existing is None, "; ".join(note) or None, ownership


def _reason(exc: OSError) -> str:
    """strerror as the rest of confcheck words it: lower case first."""
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symlink loop)"
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


def make_directory(directory: str, gid: Optional[int],
                   shown: Optional[str] = None) -> Tuple[bool, Optional[str]]:
    """Create the key directory 0750 root:<qemu group> if it is missing.

    Returns (whether it was created, GROUP_UNKNOWN, NOT_ROOT or None).
    ``shown`` names the directory in messages (the host's view).
    """
    shown = shown or directory
    try:
        info = os.stat(directory)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        # A symlink loop, a file where a directory belongs, no search
        # right: os.path.isdir() would call each of these "missing".
        if exc.errno == errno.EACCES:
            raise GenerateError(f"cannot reach {shown}: permission denied "
                                "on a directory above it") from None
        raise GenerateError(f"{shown}: {_reason(exc)}") from None
    if info is not None:
        if not stat.S_ISDIR(info.st_mode):
            raise GenerateError(f"{shown} exists and is not a directory")
        return False, None
    if os.path.islink(directory):
        raise GenerateError(f"{shown} is a symbolic link to a path that "
                            "does not exist; create that directory or "
                            "remove the link")
    try:
        parent = os.path.dirname(directory.rstrip("/"))
        if parent and not os.path.isdir(parent):
            os.makedirs(parent, 0o755)
        os.mkdir(directory, DIR_MODE)
        os.chmod(directory, DIR_MODE)
    except OSError as exc:
        raise GenerateError(f"cannot create {shown}: {_reason(exc)}") \
            from None
    if gid is None:
        return True, GROUP_UNKNOWN
    try:
        os.chown(directory, 0, gid)
    except PermissionError:
        return True, NOT_ROOT
    return True, None


def generate(directory: str, identity: str = "qemu",
             size: int = DEFAULT_BYTES, rotate: bool = False,
             key: Optional[bytes] = None, gid: Optional[int] = None,
             shown_path: Optional[str] = None,
             shown_dir: Optional[str] = None,
             key_path: Optional[str] = None) -> Result:
    """Add (or with ``rotate`` replace) the key of ``identity``.

    ``directory`` is a real path on this machine; ``shown_path`` and
    ``shown_dir`` the names of the file and the directory to use in
    messages (the host's view under --root).  ``key`` comes from
    ``--from``; otherwise ``size`` random bytes from the OS.

    ``key_path`` is the real file the directory's keys.psk names, for a
    caller that resolved its symlinks itself: under --root a link to
    "/x/keys.psk" means that file in the tree, which following the link
    here would miss (and overwrite the machine's own /x/keys.psk).
    Without it, a symlinked keys.psk is followed on this machine.
    """
    problem = identity_problem(identity)
    if problem is not None:
        raise GenerateError(f"identity {keyfile.show_name(identity.encode())}"
                            f" refused: {problem}")
    if key is None:
        if size < MIN_BYTES:
            raise GenerateError(f"a key of {size} bytes is too weak; use at "
                                f"least {MIN_BYTES} (default "
                                f"{DEFAULT_BYTES})")
        if size > MAX_BYTES:
            raise GenerateError(f"a key of {size} bytes is more than "
                                f"{MAX_BYTES}; {DEFAULT_BYTES} is plenty")
        key = secrets.token_bytes(size)

    created_dir, dir_ownership = make_directory(directory, gid, shown_dir)
    path = os.path.join(directory, "keys.psk")
    shown = shown_path or path
    # Resolved once, so that the file read is the file replaced.
    real = key_path or os.path.realpath(path)
    try:
        lock = _lock(directory)
    except OSError as exc:
        raise GenerateError(f"cannot lock {shown_dir or directory}: "
                            f"{_reason(exc)}") from None
    try:
        data = _read_existing(real, shown)
        content, line, action = updated_content(data, identity, key, rotate)
        try:
            created_file, file_note, file_ownership = write_atomically(
                path, content, gid, real)
        except OSError as exc:
            raise GenerateError(f"cannot write {shown}: {_reason(exc)}") \
                from None
    except OSError as exc:
        raise GenerateError(f"{shown}: {_reason(exc)}") from None
    finally:
        os.close(lock)
    problems = {"directory": dir_ownership if created_dir else None,
                "file": file_ownership if created_file else None}
    notes = "; ".join(n for n in (_ownership_note(gid, problems), file_note)
                      if n) or None
    raw = identity.encode("utf-8", "surrogateescape")
    return Result(shown_path or path, line, len(key), action,
                  fingerprint(raw, key), created_file, created_dir, notes)


def _read_existing(path: str, shown: str) -> bytes:
    """The current keys.psk, or b"" when there is none.

    A FIFO or a device is refused before it is opened: reading a FIFO
    would wait for a writer forever.  The read itself goes through
    ``read_limited``, which opens without blocking and checks again.
    """
    from ..reader import ReadError, read_limited

    try:
        info = os.stat(path)
    except FileNotFoundError:
        return b""
    if stat.S_ISDIR(info.st_mode):
        raise GenerateError(f"{shown}: is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise GenerateError(f"{shown}: not a regular file")
    try:
        data = read_limited(path, keyfile_limit())
    except ReadError as exc:
        if exc.errno == errno.ENOENT:
            return b""
        raise GenerateError(str(exc).replace(path, shown, 1)) from None
    if len(data) > keyfile_limit():
        raise GenerateError(f"{shown}: larger than "
                            f"{keyfile_limit() >> 20} MiB")
    return data


def keyfile_limit() -> int:
    from .check import MAX_KEY_FILE

    return MAX_KEY_FILE
