"""Effective values: what the daemon will use when the file says nothing.

The QEMU user and group are compiled into libvirt; when a package is built
without explicit choices libvirt guesses them from the build host's
os-release.  We do the same with the checked host's os-release.
"""

from typing import Optional, Tuple

from .host import Host, Identity

# (os-release ID or ID_LIKE word, user, group) in the order libvirt's build
# tries them.
_BUILD_DEFAULTS = (
    ("fedora", "qemu", "qemu"),
    ("rhel", "qemu", "qemu"),
    ("centos", "qemu", "qemu"),
    ("suse", "qemu", "qemu"),
    ("opensuse", "qemu", "qemu"),
    ("gentoo", "qemu", "qemu"),
    ("ubuntu", "libvirt-qemu", "kvm"),
    ("debian", "libvirt-qemu", "libvirt-qemu"),
    ("arch", "libvirt-qemu", "libvirt-qemu"),
    ("freebsd", "root", "wheel"),
    ("macos", "root", "wheel"),
)


def build_default_account(host: Optional[Host]) -> Tuple[str, str, str]:
    """(user, group, why) libvirt's build would compile in for this host."""
    if host is None:
        return "root", "root", "no host to read os-release from"
    release = host.os_release()
    os_id = release.get("ID", "").lower()
    like = release.get("ID_LIKE", "").lower().split()
    for word in [os_id] + like:
        for key, user, group in _BUILD_DEFAULTS:
            if word == key:
                return user, group, f"build default for {word}"
    return "root", "root", "build default for an unknown distribution"


def resolve_user(host: Host, text: str) -> Optional[int]:
    """uid for a ``user`` value the way libvirt parses it, or None."""
    if text.startswith("+"):
        return parse_id(text[1:])
    account = host.users.get(text)
    if account is not None:
        return account.uid
    return parse_id(text)


def resolve_group(host: Host, text: str) -> Optional[int]:
    """gid for a ``group`` value the way libvirt parses it, or None."""
    if text.startswith("+"):
        return parse_id(text[1:])
    group = host.groups.get(text)
    if group is not None:
        return group.gid
    return parse_id(text)


#: What C's isspace() skips before a number.
_C_SPACE = " \t\n\v\f\r"


def parse_id(text: str) -> Optional[int]:
    """A uid/gid written as a number, read the way libvirt reads it.

    Measured on 9.0: blanks before the number and one sign are accepted,
    nothing after it; a negative number wraps into 32 bits ("-1" is
    4294967295, "-4294967295" is 1); a magnitude above 4294967295 fails,
    and so does base 16 ("0x10").
    """
    body = text.lstrip(_C_SPACE)
    negative = body.startswith("-")
    if body[:1] in ("+", "-"):
        body = body[1:]
    if not body or any(c not in "0123456789" for c in body):
        return None
    number = int(body)
    if number > 0xFFFFFFFF:
        return None
    return (-number) & 0xFFFFFFFF if negative else number


def id_text(text: str) -> str:
    """The part of a user/group value libvirt names when it fails.

    A leading "+" means "a number, never a name"; libvirt drops it before
    it parses, and its message quotes what is left.
    """
    return text[1:] if text.startswith("+") else text


def qemu_account(ctx) -> Tuple[str, str, str]:
    """(user text, group text, where from) the QEMU processes run as."""
    default_user, default_group, why = build_default_account(ctx.host)
    user = ctx.doc.value("user")
    group = ctx.doc.value("group")
    user_from = f"line {ctx.doc.first('user').line}" if user else why
    return (user or default_user, group or default_group, user_from)


def qemu_identity(ctx) -> Optional[Identity]:
    """uid, gid and supplementary groups of the QEMU processes, if known."""
    if ctx.host is None or ctx.session:
        return None
    user, group, _ = qemu_account(ctx)
    uid = resolve_user(ctx.host, user)
    gid = resolve_group(ctx.host, group)
    if uid is None or gid is None:
        return None
    account = ctx.host.user_by_uid(uid)
    extra = ctx.host.supplementary_gids(account.name) if account else ()
    return Identity(uid, gid, tuple(sorted(set(extra) | {gid})))
