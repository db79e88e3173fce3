"""What the QEMU driver checks while it starts, in the daemon's own words.

libvirt stops at the first of these and reports only that one; confcheck
reports all of them, in the order the daemon meets them (facts §4):
values while loading the file, then the TLS directories, then the
accounts, directories, plugins and security drivers of the host.
"""

import os

from .. import effective, settings
from ..findings import ERROR, INFO, STAGE_START, STAGE_VM_START, WARNING
from ..rules import Rule

_DOC_PORTS = """\
libvirt checks the port ranges while it loads qemu.conf: display ports
start at 5900 or above, WebSocket ports at 5700 or above, migration and
backup ports above 0; every maximum is at most 65535 and not below its
minimum.

Failing:

    migration_port_min = 0
    migration_port_max = 70000

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
"localhost.example.com") and the loopback addresses 127.0.0.1 and ::1.

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

Fix: create the directory with its certificates, or remove the line.
"""),
    Rule("STA014", "account-unknown", ERROR, STAGE_START,
         "the QEMU or swtpm user or group does not resolve",
         """\
libvirt resolves `user`, `group`, `swtpm_user` and `swtpm_group` at
start-up: a name from the account database, a number, or "+N" for a
number that is never looked up as a name.  Without `user`/`group` the
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
`memory_backing_dir`/libvirt/qemu.  An empty value or a path through a
regular file fails ("Failed to create dump dir").

Fix: give a directory path the daemon can create.
"""),
    Rule("STA016", "lock-manager", ERROR, STAGE_START,
         "the lock manager plugin or its configuration is unusable",
         """\
`lock_manager` names a plugin in libvirt's lock-driver directory (lockd
ships with libvirt-daemon; sanlock is a separate package).  The plugin
reads /etc/libvirt/qemu-<name>.conf with the same parser; a missing
plugin or a syntax error there stops the QEMU driver.

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

Fix: install ebtables, or set `mac_filter = 0`.
"""),
    Rule("STA018", "stdio-handler-logd", WARNING, STAGE_VM_START,
         "stdio_handler is logd but virtlogd is not available",
         """\
With `stdio_handler = "logd"` (the default) every guest's console output
goes through virtlogd; without it guests fail to start.

Fix: install and enable virtlogd, or set `stdio_handler = "file"`.
"""),
    Rule("STA019", "vnc-password-truncated", WARNING, STAGE_VM_START,
         "vnc_password longer than 8 characters",
         """\
VNC passwords are at most 8 characters; libvirt keeps the first 8 and
drops the rest with a warning in its log.

Fix: use a password of at most 8 characters, and TLS or SASL for real
protection.
"""),
    Rule("STA020", "image-format-at-use", WARNING, STAGE_VM_START,
         "an image format that libvirt 9.0 rejects only when it is used",
         """\
libvirt 9.0 checks `save_image_format`, `dump_image_format` and
`snapshot_image_format` only when a guest is saved, dumped or
snapshotted; the operation then fails (dump falls back to raw).

Fix: use raw, gzip, bzip2, xz or lzop.
"""),
)

_PORT_RULES = (
    # (min setting, max setting, lowest min, message for min)
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

_TLS_DIR_SETTINGS = (
    "default_tls_x509_cert_dir", "vnc_tls_x509_cert_dir",
    "spice_tls_x509_cert_dir", "rdp_tls_x509_cert_dir",
    "chardev_tls_x509_cert_dir", "migrate_tls_x509_cert_dir",
    "backup_tls_x509_cert_dir", "vxhs_tls_x509_cert_dir",
    "nbd_tls_x509_cert_dir",
)

_LOCK_DRIVER_DIRS = (
    "/usr/lib/x86_64-linux-gnu/libvirt/lock-driver",
    "/usr/lib/aarch64-linux-gnu/libvirt/lock-driver",
    "/usr/lib64/libvirt/lock-driver",
    "/usr/lib/libvirt/lock-driver",
)

_FIRMWARE_DIRS = ("/usr/share/qemu/firmware", "/etc/qemu/firmware")


def _version(ctx):
    return ctx.version or settings.NEWEST_RELEASE


def _place(ctx, name):
    entry = ctx.doc.first(name)
    if entry is None:
        return 0, 0
    return entry.value.line or entry.line, entry.value.column or entry.column


def check(ctx):
    yield from _ports(ctx)
    yield from _values(ctx)
    yield from _security_names(ctx)
    yield from _lists(ctx)
    yield from _tls_dirs(ctx)
    yield from _accounts(ctx)
    yield from _directories(ctx)
    yield from _plugins(ctx)
    yield from _security_host(ctx)
    yield from _runtime(ctx)


# -- values read while loading the file -------------------------------------

def _ports(ctx):
    doc = ctx.doc
    version = _version(ctx)
    for low_name, high_name, lowest, low_message, since in _PORT_RULES:
        if version < since:
            continue
        low = doc.value(low_name, _PORT_DEFAULTS[low_name])
        high = doc.value(high_name, _PORT_DEFAULTS[high_name])
        low_bad = low < lowest
        if doc.is_set(low_name) and doc.value(low_name) is not None and \
                low_bad:
            yield ctx.finding("STA001", f"{low_name}: {low_message}",
                              *_place(ctx, low_name), setting=low_name)
        if doc.is_set(high_name) and doc.value(high_name) is not None and \
                not low_bad and (high > 65535 or high < low):
            if low_name.startswith("remote_"):
                message = (f"{high_name}: port must be between the minimal "
                           "port and 65535")
            else:
                message = (f"{high_name}: port must be between the minimal "
                           f"port {low} and 65535")
            yield ctx.finding("STA001", message, *_place(ctx, high_name),
                              setting=high_name)


def _enum_values(setting):
    return ", ".join(f'"{value}"' for value in setting.enum)


def _values(ctx):
    doc = ctx.doc
    version = _version(ctx)

    for name in ("migration_host", "migration_address"):
        value = doc.value(name)
        if value is None:
            continue
        bare = value[1:-1] if value.startswith("[") and \
            value.endswith("]") else value
        if bare.startswith("localhost") or bare in ("127.0.0.1", "::1"):
            yield ctx.finding(
                "STA002", f"{name} must not be the address of the local "
                f"machine: {value}", *_place(ctx, name), setting=name)

    for name in ("save_image_format", "dump_image_format",
                 "snapshot_image_format"):
        value = doc.value(name)
        if value is None:
            continue
        setting = settings.BY_NAME[name]
        if version >= setting.enum_checked_since:
            if value not in setting.enum:
                yield ctx.finding(
                    "STA003", f"Invalid {name} '{value}' (known: "
                    f"{_enum_values(setting)})", *_place(ctx, name),
                    setting=name)
        elif value not in settings.IMAGE_FORMATS_9:
            yield ctx.finding(
                "STA020", f"invalid {name} '{value}': libvirt "
                f"{version[0]}.{version[1]} fails the operation that uses "
                "it", *_place(ctx, name), setting=name)

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
            f" (known: {_enum_values(setting)})", *_place(ctx, name),
            setting=name)

    try_save = doc.value("auto_shutdown_try_save")
    if try_save in ("all", "transient"):
        yield ctx.finding(
            "STA003", "managed save cannot be requested for transient "
            "domains (auto_shutdown_try_save must be none or persistent)",
            *_place(ctx, "auto_shutdown_try_save"),
            setting="auto_shutdown_try_save")

    mounts = doc.value("hugetlbfs_mount")
    if mounts:
        for path in mounts:
            if path == "":
                yield ctx.finding(
                    "STA004", "cannot determine filesystem for '': an empty "
                    "hugetlbfs_mount is read as a path; use "
                    "hugetlbfs_mount = [] to turn huge pages off",
                    *_place(ctx, "hugetlbfs_mount"),
                    setting="hugetlbfs_mount")

    if doc.value("allow_disk_format_probing") is True:
        yield ctx.finding("STA012", "allow_disk_format_probing is no longer "
                          "supported", *_place(ctx, "allow_disk_format_probing"),
                          setting="allow_disk_format_probing")

    nvram = doc.value("nvram")
    if nvram:
        firmware = _firmware_descriptors(ctx)
        if firmware:
            yield ctx.finding(
                "STA006", f"nvram is ignored: firmware descriptors exist in "
                f"{firmware}", *_place(ctx, "nvram"), setting="nvram")
        else:
            for item in nvram:
                parts = item.lstrip(" \t").split(":")
                if len(parts) != 2 or not parts[0] or not parts[1]:
                    yield ctx.finding(
                        "STA005", f"Invalid nvram format: '{item}' (expected "
                        "LOADER:VARS)", *_place(ctx, "nvram"), setting="nvram")

    password = doc.value("vnc_password")
    if password is not None and len(password.encode()) > 8:
        yield ctx.finding(
            "STA019", f"vnc_password is {len(password.encode())} characters "
            "long; only the first 8 are used", *_place(ctx, "vnc_password"),
            setting="vnc_password", show_source=False)


def _firmware_descriptors(ctx):
    if ctx.host is None:
        return None
    for directory in _FIRMWARE_DIRS:
        try:
            names = os.listdir(ctx.host.resolve(directory))
        except OSError:
            continue
        if any(name.endswith(".json") for name in names):
            return directory
    return None


def _security_names(ctx):
    drivers = ctx.doc.value("security_driver")
    if drivers is None:
        return
    seen = set()
    for name in drivers:
        if name in seen:
            yield ctx.finding("STA007", f"Duplicate security driver {name}",
                              *_place(ctx, "security_driver"),
                              setting="security_driver")
            continue
        seen.add(name)
        if name not in ("selinux", "apparmor", "none"):
            hint = " (dac is always stacked; it is not a name to give)" \
                if name == "dac" else ""
            yield ctx.finding(
                "STA007", f"Security driver {name} not found; known: "
                f"\"selinux\", \"apparmor\", \"none\"{hint} (the daemon "
                "says: Failed to initialize security drivers)",
                *_place(ctx, "security_driver"), setting="security_driver")


def _lists(ctx):
    doc = ctx.doc
    controllers = doc.value("cgroup_controllers")
    setting = settings.BY_NAME["cgroup_controllers"]
    for name in controllers or ():
        if name not in setting.enum:
            yield ctx.finding("STA009", f"Unknown cgroup controller '{name}'",
                              *_place(ctx, "cgroup_controllers"),
                              setting="cgroup_controllers")

    namespaces = doc.value("namespaces")
    for name in namespaces or ():
        if name != "mount":
            yield ctx.finding("STA011", f"Unknown namespace: {name}",
                              *_place(ctx, "namespaces"),
                              setting="namespaces")
    if namespaces and ctx.session:
        yield ctx.finding("STA011", "cannot use namespaces in session mode",
                          *_place(ctx, "namespaces"), setting="namespaces")


# -- the host ---------------------------------------------------------------

def _tls_dirs(ctx):
    if ctx.host is None:
        return
    version = _version(ctx)
    for name in _TLS_DIR_SETTINGS:
        setting = settings.BY_NAME[name]
        if not setting.read_in(ctx.version) or (
                setting.since and version < setting.since):
            continue
        path = ctx.doc.value(name)
        if path is None:
            continue
        if not ctx.host.exists(path):
            yield ctx.finding("STA013", f"{name} directory '{path}' does not "
                              "exist", *_place(ctx, name), setting=name)


def _accounts(ctx):
    if ctx.host is None or ctx.session:
        return
    doc = ctx.doc
    default_user, default_group, why = effective.build_default_account(
        ctx.host)
    swtpm_default = "tss" if "tss" in ctx.host.users else "root"
    for name, default, resolver, kind in (
            ("user", default_user, effective.resolve_user, "user"),
            ("group", default_group, effective.resolve_group, "group"),
            ("swtpm_user", swtpm_default, effective.resolve_user, "user"),
            ("swtpm_group", swtpm_default, effective.resolve_group,
             "group")):
        value = doc.value(name)
        if value is None and doc.is_set(name):
            continue
        text = value if value is not None else default
        if resolver(ctx.host, text) is not None:
            continue
        if value is None and name.startswith("swtpm"):
            continue
        if value is None:
            message = (f"Failed to parse {kind} '{text}': the {why} "
                       f"({text}) does not exist on this host; create it or "
                       f"set {name}")
            yield ctx.finding("STA014", message, setting=name)
        else:
            message = (f"Failed to parse {kind} '{text}': no such {kind} in "
                       f"/etc/{'passwd' if kind == 'user' else 'group'}")
            yield ctx.finding("STA014", message, *_place(ctx, name),
                              setting=name)


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
        problem = _creatable(ctx.host, full)
        if problem:
            yield ctx.finding("STA015", f"Failed to create {label} {full}: "
                              f"{problem}", *_place(ctx, name), setting=name)


def _creatable(host, path):
    """Why ``mkdir -p path`` would fail on the host, or None."""
    if path == "" or not path.startswith("/"):
        return "Invalid argument" if path == "" else None
    current = "/"
    for part in [p for p in path.split("/") if p]:
        current = os.path.join(current, part)
        try:
            info = host.stat(current)
        except FileNotFoundError:
            return None
        except OSError as exc:
            return exc.strerror
        import stat as stat_module

        if not stat_module.S_ISDIR(info.st_mode):
            return "Not a directory" if current != path else "File exists"
    return None


def _plugins(ctx):
    if ctx.host is None:
        return
    name = ctx.doc.value("lock_manager")
    if name and name != "nop":
        found = None
        for directory in _LOCK_DRIVER_DIRS:
            candidate = f"{directory}/{name}.so"
            if ctx.host.exists(candidate):
                found = candidate
                break
        if found is None:
            yield ctx.finding(
                "STA016", f"Plugin {name}.so not accessible: No such file or "
                "directory (lockd ships with libvirt-daemon; sanlock with "
                "libvirt-daemon-plugin-sanlock)", *_place(ctx, "lock_manager"),
                setting="lock_manager")
        else:
            yield from _lock_config(ctx, name)

    if ctx.doc.value("mac_filter") is True:
        if not any(ctx.host.exists(p) for p in (
                "/usr/sbin/ebtables", "/sbin/ebtables", "/usr/bin/ebtables")):
            yield ctx.finding(
                "STA017", "Failed to apply firewall rules: cannot execute "
                "/usr/sbin/ebtables: No such file or directory",
                *_place(ctx, "mac_filter"), setting="mac_filter")


def _lock_config(ctx, name):
    from ..reader import ReadError
    from ..syntax import virconf

    path = f"/etc/libvirt/qemu-{name}.conf"
    if not ctx.host.exists(path):
        return
    try:
        data = ctx.host.read_bytes(path, virconf.MAX_FILE_SIZE)
    except (OSError, ReadError):
        return
    result = virconf.parse_bytes(data, ctx.version)
    if result.error is not None:
        yield ctx.finding(
            "STA016", f"{path}:{result.error.line}: {result.error.message} "
            "(the lock manager reads this file at start-up)",
            *_place(ctx, "lock_manager"), setting="lock_manager")


def _security_host(ctx):
    if ctx.host is None:
        return
    doc = ctx.doc
    drivers = doc.value("security_driver")
    state = _lsm_state(ctx.host)
    if drivers is not None:
        for name in dict.fromkeys(drivers):
            if name not in ("selinux", "apparmor") or state is None:
                continue
            if not state.get(name):
                yield ctx.finding(
                    "STA007", f"Security driver {name} not enabled on this "
                    "host (the daemon says: Failed to initialize security "
                    "drivers)", *_place(ctx, "security_driver"),
                    setting="security_driver")
    if doc.value("security_require_confined") is True:
        if drivers is not None:
            effective_none = drivers == ["none"]
        elif state is None:
            effective_none = None
        else:
            effective_none = not (state.get("selinux") or state.get(
                "apparmor"))
        if effective_none:
            yield ctx.finding(
                "STA008", "Security driver \"none\" cannot create confined "
                "guests", *_place(ctx, "security_require_confined"),
                setting="security_require_confined")


def _lsm_state(host):
    """{'selinux': bool, 'apparmor': bool} from the host, or None if unknown.

    Under --root this reads the tree's sys/ and proc/ when they were
    captured there; otherwise the state is unknown.
    """
    evidence = False
    state = {"selinux": False, "apparmor": False}
    try:
        enforce = host.read_bytes("/sys/fs/selinux/enforce", 16)
        evidence = True
        state["selinux"] = enforce.strip() in (b"0", b"1")
    except OSError:
        pass
    try:
        enabled = host.read_bytes("/sys/module/apparmor/parameters/enabled",
                                  16)
        evidence = True
        state["apparmor"] = enabled.strip().upper().startswith(b"Y")
    except OSError:
        pass
    if not evidence:
        return None
    return state


def _runtime(ctx):
    if ctx.host is None:
        return
    handler = ctx.doc.value("stdio_handler", "logd")
    if handler == "logd" and not any(ctx.host.exists(p) for p in (
            "/usr/sbin/virtlogd", "/usr/bin/virtlogd")):
        yield ctx.finding(
            "STA018", "stdio_handler is \"logd\" but virtlogd is not "
            "installed; guests will fail to start (install virtlogd or set "
            "stdio_handler = \"file\")", *_place(ctx, "stdio_handler"),
            setting="stdio_handler")


__all__ = ["RULES", "check", "INFO"]
