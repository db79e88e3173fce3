"""What the QEMU driver checks while it starts, in the daemon's own words.

libvirt stops at the first of these and reports only that one; confcheck
reports all of them, in the order the daemon meets them (facts §4):
values while loading the file, then the TLS directories, then the
accounts, directories, plugins and security drivers of the host.
"""

import os
import platform
import stat
from typing import Iterable, List, Optional

from .. import effective, settings
from ..findings import ERROR, INFO, STAGE_START, STAGE_VM_START, WARNING
from ..host import permission_denied
from ..reader import ReadError
from ..rules import Rule
from ..syntax import getters, virconf


_DOC_PORTS = """\
libvirt checks the port ranges while it loads qemu.conf: display ports
start at 5900 or above, WebSocket ports at 5700 or above, migration and
backup ports above 0; every maximum is at most 65535 and not below its
minimum - the maximum is compared even when only the minimum is written,
against its default.  Then the daemon builds one port allocator per range,
which needs the minimum strictly below the maximum.

Failing:

    migration_port_min = 0
    migration_port_max = 70000
    migration_port_min = 60000      # default maximum 49215
    remote_display_port_min = 6000
    remote_display_port_max = 6000

Passing:

    migration_port_min = 49152
    migration_port_max = 49215

Fix: keep each range inside what the daemon accepts.
"""

RULES = (
    Rule("STA001", "port-range", ERROR, STAGE_START,
         "a port range the daemon refuses", _DOC_PORTS),
    Rule("STA002", "migration-host-local", ERROR, STAGE_START,
         "migration_host or migration_address names the local machine",
         """\
The address a migration destination gives its peers must not be the local
machine: libvirt refuses any value that starts with "localhost" (even
"localhost.example.com"; case matters) and the loopback addresses 127.0.0.1
and ::1 however they are spelt ("127.1", "2130706433", "0::1", "[::1]").
Other 127.x addresses pass.

Failing:

    migration_host = "localhost.example"

Passing:

    migration_host = "hv1.example.com"

Fix: use a name or address the other hosts can reach.
"""),
    Rule("STA003", "unknown-enum-value", ERROR, STAGE_START,
         "a value outside the setting's fixed set",
         """\
Settings such as `stdio_handler`, `sched_core`, the image formats (from
libvirt 11) and `auto_shutdown_*` take one of a fixed set of words; any
other word stops the QEMU driver.  libvirt 9.0 checks the image formats only
when a guest is saved, dumped or snapshotted.

Failing:

    stdio_handler = "journald"

Passing:

    stdio_handler = "file"

Fix: use one of the words the message lists.
"""),
    Rule("STA004", "hugetlbfs-mount", ERROR, STAGE_START,
         "a hugetlbfs_mount entry that is not a hugetlbfs mount",
         """\
Each path in `hugetlbfs_mount` must be a mounted hugetlbfs.  The empty
string, which older documentation suggests for turning huge pages off, is
read as a path and stops the driver ("cannot determine filesystem for
''"); an empty list turns huge pages off.

Failing:

    hugetlbfs_mount = ""

Passing:

    hugetlbfs_mount = []

Fix: name mounted hugetlbfs paths, or use [] to turn huge pages off.
"""),
    Rule("STA005", "nvram-format", ERROR, STAGE_START,
         "an nvram entry that is not LOADER:VARS",
         """\
Each `nvram` entry is a firmware image and its variables template joined by
exactly one colon, both parts non-empty.

Failing:

    nvram = [ "/usr/share/OVMF/OVMF_CODE.fd" ]

Passing:

    nvram = [ "/usr/share/OVMF/OVMF_CODE.fd:/usr/share/OVMF/OVMF_VARS.fd" ]

Fix: give both paths.  On hosts with firmware descriptor files libvirt
ignores `nvram` altogether; prefer removing it there.
"""),
    Rule("STA006", "nvram-ignored", WARNING, STAGE_VM_START,
         "nvram is ignored because firmware descriptors exist",
         """\
When QEMU firmware descriptor files (JSON under /usr/share/qemu/firmware,
/etc/qemu/firmware) exist, libvirt ignores `nvram` and picks firmware from
the descriptors.

Failing (with /usr/share/qemu/firmware/*.json installed):

    nvram = [ "/usr/share/OVMF/OVMF_CODE.fd:/usr/share/OVMF/OVMF_VARS.fd" ]

Passing: the `nvram` line removed; the descriptors name the firmware.

Fix: remove `nvram`, or describe custom firmware with a descriptor file.
"""),
    Rule("STA007", "security-driver", ERROR, STAGE_START,
         "a security driver that is unknown, repeated or unusable here",
         """\
Every name in `security_driver` must be a driver libvirt has (selinux,
apparmor, none), appear once, and be usable on the host: SELinux enabled,
or AppArmor enabled with libvirt's profile loaded.  The daemon only says
"Failed to initialize security drivers".

Failing (on a host without AppArmor):

    security_driver = "apparmor"

Passing:

    security_driver = "none"

Fix: name a driver the host runs, or leave the setting out to let libvirt
probe.
"""),
    Rule("STA008", "require-confined-without-driver", ERROR, STAGE_START,
         "security_require_confined with no confining driver",
         """\
`security_require_confined = 1` needs a driver that confines guests; with
the driver "none" (set, or what libvirt probes on a host without SELinux
and AppArmor) the QEMU driver refuses to start.

Failing:

    security_driver = "none"
    security_require_confined = 1

Passing (on a host with AppArmor enabled):

    security_driver = "apparmor"
    security_require_confined = 1

Fix: enable SELinux or AppArmor, or drop `security_require_confined`.
"""),
    Rule("STA009", "cgroup-controller", ERROR, STAGE_START,
         "an unknown cgroup controller name",
         """\
`cgroup_controllers` takes names from libvirt's fixed list: cpu, cpuacct,
cpuset, memory, devices, freezer, blkio, net_cls, perf_event,
name=systemd.  An empty list is valid and turns them all off.

Failing:

    cgroup_controllers = [ "io" ]

Passing:

    cgroup_controllers = [ "cpu", "memory" ]

Fix: use libvirt's names (blkio, not io).
"""),
    Rule("STA010", "cgroup-comounted", WARNING, STAGE_VM_START,
         "cpu or cpuacct listed alone where the two are mounted together",
         """\
On a cgroup v1 host cpu and cpuacct are usually mounted together; listing
one without the other makes guests fail to start.

Failing (/proc/mounts has cpu and cpuacct on one cgroup v1 mount):

    cgroup_controllers = [ "cpu", "memory" ]

Passing:

    cgroup_controllers = [ "cpu", "cpuacct", "memory" ]

Fix: list both, or neither.
"""),
    Rule("STA011", "namespaces", ERROR, STAGE_START,
         "an unknown or unusable namespace",
         """\
`namespaces` may only hold "mount"; the session daemon cannot use it at
all.  An empty list is valid.

Failing:

    namespaces = [ "net" ]

Passing:

    namespaces = [ "mount" ]

Fix: use [ "mount" ] or [].
"""),
    Rule("STA012", "disk-format-probing", ERROR, STAGE_START,
         "allow_disk_format_probing = 1 is no longer supported",
         """\
Format probing was removed for safety; libvirt refuses to start the QEMU
driver when it is turned on.

Failing:

    allow_disk_format_probing = 1

Passing:

    allow_disk_format_probing = 0

Fix: remove the line (or set it to 0) and give disk formats in the domain
XML.
"""),
    Rule("STA013", "tls-dir-missing", ERROR, STAGE_START,
         "an explicitly set TLS certificate directory does not exist",
         """\
Every `*_tls_x509_cert_dir` written in the file must exist when the daemon
starts, even when that feature's TLS is off.  Directories left at their
defaults are not checked at start-up (they fail later, when used).

Failing:

    migrate_tls_x509_cert_dir = "/etc/pki/libvirt-migrate"   # absent

Passing: the line removed, or the directory created with its
certificates.

Fix: create the directory with its certificates, or remove the line.
"""),
    Rule("STA014", "account-unknown", ERROR, STAGE_START,
         "the QEMU or swtpm user or group does not resolve",
         """\
libvirt resolves `user`, `group`, `swtpm_user` and `swtpm_group` at
start-up: a name from the account database, a number, or "+N" for a
number that is never looked up as a name.  Numbers are read like C's
strtoul: blanks and a sign may come first, nothing may follow, and a
negative number wraps ("-1" is 4294967295).  Without `user`/`group` the
distribution's compiled-in default (libvirt-qemu on Debian, qemu on
Fedora) must exist.  Otherwise: "Failed to parse user '...'".

Failing:

    user = "vmrunner"      # no such account

Passing:

    user = "+107"

Fix: create the account, or name an existing one.
"""),
    Rule("STA015", "directory-not-creatable", ERROR, STAGE_START,
         "a directory the daemon must create cannot be created",
         """\
At start-up the daemon creates `auto_dump_path` and
`memory_backing_dir`/libvirt/qemu.  An empty value, a path through a
regular file, or one in /proc, /sys or a read-only mount fails ("Failed to
create dump dir"); the per-user daemon also
fails where the user may not write.  The per-user daemon creates its dbus
state directory owned by `user`:`group`, so naming another account in the
per-user qemu.conf fails with "Operation not permitted".

Failing:

    auto_dump_path = ""

Passing:

    auto_dump_path = "/var/lib/libvirt/qemu/dump"

Fix: give a directory path the daemon can create.
"""),
    Rule("STA016", "lock-manager", ERROR, STAGE_START,
         "the lock manager plugin or its configuration is unusable",
         """\
`lock_manager` names a plugin in libvirt's lock-driver directory (lockd
ships with libvirt-daemon; sanlock is a separate package).  The plugin
reads /etc/libvirt/qemu-<name>.conf with the same parser; a missing
plugin, a file that is no shared object, a syntax or type error there stops
the QEMU driver.  When that file
sets a lockspace (`file_lockspace_dir`, `lvm_lockspace_dir`,
`scsi_lockspace_dir`), lockd registers it with virtlockd while the daemon
starts, so virtlockd's socket must be there.

Failing:

    lock_manager = "fcntl"

Passing:

    lock_manager = "lockd"

Fix: install the plugin, or leave the setting out.
"""),
    Rule("STA017", "mac-filter-ebtables", ERROR, STAGE_START,
         "mac_filter = 1 without ebtables",
         """\
With `mac_filter = 1` the daemon sets up ebtables rules at start-up and
fails when ebtables cannot run.

Failing (ebtables not installed):

    mac_filter = 1

Passing:

    mac_filter = 0

Fix: install ebtables, or set `mac_filter = 0`.
"""),
    Rule("STA018", "stdio-handler-logd", WARNING, STAGE_VM_START,
         "stdio_handler is logd but virtlogd is not available",
         """\
With `stdio_handler = "logd"` (the default) every guest's console output
goes through virtlogd; without it guests fail to start.

Failing (virtlogd not installed):

    stdio_handler = "logd"

Passing:

    stdio_handler = "file"

Fix: install and enable virtlogd, or set `stdio_handler = "file"`.
"""),
    Rule("STA019", "vnc-password-truncated", WARNING, STAGE_VM_START,
         "vnc_password longer than 8 characters",
         """\
VNC passwords are at most 8 characters; libvirt keeps the first 8 and
drops the rest with a warning in its log.

Failing:

    vnc_password = "longer-than-8"

Passing:

    vnc_password = "8chars!!"

Fix: use a password of at most 8 characters, and TLS or SASL for real
protection.
"""),
    Rule("STA021", "sched-core-unsupported", ERROR, STAGE_START,
         "sched_core needs core scheduling, which the kernel lacks",
         """\
Any `sched_core` other than "none" makes libvirt ask the kernel for core
scheduling (prctl PR_SCHED_CORE) at start-up; a kernel built without it
stops the QEMU driver ("SCHED_CORE not supported by kernel").

Failing (on such a kernel):

    sched_core = "vcpus"

Passing:

    sched_core = "none"

Fix: use a kernel with CONFIG_SCHED_CORE, or set `sched_core = "none"`.
"""),
    Rule("STA020", "image-format-at-use", WARNING, STAGE_VM_START,
         "an image format that libvirt 9.0 rejects only when it is used",
         """\
libvirt 9.0 checks `save_image_format`, `dump_image_format` and
`snapshot_image_format` only when a guest is saved, dumped or
snapshotted; the operation then fails (dump falls back to raw).

Failing (with `--libvirt-version 9.0`):

    save_image_format = "zstd"

Passing:

    save_image_format = "xz"

Fix: use raw, gzip, bzip2, xz or lzop.
"""),
)

# -- the order the daemon meets problems in ---------------------------------

#: Settings in the order libvirt 9.0's QEMU driver reads them while loading
#: qemu.conf; each value check runs right after its setting is read.
#: Measured on Debian's 9.0.0 by giving every setting a wrong type and
#: removing the one the daemon named, run after run (see docs/startup.md).
LOAD_ORDER_9 = (
    "default_tls_x509_cert_dir", "default_tls_x509_verify",
    "default_tls_x509_secret_uuid", "vnc_auto_unix_socket", "vnc_tls",
    "vnc_tls_x509_verify", "vnc_tls_x509_cert_dir",
    "vnc_tls_x509_secret_uuid", "vnc_listen", "vnc_password", "vnc_sasl",
    "vnc_sasl_dir", "vnc_allow_host_audio", "nographics_allow_host_audio",
    "spice_tls", "spice_tls_x509_cert_dir", "spice_sasl", "spice_sasl_dir",
    "spice_listen", "spice_password", "spice_auto_unix_socket", "vxhs_tls",
    "nbd_tls", "chardev_tls", "migrate_tls_force",
    "chardev_tls_x509_cert_dir", "chardev_tls_x509_secret_uuid",
    "chardev_tls_x509_verify", "migrate_tls_x509_cert_dir",
    "migrate_tls_x509_secret_uuid", "migrate_tls_x509_verify",
    "backup_tls_x509_cert_dir", "backup_tls_x509_secret_uuid",
    "backup_tls_x509_verify", "vxhs_tls_x509_cert_dir",
    "vxhs_tls_x509_secret_uuid", "nbd_tls_x509_cert_dir",
    "nbd_tls_x509_secret_uuid", "remote_websocket_port_min",
    "remote_websocket_port_max", "remote_display_port_min",
    "remote_display_port_max", "save_image_format", "dump_image_format",
    "snapshot_image_format", "auto_dump_path", "auto_dump_bypass_cache",
    "auto_start_bypass_cache", "hugetlbfs_mount", "bridge_helper",
    "pr_helper", "slirp_helper", "dbus_daemon", "set_process_name",
    "max_processes", "max_files", "max_threads_per_process", "max_core",
    "dump_guest_core", "stdio_handler", "sched_core", "mac_filter",
    "relaxed_acs_check", "lock_manager", "allow_disk_format_probing",
    "max_queued", "keepalive_interval", "keepalive_count",
    "migration_port_min", "migration_port_max", "migration_host",
    "migration_address", "log_timestamp", "nvram", "gluster_debug_level",
    "virtiofsd_debug", "deprecation_behavior", "security_driver",
    "security_default_confined", "security_require_confined", "user",
    "group", "dynamic_ownership", "remember_owner", "cgroup_controllers",
    "cgroup_device_acl", "seccomp_sandbox", "namespaces",
    "memory_backing_dir", "swtpm_user", "swtpm_group", "capability_filters",
)

#: Settings newer than 9.0, each placed after the 9.0 setting its helper
#: reads before it (facts §4: the helper order).  Not measured: no newer
#: daemon runs here; only the choice of the first message depends on it.
_LATER_SETTINGS = (
    ("default_tls_x509_secret_uuid", ("default_tls_priority",)),
    ("vnc_tls_x509_secret_uuid", ("vnc_tls_priority",)),
    ("spice_auto_unix_socket", ("rdp_listen", "rdp_tls_x509_cert_dir",
                                "rdp_username", "rdp_password")),
    ("chardev_tls_x509_verify", ("chardev_tls_priority",)),
    ("migrate_tls_x509_verify", ("migrate_tls_priority",)),
    ("backup_tls_x509_verify", ("backup_tls_priority",)),
    ("nbd_tls_x509_secret_uuid", ("nbd_tls_priority",)),
    ("auto_dump_path", ("auto_dump_max_size",)),
    ("auto_start_bypass_cache", (
        "auto_start_delay", "auto_shutdown_try_save",
        "auto_shutdown_try_shutdown", "auto_shutdown_poweroff",
        "auto_shutdown_wait", "auto_shutdown_restore",
        "auto_save_bypass_cache")),
    ("dbus_daemon", ("qemu_rdp", "qemu_vnc")),
    ("migration_address", ("backup_port_min", "backup_port_max")),
    ("capability_filters", ("storage_use_nbdkit", "shared_filesystems",
                            "default_cpu_deprecated_features")),
)


def _load_order():
    order = list(LOAD_ORDER_9)
    for after, names in _LATER_SETTINGS:
        index = order.index(after) + 1
        order[index:index] = list(names)
    return {name: index for index, name in enumerate(order)}


_LOAD_INDEX = _load_order()

#: Phases of the driver's start-up (facts §4), first to last.
PHASE_DEFAULTS = 0      # compiled-in accounts, before the file is read
PHASE_SYNTAX = 1        # the parse
PHASE_LOAD = 2          # getters and value checks, in _LOAD_INDEX order
PHASE_VALIDATE = 3      # the explicitly set TLS directories
PHASE_STATE = 4         # directories, lock manager, MAC filter, security

#: Steps of PHASE_STATE in the order the daemon takes them (measured).
_STATE_STEPS = ("auto_dump_path", "memory_backing_dir", "dbus_dir",
                "lock_manager",
                "mac_filter", "port_allocators", "security_driver")


def daemon_order(finding) -> tuple:
    """Where the daemon meets ``finding`` while starting (smaller first).

    Accepts a Finding; start-up checks record their place in
    ``extra["daemon_order"]``, the rest is derived from the code and the
    setting.
    """
    recorded = finding.extra.get("daemon_order") if finding.extra else None
    if recorded is not None:
        return tuple(recorded)
    if finding.code.startswith("SYN"):
        return (PHASE_SYNTAX, finding.line, finding.column)
    index = _LOAD_INDEX.get(finding.setting or "", len(_LOAD_INDEX))
    # A getter's type error comes before the value check of that setting.
    return (PHASE_LOAD, index, 0)


def first_start_error(findings: Iterable) -> Optional[object]:
    """The start-up error the daemon would report: it stops at the first."""
    candidates = [f for f in findings
                  if f.severity == ERROR and f.stage == STAGE_START]
    if not candidates:
        return None
    return min(candidates, key=daemon_order)


def _load_at(name, step=1):
    return {"daemon_order": (PHASE_LOAD, _LOAD_INDEX.get(name, 999), step)}


def _state_at(name, step=0):
    return {"daemon_order": (PHASE_STATE, _STATE_STEPS.index(name), step)}


# -- helpers ----------------------------------------------------------------

_PORT_RULES = (
    # (min setting, max setting, lowest min, message for min, since)
    ("remote_websocket_port_min", "remote_websocket_port_max", 5700,
     "port must be greater than or equal to 5700", (9, 0)),
    ("remote_display_port_min", "remote_display_port_max", 5900,
     "port must be greater than or equal to 5900", (9, 0)),
    ("migration_port_min", "migration_port_max", 1,
     "port must be greater than 0", (9, 0)),
    ("backup_port_min", "backup_port_max", 1,
     "port must be greater than 0", (12, 8)),
)

_PORT_DEFAULTS = {
    "remote_websocket_port_min": 5700, "remote_websocket_port_max": 65535,
    "remote_display_port_min": 5900, "remote_display_port_max": 65535,
    "migration_port_min": 49152, "migration_port_max": 49215,
    "backup_port_min": 10809, "backup_port_max": 10872,
}

#: The TLS directories virQEMUDriverConfigValidate checks, in its order.
_TLS_DIR_SETTINGS = (
    "default_tls_x509_cert_dir", "vnc_tls_x509_cert_dir",
    "spice_tls_x509_cert_dir", "rdp_tls_x509_cert_dir",
    "chardev_tls_x509_cert_dir", "migrate_tls_x509_cert_dir",
    "backup_tls_x509_cert_dir", "vxhs_tls_x509_cert_dir",
    "nbd_tls_x509_cert_dir",
)

#: Where distributions install libvirt's lock-driver plugins.
_LOCK_DRIVER_DIRS = (
    "/usr/lib/x86_64-linux-gnu/libvirt/lock-driver",
    "/usr/lib/aarch64-linux-gnu/libvirt/lock-driver",
    "/usr/lib/powerpc64le-linux-gnu/libvirt/lock-driver",
    "/usr/lib/s390x-linux-gnu/libvirt/lock-driver",
    "/usr/lib64/libvirt/lock-driver",
    "/usr/lib/libvirt/lock-driver",
)

#: Settings of the lockd plugin's own file, and how it reads them.
_LOCKD_SETTINGS = {
    "auto_disk_leases": settings.BOOL,
    "require_lease_for_disks": settings.BOOL,
    "file_lockspace_dir": settings.STRING,
    "lvm_lockspace_dir": settings.STRING,
    "scsi_lockspace_dir": settings.STRING,
}

#: The socket the lockd plugin connects to when it has lockspaces.
_VIRTLOCKD_SOCKET = "/run/libvirt/virtlockd-sock"

_EBTABLES = "/usr/sbin/ebtables"
_EBTABLES_FIRST_RULE = "--concurrent -P libvirt_qemu_FORWARD DROP"

_FIRMWARE_DIRS = ("/usr/share/qemu/firmware", "/etc/qemu/firmware")


def _version(ctx):
    return ctx.version or settings.NEWEST_RELEASE


def _place(ctx, name):
    entry = ctx.doc.first(name)
    if entry is None:
        return 0, 0
    return entry.value.line or entry.line, entry.value.column or entry.column


def _written(ctx, name):
    """How a HOST002 note names a setting: "qemu.conf NAME, line N"."""
    entry = ctx.doc.first(name)
    if entry is None:
        return f"{name}, its default"
    return f"qemu.conf {name}, line {entry.line}"


def _not_checked(ctx, what, path, contents=True):
    """Note ``what`` as not checked when confcheck may not look at ``path``.

    Run as an ordinary user, confcheck is often refused a path the
    daemon (root) reads: the path is then unknown, never "missing".
    """
    if ctx.host.refusal(path, contents) is None:
        return False
    _say_refused(ctx, what, path)
    return True


def _say_refused(ctx, what, path):
    from . import host as probes

    probes.skipped(ctx, what, f"confcheck cannot read {path} (permission "
                   "denied); run confcheck as root")


def _mount_table(ctx):
    """The mount table, or Unknown saying why (refused, or not there)."""
    from . import host as probes

    table = probes.mounts(ctx.host)
    if isinstance(table, probes.Unknown):
        refused = ctx.host.refusal("/proc/mounts")
        if refused:
            # probes.mounts says "no /proc/mounts", which is not so.
            return probes.Unknown(f"{refused}; run confcheck as root")
    return table


def check(ctx):
    _evidence_refused(ctx)
    yield from _load_phase(ctx)
    yield from _tls_dirs(ctx)
    yield from _directories(ctx)
    yield from _session_owner(ctx)
    yield from _lock_manager(ctx)
    yield from _mac_filter(ctx)
    yield from _port_allocators(ctx)
    yield from _security_host(ctx)
    yield from _warnings(ctx)


def _evidence_refused(ctx):
    """Host files that decide what the file is judged by, when refused.

    Without them confcheck falls back (the newest release; root:root as
    the built-in QEMU account), which may not be what the host runs.
    """
    if ctx.host is None:
        return
    from ..version import DPKG_STATUS

    if ctx.version is None and ctx.version_detected is None:
        _not_checked(ctx, "which libvirt release is installed (judged by "
                     "the newest rules, with the TLS-PSK proposal; "
                     "--libvirt-version X.Y names one)", DPKG_STATUS)
    if not ctx.session and not ctx.host.os_release():
        _not_checked(ctx, "which QEMU user and group libvirt is built with "
                     "(the distribution /etc/os-release names)",
                     "/etc/os-release")


# -- values read while loading the file -------------------------------------

def _load_phase(ctx):
    yield from _ports(ctx)
    yield from _values(ctx)
    yield from _hugetlbfs(ctx)
    yield from _security_names(ctx)
    yield from _accounts(ctx)
    yield from _lists(ctx)


def _ports(ctx):
    doc = ctx.doc
    version = _version(ctx)
    for low_name, high_name, lowest, low_message, since in _PORT_RULES:
        if version < since:
            continue
        low = doc.value(low_name, _PORT_DEFAULTS[low_name])
        high = doc.value(high_name, _PORT_DEFAULTS[high_name])
        if not (doc.value(low_name) is not None or
                doc.value(high_name) is not None):
            continue
        if low < lowest:
            yield ctx.finding(
                "STA001", f"{low_name}: {low_message}; raise "
                f"{low_name} to at least {lowest}", *_place(ctx, low_name),
                setting=low_name, extra=_load_at(low_name))
            # The daemon stops here; the maximum is never compared.
            continue
        if high <= 65535 and high >= low:
            continue
        if low_name.startswith("remote_"):
            message = (f"{high_name}: port must be between the minimal "
                       "port and 65535")
        else:
            message = (f"{high_name}: port must be between the minimal "
                       f"port {low} and 65535")
        # The maximum is checked even when only the minimum was written.
        named = high_name if doc.value(high_name) is not None else low_name
        default = "" if named == high_name else \
            f" (the default {high_name} is {high})"
        yield ctx.finding(
            "STA001", f"{message}{default}; keep {high_name} between "
            f"{low} and 65535", *_place(ctx, named), setting=high_name,
            extra=_load_at(high_name))


def _local_address(value):
    """``value`` as libvirt names it when it is the local machine, or None.

    Measured on 9.0: brackets come off only around something with a colon
    ("[::1]", "[localhost:1]"; not "[localhost]"); then a value starting
    with "localhost" is local, and so is one the C library reads as the
    numeric address 127.0.0.1 or ::1 in any spelling ("127.1",
    "2130706433", "0::1", "::1%1") - but not "127.0.0.2" or
    "::ffff:127.0.0.1".
    """
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") \
        and ":" in value else value
    if bare.startswith("localhost"):
        return bare
    import socket  # only for a listen address: not every check pays

    try:
        # Numeric only: the flag forbids any name lookup.
        found = socket.getaddrinfo(bare, None, socket.AF_UNSPEC, 0, 0,
                                   socket.AI_NUMERICHOST)
    except (OSError, UnicodeError, ValueError):
        return None
    for family, _, _, _, address in found:
        if (family, address[0]) in ((socket.AF_INET, "127.0.0.1"),
                                    (socket.AF_INET6, "::1")):
            return bare
    return None


def _enum_values(setting):
    return ", ".join(f'"{value}"' for value in setting.enum)


def _values(ctx):
    doc = ctx.doc
    version = _version(ctx)

    for name in ("migration_host", "migration_address"):
        value = doc.value(name)
        if value is None:
            continue
        bare = _local_address(value)
        if bare is not None:
            yield ctx.finding(
                "STA002", f"{name} must not be the address of the local "
                f"machine: {bare}; give a name or address other hosts "
                "reach this one by", *_place(ctx, name), setting=name,
                extra=_load_at(name))

    for name in ("save_image_format", "dump_image_format",
                 "snapshot_image_format"):
        value = doc.value(name)
        if value is None:
            continue
        setting = settings.BY_NAME[name]
        if version >= setting.enum_checked_since:
            if value not in setting.enum:
                yield ctx.finding(
                    "STA003", f"Invalid {name} '{value}'; use one of "
                    f"{_enum_values(setting)}", *_place(ctx, name),
                    setting=name, extra=_load_at(name))
        elif value not in settings.IMAGE_FORMATS_9:
            yield ctx.finding(
                "STA020", f"invalid {name} '{value}': libvirt "
                f"{version[0]}.{version[1]} fails the operation that uses "
                "it; use one of " + ", ".join(
                    f'"{v}"' for v in settings.IMAGE_FORMATS_9),
                *_place(ctx, name), setting=name)

    for name, template in (
            ("stdio_handler", "Unknown stdio handler {v}"),
            ("sched_core", "Unknown sched_core value {v}"),
            ("auto_shutdown_try_save", "unknown auto_shutdown_try_save '{v}'"),
            ("auto_shutdown_try_shutdown",
             "unknown auto_shutdown_try_shutdown '{v}'"),
            ("auto_shutdown_poweroff", "unknown auto_shutdown_poweroff '{v}'"),
            ("default_cpu_deprecated_features",
             "Unknown default_cpu_deprecated_features value {v}")):
        value = doc.value(name)
        setting = settings.BY_NAME[name]
        if value is None or value in setting.enum:
            continue
        yield ctx.finding(
            "STA003", template.format(v=value) +
            f"; use one of {_enum_values(setting)}", *_place(ctx, name),
            setting=name, extra=_load_at(name))

    sched = doc.value("sched_core")
    if sched is not None and sched != "none" and \
            sched in settings.BY_NAME["sched_core"].enum:
        yield from _sched_core_kernel(ctx)

    try_save = doc.value("auto_shutdown_try_save")
    if try_save in ("all", "transient"):
        yield ctx.finding(
            "STA003", "managed save cannot be requested for transient "
            "domains; set auto_shutdown_try_save to \"none\" or "
            "\"persistent\"", *_place(ctx, "auto_shutdown_try_save"),
            setting="auto_shutdown_try_save",
            extra=_load_at("auto_shutdown_try_save", 2))

    if doc.value("allow_disk_format_probing") is True:
        yield ctx.finding(
            "STA012", "allow_disk_format_probing is no longer supported; "
            "remove the line and give disk formats in the domain XML",
            *_place(ctx, "allow_disk_format_probing"),
            setting="allow_disk_format_probing",
            extra=_load_at("allow_disk_format_probing"))

    yield from _nvram(ctx)


def _sched_core_kernel(ctx):
    if ctx.host is None:
        return
    from . import host as probes

    supported = probes.sched_core(ctx.host)
    if isinstance(supported, probes.Unknown):
        probes.skipped(ctx, "whether the kernel has core scheduling "
                       "(sched_core)", supported.reason)
        return
    if not supported:
        yield ctx.finding(
            "STA021", "SCHED_CORE not supported by kernel; set sched_core "
            "= \"none\" or use a kernel built with CONFIG_SCHED_CORE",
            *_place(ctx, "sched_core"), setting="sched_core",
            extra=_load_at("sched_core", 2))


def _nvram(ctx):
    nvram = ctx.doc.value("nvram")
    if not nvram:
        return
    firmware = _firmware_descriptors(ctx)
    if firmware is _UNKNOWN:
        return
    if firmware:
        yield ctx.finding(
            "STA006", f"nvram is ignored: firmware descriptors exist in "
            f"{firmware}; remove nvram or describe custom firmware with a "
            "descriptor file", *_place(ctx, "nvram"), setting="nvram")
        return
    for item in nvram:
        # Measured on 9.0: exactly one colon with something on each side
        # as written ("a:" and ":b" fail; "  :b" and "a: " pass).
        loader, colon, variables = item.partition(":")
        if not (loader and colon and variables) or ":" in variables:
            yield ctx.finding(
                "STA005", f"Invalid nvram format: '{item}'; write "
                "\"LOADER:VARS\" (two paths, one colon)",
                *_place(ctx, "nvram"), setting="nvram",
                extra=_load_at("nvram"))
            # The daemon stops at the first bad entry.
            return


#: A host probe confcheck was refused (its HOST002 note is recorded).
_UNKNOWN = object()


def _firmware_descriptors(ctx):
    """The first directory holding firmware descriptors, None, or _UNKNOWN.

    With descriptors the daemon ignores nvram, format and all, so one
    directory confcheck may not list leaves both unknown.
    """
    if ctx.host is None:
        return None
    refused = None
    for directory in _FIRMWARE_DIRS:
        try:
            names = os.listdir(ctx.host.resolve(directory))
        except OSError as exc:
            if refused is None and permission_denied(exc):
                refused = directory
            continue
        if any(name.endswith(".json") for name in names):
            return directory
    if refused is None:
        return None
    _say_refused(ctx, f"whether nvram ({_written(ctx, 'nvram')}) is ignored "
                 f"for firmware descriptors in {refused}, or each entry "
                 "must be LOADER:VARS", refused)
    return _UNKNOWN


def _hugetlbfs(ctx):
    paths = ctx.doc.value("hugetlbfs_mount")
    if not paths:
        return
    where = _place(ctx, "hugetlbfs_mount")
    extra = _load_at("hugetlbfs_mount")
    if "" in paths and paths.index("") == 0:
        yield ctx.finding(
            "STA004", "cannot determine filesystem for '': No such file or "
            "directory; an empty hugetlbfs_mount is read as a path: write "
            "hugetlbfs_mount = [] to turn huge pages off", *where,
            setting="hugetlbfs_mount", extra=extra)
        return
    if ctx.host is None:
        return
    from . import host as probes

    table = _mount_table(ctx)
    for path in paths:
        if not ctx.host.exists(path):
            if _not_checked(ctx, f"whether hugetlbfs_mount '{path}' is a "
                            "hugetlbfs mount "
                            f"({_written(ctx, 'hugetlbfs_mount')})", path,
                            contents=False):
                # Unknown, not missing: a bad entry further on still fails.
                continue
            problem = (f"cannot determine filesystem for '{path}': No such "
                       "file or directory")
        elif isinstance(table, probes.Unknown):
            # A missing path further on still fails, whatever this is.
            probes.skipped(ctx, "whether each hugetlbfs_mount is a "
                           "hugetlbfs mount", table.reason)
            continue
        else:
            mount = probes.mount_of(table, probes.host_path(ctx.host, path))
            if mount is not None and mount.fstype == "hugetlbfs":
                continue
            problem = f"not a hugetlbfs mount: '{path}'"
        yield ctx.finding(
            "STA004", f"{problem}; mount a hugetlbfs there (mount -t "
            "hugetlbfs none PATH), name a mounted one, or write "
            "hugetlbfs_mount = [] to turn huge pages off", *where,
            setting="hugetlbfs_mount", extra=extra)
        # The daemon stops at the first bad entry.
        return


def _security_names(ctx):
    drivers = ctx.doc.value("security_driver")
    if drivers is None:
        return
    seen = set()
    for name in drivers:
        if name in seen:
            yield ctx.finding(
                "STA007", f"Duplicate security driver {name}; name each "
                "driver once", *_place(ctx, "security_driver"),
                setting="security_driver",
                extra=_load_at("security_driver"))
            return
        seen.add(name)


def _accounts(ctx):
    from . import host as probes

    if ctx.host is None:
        return
    doc = ctx.doc
    for name, resolver, kind in (
            ("user", effective.resolve_user, "user"),
            ("group", effective.resolve_group, "group"),
            ("swtpm_user", effective.resolve_user, "user"),
            ("swtpm_group", effective.resolve_group, "group")):
        text = doc.value(name)
        if text is None or resolver(ctx.host, text) is not None:
            continue
        unreadable = ctx.host.accounts_unreadable(kind)
        if unreadable and not text.startswith("+"):
            probes.skipped(ctx, f"whether {kind} '{text}' (qemu.conf {name}, "
                           f"line {doc.first(name).line}) exists",
                           f"{unreadable}; run confcheck as root")
            continue
        database = "/etc/passwd" if kind == "user" else "/etc/group"
        if text.startswith("+"):
            why = "\"+\" asks for a numeric id and this is not one"
        else:
            why = f"no such {kind} in {database} and not a number"
        yield ctx.finding(
            "STA014", f"Failed to parse {kind} '{effective.id_text(text)}'"
            f": {why}; create the account, name an existing one, or write "
            f"\"+N\" for a numeric id",
            *_place(ctx, name), setting=name, extra=_load_at(name))


def _lists(ctx):
    doc = ctx.doc
    controllers = doc.value("cgroup_controllers")
    setting = settings.BY_NAME["cgroup_controllers"]
    for name in controllers or ():
        if name not in setting.enum:
            yield ctx.finding(
                "STA009", f"Unknown cgroup controller '{name}'; known: "
                f"{_enum_values(setting)}", *_place(ctx, "cgroup_controllers"),
                setting="cgroup_controllers",
                extra=_load_at("cgroup_controllers"))
            break

    namespaces = doc.value("namespaces")
    where = _place(ctx, "namespaces")
    for name in namespaces or ():
        if name != "mount":
            yield ctx.finding(
                "STA011", f"Unknown namespace: {name}; only \"mount\" "
                "exists", *where, setting="namespaces",
                extra=_load_at("namespaces"))
            return
    if not namespaces:
        return
    if ctx.session:
        yield ctx.finding(
            "STA011", "cannot use namespaces in session mode; remove "
            "namespaces from the per-user qemu.conf", *where,
            setting="namespaces", extra=_load_at("namespaces", 2))
        return
    if ctx.host is None:
        return
    from . import host as probes

    available = probes.mount_namespaces(ctx.host)
    if isinstance(available, probes.Unknown):
        probes.skipped(ctx, "whether mount namespaces are available "
                       "(namespaces)", available.reason)
    elif not available:
        yield ctx.finding(
            "STA011", "mount namespace is not available; write namespaces "
            "= [] on this kernel", *where, setting="namespaces",
            extra=_load_at("namespaces", 2))


# -- virQEMUDriverConfigValidate: explicitly set TLS directories ------------

def _tls_dirs(ctx):
    from . import host as probes

    if ctx.host is None:
        return
    version = _version(ctx)
    for index, name in enumerate(_TLS_DIR_SETTINGS):
        setting = settings.BY_NAME[name]
        if not setting.read_in(ctx.version) or (
                setting.since and version < setting.since):
            continue
        path = ctx.doc.value(name)
        if path is None or ctx.host.exists(path):
            continue
        if ctx.host.denied(path):
            probes.skipped(ctx, f"whether {name} directory '{path}' exists",
                           "confcheck cannot reach it (permission denied); "
                           "run confcheck as root")
            continue
        yield ctx.finding(
            "STA013", f"{name} directory '{path}' does not exist; create "
            "it with the certificates, or remove the line (TLS off does "
            "not skip this check)", *_place(ctx, name), setting=name,
            extra={"daemon_order": (PHASE_VALIDATE, index, 0)})


# -- the rest of the driver's start-up --------------------------------------

def _directories(ctx):
    if ctx.host is None:
        return
    for name, label, suffix in (
            ("auto_dump_path", "dump dir", ""),
            ("memory_backing_dir", "memory backing dir", "/libvirt/qemu")):
        path = ctx.doc.value(name)
        if path is None:
            continue
        full = path + suffix
        problem = _creatable(ctx, full, f"whether the daemon can create "
                             f"{label} {full} ({_written(ctx, name)})")
        if problem:
            yield ctx.finding(
                "STA015", f"Failed to create {label} {full}: {problem}; "
                f"set {name} to a directory path the daemon can create",
                *_place(ctx, name), setting=name, extra=_state_at(name))


def _creatable(ctx, path, what):
    """Why ``mkdir -p path`` by the daemon would fail on the host, or None.

    The privileged daemon runs as root; the session daemon as the user
    confcheck runs as.  What confcheck may not look at is noted as
    ``what`` not checked, and None returned.
    """
    if path == "":
        return "Invalid argument"
    if not path.startswith("/"):
        return None
    host = ctx.host
    current = "/"
    parent_info = None
    for part in [p for p in path.split("/") if p]:
        current = os.path.join(current, part)
        try:
            info = host.stat(current)
        except FileNotFoundError:
            return _refused_by_filesystem(ctx, os.path.dirname(current),
                                          what) \
                or _may_create_in(ctx, parent_info)
        except NotADirectoryError:
            return "Not a directory"
        except OSError as exc:
            if permission_denied(exc) and not ctx.session:
                # Refused to confcheck, not to the daemon: it runs as root.
                _say_refused(ctx, what, path)
                return None
            return exc.strerror
        if not stat.S_ISDIR(info.st_mode):
            return "Not a directory"
        parent_info = info
    return None


#: What mkdir gets in a filesystem that makes no directories (measured
#: on 9.0: /proc/x "No such file or directory", /sys/x "Operation not
#: permitted").
_NO_MKDIR = {"proc": "No such file or directory",
             "sysfs": "Operation not permitted"}


def _refused_by_filesystem(ctx, parent, what):
    """Why the filesystem holding ``parent`` refuses a new directory."""
    from . import host as probes

    table = probes.mounts(ctx.host)
    if isinstance(table, probes.Unknown):
        _not_checked(ctx, what, "/proc/mounts")
        return None
    mount = probes.mount_of(table, probes.host_path(ctx.host, parent))
    if mount is None:
        return None
    if mount.fstype in _NO_MKDIR:
        return _NO_MKDIR[mount.fstype]
    if "ro" in mount.options:
        return "Read-only file system"
    return None


def _session_owner(ctx):
    """A session daemon cannot give its directories to another account.

    It creates its dbus state directory owned by ``user``:``group``; as an
    ordinary user the chown fails for any other uid, or a group the user
    is not in (measured on 9.0).
    """
    if not ctx.session or ctx.host is None or os.geteuid() == 0:
        return
    uid = gid = None
    user, group = ctx.doc.value("user"), ctx.doc.value("group")
    if user is not None:
        uid = effective.resolve_user(ctx.host, user)
    if group is not None:
        gid = effective.resolve_group(ctx.host, group)
    foreign_user = uid is not None and uid != os.geteuid()
    foreign_group = gid is not None and gid != os.getegid() and \
        gid not in os.getgroups()
    if not (foreign_user or foreign_group):
        return
    setting = "user" if foreign_user else "group"
    yield ctx.finding(
        "STA015", f"Failed to create dbus state dir {_session_state_dir(ctx)}"
        f"/dbus: Operation not permitted; the per-user daemon runs as you "
        f"and cannot hand files to another {setting}: remove {setting} "
        "from the per-user qemu.conf", *_place(ctx, setting),
        setting=setting, extra=_state_at("dbus_dir"))


def _session_state_dir(ctx):
    base = os.path.dirname(ctx.path)
    if os.path.basename(base) == "etc":
        # virt-qemu-run's embedded driver: ROOT/etc/qemu.conf, ROOT/run.
        return os.path.join(os.path.dirname(base), "run", "qemu")
    runtime = os.environ.get("XDG_RUNTIME_DIR") or \
        f"/run/user/{os.geteuid()}"
    return f"{runtime}/libvirt/qemu/run"


def _may_create_in(ctx, parent_info):
    if parent_info is None or not ctx.session:
        return None
    from ..host import Identity, may_access

    who = Identity(os.geteuid(), os.getegid(), tuple(os.getgroups()))
    if may_access(parent_info, who, os.W_OK | os.X_OK):
        return None
    return "Permission denied"


def _lock_driver_dir(host):
    for directory in _LOCK_DRIVER_DIRS:
        # One confcheck may not look into is likely the one installed.
        if host.exists(directory) or host.denied(directory):
            return directory
    machine = platform.machine() or "x86_64"
    return f"/usr/lib/{machine}-linux-gnu/libvirt/lock-driver"


def _lock_manager(ctx):
    if ctx.host is None:
        return
    name = ctx.doc.value("lock_manager")
    if name is None or name == "nop":
        return
    # Joined as GLib joins paths: no doubled "/" (measured on 9.0).
    plugin = f"{_lock_driver_dir(ctx.host)}/{name.lstrip('/')}.so"
    written = _written(ctx, "lock_manager")
    if not ctx.host.exists(plugin):
        if _not_checked(ctx, f"whether the lock manager plugin {plugin} "
                        f"exists ({written})", plugin, contents=False):
            # Its own file still stops the daemon, plugin or not.
            yield from _lock_config(ctx, name)
            return
        hint = {"lockd": "install libvirt-daemon",
                "sanlock": "install libvirt-daemon-plugin-sanlock"}.get(
                    name, "use \"lockd\" or \"sanlock\"")
        yield ctx.finding(
            "STA016", f"Plugin {plugin} not accessible: No such file or "
            f"directory; {hint}, or remove lock_manager",
            *_place(ctx, "lock_manager"), setting="lock_manager",
            extra=_state_at("lock_manager"))
        return
    problem = None
    if not _not_checked(ctx, f"whether {plugin} is a shared object "
                        f"({written})", plugin):
        problem = _not_a_plugin(ctx, plugin)
    if problem:
        yield ctx.finding(
            "STA016", f"Failed to load plugin {plugin}: {plugin}: {problem}"
            "; reinstall the package that ships it, or remove lock_manager",
            *_place(ctx, "lock_manager"), setting="lock_manager",
            extra=_state_at("lock_manager"))
        return
    yield from _lock_config(ctx, name)


def _not_a_plugin(ctx, plugin):
    """The loader's complaint about a file that is no shared object."""
    try:
        head = ctx.host.read_bytes(plugin, 64)[:64]
    except OSError:
        return None  # not a regular file: leave it to the loader
    # Measured on 9.0 (glibc): shorter than an ELF header, or another
    # magic number.
    if len(head) < 64:
        return "file too short"
    if not head.startswith(b"\x7fELF"):
        return "invalid ELF header"
    return None


def _lock_config_path(ctx, name):
    """(path for messages, how to read it) of the plugin's own file."""
    if ctx.session:
        # Next to the per-user qemu.conf.
        return os.path.join(os.path.dirname(ctx.path), f"qemu-{name}.conf"), \
            False
    return f"/etc/libvirt/qemu-{name}.conf", True


def _lock_config(ctx, name):
    path, through_host = _lock_config_path(ctx, name)
    try:
        if through_host:
            data = ctx.host.read_bytes(path, virconf.MAX_FILE_SIZE)
        else:
            with open(path, "rb") as handle:
                data = handle.read(virconf.MAX_FILE_SIZE + 1)
    except (OSError, ReadError) as exc:
        # Absent, the plugin runs on its defaults; refused, it is unknown.
        if permission_denied(exc):
            _say_refused(ctx, f"whether {path}, which the lock manager "
                         f"reads, is valid ({_written(ctx, 'lock_manager')})",
                         path)
        return
    where = _place(ctx, "lock_manager")
    extra = _state_at("lock_manager", 1)
    result = virconf.parse_bytes(data, ctx.version)
    if result.error is not None:
        yield ctx.finding(
            "STA016", f"{path}:{result.error.line}: {result.error.message}; "
            "the lock manager reads this file at start-up: fix that line",
            *where, setting="lock_manager", extra=extra)
        return
    if name != "lockd":
        return
    seen = set()
    for entry in result.entries:
        kind = _LOCKD_SETTINGS.get(entry.name)
        if kind is None or entry.name in seen:
            continue
        seen.add(entry.name)
        _, error = getters.get(entry.value, kind, entry.name)
        if error is not None:
            yield ctx.finding(
                "STA016", f"{path}: {error.message} (line {entry.line}); "
                "the lock manager reads this file at start-up: fix that "
                "line", *where, setting="lock_manager", extra=extra)
            return
    lockspaces = [n for n in ("file_lockspace_dir", "lvm_lockspace_dir",
                              "scsi_lockspace_dir") if n in seen]
    if lockspaces and not ctx.session:
        yield from _virtlockd(ctx, path, lockspaces[0])


def _virtlockd(ctx, path, lockspace):
    """lockd registers its lockspaces with virtlockd while starting."""
    from . import host as probes

    what = f"whether virtlockd listens ({lockspace} in {path})"
    if _not_checked(ctx, what, _VIRTLOCKD_SOCKET, contents=False):
        return
    if not ctx.host.live and not ctx.host.exists("/run"):
        probes.skipped(ctx, what, "the tree under --root holds no run/")
        return
    if ctx.host.exists(_VIRTLOCKD_SOCKET):
        return
    yield ctx.finding(
        "STA016", f"Failed to connect socket to '{_VIRTLOCKD_SOCKET}': No "
        f"such file or directory; {lockspace} in {path} makes the lock "
        "manager register with virtlockd at start-up: enable virtlockd "
        "(systemctl enable --now virtlockd.socket)",
        *_place(ctx, "lock_manager"), setting="lock_manager",
        extra=_state_at("lock_manager", 2))


def _mac_filter(ctx):
    if ctx.host is None or ctx.doc.value("mac_filter") is not True:
        return
    try:
        info = ctx.host.stat(_EBTABLES)
    except OSError as exc:
        if permission_denied(exc):
            _say_refused(ctx, "whether ebtables is installed "
                         f"({_written(ctx, 'mac_filter')})", _EBTABLES)
            return
        why = "No such file or directory"
    else:
        if stat.S_ISREG(info.st_mode) and info.st_mode & 0o111:
            return
        # Measured on 9.0: present but not executable.
        why = "Permission denied"
    yield ctx.finding(
        "STA017", f"Failed to apply firewall rules {_EBTABLES} "
        f"{_EBTABLES_FIRST_RULE}: cannot execute binary {_EBTABLES}: "
        f"{why}; install ebtables or set mac_filter = 0",
        *_place(ctx, "mac_filter"), setting="mac_filter",
        extra=_state_at("mac_filter"))


def _port_allocators(ctx):
    """The daemon builds a port allocator per range; it needs min < max."""
    doc = ctx.doc
    version = _version(ctx)
    for step, (low_name, high_name, lowest, _, since) in enumerate((
            _PORT_RULES[1], _PORT_RULES[0], _PORT_RULES[2],
            _PORT_RULES[3])):
        if version < since:
            continue
        low = doc.value(low_name, _PORT_DEFAULTS[low_name])
        high = doc.value(high_name, _PORT_DEFAULTS[high_name])
        if low < lowest or high > 65535 or high < low or low != high:
            continue  # fine, or already stopped the load
        yield ctx.finding(
            "STA001", f"start port {low} must be less than end port {high}; "
            f"a range needs two ports at least: raise {high_name}",
            *_place(ctx, high_name if doc.is_set(high_name) else low_name),
            setting=high_name, extra=_state_at("port_allocators", step))


def _security_host(ctx):
    drivers = ctx.doc.value("security_driver")
    if drivers is not None and len(set(drivers)) != len(drivers):
        return  # the duplicate already stopped the daemon while loading
    where = _place(ctx, "security_driver")
    extra = _state_at("security_driver")
    generic = "(the daemon says: Failed to initialize security drivers)"

    for name in drivers or ():
        if name not in ("selinux", "apparmor", "none"):
            hint = "; dac is always added by the daemon, do not name it" \
                if name == "dac" else ""
            yield ctx.finding(
                "STA007", f"Security driver {name} not found {generic}; "
                f"use \"selinux\", \"apparmor\" or \"none\"{hint}", *where,
                setting="security_driver", extra=extra)
            return

    if ctx.host is None:
        return
    from . import host as probes

    wanted = [n for n in drivers or () if n in ("selinux", "apparmor")]
    # With drivers named, the first decides confinement; without, the
    # daemon probes SELinux then AppArmor.
    needs_state = wanted or (
        not drivers and ctx.doc.value("security_require_confined"))
    state = probes.security_modules(ctx.host) if needs_state else {}
    if isinstance(state, probes.Unknown):
        what = ("whether SELinux/AppArmor can serve security_driver and "
                "security_require_confined")
        refused = _security_refused(ctx.host, "apparmor")
        if refused:
            _say_refused(ctx, what, refused)
        else:
            probes.skipped(ctx, what, state.reason)
        return
    for name in wanted:
        if state.get(name):
            continue
        refused = _security_refused(ctx.host, name)
        if refused:
            _say_refused(ctx, f"whether security driver {name} is usable "
                         f"({_written(ctx, 'security_driver')})", refused)
            continue
        yield ctx.finding(
            "STA007", f"Security driver {name} not enabled {generic}; "
            f"{_enable_hint(name)}, or name a driver the host runs",
            *where, setting="security_driver", extra=extra)
        return

    if ctx.doc.value("security_require_confined") is True:
        if drivers:
            confining = drivers[0] != "none"
        else:
            confining = state.get("selinux") or state.get("apparmor")
            refused = _security_refused(ctx.host, "selinux") or \
                _security_refused(ctx.host, "apparmor")
            if not confining and refused:
                _say_refused(ctx, "whether SELinux or AppArmor confines "
                             "guests (" + _written(
                                 ctx, "security_require_confined") + ")",
                             refused)
                return
        if not confining:
            yield ctx.finding(
                "STA008", "Security driver \"none\" cannot create confined "
                f"guests {generic}; enable SELinux or AppArmor, or remove "
                "security_require_confined",
                *_place(ctx, "security_require_confined"),
                setting="security_require_confined",
                extra=_state_at("security_driver", 1))


def _security_refused(host, name):
    """The file confcheck was refused that would tell whether driver
    ``name`` is usable, or None (the probe's answer stands)."""
    if name == "selinux":
        enforce = "/sys/fs/selinux/enforce"
        return enforce if host.refusal(enforce, contents=False) else None
    enabled = "/sys/module/apparmor/parameters/enabled"
    if host.refusal(enabled):
        return enabled
    try:
        if not host.read_bytes(enabled, 16).strip().upper().startswith(b"Y"):
            return None  # AppArmor is off: nothing else matters
    except OSError:
        return None
    for path, contents in (("/sys/kernel/security/apparmor/profiles", True),
                           ("/etc/apparmor.d/libvirt/TEMPLATE.qemu", False)):
        if host.refusal(path, contents):
            return path
    return None


def _enable_hint(name):
    if name == "apparmor":
        return ("enable AppArmor and load libvirt's profiles (apparmor "
                "package, apparmor-profiles for libvirtd)")
    return "boot with SELinux enabled"


# -- guests, not the daemon -------------------------------------------------

def _warnings(ctx):
    yield from _cgroup_comounted(ctx)
    yield from _stdio_logd(ctx)
    password = ctx.doc.value("vnc_password")
    # Bytes, as libvirt counts them; bytes that are not UTF-8 are kept as
    # surrogate escapes and count one each.
    size = None if password is None else len(
        password.encode("utf-8", "surrogateescape"))
    if size is not None and size > 8:
        yield ctx.finding(
            "STA019", f"vnc_password is {size} "
            "characters long; only the first 8 are used",
            *_place(ctx, "vnc_password"), setting="vnc_password",
            show_source=False)


def _cgroup_comounted(ctx):
    controllers = ctx.doc.value("cgroup_controllers")
    if not controllers or ctx.host is None:
        return
    listed = {"cpu", "cpuacct"} & set(controllers)
    if len(listed) != 1:
        return
    from . import host as probes

    table = _mount_table(ctx)
    if isinstance(table, probes.Unknown):
        probes.skipped(ctx, "whether cpu and cpuacct are mounted together "
                       "(cgroup_controllers)", table.reason)
        return
    for mount in table:
        if mount.fstype == "cgroup" and {"cpu", "cpuacct"} <= set(
                mount.options):
            (alone,) = listed
            other = ({"cpu", "cpuacct"} - listed).pop()
            yield ctx.finding(
                "STA010", f"cgroup_controllers lists \"{alone}\" without "
                f"\"{other}\", but this host mounts them together at "
                f"{mount.point}; guests will fail to start: list both or "
                "neither", *_place(ctx, "cgroup_controllers"),
                setting="cgroup_controllers")
            return


def _stdio_logd(ctx):
    if ctx.host is None:
        return
    handler = ctx.doc.value("stdio_handler", "logd")
    programs = ("/usr/sbin/virtlogd", "/usr/bin/virtlogd")
    if handler != "logd" or any(ctx.host.exists(p) for p in programs):
        return
    refused = [p for p in programs if ctx.host.denied(p)]
    if refused:
        entry = ctx.doc.first("stdio_handler")
        where = f"qemu.conf line {entry.line}" if entry else "the default"
        _say_refused(ctx, "whether virtlogd is installed (stdio_handler "
                     f"= \"logd\", {where})", refused[0])
        return
    yield ctx.finding(
        "STA018", "stdio_handler is \"logd\" but virtlogd is not "
        "installed; guests will fail to start (install virtlogd or set "
        "stdio_handler = \"file\")", *_place(ctx, "stdio_handler"),
        setting="stdio_handler")


__all__ = ["RULES", "check", "daemon_order", "first_start_error", "INFO"]
