"""TLS-PSK for migration: the key directory, keys.psk and who may read it.

The settings come from the May 2026 TLS-PSK proposal for libvirt (in no
release): ``migrate_tls_psk_dir``, else ``default_tls_psk_dir``, else
``/etc/pki/qemu-psk``, holding ``keys.psk``.  The source's QEMU reads the
file when a migration starts, the destination's GnuTLS at every
handshake, each in its own way (see ``keyfile``).

Under a released ``--libvirt-version`` the two settings are unknown (the
settings check says so) and ignored here, as libvirt ignores them; a
``/etc/pki/qemu-psk`` that exists is still checked.
"""

import dataclasses
import errno
import os
import stat
import textwrap
from typing import Iterable, Optional, Tuple
from urllib.parse import unquote, urlsplit

from ..findings import (ERROR, INFO, STAGE_MIGRATION, STAGE_NONE,
                        STAGE_START, WARNING, Finding)
from ..checks import host as probes
from ..host import HostPathError, Identity, may_access
from ..rules import Rule
from . import keyfile

DEFAULT_DIR = "/etc/pki/qemu-psk"
KEY_FILE = "keys.psk"
DEFAULT_IDENTITY = "qemu"
#: neither reader has a limit; this only bounds confcheck's memory
MAX_KEY_FILE = 16 << 20
#: the proposal's order: the migration directory first
DIR_SETTINGS = ("migrate_tls_psk_dir", "default_tls_psk_dir")
#: why a directory stat() refused to confcheck is not checked (as STA013)
_CANNOT_REACH = ("confcheck cannot reach it (permission denied); run "
                 "confcheck as root")

_HOW_KEYS_ARE_READ = """\
A migration source's QEMU looks its identity (`qemu` unless the migration
URI names a user) up in keys.psk itself: it takes the first line that
starts with `<identity>:` and hex-decodes the rest of the line unchanged.
The destination's GnuTLS reads the file again at every handshake, takes
the first line whose name matches, strips one trailing LF or space and
hex-decodes the rest.  Errors are given for the identities in use,
warnings for every other line; each finding says which side fails
(source, destination or both).
"""


def _rule(code, name, severity, stage, summary, body):
    return Rule(code, name, severity, stage, summary,
                body if body.endswith("\n") else body + "\n")


def _line_rule(code, name, summary, why, failing, passing, fix,
               severity=ERROR):
    return _rule(code, name, severity, STAGE_MIGRATION, summary, f"""\
{textwrap.fill(why, 76)}

{_HOW_KEYS_ARE_READ}
Failing:

    {failing}

Passing:

    {passing}

{textwrap.fill("Fix: " + fix, 76)}
""")


_KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

RULES = (
    _rule("PSK001", "psk-dir-missing", ERROR, STAGE_START,
          "a PSK directory set in qemu.conf does not exist", """\
Under the TLS-PSK proposal the daemon checks `migrate_tls_psk_dir` and
`default_tls_psk_dir` when it starts, like the x509 directories: a
directory written in the file that does not exist stops the QEMU driver.
Under a released `--libvirt-version` both settings are unknown and ignored.

Failing:

    default_tls_psk_dir = "/etc/pki/qemu-psk-lab"   # absent

Passing:

    default_tls_psk_dir = "/etc/pki/qemu-psk"       # root:libvirt-qemu 0750

Fix: create the directory (`confcheck psk generate` does, with the right
owner and mode) or correct the path.
"""),
    _rule("PSK002", "keys-file-missing", ERROR, STAGE_MIGRATION,
          "keys.psk is missing", """\
QEMU builds its PSK credentials from `<dir>/keys.psk` when a migration
starts; without it both sides fail with "Unable to access credentials
<dir>/keys.psk: No such file or directory".  A missing directory gives the
same message.

Failing:

    /etc/pki/qemu-psk/            (empty)

Passing:

    /etc/pki/qemu-psk/keys.psk    qemu:<64 hex digits>

Fix: `confcheck psk generate`, then copy the file to every host.
"""),
    _rule("PSK003", "keys-file-not-regular", ERROR, STAGE_MIGRATION,
          "keys.psk is not a regular file", """\
A directory named keys.psk fails the source ("Is a directory") and lets the
destination start, after which every handshake fails as if the identity
were unknown.  A FIFO or device is no key file either.

Failing:

    mkdir /etc/pki/qemu-psk/keys.psk

Passing:

    /etc/pki/qemu-psk/keys.psk    a regular file

Fix: replace it by a regular file (`confcheck psk generate`).
"""),
    _rule("PSK004", "keys-file-unreadable", ERROR, STAGE_MIGRATION,
          "keys.psk could not be read", """\
The file could not be opened or read (a symlink loop, an I/O error, or
more than 16 MiB).  When only confcheck lacks the right to read it and
QEMU has it, this is a warning: run confcheck as root to check its lines.

Failing:

    ln -s keys.psk /etc/pki/qemu-psk/keys.psk      # a loop

Passing:

    /etc/pki/qemu-psk/keys.psk    a regular, readable file

Fix: make it a regular file QEMU can read.
"""),
    _line_rule("PSK010", "key-not-hex", "a key that is not pure hex",
               "Both readers need the key as hex digits only: letters "
               "outside a-f, quotes, a second ':' or a base64 key fail.",
               "qemu:correct-horse-battery-staple", f"qemu:{_KEY}",
               "write the key as hex (`confcheck psk generate` does)."),
    _line_rule("PSK011", "key-odd-length",
               "a key with an odd number of hex digits",
               "Each byte is two hex digits; one digit too many or too few "
               "fails both readers (\"Error in parsing.\", \"Error in "
               "password/key file.\").",
               f"qemu:{_KEY}a", f"qemu:{_KEY}",
               "restore the missing or extra digit from the original key."),
    _line_rule("PSK012", "key-0x-prefix", 'a key written with "0x"',
               "Neither reader accepts a C-style 0x prefix.",
               f"qemu:0x{_KEY}", f"qemu:{_KEY}", "drop the 0x."),
    _line_rule("PSK013", "carriage-return", "CR or CR LF line ends",
               "Neither reader removes a CR: on the line of an identity in "
               "use a CR LF end makes the key unreadable to both.  With "
               "CR-only line ends the whole file is one line.",
               f"qemu:{_KEY}<CR><LF>", f"qemu:{_KEY}<LF>",
               "convert the file to LF line ends (`dos2unix`)."),
    _line_rule("PSK014", "whitespace", "spaces or tabs in a line",
               "Whitespace is part of the name or the key for both "
               "readers. One exception: a single space at the very end of "
               "the file is stripped by GnuTLS (destination) but not by "
               "QEMU (source).",
               f"qemu: {_KEY}", f"qemu:{_KEY}",
               "remove the whitespace."),
    _line_rule("PSK015", "byte-order-mark", "a UTF-8 byte order mark",
               "Some editors put EF BB BF at the start of a file; both "
               "readers take it as part of the first line's name.",
               f"<BOM>qemu:{_KEY}", f"qemu:{_KEY}",
               "save the file without a BOM."),
    _line_rule("PSK016", "nul-byte", "a NUL byte in the file",
               "QEMU (source) reads the file as a C string: nothing after "
               "a NUL exists for it, while GnuTLS (destination) only "
               "ignores the rest of that line.  A NUL inside a key cuts "
               "the key short for both.",
               f"backup:{_KEY}<NUL><LF>qemu:{_KEY}",
               f"backup:{_KEY}<LF>qemu:{_KEY}",
               "remove the NUL bytes (a UTF-16 file is full of them: "
               "save it as plain ASCII).", severity=WARNING),
    _line_rule("PSK017", "empty-key", "an identity with an empty key",
               "QEMU refuses an empty key (\"The request is invalid.\"); "
               "GnuTLS loads a 0-byte key no client can match.",
               "qemu:", f"qemu:{_KEY}", "generate a key."),
    _line_rule("PSK018", "key-too-short", "a key under 4 bytes",
               "GnuTLS refuses client keys under 4 bytes (\"The request is "
               "invalid.\"), so no source can use one, and no destination "
               "can be reached with one.",
               "qemu:a1b2c3", f"qemu:{_KEY}",
               "generate a 32-byte key (`confcheck psk generate`)."),
    _line_rule("PSK019", "key-weak", "a key under 16 bytes",
               "Keys of 4 to 15 bytes work but can be guessed far more "
               "easily than the 32 bytes psktool and confcheck make.",
               "qemu:a1b2c3d4e5f60718", f"qemu:{_KEY}",
               "generate a 32-byte key.", severity=WARNING),
    _line_rule("PSK020", "hex-name-form", "an identity written as #<hex>",
               "GnuTLS (destination) reads `#<hex>:` as the hex-encoded "
               "name; QEMU (source) does not, and takes the line as the "
               "name `#<hex>`.  A `#71656d75:` line (\"qemu\") before "
               "`qemu:` wins on the destination only, so the two sides may "
               "use different keys.",
               f"#71656d75:{_KEY}", f"qemu:{_KEY}",
               "write plain names; keep #<hex> only for names that need "
               "it, next to the plain line with the same key."),
    _line_rule("PSK021", "awkward-identity",
               "an identity the two readers cannot both use plainly",
               "A name containing ':' or starting with '#' is found by "
               "QEMU (source) only as a literal line and by GnuTLS "
               "(destination) only as `#<hex>`; an empty name cannot be "
               "sent; names over 128 bytes are not portable.",
               f"a:b:{_KEY}",
               f"#613a62:{_KEY}  and  a:b:{_KEY}   (or better: a plain "
               "name)",
               "use a plain name such as `qemu`.", severity=WARNING),
    _line_rule("PSK022", "duplicate-identity", "an identity on two lines",
               "Both readers stop at the first matching line and never "
               "try another, even when the first one is broken.",
               f"qemu:{_KEY}<LF>qemu:{_KEY[::-1]}", f"qemu:{_KEY}",
               "keep one line per identity.", severity=WARNING),
    _line_rule("PSK023", "identity-missing",
               "no usable line for an identity in use",
               "The source fails with \"Username qemu not found in PSK "
               "file\" and the destination rejects the handshake as if "
               "the key were wrong.  Names are case-sensitive and must "
               "start the line.",
               f"backup:{_KEY}", f"backup:{_KEY}<LF>qemu:{_KEY}",
               "add the line (`confcheck psk generate --identity NAME`)."),
    _rule("PSK024", "no-final-newline", INFO, STAGE_NONE,
          "keys.psk does not end with a newline", """\
Both readers accept a last line without LF, but psktool appends its next
entry to that line, breaking both entries.

Failing:

    printf 'qemu:%s' "$KEY" > keys.psk

Passing:

    printf 'qemu:%s\\n' "$KEY" > keys.psk

Fix: end the file with a newline (`confcheck psk generate` does).
"""),
    _rule("PSK030", "keys-file-readable-by-others", WARNING,
          STAGE_MIGRATION, "keys.psk is readable by every user", """\
keys.psk holds shared secrets: anyone who reads it can take part in
migrations.  Recommended: owner root, group the QEMU group, mode 0640.

Failing:

    -rw-r--r-- root root keys.psk

Passing:

    -rw-r----- root libvirt-qemu keys.psk

Fix: `chmod 0640 keys.psk; chgrp <qemu group> keys.psk`.
"""),
    _rule("PSK031", "writable-by-group-or-others", WARNING,
          STAGE_MIGRATION, "keys.psk or its directory is writable by "
          "group or others", """\
Whoever can write the file or its directory can replace the keys.
Recommended: directory root:<qemu group> 0750, file 0640.

Failing:

    drwxrwxrwx root root /etc/pki/qemu-psk

Passing:

    drwxr-x--- root libvirt-qemu /etc/pki/qemu-psk

Fix: `chmod go-w` on the file and the directory.
"""),
    _rule("PSK032", "qemu-cannot-read", ERROR, STAGE_MIGRATION,
          "the QEMU user cannot read keys.psk", """\
QEMU opens keys.psk itself, as the user and group it runs as (`user` and
`group` in qemu.conf, else the build default such as libvirt-qemu on
Debian): the source when a migration starts, the destination at every
handshake.  It needs search permission on every directory of the path and
read permission on the file.  psktool run as root creates root:root 0600,
which QEMU cannot read.

Failing:

    -rw------- root root /etc/pki/qemu-psk/keys.psk

Passing:

    -rw-r----- root libvirt-qemu /etc/pki/qemu-psk/keys.psk

Fix: `chgrp <qemu group>` and `chmod 0640` the file, `chmod 0750` the
directory.
"""),
)


# -- what is in use ---------------------------------------------------------


def identities_in_use(ctx) -> Tuple[Tuple[str, ...], bool]:
    """(identities the source sends, whether the user named any).

    ``--psk-identity`` first, else the user part of ``--migrate-uri``,
    else QEMU's default ``qemu``.
    """
    if ctx.psk_identities:
        return tuple(ctx.psk_identities), True
    if ctx.migrate_uri:
        try:
            user = urlsplit(ctx.migrate_uri).username
        except ValueError:
            user = None
        if user:
            return (unquote(user),), True
    return (DEFAULT_IDENTITY,), False


def _explicit_dirs(ctx):
    """(setting, entry, path) for each PSK directory written in the file."""
    if ctx.version is not None:
        return []
    found = []
    for name in DIR_SETTINGS:
        entry = ctx.doc.first(name)
        value = ctx.doc.value(name)
        if entry is not None and isinstance(value, str):
            found.append((name, entry, value))
    return found


def _place(entry) -> Tuple[int, int]:
    return (entry.value.line or entry.line,
            entry.value.column or entry.column)


# -- the check --------------------------------------------------------------


def check(ctx) -> Iterable[Finding]:
    if ctx.host is None:
        return

    explicit = _explicit_dirs(ctx)
    directory = explicit[0][2] if explicit else DEFAULT_DIR
    identities, identity_given = identities_in_use(ctx)
    if not (explicit or identity_given or ctx.host.exists(directory)):
        # Absent, TLS-PSK is not in use; refused to confcheck, unknown.
        if ctx.host.denied(directory):
            probes.skipped(ctx, f"whether the TLS-PSK directory "
                           f"'{directory}' exists (and its {KEY_FILE})",
                           _CANNOT_REACH)
        return

    effective_missing = False
    for name, entry, path in explicit:
        if ctx.host.exists(path):
            continue
        if ctx.host.denied(path):
            # Its keys.psk is then "cannot reach" (PSK004), never missing.
            probes.skipped(ctx, f"whether {name} directory '{path}' exists",
                           _CANNOT_REACH)
            continue
        line, column = _place(entry)
        yield ctx.finding(
            "PSK001", f"{name}: directory '{path}' does not exist; under "
            "the TLS-PSK proposal the QEMU driver will not start",
            line, column, setting=name, side=keyfile.BOTH)
        effective_missing = effective_missing or path == directory
    if effective_missing:
        return

    findings = list(_key_file(ctx, directory, identities))
    if ctx.role is not None:
        other = (keyfile.DESTINATION if ctx.role == keyfile.SOURCE
                 else keyfile.SOURCE)
        findings = [f for f in findings if f.side != other]
    # Messages name host paths; a finding points at the file in the tree.
    for finding in findings:
        if finding.path != ctx.path:
            finding = dataclasses.replace(
                finding, path=ctx.host.location(finding.path))
        yield finding


def _finding(ctx, path: str, code: str, message: str, **extra) -> Finding:
    from .. import rules

    rule = rules.get(code)
    extra.setdefault("severity", rule.severity)
    extra.setdefault("stage", rule.stage)
    return Finding(path=path, line=extra.pop("line", 0),
                   column=extra.pop("column", 0), code=code,
                   message=message, **extra)


def _key_file(ctx, directory: str, identities) -> Iterable[Finding]:
    host = ctx.host
    key_path = os.path.join(directory, KEY_FILE)
    shown = host.display(key_path)

    try:
        info = host.stat(key_path)
    except (OSError, HostPathError) as exc:
        yield _stat_failure(ctx, directory, key_path, exc)
        return
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else \
            "not a regular file"
        yield _finding(ctx, shown, "PSK003",
                       f"{shown} is {kind}: the source cannot read it and "
                       "every handshake with the destination fails",
                       side=keyfile.BOTH)
        return

    modes = list(_permissions(ctx, directory, key_path, info))
    qemu_reads = _qemu_can_read(ctx, key_path)
    if qemu_reads is False:
        modes.append(qemu_read_finding(ctx, key_path))
    yield from modes
    yield from _layout(ctx, directory, key_path,
                       {finding.path for finding in modes})
    yield from _labels(ctx, directory, key_path)

    try:
        data = host.read_bytes(key_path, MAX_KEY_FILE)
    except (OSError, HostPathError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        if getattr(exc, "errno", None) == errno.EACCES and \
                qemu_reads is not False:
            yield _finding(ctx, shown, "PSK004",
                           f"confcheck cannot read {shown} ({reason}); its "
                           "lines were not checked (run confcheck as root)",
                           severity=WARNING)
        else:
            yield _finding(ctx, shown, "PSK004",
                           f"{shown} cannot be read: {reason}",
                           side=keyfile.BOTH)
        return
    if len(data) > MAX_KEY_FILE:
        yield _finding(ctx, shown, "PSK004",
                       f"{shown} is larger than {MAX_KEY_FILE >> 20} MiB; "
                       "its lines were not checked", severity=WARNING)
        return

    yield from keyfile.analyse(data, identities, shown)


def _labels(ctx, directory, key_path) -> Iterable[Finding]:
    """What the modes do not show: an SELinux type other than /etc/pki's,
    and libvirt's AppArmor profile for QEMU, which does not cover
    /etc/pki/qemu-psk (psk.md section 4) -- QEMU is then denied the file
    although the modes allow it.  AppArmor counts only where qemu.conf
    leaves it on (``security_driver``)."""
    from ..tls import access
    from ..tls.check import _apparmor_applies

    for problem in access.selinux_problems(ctx.host, key_path):
        yield _finding(ctx, ctx.host.display(key_path), problem.code,
                       problem.message, side=keyfile.BOTH)
    if not _apparmor_applies(ctx.doc):
        return
    for problem in access.apparmor_problems(ctx.host, directory,
                                            [KEY_FILE]):
        yield _finding(ctx, ctx.host.display(directory), problem.code,
                       problem.message, side=keyfile.BOTH)


def _layout(ctx, directory, key_path, flagged) -> Iterable[Finding]:
    """root:<qemu group> 0640 in a 0750 directory, as info, for the paths
    no permission finding has already told what to do."""
    from ..tls import access

    who = ctx.qemu_identity
    if who is None:
        return
    for path, is_dir in ((key_path, False), (directory, True)):
        shown = ctx.host.display(path)
        if shown in flagged:
            continue
        for problem in access.layout_differs(ctx.host, who, path,
                                             directory=is_dir):
            yield _finding(ctx, shown, problem.code, problem.message)


def _stat_failure(ctx, directory, key_path, exc) -> Finding:
    shown = ctx.host.display(key_path)
    code = getattr(exc, "errno", None)
    if code == errno.ENOENT and not ctx.host.exists(directory):
        message = (f"the PSK directory {ctx.host.display(directory)} does "
                   f"not exist, so {shown} is missing: QEMU fails with "
                   "\"Unable to access credentials\" on both sides")
        return _finding(ctx, shown, "PSK002", message, side=keyfile.BOTH)
    if code == errno.ENOENT:
        return _finding(ctx, shown, "PSK002",
                        f"{shown} does not exist: QEMU fails with \"Unable "
                        "to access credentials\" on both sides",
                        side=keyfile.BOTH)
    if code == errno.ENOTDIR:
        return _finding(ctx, shown, "PSK002",
                        f"{ctx.host.display(directory)} is not a directory, "
                        f"so {shown} cannot exist", side=keyfile.BOTH)
    if code == errno.EACCES:
        return _finding(ctx, shown, "PSK004",
                        f"confcheck cannot reach {shown} (permission "
                        "denied); run confcheck as root to check it",
                        severity=WARNING)
    reason = "too many levels of symbolic links" if code == errno.ELOOP \
        else (getattr(exc, "strerror", None) or str(exc))
    return _finding(ctx, shown, "PSK004", f"{shown} cannot be read: "
                    f"{reason}", side=keyfile.BOTH)


def _permissions(ctx, directory, key_path, info) -> Iterable[Finding]:
    host = ctx.host
    shown = host.display(key_path)
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o004:
        yield _finding(ctx, shown, "PSK030",
                       f"{shown} is readable by every user (mode "
                       f"{mode:04o}); use 0640 with the QEMU group")
    if mode & 0o022:
        yield _finding(ctx, shown, "PSK031",
                       f"{shown} is writable by "
                       f"{_who_writes(mode)} (mode {mode:04o}); use 0640")
    try:
        dir_mode = stat.S_IMODE(host.stat(directory).st_mode)
    except (OSError, HostPathError):
        return
    if dir_mode & 0o022:
        shown_dir = host.display(directory)
        yield _finding(ctx, shown_dir, "PSK031",
                       f"{shown_dir} is writable by "
                       f"{_who_writes(dir_mode)} (mode {dir_mode:04o}), so "
                       f"they can replace {KEY_FILE}; use 0750")


def _who_writes(mode: int) -> str:
    both = mode & 0o022 == 0o022
    return "group and others" if both else (
        "its group" if mode & 0o020 else "others")


def _parents(path: str):
    """'/', '/etc', '/etc/pki', ... for the directories above ``path``."""
    parts = [part for part in os.path.dirname(path).split("/") if part]
    yield "/"
    for index in range(len(parts)):
        yield "/" + "/".join(parts[:index + 1])


def _qemu_can_read(ctx, key_path) -> Optional[bool]:
    """Whether the QEMU user may read the file (None: unknown)."""
    return _qemu_access(ctx, key_path)[0]


def _qemu_access(ctx, key_path) -> Tuple[Optional[bool], str]:
    who: Optional[Identity] = ctx.qemu_identity
    if who is None:
        return None, ""
    host = ctx.host
    for parent in _parents(key_path):
        if parent == "/" and not host.live:
            # Under --root the tree's top directory is wherever the copy
            # was unpacked; its mode says nothing about the host's "/".
            continue
        try:
            info = host.stat(parent)
        except (OSError, HostPathError):
            return None, ""
        if not _allowed(host, parent, info, who, os.X_OK):
            return False, (f"it may not search {host.display(parent)} "
                           f"({_owner(host, info)})")
    try:
        info = host.stat(key_path)
    except (OSError, HostPathError):
        return None, ""
    if not _allowed(host, key_path, info, who, os.R_OK):
        return False, f"the file is {_owner(host, info)}"
    return True, ""


def _allowed(host, path, info, who, want) -> bool:
    """Mode bits and POSIX ACLs, as the kernel decides for QEMU."""
    from ..tls import access

    try:
        return access.allowed(host.resolve(path), info, who, want)
    except (OSError, HostPathError):
        return may_access(info, who, want)


def _owner(host, info) -> str:
    user = host.user_by_uid(info.st_uid)
    group = host.group_by_gid(info.st_gid)
    return (f"{user.name if user else info.st_uid}:"
            f"{group.name if group else info.st_gid} "
            f"{stat.S_IMODE(info.st_mode):04o}")


def qemu_read_finding(ctx, key_path) -> Optional[Finding]:
    works, why = _qemu_access(ctx, key_path)
    if works is not False:
        return None
    who = ctx.qemu_identity
    user = ctx.host.user_by_uid(who.uid)
    group = ctx.host.group_by_gid(who.gid)
    name = user.name if user else str(who.uid)
    group_name = group.name if group else str(who.gid)
    shown = ctx.host.display(key_path)
    return _finding(ctx, shown, "PSK032",
                    f"QEMU runs as {name}:{group_name} and cannot read "
                    f"{shown}: {why}; QEMU opens it itself (chgrp "
                    f"{group_name}, chmod 0640; directory 0750)",
                    side=keyfile.BOTH)
