"""Can the QEMU process reach and read a credentials file?

QEMU opens TLS files itself, as the user and group libvirt starts it with,
so root being able to read them proves nothing.  What is checked, for the
x509 and the PSK families alike:

* search permission on every directory from ``/`` down to the file's
  directory, then read permission on the file, for the QEMU identity
  (owner, primary group, supplementary groups, other) — the directory
  itself need not be listable (0711 works);
* POSIX access ACLs (``system.posix_acl_access``, decoded here) when a
  file or directory carries one;
* SELinux: a file whose type differs from the one ``/etc/pki`` carries;
* AppArmor: a path libvirt's QEMU profile does not let QEMU read, with
  the rule to add.

Paths are host paths: everything goes through :class:`~pyconfcheck.host.Host`.
"""

import os
import re
import stat
import struct
from typing import Iterable, List, Optional, Sequence, Tuple

from ..host import Host, HostPathError, Identity, may_access
from . import Problem

ACL_XATTR = "system.posix_acl_access"
SELINUX_XATTR = "security.selinux"

# ACL entry tags (acl/libacl.h; the kernel's xattr layout).
_ACL_USER_OBJ = 0x01
_ACL_USER = 0x02
_ACL_GROUP_OBJ = 0x04
_ACL_GROUP = 0x08
_ACL_MASK = 0x10
_ACL_OTHER = 0x20
_ACL_VERSION = 2

#: What Debian's and upstream's libvirt-qemu abstraction lets QEMU read
#: under /etc/pki (facts/psk.md §4); used when the host's profile files
#: are not there to read.
DEFAULT_APPARMOR_PKI_RULES = (
    "/etc/pki/CA/", "/etc/pki/CA/*", "/etc/pki/libvirt{,-spice,-vnc}/**",
    "/etc/pki/qemu/", "/etc/pki/qemu/**")

APPARMOR_ABSTRACTION = "/etc/apparmor.d/abstractions/libvirt-qemu"
APPARMOR_LOCAL_FILES = ("/etc/apparmor.d/local/abstractions/libvirt-qemu",)
APPARMOR_LOCAL_DIRS = ("/etc/apparmor.d/abstractions/libvirt-qemu.d",)


# -- identities ------------------------------------------------------------

def describe_identity(host: Host, who: Identity) -> str:
    """``libvirt-qemu:kvm`` (names when the host knows them, else ids)."""
    user = host.user_by_uid(who.uid)
    group = host.group_by_gid(who.gid)
    return (f"{user.name if user else who.uid}:"
            f"{group.name if group else who.gid}")


def _owner(host: Host, info: os.stat_result) -> str:
    user = host.user_by_uid(info.st_uid)
    group = host.group_by_gid(info.st_gid)
    return (f"{user.name if user else info.st_uid}:"
            f"{group.name if group else info.st_gid} "
            f"{stat.S_IMODE(info.st_mode):04o}")


# -- POSIX ACLs -------------------------------------------------------------

def decode_acl(data: bytes) -> Optional[List[Tuple[int, int, int]]]:
    """``(tag, perm, id)`` entries of an access ACL xattr, or None.

    The layout is a little-endian u32 version (2) followed by 8-byte
    entries: u16 tag, u16 permission bits (r=4, w=2, x=1), u32 id.
    """
    if len(data) < 4 or (len(data) - 4) % 8:
        return None
    (version,) = struct.unpack_from("<I", data)
    if version != _ACL_VERSION:
        return None
    return [struct.unpack_from("<HHI", data, offset)
            for offset in range(4, len(data), 8)]


def _read_acl(real_path: str):
    try:
        data = os.getxattr(real_path, ACL_XATTR)
    except OSError:
        return None
    return decode_acl(data)


def acl_allows(entries: Sequence[Tuple[int, int, int]],
               info: os.stat_result, who: Identity, want: int) -> bool:
    """The POSIX.1e access check (owner, named user, groups, other)."""
    by_tag = {}
    for tag, perm, ident in entries:
        by_tag.setdefault(tag, []).append((perm, ident))
    mask = by_tag.get(_ACL_MASK, [(7, 0)])[0][0]

    if who.uid == info.st_uid:
        perm = by_tag.get(_ACL_USER_OBJ, [(0, 0)])[0][0]
        return perm & want == want
    for perm, ident in by_tag.get(_ACL_USER, ()):
        if ident == who.uid:
            return perm & mask & want == want

    group_perms = [perm for perm, _ in by_tag.get(_ACL_GROUP_OBJ, ())
                   if who.in_group(info.st_gid)]
    group_perms += [perm for perm, ident in by_tag.get(_ACL_GROUP, ())
                    if who.in_group(ident)]
    if group_perms:
        return any(perm & mask & want == want for perm in group_perms)

    perm = by_tag.get(_ACL_OTHER, [(0, 0)])[0][0]
    return perm & want == want


def allowed(real_path: str, info: os.stat_result, who: Identity,
            want: int) -> bool:
    """May ``who`` access ``real_path`` (already stat'ed) for ``want``?"""
    if who.uid != 0:
        entries = _read_acl(real_path)
        if entries:
            return acl_allows(entries, info, who, want)
    return may_access(info, who, want)


# -- search and read --------------------------------------------------------

def _parents(path: str) -> List[str]:
    """``/``, ``/etc``, ``/etc/pki`` for ``/etc/pki/qemu``."""
    parts = [part for part in path.split("/") if part]
    return ["/"] + ["/" + "/".join(parts[:i]) for i in range(1, len(parts))]


def _host_path(host: Host, real: str) -> str:
    if host.live:
        return real
    relative = os.path.relpath(real, host.root)
    return "/" if relative == "." else "/" + relative


def check_qemu_can_read(host: Host, identity: Identity,
                        path: str) -> List[Problem]:
    """Problems that stop ``identity`` from opening ``path`` for reading.

    Symlinks are followed inside the host root and the directories of the
    resolved path are checked.  A file that does not exist is not an
    access problem (the caller reports it); an empty list means QEMU can
    open the file.  Directories under ``--root`` above the host's ``/``
    are not the host's and are not checked.
    """
    try:
        real = host.resolve(path)
    except HostPathError as exc:
        return [Problem("ACC002", f'cannot resolve "{path}": {exc}', path)]
    real_host_path = _host_path(host, real)
    who = describe_identity(host, identity)

    for directory in _parents(real_host_path):
        real_directory = host.resolve(directory)
        try:
            info = os.stat(real_directory)
        except OSError:
            return []
        if not allowed(real_directory, info, identity, os.X_OK):
            return [Problem(
                "ACC001",
                f'the QEMU user {who} cannot search "{directory}" '
                f"({_owner(host, info)}), so it cannot open \"{path}\"; "
                f"give its group x on the directory (e.g. chgrp "
                f"{_group_name(host, identity)} and chmod g+x)", directory)]

    try:
        info = os.stat(real)
    except OSError:
        return []
    if not allowed(real, info, identity, os.R_OK):
        return [Problem(
            "ACC002",
            f'the QEMU user {who} cannot read "{path}" '
            f"({_owner(host, info)}); make it root:"
            f"{_group_name(host, identity)} 0640", path)]
    return []


def _group_name(host: Host, identity: Identity) -> str:
    group = host.group_by_gid(identity.gid)
    return group.name if group else str(identity.gid)


def world_readable_secret(host: Host, path: str,
                          what: str = "private key") -> List[Problem]:
    """A warning when a secret file can be read by every local user."""
    try:
        info = host.stat(path)
    except OSError:
        return []
    if not stat.S_ISREG(info.st_mode) or not info.st_mode & stat.S_IROTH:
        return []
    return [Problem(
        "ACC006", f'{what} "{path}" is readable by every user '
        f"({_owner(host, info)}); remove the other bits (chmod o-rwx)",
        path)]


def layout_differs(host: Host, identity: Identity, path: str,
                   directory: bool = False) -> List[Problem]:
    """Info when a secret's owner or mode is not the recommended one.

    Recommended: owner root, group the QEMU group, 0640 for the file and
    0750 for its directory (0710 works too).  A file owned by the QEMU
    user itself with 0400/0600 is fine as well.
    """
    try:
        info = host.stat(path)
    except OSError:
        return []
    mode = stat.S_IMODE(info.st_mode)
    group = _group_name(host, identity)
    if directory:
        good = info.st_uid == 0 and info.st_gid == identity.gid and mode in (
            0o750, 0o710)
        wanted = f"root:{group} 0750"
    else:
        good = ((info.st_uid == 0 and info.st_gid == identity.gid
                 and mode == 0o640)
                or (info.st_uid == identity.uid and mode in (0o400, 0o600)))
        wanted = f"root:{group} 0640"
    if good:
        return []
    return [Problem("ACC007", f'"{path}" is {_owner(host, info)}; the '
                    f"recommended layout is {wanted}", path)]


# -- SELinux ----------------------------------------------------------------

def _selinux_type(host: Host, path: str) -> Optional[str]:
    try:
        label = os.getxattr(host.resolve(path), SELINUX_XATTR)
    except (OSError, HostPathError):
        return None
    fields = label.rstrip(b"\0").decode("ascii", "replace").split(":")
    return fields[2] if len(fields) >= 3 else None


def selinux_problems(host: Host, path: str) -> List[Problem]:
    """A warning when ``path``'s SELinux type differs from /etc/pki's."""
    reference = _selinux_type(host, "/etc/pki")
    if reference is None:
        return []
    actual = _selinux_type(host, path)
    if actual is None or actual == reference:
        return []
    return [Problem(
        "ACC004", f'"{path}" has SELinux type {actual}, not {reference} as '
        f"/etc/pki has: confined QEMU may be denied; run restorecon -R on "
        f"its directory or label it {reference} with semanage fcontext",
        path)]


# -- AppArmor ---------------------------------------------------------------

def apparmor_enabled(host: Host) -> bool:
    """libvirt's QEMU abstraction is installed (the evidence we can read)."""
    return host.exists(APPARMOR_ABSTRACTION)


def _glob_to_regex(pattern: str) -> str:
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            close = pattern.find("}", index)
            if close < 0:
                out.append(re.escape(char))
            else:
                choices = pattern[index + 1:close].split(",")
                out.append("(?:" + "|".join(
                    _glob_to_regex(choice) for choice in choices) + ")")
                index = close
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


_RULE = re.compile(r"^\s*(?:audit\s+)?(?P<deny>deny\s+)?(?:owner\s+)?"
                   r"(?:file\s+)?\"?(?P<path>/[^\s\"]*)\"?\s+"
                   r"(?P<perms>[a-zA-Z]+)\s*,")


def read_rules(texts: Iterable[str], deny: bool = False) -> List[str]:
    """Path patterns granted read (``r``) in AppArmor profile texts, or
    with ``deny`` the ones whose read is denied (a deny rule wins over
    any allow rule, wherever it stands)."""
    patterns = []
    for text in texts:
        for line in text.splitlines():
            match = _RULE.match(line.split("#", 1)[0])
            if (match and "r" in match.group("perms")
                    and bool(match.group("deny")) == deny):
                patterns.append(match.group("path"))
    return patterns


def apparmor_patterns(host: Host) -> List[str]:
    """Read rules of libvirt's QEMU abstraction and its local additions."""
    patterns = read_rules(_apparmor_texts(host))
    return patterns or list(DEFAULT_APPARMOR_PKI_RULES)


def apparmor_denied(host: Host) -> List[str]:
    """Deny rules for reads in the same profile texts."""
    return read_rules(_apparmor_texts(host), deny=True)


def _apparmor_texts(host: Host) -> List[str]:
    texts = []
    for path in (APPARMOR_ABSTRACTION,) + APPARMOR_LOCAL_FILES:
        try:
            texts.append(host.read_bytes(path, 1 << 20).decode(
                "utf-8", "replace"))
        except OSError:
            continue
    for directory in APPARMOR_LOCAL_DIRS:
        try:
            names = sorted(os.listdir(host.resolve(directory)))
        except (OSError, HostPathError):
            continue
        for name in names:
            try:
                texts.append(host.read_bytes(f"{directory}/{name}",
                                             1 << 20).decode("utf-8",
                                                             "replace"))
            except OSError:
                continue
    return texts


def apparmor_allows(patterns: Sequence[str], path: str,
                    denied: Sequence[str] = ()) -> bool:
    def matches(rules):
        return any(re.fullmatch(_glob_to_regex(rule), path)
                   for rule in rules)

    return matches(patterns) and not matches(denied)


def apparmor_problems(host: Host, directory: str,
                      files: Sequence[str]) -> List[Problem]:
    """A warning when the profile does not let QEMU read ``files``.

    One problem per directory, with the two rules to add to the local
    include of libvirt's abstraction.
    """
    if not apparmor_enabled(host):
        return []
    patterns = apparmor_patterns(host)
    deny_rules = apparmor_denied(host)
    denied = [name for name in files
              if not apparmor_allows(patterns, f"{directory}/{name}",
                                     deny_rules)]
    if not denied:
        return []
    for name in denied:
        path = f"{directory}/{name}"
        rule = next((rule for rule in deny_rules
                     if apparmor_allows([rule], path)), None)
        if rule is not None:
            # Adding an allow rule would not help: deny always wins.
            return [Problem(
                "ACC005", f'AppArmor: the deny rule "{rule}" in libvirt\'s '
                f'QEMU profile stops QEMU reading "{directory}" '
                f'({", ".join(denied)}); remove it and reload the profiles',
                directory)]
    local = APPARMOR_LOCAL_FILES[0]
    return [Problem(
        "ACC005", f'AppArmor: libvirt\'s QEMU profile does not allow reading '
        f'"{directory}" ({", ".join(denied)}); add "{directory}/ r," and '
        f'"{directory}/** r," to {local} and reload the profiles',
        directory)]
