"""Host probes, and what could not be checked, said once each.

The start-up checks ask the host questions a file cannot answer: which
filesystems are mounted where, whether SELinux or AppArmor is usable,
whether the kernel has core scheduling or mount namespaces, whether
ebtables and the lock-manager plugins are installed.  Each probe here
reads the live host, or the evidence under ``--root`` where the tree holds
it (``<root>/proc/mounts``, ``<root>/sys/...``).  A probe that cannot be
answered returns :class:`Unknown`; the check that needed it records it with
:func:`skipped`, and this module's ``check`` turns every such record into
one info finding (HOST002) - never a silent pass.
"""

import errno
import os
from typing import Dict, List, NamedTuple, Optional, Union

from ..findings import ERROR, INFO, STAGE_NONE, STAGE_START
from ..rules import Rule

RULES = (
    Rule("HOST001", "host-checks-skipped", INFO, STAGE_NONE,
         "--no-host: only what the file alone decides was checked",
         """\
With `--no-host` confcheck checks syntax, names, types, ranges and fixed
value sets only.  Accounts, directories, certificates, key files, plugins
and kernel features need the host (or a copy of its tree with `--root`).

Failing (a template linted away from the hypervisor):

    confcheck --no-host qemu.conf

Passing (the host's checks run too):

    confcheck qemu.conf                        # on the hypervisor
    confcheck --root /srv/trees/node1 qemu.conf

Fix: nothing to fix where only the file is linted; check on the host, or
against a copy of its tree with `--root`, for the rest.
"""),
    Rule("HOST002", "probe-unavailable", INFO, STAGE_NONE,
         "a host probe could not be answered",
         """\
Some checks need evidence from the running host: the mount table, the
state of SELinux and AppArmor, kernel features (core scheduling, mount
namespaces).  Under `--root` the tree may not hold that evidence (copy
`/proc/mounts` to `<root>/proc/mounts`, and `/sys/fs/selinux`,
`/sys/module/apparmor` and `/sys/kernel/security/apparmor/profiles` under
`<root>/sys`, to have them checked); a kernel feature can only be asked of
the running kernel.  The check is then skipped and this note says which
and why.

Failing (a tree without its mount table):

    confcheck --root /srv/trees/node1 qemu.conf
    # qemu.conf: cgroup_controllers = [ "cpu" ]; no /srv/trees/node1/proc/mounts

Passing:

    cp /proc/mounts /srv/trees/node1/proc/mounts

Fix: copy the evidence the note names into the tree, or check on the
host itself.
"""),
    Rule("HOST003", "build-default-account", ERROR, STAGE_START,
         "the account libvirt was built to run QEMU as does not exist",
         """\
A privileged daemon looks up its compiled-in QEMU user and group
(libvirt-qemu on Debian and Ubuntu, qemu on Fedora, RHEL and SUSE) before
it reads qemu.conf, even when qemu.conf names other accounts, and the QEMU
driver does not start without them ("Failed to parse user
'libvirt-qemu'").  This is the first thing the driver checks: it is
reported even when qemu.conf itself does not parse.

Failing (Debian, with no libvirt-qemu account in /etc/passwd):

    user = "root"
    group = "root"

Passing: the same file once `getent passwd libvirt-qemu` and `getent group
libvirt-qemu` find the accounts.

Fix: reinstall the package that creates the account (on Debian
libvirt-daemon-system), or create it: `adduser --system --group
libvirt-qemu`.
"""),
    Rule("HOST004", "version-detected", INFO, STAGE_NONE,
         "the libvirt release judged against came from the host",
         """Without `--libvirt-version`, confcheck judges the file against the libvirt
release installed on the checked host (the live host, or the tree given
with `--root`), read from its package database (dpkg, or rpm where the rpm
Python bindings are installed).  When nothing is installed there, the
default target is the newest release known with the TLS-PSK proposal
applied.

Failing (libvirt 9.0 installed on the checked host):

    confcheck /etc/libvirt/qemu.conf

Passing (the target named, no guess):

    confcheck --libvirt-version 9.0 /etc/libvirt/qemu.conf

Fix: nothing to fix; pass `--libvirt-version X.Y` to judge against the
release you are about to deploy.
"""),
)


class Unknown(NamedTuple):
    """A probe that could not be answered, and why."""

    reason: str


class Mount(NamedTuple):
    point: str
    fstype: str
    options: tuple


# -- recording skipped checks ---------------------------------------------

def skipped(ctx, check: str, reason: str) -> None:
    """Record that ``check`` was not made because of ``reason``."""
    notes = ctx._cache.setdefault("host_skipped", {})
    notes.setdefault(check, reason)


# -- probes ---------------------------------------------------------------

def mounts(host) -> Union[List[Mount], Unknown]:
    """The mount table: live /proc/mounts, or <root>/proc/mounts."""
    try:
        data = host.read_bytes("/proc/mounts", 8 << 20)
    except OSError:
        where = "the host" if host.live else "the tree under --root"
        return Unknown(f"no /proc/mounts in {where}")
    table = []
    for line in data.decode("utf-8", "surrogateescape").splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        table.append(Mount(_unescape(fields[1]), fields[2],
                           tuple(fields[3].split(","))))
    return table


def _unescape(text: str) -> str:
    # The kernel writes space, tab, newline and backslash as \\ooo.
    out, index = [], 0
    while index < len(text):
        chunk = text[index:index + 4]
        if len(chunk) == 4 and chunk[0] == "\\" and chunk[1:].isdigit():
            out.append(chr(int(chunk[1:], 8)))
            index += 4
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def mount_of(table: List[Mount], path: str) -> Optional[Mount]:
    """The mount a resolved host path lives on (the last, longest match)."""
    best = None
    for mount in table:
        point = mount.point.rstrip("/") or "/"
        if path == point or path.startswith(point.rstrip("/") + "/") or \
                point == "/":
            if best is None or len(point) >= len(best.point.rstrip("/")
                                                  or "/"):
                best = mount
    return best


def host_path(host, path: str) -> str:
    """``path`` with symlinks resolved, as the host names it."""
    real = host.resolve(path)
    if host.live:
        return real
    return "/" + os.path.relpath(real, host.root).lstrip("./") \
        if real != host.root else "/"


def _has_tree(host, top: str) -> bool:
    """Whether a --root tree holds evidence under ``top`` (sys, proc)."""
    if host.live:
        return True
    return os.path.isdir(os.path.join(host.root, top))


def security_modules(host) -> Union[Dict[str, bool], Unknown]:
    """Whether libvirt's SELinux and AppArmor drivers can be enabled.

    SELinux: selinuxfs is mounted (``/sys/fs/selinux/enforce``).
    AppArmor: the module is enabled, the daemon's profile is loaded and
    libvirt's guest template is installed.
    """
    if not _has_tree(host, "sys"):
        return Unknown("the tree under --root holds no sys/ (SELinux and "
                       "AppArmor state)")
    state = {"selinux": host.exists("/sys/fs/selinux/enforce")}
    try:
        enabled = host.read_bytes("/sys/module/apparmor/parameters/enabled",
                                  16).strip().upper().startswith(b"Y")
    except OSError:
        enabled = False
    if not enabled:
        state["apparmor"] = False
        return state
    try:
        profiles = host.read_bytes(
            "/sys/kernel/security/apparmor/profiles", 4 << 20)
    except OSError as exc:
        return Unknown("AppArmor is on but its profile list is unreadable "
                       f"({exc.strerror})")
    names = {line.rsplit(b" (", 1)[0].strip()
             for line in profiles.splitlines()}
    daemon_profile = bool(names & {b"libvirtd", b"/usr/sbin/libvirtd",
                                   b"virtqemud", b"/usr/sbin/virtqemud"})
    template = host.exists("/etc/apparmor.d/libvirt/TEMPLATE.qemu")
    state["apparmor"] = daemon_profile and template
    return state


# prctl(2) constants from linux/prctl.h; the GET call only reads.
_PR_SCHED_CORE = 62
_PR_SCHED_CORE_GET = 0
_PIDTYPE_PID = 0


def sched_core(host) -> Union[bool, Unknown]:
    """Whether the running kernel has core scheduling (PR_SCHED_CORE)."""
    if not host.live:
        return Unknown("a kernel feature can only be asked of the running "
                       "kernel, not of a tree under --root")
    # Imported here: only a check of the running host asks the kernel.
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        cookie = ctypes.c_ulong(0)
        result = libc.prctl(_PR_SCHED_CORE, _PR_SCHED_CORE_GET, 0,
                            _PIDTYPE_PID, ctypes.byref(cookie))
    except (OSError, AttributeError) as exc:
        return Unknown(f"prctl is not callable here ({exc})")
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code == errno.EINVAL:
        return False
    return Unknown(f"prctl(PR_SCHED_CORE) failed: {os.strerror(code)}")


def mount_namespaces(host) -> Union[bool, Unknown]:
    """Whether the running kernel has mount namespaces."""
    if not host.live:
        return Unknown("a kernel feature can only be asked of the running "
                       "kernel, not of a tree under --root")
    return os.path.exists("/proc/self/ns/mnt")


# -- the check ------------------------------------------------------------

def check(ctx):
    if ctx.host is None:
        yield ctx.finding("HOST001", "--no-host: checks that need the host "
                          "(accounts, directories, TLS and PSK files, "
                          "plugins, security drivers) were skipped")
        return
    if ctx.version_detected:
        installed = "%d.%d" % ctx.version_detected
        if ctx.version_detected == ctx.version:
            message = (f"judged against libvirt {installed}, the release "
                       "installed on this host (its package database)")
        else:
            # Older or newer than the releases the settings table knows.
            message = (f"libvirt {installed} is installed on this host, "
                       "outside the releases confcheck models; judged by "
                       "%d.%d's rules, the nearest it models" % ctx.version)
        yield ctx.finding("HOST004", message + "; --libvirt-version "
                          "chooses another")
    yield from build_default_accounts(ctx)
    # Read last: the other checks have recorded what they skipped.
    notes = ctx._cache.get("host_skipped", {})
    for check_name, reason in notes.items():
        yield ctx.finding("HOST002", f"{check_name} was not checked: "
                          f"{reason}")


def build_default_accounts(ctx):
    """The compiled-in QEMU user and group, resolved before the file."""
    from .. import effective

    if ctx.session:
        return
    user, group, why = effective.build_default_account(ctx.host)
    for kind, name, resolver in (("user", user, effective.resolve_user),
                                 ("group", group, effective.resolve_group)):
        if resolver(ctx.host, name) is not None:
            continue
        unreadable = ctx.host.accounts_unreadable(kind)
        if unreadable:
            skipped(ctx, f"whether libvirt's built-in QEMU {kind} '{name}' "
                    f"({why}) exists", f"{unreadable}; run confcheck as root")
            continue
        yield ctx.finding(
            "HOST003", f"Failed to parse {kind} '{name}': the QEMU {kind} "
            f"libvirt is built with ({why}) does not exist on this host; "
            "the privileged daemon looks it up before reading qemu.conf, "
            f"whatever qemu.conf says (create it: adduser --system --group "
            f"{name})" if kind == "user" else
            f"Failed to parse {kind} '{name}': the QEMU {kind} libvirt is "
            f"built with ({why}) does not exist on this host (create it: "
            f"addgroup --system {name})",
            setting=kind, extra={"daemon_order": (0, kind == "group", 0)})
