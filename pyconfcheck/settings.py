"""The one table of qemu.conf settings.

Every other part of pyconfcheck reads this table: the value checks, the
Lark grammars, the generated Augeas lens and lens test, ``confcheck show``
and the rule documentation.  The facts come from libvirt 9.0.0, 11.3.0 and
12.9.0 (see the project's facts notes); the two TLS-PSK settings come from
the May 2026 proposal on the libvirt mailing list and are in no release.
"""

from typing import NamedTuple, Optional, Tuple

# How libvirt's typed getter reads the value (virConfGetValue*).
BOOL = "bool"                  # unsigned 0 or 1
UINT = "uint"                  # unsigned int, 0..4294967295
INT = "int"                    # signed int
STRING = "string"              # any quoted string
LIST = "list"                  # list of strings only
STRING_OR_LIST = "string_or_list"  # a string is a one-element list
MAX_CORE = "max_core"          # "unlimited" or an unsigned 64-bit number
SIZE = "size"                  # unsigned number or a size string (12.x)
UNREAD = "unread"              # accepted by the lens, never read by C

Version = Tuple[int, int]

#: The release the lens and default target are built from.
NEWEST_RELEASE: Version = (12, 9)

#: Releases whose behaviour the facts were gathered from.
KNOWN_RELEASES = ((9, 0), (10, 0), (11, 2), (11, 3), (11, 6), (12, 9))

#: The oldest release modelled: the table says what 9.0 and later read,
#: not which settings older releases lacked.
OLDEST_RELEASE: Version = KNOWN_RELEASES[0]


def modelled_release(version: Version) -> Version:
    """The release whose rules judge ``version``: itself, or the nearest
    end of the modelled range (9.0 to 12.9)."""
    return min(max(version, OLDEST_RELEASE), NEWEST_RELEASE)


class Setting(NamedTuple):
    name: str
    kind: str
    #: the builder the lens uses: str, bool, int, str_array, limits, bytes
    lens: str
    #: first release that reads it; None for the TLS-PSK proposal
    since: Optional[Version]
    default: str
    example: Optional[str]
    #: last release that still reads it, where a later one ignores it
    until: Optional[Version] = None
    obsolete: bool = False
    #: allowed values of a string setting (or of each list element)
    enum: Tuple[str, ...] = ()
    #: the release from which libvirt rejects a value outside ``enum`` at start
    enum_checked_since: Optional[Version] = (9, 0)
    #: a password: never shown in any output
    secret: bool = False

    @property
    def proposed(self) -> bool:
        """True for the settings of the TLS-PSK proposal, in no release."""
        return self.since is None

    def known_in(self, version: Optional[Version]) -> bool:
        """Whether libvirt ``version`` reads this setting.

        ``None`` stands for the newest release with the TLS-PSK proposal
        applied, the default target.
        """
        if version is None:
            return True
        if self.since is None or version < self.since:
            return False
        return True

    def read_in(self, version: Optional[Version]) -> bool:
        """Whether the daemon of ``version`` acts on the value at all."""
        if not self.known_in(version) or self.kind == UNREAD:
            return False
        effective = version or NEWEST_RELEASE
        return self.until is None or effective <= self.until


def _s(name, kind, lens, since, **extra):
    return Setting(name, kind, lens, since, **extra)


_IMAGE_FORMATS_11 = ("raw", "gzip", "bzip2", "xz", "lzop", "zstd", "sparse")
_IMAGE_FORMATS_9 = ("raw", "gzip", "bzip2", "xz", "lzop")
_AUTO_SHUTDOWN = ("none", "persistent", "transient", "all")

# Details that the row layout below leaves out, kept next to it.
_EXTRA = {
    "vnc_password": dict(secret=True),
    "spice_password": dict(secret=True),
    "rdp_password": dict(secret=True),
    "vxhs_tls": dict(until=(11, 3), obsolete=True),
    "vxhs_tls_x509_cert_dir": dict(until=(11, 3), obsolete=True),
    "vxhs_tls_x509_secret_uuid": dict(until=(11, 3), obsolete=True),
    "allow_disk_format_probing": dict(obsolete=True),
    "clear_emulator_capabilities": dict(obsolete=True),
    "save_image_format": dict(enum=_IMAGE_FORMATS_11,
                              enum_checked_since=(11, 0)),
    "dump_image_format": dict(enum=_IMAGE_FORMATS_11,
                              enum_checked_since=(11, 0)),
    "snapshot_image_format": dict(enum=_IMAGE_FORMATS_11,
                                  enum_checked_since=(11, 0)),
    "auto_shutdown_try_save": dict(enum=_AUTO_SHUTDOWN),
    "auto_shutdown_try_shutdown": dict(enum=_AUTO_SHUTDOWN),
    "auto_shutdown_poweroff": dict(enum=_AUTO_SHUTDOWN),
    "stdio_handler": dict(enum=("logd", "file")),
    "sched_core": dict(enum=("none", "vcpus", "emulator", "full")),
    "deprecation_behavior": dict(enum=("none", "omit", "reject", "crash"),
                                 enum_checked_since=None),
    "default_cpu_deprecated_features": dict(enum=("off", "on", "none")),
    "security_driver": dict(enum=("selinux", "apparmor", "none")),
    "cgroup_controllers": dict(enum=(
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
        "net_cls", "perf_event", "name=systemd")),
    "namespaces": dict(enum=("mount",)),
}

#: Image formats libvirt 9.0.0 knows (checked only when used).
IMAGE_FORMATS_9 = _IMAGE_FORMATS_9

_ROWS = (
    _s('default_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/qemu',
       example='"/etc/pki/qemu"'),
    _s('default_tls_x509_verify', BOOL, 'bool', (9, 0),
       default='unset (features use own default)',
       example='1'),
    _s('default_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='unset',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('default_tls_priority', STRING, 'str', (11, 6),
       default='unset (QEMU/GnuTLS default)',
       example='"@SYSTEM"'),
    _s('vnc_listen', STRING, 'str', (9, 0),
       default='127.0.0.1',
       example='"0.0.0.0"'),
    _s('vnc_auto_unix_socket', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('vnc_tls', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('vnc_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/libvirt-vnc if it exists, else default_tls_x509_cert_dir',
       example='"/etc/pki/libvirt-vnc"'),
    _s('vnc_tls_x509_verify', BOOL, 'bool', (9, 0),
       default='default_tls_x509_verify if set, else 0',
       example='1'),
    _s('vnc_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='default_tls_x509_secret_uuid if vnc dir not set',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('vnc_tls_priority', STRING, 'str', (11, 6),
       default='unset',
       example='"@SYSTEM"'),
    _s('vnc_password', STRING, 'str', (9, 0),
       default='unset',
       example='"XYZ12345"'),
    _s('vnc_sasl', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('vnc_sasl_dir', STRING, 'str', (9, 0),
       default='unset (/etc/sasl2)',
       example='"/some/directory/sasl2"'),
    _s('vnc_allow_host_audio', BOOL, 'bool', (9, 0),
       default='0',
       example='0'),
    _s('spice_listen', STRING, 'str', (9, 0),
       default='127.0.0.1',
       example='"0.0.0.0"'),
    _s('spice_tls', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('spice_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/libvirt-spice if it exists, else default dir',
       example='"/etc/pki/libvirt-spice"'),
    _s('spice_auto_unix_socket', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('spice_password', STRING, 'str', (9, 0),
       default='unset',
       example='"XYZ12345"'),
    _s('spice_sasl', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('spice_sasl_dir', STRING, 'str', (9, 0),
       default='unset',
       example='"/some/directory/sasl2"'),
    _s('rdp_listen', STRING, 'str', (11, 3),
       default='127.0.0.1',
       example='"0.0.0.0"'),
    _s('rdp_tls_x509_cert_dir', STRING, 'str', (11, 3),
       default='/etc/pki/libvirt-rdp if it exists, else default dir',
       example='"/etc/pki/libvirt-rdp"'),
    _s('rdp_username', STRING, 'str', (11, 3),
       default='unset',
       example='"user"'),
    _s('rdp_password', STRING, 'str', (11, 3),
       default='unset',
       example='"RDP12345"'),
    _s('chardev_tls', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('chardev_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/libvirt-chardev if it exists, else default dir',
       example='"/etc/pki/libvirt-chardev"'),
    _s('chardev_tls_x509_verify', BOOL, 'bool', (9, 0),
       default='default_tls_x509_verify if set, else 1',
       example='1'),
    _s('chardev_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='default secret if chardev dir not set',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('chardev_tls_priority', STRING, 'str', (11, 6),
       default='unset',
       example='"@SYSTEM"'),
    _s('migrate_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/libvirt-migrate if it exists, else default dir',
       example='"/etc/pki/libvirt-migrate"'),
    _s('migrate_tls_x509_verify', BOOL, 'bool', (9, 0),
       default='default_tls_x509_verify if set, else 1',
       example='1'),
    _s('migrate_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='default secret if migrate dir not set',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('migrate_tls_priority', STRING, 'str', (11, 6),
       default='unset',
       example='"@SYSTEM"'),
    _s('migrate_tls_force', BOOL, 'bool', (9, 0),
       default='0',
       example='0'),
    _s('backup_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/libvirt-backup if it exists, else default dir',
       example='"/etc/pki/libvirt-backup"'),
    _s('backup_tls_x509_verify', BOOL, 'bool', (9, 0),
       default='default_tls_x509_verify if set, else 1',
       example='1'),
    _s('backup_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='default secret if backup dir not set',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('backup_tls_priority', STRING, 'str', (11, 6),
       default='unset',
       example='"@SYSTEM"'),
    _s('vxhs_tls', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('vxhs_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='-',
       example='"/etc/pki/libvirt-vxhs"'),
    _s('vxhs_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='-',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('nbd_tls', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('nbd_tls_x509_cert_dir', STRING, 'str', (9, 0),
       default='/etc/pki/libvirt-nbd if it exists, else default dir',
       example='"/etc/pki/libvirt-nbd"'),
    _s('nbd_tls_x509_secret_uuid', STRING, 'str', (9, 0),
       default='default secret if nbd dir not set',
       example='"00000000-0000-0000-0000-000000000000"'),
    _s('nbd_tls_priority', STRING, 'str', (11, 6),
       default='unset',
       example='"@SYSTEM"'),
    _s('nographics_allow_host_audio', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('remote_display_port_min', UINT, 'int', (9, 0),
       default='5900',
       example='5900'),
    _s('remote_display_port_max', UINT, 'int', (9, 0),
       default='65535',
       example='65535'),
    _s('remote_websocket_port_min', UINT, 'int', (9, 0),
       default='5700',
       example='5700'),
    _s('remote_websocket_port_max', UINT, 'int', (9, 0),
       default='65535',
       example='65535'),
    _s('security_driver', STRING_OR_LIST, 'str', (9, 0),
       default='unset = auto-probe (selinux, apparmor, else none)',
       example='"selinux"'),
    _s('security_default_confined', BOOL, 'bool', (9, 0),
       default='1',
       example='1'),
    _s('security_require_confined', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('user', STRING, 'str', (9, 0),
       default='build-time QEMU_USER (Debian: libvirt-qemu)',
       example='"libvirt-qemu"'),
    _s('group', STRING, 'str', (9, 0),
       default='build-time QEMU_GROUP (Debian: libvirt-qemu)',
       example='"libvirt-qemu"'),
    _s('dynamic_ownership', BOOL, 'bool', (9, 0),
       default='1 (system) / 0 (session)',
       example='1'),
    _s('remember_owner', BOOL, 'bool', (9, 0),
       default='1 if privileged and XATTRs available',
       example='1'),
    _s('cgroup_controllers', LIST, 'str_array', (9, 0),
       default='auto-detect (all)',
       example='[ "cpu", "devices", "memory", "blkio", "cpuset", "cpuacct" ]'),
    _s('cgroup_device_acl', LIST, 'str_array', (9, 0),
       default='built-in: /dev/null, /dev/full, /dev/zero, /dev/random, /dev/urandom, /dev/ptmx, /dev/kvm (+ /dev/userfaultfd in 11.x); 12.9 example omits /dev/kvm',
       example='[ "/dev/null", "/dev/full", "/dev/zero", "/dev/random", "/dev/urandom", "/dev/ptmx", "/dev/userfaultfd" ]'),
    _s('seccomp_sandbox', INT, 'int', (9, 0),
       default='-1 (auto)',
       example='1'),
    _s('namespaces', LIST, 'str_array', (9, 0),
       default='["mount"] if privileged and available; session none',
       example='[ "mount" ]'),
    _s('save_image_format', STRING, 'str', (9, 0),
       default='raw',
       example='"raw"'),
    _s('dump_image_format', STRING, 'str', (9, 0),
       default='raw',
       example='"raw"'),
    _s('snapshot_image_format', STRING, 'str', (9, 0),
       default='raw',
       example='"raw"'),
    _s('auto_dump_path', STRING, 'str', (9, 0),
       default='/var/lib/libvirt/qemu/dump',
       example='"/var/lib/libvirt/qemu/dump"'),
    _s('auto_dump_bypass_cache', BOOL, 'bool', (9, 0),
       default='0',
       example='0'),
    _s('auto_dump_max_size', SIZE, 'bytes', (12, 8),
       default='0 (no quota)',
       example='"10GiB"'),
    _s('auto_start_bypass_cache', BOOL, 'bool', (9, 0),
       default='0',
       example='0'),
    _s('auto_start_delay', UINT, 'int', (11, 3),
       default='0',
       example='0'),
    _s('auto_shutdown_try_save', STRING, 'str', (11, 2),
       default='system none / session persistent',
       example='"persistent"'),
    _s('auto_shutdown_try_shutdown', STRING, 'str', (11, 2),
       default='system none / session all',
       example='"all"'),
    _s('auto_shutdown_poweroff', STRING, 'str', (11, 2),
       default='system none / session all',
       example='"all"'),
    _s('auto_shutdown_wait', UINT, 'int', (11, 2),
       default='0 (= built-in 30 s)',
       example='30'),
    _s('auto_shutdown_restore', BOOL, 'bool', (11, 2),
       default='1',
       example='1'),
    _s('auto_save_bypass_cache', BOOL, 'bool', (11, 2),
       default='0',
       example='0'),
    _s('hugetlbfs_mount', STRING_OR_LIST, 'str', (9, 0),
       default='auto-detected mounts (system); none (session)',
       example='"/dev/hugepages"'),
    _s('bridge_helper', STRING, 'str', (9, 0),
       default='qemu-bridge-helper',
       example='"qemu-bridge-helper"'),
    _s('pr_helper', STRING, 'str', (9, 0),
       default='qemu-pr-helper',
       example='"qemu-pr-helper"'),
    _s('slirp_helper', STRING, 'str', (9, 0),
       default='build-time path (e.g. /usr/bin/slirp-helper)',
       example='"/usr/bin/slirp-helper"'),
    _s('qemu_rdp', STRING, 'str', (11, 3),
       default='qemu-rdp',
       example='"qemu-rdp"'),
    _s('qemu_vnc', STRING, 'str', (12, 8),
       default='qemu-vnc',
       example='"qemu-vnc"'),
    _s('dbus_daemon', STRING, 'str', (9, 0),
       default='dbus-daemon',
       example='"dbus-daemon"'),
    _s('set_process_name', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('max_processes', UINT, 'int', (9, 0),
       default='0 (no change)',
       example='0'),
    _s('max_files', UINT, 'int', (9, 0),
       default='0 (no change)',
       example='0'),
    _s('max_core', MAX_CORE, 'limits', (9, 0),
       default='unlimited (Linux)',
       example='"unlimited"'),
    _s('dump_guest_core', BOOL, 'bool', (9, 0),
       default='0 (Linux)',
       example='1'),
    _s('stdio_handler', STRING, 'str', (9, 0),
       default='logd',
       example='"logd"'),
    _s('max_threads_per_process', UINT, 'int', (9, 0),
       default='0 (no change)',
       example='0'),
    _s('sched_core', STRING, 'str', (9, 0),
       default='none',
       example='"none"'),
    _s('mac_filter', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('relaxed_acs_check', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('allow_disk_format_probing', BOOL, 'bool', (9, 0),
       default='-',
       example=None),
    _s('lock_manager', STRING, 'str', (9, 0),
       default='unset (= "nop")',
       example='"lockd"'),
    _s('max_queued', UINT, 'int', (9, 0),
       default='0 (unlimited)',
       example='0'),
    _s('keepalive_interval', INT, 'int', (9, 0),
       default='5',
       example='5'),
    _s('keepalive_count', UINT, 'int', (9, 0),
       default='5',
       example='5'),
    _s('migration_address', STRING, 'str', (9, 0),
       default='unset (0.0.0.0 or ::)',
       example='"0.0.0.0"'),
    _s('migration_port_min', UINT, 'int', (9, 0),
       default='49152',
       example='49152'),
    _s('migration_port_max', UINT, 'int', (9, 0),
       default='49215',
       example='49215'),
    _s('migration_host', STRING, 'str', (9, 0),
       default='unset (host name)',
       example='"host.example.com"'),
    _s('backup_port_min', UINT, 'int', (12, 8),
       default='10809',
       example='10809'),
    _s('backup_port_max', UINT, 'int', (12, 8),
       default='10872',
       example='10872'),
    _s('log_timestamp', BOOL, 'bool', (9, 0),
       default='1',
       example='0'),
    _s('nvram', LIST, 'str_array', (9, 0),
       default='build-time list (4 OVMF/AAVMF pairs)',
       example='[ "/usr/share/OVMF/OVMF_CODE.fd:/usr/share/OVMF/OVMF_VARS.fd", "/usr/share/OVMF/OVMF_CODE.secboot.fd:/usr/share/OVMF/OVMF_VARS.fd", "/usr/share/AAVMF/AAVMF_CODE.fd:/usr/share/AAVMF/AAVMF_VARS.fd", "/usr/share/AAVMF/AAVMF32_CODE.fd:/usr/share/AAVMF/AAVMF32_VARS.fd" ]'),
    _s('gluster_debug_level', UINT, 'int', (9, 0),
       default='4',
       example='9'),
    _s('virtiofsd_debug', BOOL, 'bool', (9, 0),
       default='0',
       example='1'),
    _s('deprecation_behavior', STRING, 'str', (9, 0),
       default='none',
       example='"none"'),
    _s('memory_backing_dir', STRING, 'str', (9, 0),
       default='/var/lib/libvirt/qemu/ram',
       example='"/var/lib/libvirt/qemu/ram"'),
    _s('swtpm_user', STRING, 'str', (9, 0),
       default='tss (or root if no tss user)',
       example='"tss"'),
    _s('swtpm_group', STRING, 'str', (9, 0),
       default='tss (or root)',
       example='"tss"'),
    _s('capability_filters', LIST, 'str_array', (9, 0),
       default='unset',
       example='[ "capname" ]'),
    _s('storage_use_nbdkit', BOOL, 'bool', (10, 0),
       default='build-time (Debian 0)',
       example='0'),
    _s('shared_filesystems', LIST, 'str_array', (11, 3),
       default='unset',
       example='[ "/path/to/images", "/path/to/nvram", "/path/to/swtpm" ]'),
    _s('default_cpu_deprecated_features', STRING, 'str', (12, 8),
       default='off',
       example='"off"'),
    _s('clear_emulator_capabilities', UNREAD, 'bool', (9, 0),
       default='-',
       example=None),
    # The TLS-PSK proposal (libvirt-devel, May 2026): in no release.
    _s('default_tls_psk_dir', STRING, 'str', None,
       default='/etc/pki/qemu-psk',
       example='"/etc/pki/qemu-psk"'),
    _s('migrate_tls_psk_dir', STRING, 'str', None,
       default='default_tls_psk_dir',
       example='"/etc/pki/qemu-psk"'),
)

SETTINGS: Tuple[Setting, ...] = tuple(
    row._replace(**_EXTRA.get(row.name, {})) for row in _ROWS)

BY_NAME = {setting.name: setting for setting in SETTINGS}

PSK_SETTINGS = ("default_tls_psk_dir", "migrate_tls_psk_dir")


def lookup(name: str) -> Optional[Setting]:
    return BY_NAME.get(name)
