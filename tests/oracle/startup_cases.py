"""The configurations the start-up oracle runs: by hand, generated, real.

* ``hand_cases()`` - one or more per start-up check of facts §4, each
  failing and passing side, privileged and session.
* ``mutation_cases()`` - a valid base file with every setting libvirt 9.0
  reads given a value of the wrong type, plus seeded pairs of problems so
  that the daemon's choice of the first one is tested.
* ``corpus_cases()`` - the real files of ../shared/corpus/real, once on a
  bare Debian host and once with the accounts they name.
"""

import glob
import os
import random
from typing import List

from pyconfcheck import settings
from pyconfcheck.document import Document

from .libvirtd import DEBIAN_QEMU_ACCOUNT, PROJECT, Case

#: The real files: ../shared/corpus/real next to the project.
CORPUS = os.environ.get("CONFCHECK_CORPUS") or os.path.normpath(
    os.path.join(PROJECT, "..", "shared", "corpus", "real"))

V9 = (9, 0)
NO_ACCOUNTS = ()
LOCKD_CONF = "/etc/libvirt/qemu-lockd.conf"


def _c(name, conf, **extra):
    return Case(name, conf, **extra)


def hand_cases() -> List[Case]:
    cases = [
        # Files that start.
        _c("empty", ""),
        _c("comment-only", "# nothing here\n"),
        _c("stock-values", 'vnc_listen = "0.0.0.0"\nvnc_tls = 0\n'
           'security_driver = "none"\nuser = "libvirt-qemu"\n'),
        _c("empty-lists", "cgroup_controllers = [ ]\nnamespaces = []\n"
           "hugetlbfs_mount = []\n"),
        _c("list-over-lines", 'cgroup_controllers = [\n  "cpu",\n'
           '  "memory" ,\n  "cpuacct"\n]\n'),
        # Syntax.
        _c("syntax-raw-bool", "vnc_tls = true\n"),
        _c("syntax-comment-in-list", 'cgroup_controllers = [ "cpu", # x\n'
           ' "memory" ]\n'),
        _c("syntax-blank-only", "\n\n"),
        _c("syntax-unterminated", 'vnc_listen = "a\nb"\n'),
        _c("syntax-after-error-value", 'user = "nosuch"\nvnc_tls = true\n'),
        # Types.
        _c("type-quoted-bool", 'vnc_tls = "1"\n'),
        _c("type-bool-2", "vnc_tls = 2\n"),
        _c("type-negative-uint", "max_processes = -1\n"),
        _c("type-uint-overflow", "max_files = 4294967296\n"),
        _c("type-string-list", 'cgroup_controllers = "cpu"\n'),
        _c("type-list-element", 'cgroup_controllers = [ "cpu", 1 ]\n'),
        _c("keepalive-negative", "keepalive_interval = -1\n"),
        # C01: accounts.
        _c("c01-user-missing", 'user = "vmrunner"\n'),
        _c("c01-group-missing", 'group = "vmrunners"\n'),
        _c("c01-plus-number", 'user = "+107"\ngroup = "+107"\n'),
        _c("c01-digits", 'user = "4242"\ngroup = "4242"\n'),
        _c("c01-build-default-missing", "", accounts=NO_ACCOUNTS),
        _c("c01-build-default-missing-user-set",
           'user = "root"\ngroup = "root"\n', accounts=NO_ACCOUNTS),
        _c("c01-build-default-before-syntax", "vnc_tls = true\n",
           accounts=NO_ACCOUNTS),
        _c("c01-user-exists", 'user = "vmrunner"\ngroup = "vmrunner"\n',
           accounts=(DEBIAN_QEMU_ACCOUNT, ("vmrunner", 2001))),
        _c("swtpm-user-missing", 'swtpm_user = "tpmrunner"\n'),
        _c("swtpm-group-missing", 'swtpm_group = "tpmrunners"\n'),
        _c("swtpm-root", 'swtpm_user = "root"\nswtpm_group = "root"\n'),
        _c("uid-too-big", 'user = "4294967295"\n'),
        # C02: security drivers.
        _c("c02-apparmor-off", 'security_driver = "apparmor"\n'),
        _c("c02-selinux-off", 'security_driver = "selinux"\n'),
        _c("c02-misspelt", 'security_driver = "apparmour"\n'),
        _c("c02-dac", 'security_driver = "dac"\n'),
        _c("c02-duplicate", 'security_driver = [ "none", "none" ]\n'),
        _c("c02-list-both-off", 'security_driver = [ "selinux", '
           '"apparmor" ]\n'),
        _c("c02-none", 'security_driver = "none"\n'),
        _c("require-confined-probe", "security_require_confined = 1\n"),
        _c("require-confined-none", 'security_driver = "none"\n'
           "security_require_confined = 1\n"),
        _c("require-confined-0", "security_require_confined = 0\n"),
        # C03/C04: cgroups.
        _c("c03-unknown-controller", 'cgroup_controllers = [ "io" ]\n'),
        _c("c03-cpu-alone", 'cgroup_controllers = [ "cpu" ]\n'),
        _c("c03-all-names", 'cgroup_controllers = [ "cpu", "cpuacct", '
           '"cpuset", "memory", "devices", "freezer", "blkio", "net_cls", '
           '"perf_event", "name=systemd" ]\n'),
        # Namespaces.
        _c("namespaces-mount", 'namespaces = [ "mount" ]\n'),
        _c("namespaces-unknown", 'namespaces = [ "net" ]\n'),
        # C05: TLS directories.
        _c("c05-vnc-dir-missing", 'vnc_tls_x509_cert_dir = "/etc/pki/no-vnc"'
           "\nvnc_tls = 0\n"),
        _c("c05-default-dir-missing", 'default_tls_x509_cert_dir = '
           '"/etc/pki/no-default"\n'),
        _c("c05-default-dir-implicit", "vnc_tls = 1\n"),
        _c("c05-spice-dir-missing", 'spice_tls_x509_cert_dir = "/nope/s"\n'),
        _c("c05-chardev-dir-missing", 'chardev_tls_x509_cert_dir = '
           '"/nope/c"\n'),
        _c("c05-migrate-dir-missing", 'migrate_tls_x509_cert_dir = '
           '"/nope/m"\n'),
        _c("c05-backup-dir-missing", 'backup_tls_x509_cert_dir = "/nope/b"\n'),
        _c("c05-vxhs-dir-missing", 'vxhs_tls_x509_cert_dir = "/nope/x"\n'),
        _c("c05-nbd-dir-missing", 'nbd_tls_x509_cert_dir = "/nope/n"\n'),
        _c("c05-dir-present", 'vnc_tls_x509_cert_dir = "/etc/pki/vnc-here"\n',
           dirs=("/etc/pki/vnc-here",)),
        _c("c05-regular-file-passes", 'nbd_tls_x509_cert_dir = '
           '"/etc/hostname-copy"\n', files={"/etc/hostname-copy": "x\n"}),
        _c("c05-two-missing-order", 'nbd_tls_x509_cert_dir = "/nope/n"\n'
           'default_tls_x509_cert_dir = "/nope/d"\n'),
        # C06: ports and addresses.
        _c("c06-migration-min-0", "migration_port_min = 0\n"),
        _c("c06-migration-max-70000", "migration_port_max = 70000\n"),
        _c("c06-migration-min-gt-max", "migration_port_min = 50000\n"
           "migration_port_max = 49999\n"),
        _c("c06-migration-min-above-default-max", "migration_port_min = "
           "60000\n"),
        _c("c06-migration-equal", "migration_port_min = 50000\n"
           "migration_port_max = 50000\n"),
        _c("c06-localhost-example", 'migration_host = "localhost.example"\n'),
        _c("c06-localhostfoo", 'migration_host = "localhostfoo.example.com"'
           "\n"),
        _c("c06-loopback-v4", 'migration_address = "127.0.0.1"\n'),
        _c("c06-loopback-v6", 'migration_address = "::1"\n'),
        _c("c06-loopback-v6-brackets", 'migration_host = "[::1]"\n'),
        _c("c06-other-127", 'migration_address = "127.0.0.2"\n'),
        _c("c06-good-host", 'migration_host = "hv1.example.com"\n'),
        _c("display-min-low", "remote_display_port_min = 5899\n"),
        _c("display-max-high", "remote_display_port_max = 65536\n"),
        _c("display-equal", "remote_display_port_min = 6000\n"
           "remote_display_port_max = 6000\n"),
        _c("websocket-min-low", "remote_websocket_port_min = 5000\n"),
        _c("websocket-max-below-min", "remote_websocket_port_min = 6000\n"
           "remote_websocket_port_max = 5900\n"),
        _c("websocket-equal", "remote_websocket_port_min = 6000\n"
           "remote_websocket_port_max = 6000\n"),
        _c("allocators-order", "migration_port_min = 50000\n"
           "migration_port_max = 50000\nremote_websocket_port_min = 6000\n"
           "remote_websocket_port_max = 6000\n"),
        _c("allocators-order-2", "remote_display_port_min = 7000\n"
           "remote_display_port_max = 7000\nremote_websocket_port_min = "
           "6000\nremote_websocket_port_max = 6000\n"),
        # Enums.
        _c("stdio-bad", 'stdio_handler = "journald"\n'),
        _c("stdio-file", 'stdio_handler = "file"\n'),
        _c("sched-bad", 'sched_core = "all"\n'),
        _c("sched-vcpus", 'sched_core = "vcpus"\n'),
        _c("sched-none", 'sched_core = "none"\n'),
        _c("save-format-bad-9", 'save_image_format = "zstd"\n'),
        _c("max-core-word", 'max_core = "lots"\n'),
        _c("max-core-quoted-number", 'max_core = "1024"\n'),
        _c("max-core-number", "max_core = 1024\n"),
        _c("max-core-unlimited", 'max_core = "unlimited"\n'),
        _c("disk-probing-1", "allow_disk_format_probing = 1\n"),
        _c("disk-probing-0", "allow_disk_format_probing = 0\n"),
        _c("deprecation-bad", 'deprecation_behavior = "loud"\n'),
        # nvram.
        _c("nvram-one-path", 'nvram = [ "/usr/share/OVMF/OVMF_CODE.fd" ]\n'),
        _c("nvram-two-colons", 'nvram = [ "a:b:c" ]\n'),
        _c("nvram-empty-part", 'nvram = [ "a:" ]\n'),
        _c("nvram-empty-loader", 'nvram = [ ":b" ]\n'),
        _c("nvram-blank-loader", 'nvram = [ "  :b" ]\n'),
        _c("nvram-blank-vars", 'nvram = [ "a: " ]\n'),
        _c("nvram-good", 'nvram = [ "/a/CODE.fd:/a/VARS.fd" ]\n'),
        _c("nvram-leading-blank", 'nvram = [ "  /a/CODE.fd:/a/VARS.fd" ]\n'),
        _c("nvram-ignored-by-descriptors", 'nvram = [ "bad" ]\n',
           files={"/usr/share/qemu/firmware/50-x.json": "{}\n"}),
        # hugetlbfs.
        _c("huge-empty-string", 'hugetlbfs_mount = ""\n'),
        _c("huge-not-mounted", 'hugetlbfs_mount = "/tmp"\n'),
        _c("huge-missing", 'hugetlbfs_mount = "/mnt/hugepages-nope"\n'),
        _c("huge-mounted", 'hugetlbfs_mount = "/mnt/hp2M"\n',
           hugetlbfs=("/mnt/hp2M",)),
        _c("huge-list-second-bad", 'hugetlbfs_mount = [ "/mnt/hp2M", '
           '"/tmp" ]\n', hugetlbfs=("/mnt/hp2M",)),
        _c("huge-tmpfs", 'hugetlbfs_mount = "/mnt/tmpfs-here"\n',
           tmpfs=("/mnt/tmpfs-here",)),
        # Directories the daemon creates.
        _c("dump-empty", 'auto_dump_path = ""\n'),
        _c("dump-through-file", 'auto_dump_path = "/etc/passwd/dump"\n'),
        _c("dump-creatable", 'auto_dump_path = "/var/lib/oracle/dump"\n'),
        _c("membacking-through-file", 'memory_backing_dir = '
           '"/etc/hostname-copy"\n', files={"/etc/hostname-copy": "x\n"}),
        _c("membacking-empty", 'memory_backing_dir = ""\n'),
        _c("membacking-creatable", 'memory_backing_dir = "/var/lib/ram2"\n'),
        _c("dirs-order", 'memory_backing_dir = "/etc/passwd"\n'
           'auto_dump_path = "/etc/group/x"\n'),
        # Lock manager.
        _c("lock-unknown", 'lock_manager = "fcntl"\n'),
        _c("lock-sanlock-missing", 'lock_manager = "sanlock"\n'),
        _c("lock-empty-name", 'lock_manager = ""\n'),
        _c("lock-nop", 'lock_manager = "nop"\n'),
        _c("lock-lockd", 'lock_manager = "lockd"\n'),
        _c("lock-lockd-conf-syntax", 'lock_manager = "lockd"\n',
           files={LOCKD_CONF: "auto_disk_leases = yes\n"}),
        _c("lock-lockd-conf-type", 'lock_manager = "lockd"\n',
           files={LOCKD_CONF: "auto_disk_leases = 5\n"}),
        _c("lock-lockd-conf-good", 'lock_manager = "lockd"\n',
           files={LOCKD_CONF: "auto_disk_leases = 0\n"
                  "require_lease_for_disks = 1\n"}),
        _c("lock-lockd-lockspace", 'lock_manager = "lockd"\n',
           files={LOCKD_CONF: 'file_lockspace_dir = "/var/lib/ls"\n'}),
        _c("lock-lockd-lvm-lockspace", 'lock_manager = "lockd"\n',
           files={LOCKD_CONF: 'lvm_lockspace_dir = "/var/lib/ls"\n'}),
        _c("lock-lockd-conf-string-type", 'lock_manager = "lockd"\n',
           files={LOCKD_CONF: 'file_lockspace_dir = 5\n'}),
        _c("lock-conf-without-lock-manager", "",
           files={LOCKD_CONF: "auto_disk_leases = yes\n"}),
        # MAC filter.
        _c("mac-filter-1", "mac_filter = 1\n"),
        _c("mac-filter-0", "mac_filter = 0\n"),
        # Order across phases.
        _c("order-load-before-validate", 'nbd_tls_x509_cert_dir = "/nope"\n'
           "capability_filters = 5\n"),
        _c("order-security-last", 'security_driver = "apparmor"\n'
           "mac_filter = 1\n"),
        _c("order-vxhs-before-nbd", 'nbd_tls_x509_cert_dir = "/nope/n"\n'
           'vxhs_tls_x509_cert_dir = "/nope/x"\n'),
        _c("order-user-before-cgroup", 'cgroup_controllers = [ "io" ]\n'
           'user = "nosuch"\n'),
        _c("order-type-in-load", 'max_processes = -1\nvnc_tls = "1"\n'),
        _c("order-hugetlbfs-before-stdio", 'stdio_handler = "x"\n'
           'hugetlbfs_mount = ""\n'),
        _c("duplicate-first-wins", "vnc_tls = 1\nvnc_tls = 7\n"),
        _c("duplicate-first-bad", "vnc_tls = 7\nvnc_tls = 1\n"),
        _c("vnc-password-long", 'vnc_password = "123456789012"\n'),
        _c("unknown-keys-ignored", "rx_queue_size = 1024\nVNC_TLS = 7\n"),
        _c("psk-proposal-ignored", 'default_tls_psk_dir = "/nope"\n'),
    ]
    cases += _session_cases()
    return cases


def _session_cases() -> List[Case]:
    """The same rules as the per-user daemon applies them (virt-qemu-run)."""
    def s(name, conf, **extra):
        return Case("session-" + name, conf, session=True, **extra)

    return [
        s("empty", ""),
        s("no-build-default-needed", "", accounts=NO_ACCOUNTS),
        s("namespaces", 'namespaces = [ "mount" ]\n'),
        s("namespaces-empty", "namespaces = [ ]\n"),
        s("namespaces-unknown", 'namespaces = [ "pid" ]\n'),
        s("user-missing", 'user = "vmrunner"\n'),
        s("user-plus", 'user = "+107"\n'),
        s("dump-denied", 'auto_dump_path = "/var/lib/denied-dump"\n'),
        s("membacking-denied", 'memory_backing_dir = "/var/lib/denied"\n'),
        s("dump-tmp", 'auto_dump_path = "/tmp/oracle-session-dump"\n'),
        s("security-apparmor", 'security_driver = "apparmor"\n'),
        s("require-confined", "security_require_confined = 1\n"),
        s("mac-filter", "mac_filter = 1\n"),
        s("lock-lockd", 'lock_manager = "lockd"\n'),
        s("lock-unknown", 'lock_manager = "fcntl"\n'),
        s("huge-empty", 'hugetlbfs_mount = ""\n'),
        s("huge-not-mounted", 'hugetlbfs_mount = "/tmp"\n'),
        s("tls-missing", 'migrate_tls_x509_cert_dir = "/nope/m"\n'),
        s("ports", "migration_port_min = 0\n"),
        s("sched", 'sched_core = "emulator"\n'),
        s("syntax", "vnc_tls = true\n"),
        s("type", 'vnc_tls = "1"\n'),
    ]


# -- generated ---------------------------------------------------------------

_BAD_TYPE = {
    settings.BOOL: '"1"', settings.UINT: "-5", settings.INT: '"12"',
    settings.STRING: "5", settings.LIST: '"one"',
    settings.STRING_OR_LIST: "7", settings.MAX_CORE: "-1",
}

_BASE = (
    'vnc_listen = "0.0.0.0"\n'
    "vnc_tls = 0\n"
    'security_driver = "none"\n'
    'user = "libvirt-qemu"\n'
    'group = "libvirt-qemu"\n'
    'cgroup_controllers = [ "cpu", "cpuacct", "memory" ]\n'
    "max_processes = 0\n"
    'stdio_handler = "logd"\n'
)

#: Value problems, one line each, for the pairs.
_VALUE_PROBLEMS = (
    "remote_display_port_min = 5000", "remote_websocket_port_max = 70000",
    'hugetlbfs_mount = ""', 'stdio_handler = "x"', 'sched_core = "x"',
    "allow_disk_format_probing = 1", "migration_port_min = 0",
    'migration_host = "localhost"', 'nvram = [ "x" ]',
    'security_driver = [ "none", "none" ]', 'user = "nosuch"',
    'group = "nosuch"', 'cgroup_controllers = [ "io" ]',
    'namespaces = [ "ipc" ]', 'swtpm_user = "nosuch"',
    'vnc_tls_x509_cert_dir = "/nope/v"', 'nbd_tls_x509_cert_dir = "/nope/n"',
    'auto_dump_path = ""', 'lock_manager = "fcntl"', "mac_filter = 1",
    'security_driver = "selinux"', 'max_core = "x"',
    'memory_backing_dir = "/etc/passwd"', "vnc_tls = 2",
    "capability_filters = 5", "default_tls_x509_verify = 3",
)


def mutation_cases(pairs: int = 40, seed: int = 9) -> List[Case]:
    cases = []
    for setting in settings.SETTINGS:
        if not setting.read_in(V9) or setting.kind not in _BAD_TYPE:
            continue
        line = f"{setting.name} = {_BAD_TYPE[setting.kind]}\n"
        cases.append(Case(f"mutate-type-{setting.name}", _BASE + line))
    chooser = random.Random(seed)
    for index in range(pairs):
        first, second = chooser.sample(_VALUE_PROBLEMS, 2)
        lines = [first, second]
        chooser.shuffle(lines)
        cases.append(Case(f"mutate-pair-{index}",
                          "\n".join(lines) + "\n"))
    return cases


# -- real files --------------------------------------------------------------

def corpus_cases() -> List[Case]:
    cases = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.conf"))):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", "surrogateescape")
        name = os.path.basename(path)[:-5]
        cases.append(Case(f"corpus-{name}", text))
        accounts = _named_accounts(text)
        if accounts:
            cases.append(Case(f"corpus-{name}-with-accounts", text,
                              accounts=accounts))
    return cases


def _named_accounts(text):
    """The Debian account plus every account name the file uses."""
    document = Document(text.encode("utf-8", "surrogateescape"), V9)
    names = []
    for setting in ("user", "group", "swtpm_user", "swtpm_group"):
        value = document.value(setting)
        if value and not value.startswith("+") and not value.isdigit() and \
                value not in ("root", "libvirt-qemu", "nobody") and \
                value not in names:
            names.append(value)
    if not names:
        return ()
    return (DEBIAN_QEMU_ACCOUNT,) + tuple(
        (name, 3001 + index) for index, name in enumerate(names))


def all_cases() -> List[Case]:
    return hand_cases() + mutation_cases() + corpus_cases()
