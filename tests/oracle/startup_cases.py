"""The configurations the start-up oracle runs: by hand, generated, real.

* ``hand_cases()`` - one or more per start-up check of facts §4, each
  failing and passing side, privileged and session, and both sides of
  each rule's edges (``_boundary_cases``).
* ``mutation_cases()`` - a valid base file with every setting libvirt 9.0
  reads given a value of the wrong type; every wrong type at once (from
  every tenth place of the load order on); seeded pairs and handfuls of
  problems, so that the daemon's choice of the first one is tested.
* ``corpus_cases()`` - the real files of ../shared/corpus/real, once on a
  bare Debian host and once with the accounts they name.
"""

import glob
import os
import random
from typing import List

from pyconfcheck import settings
from pyconfcheck.checks import startup
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
    cases += _boundary_cases()
    cases += _session_cases()
    return cases


def _boundary_cases() -> List[Case]:
    """Both sides of each rule's edge, as measured on 9.0 (issue 7 audit)."""
    lock_dir = "/usr/lib/x86_64-linux-gnu/libvirt/lock-driver/"
    ebtables = {"/usr/sbin/ebtables": "#!/bin/sh\nexit 0\n"}
    extra_accounts = (DEBIAN_QEMU_ACCOUNT, ("qemu2", 3002), ("1234", 3003))
    cases = [
        # Port ranges: the edges, and a maximum left at its default.
        ("display-min-5900", "remote_display_port_min = 5900\n"),
        ("display-max-65535", "remote_display_port_max = 65535\n"),
        ("display-min-65535", "remote_display_port_min = 65535\n"),
        ("display-min-65534", "remote_display_port_min = 65534\n"),
        ("display-max-5900", "remote_display_port_max = 5900\n"),
        ("display-max-5899", "remote_display_port_max = 5899\n"),
        ("display-max-5901", "remote_display_port_max = 5901\n"),
        ("display-min-negative", "remote_display_port_min = -1\n"),
        ("websocket-min-5700", "remote_websocket_port_min = 5700\n"),
        ("websocket-min-5699", "remote_websocket_port_min = 5699\n"),
        ("websocket-max-65535", "remote_websocket_port_max = 65535\n"),
        ("websocket-max-65536", "remote_websocket_port_max = 65536\n"),
        ("websocket-max-5700", "remote_websocket_port_max = 5700\n"),
        ("migration-min-1", "migration_port_min = 1\n"),
        ("migration-max-65535", "migration_port_max = 65535\n"),
        ("migration-max-65536", "migration_port_max = 65536\n"),
        ("migration-max-0", "migration_port_max = 0\n"),
        ("migration-min-49215", "migration_port_min = 49215\n"),
        ("migration-min-49214", "migration_port_min = 49214\n"),
        ("migration-max-49152", "migration_port_max = 49152\n"),
        ("migration-max-49153", "migration_port_max = 49153\n"),
        ("migration-1-1", "migration_port_min = 1\nmigration_port_max = 1\n"),
        ("backup-ports-not-read-9", "backup_port_min = 0\n"),
        # Accounts: "+N", numbers as the C library reads them, names.
        ("id-plus-0", 'user = "+0"\ngroup = "+0"\n'),
        ("id-0", 'user = "0"\ngroup = "0"\n'),
        ("id-plus-max", 'user = "+4294967295"\n'),
        ("id-plus-over", 'user = "+4294967296"\n'),
        ("id-over", 'user = "4294967296"\n'),
        ("id-plus-alone", 'user = "+"\n'),
        ("id-plus-name", 'user = "+root"\n'),
        ("id-empty-user", 'user = ""\n'),
        ("id-empty-group", 'group = ""\n'),
        ("id-name-with-digits-missing", 'user = "qemu2"\n'),
        ("id-leading-zero", 'user = "007"\n'),
        ("id-minus-1", 'user = "-1"\n'),
        ("id-plus-minus-1", 'user = "+-1"\n'),
        ("id-minus-max", 'user = "-4294967295"\n'),
        ("id-minus-over", 'user = "-4294967296"\n'),
        ("id-minus-0", 'user = "-0"\n'),
        ("id-leading-space", 'user = " 107"\n'),
        ("id-leading-tab", 'user = "\t5"\n'),
        ("id-trailing-space", 'user = "107 "\n'),
        ("id-only-space", 'user = " "\n'),
        ("id-plus-space", 'user = "+ 107"\n'),
        ("id-plus-plus", 'user = "++1"\n'),
        ("id-minus-minus", 'group = "--1"\n'),
        ("id-plus-minus-alone", 'group = "+-"\n'),
        ("id-hex", 'user = "0x10"\n'),
        ("id-upper-root", 'user = "ROOT"\n'),
        ("id-ulong-max", 'user = "18446744073709551615"\n'),
        ("id-group-plus-over", 'group = "+4294967296"\n'),
        ("swtpm-plus-0", 'swtpm_user = "+0"\nswtpm_group = "+0"\n'),
        ("swtpm-digits", 'swtpm_user = "4242"\nswtpm_group = "4242"\n'),
        ("swtpm-empty", 'swtpm_user = ""\n'),
        ("swtpm-group-plus-over", 'swtpm_group = "+4294967296"\n'),
        # Local addresses.
        ("local-localhost6", 'migration_host = "localhost6"\n'),
        ("local-upper", 'migration_host = "LOCALHOST"\n'),
        ("local-capital", 'migration_host = "Localhost.localdomain"\n'),
        ("local-localhost-dot", 'migration_host = "localhost."\n'),
        ("local-leading-space", 'migration_host = " localhost"\n'),
        ("local-brackets-no-colon", 'migration_host = "[localhost]"\n'),
        ("local-brackets-colon", 'migration_host = "[localhost:1]"\n'),
        ("local-brackets-v4", 'migration_address = "[127.0.0.1]"\n'),
        ("local-brackets-v6", 'migration_address = "[::1]"\n'),
        ("local-brackets-other", 'migration_host = "[a:b]"\n'),
        ("local-brackets-trailing", 'migration_host = "[::1]x"\n'),
        ("local-brackets-scope", 'migration_host = "[::1%1]"\n'),
        ("local-double-brackets", 'migration_host = "[[::1]]"\n'),
        ("local-v6-long", 'migration_host = "0:0:0:0:0:0:0:1"\n'),
        ("local-v6-short", 'migration_address = "0::1"\n'),
        ("local-v4-short", 'migration_host = "127.1"\n'),
        ("local-v4-integer", 'migration_address = "2130706433"\n'),
        ("local-v4-hex", 'migration_host = "0x7f000001"\n'),
        ("local-v4-octal", 'migration_host = "127.0.0.01"\n'),
        ("local-v4-trailing-dot", 'migration_host = "127.0.0.1."\n'),
        ("local-v4-host", 'migration_host = "127.0.0.1"\n'),
        ("local-mapped", 'migration_address = "::ffff:127.0.0.1"\n'),
        ("local-any-v4", 'migration_address = "0.0.0.0"\n'),
        ("local-any-v6", 'migration_address = "::"\n'),
        ("local-empty", 'migration_host = ""\n'),
        ("local-both-host-first", 'migration_address = "::1"\n'
         'migration_host = "localhost"\n'),
        # max_core and the enums: case matters.
        ("max-core-capital", 'max_core = "Unlimited"\n'),
        ("max-core-upper", 'max_core = "UNLIMITED"\n'),
        ("max-core-empty", 'max_core = ""\n'),
        ("max-core-trailing-space", 'max_core = "unlimited "\n'),
        ("max-core-0", "max_core = 0\n"),
        ("max-core-ullong-max", "max_core = 18446744073709551615\n"),
        ("max-core-list", 'max_core = [ "unlimited" ]\n'),
        ("stdio-capital", 'stdio_handler = "File"\n'),
        ("stdio-upper", 'stdio_handler = "LOGD"\n'),
        ("stdio-empty", 'stdio_handler = ""\n'),
        ("stdio-logd", 'stdio_handler = "logd"\n'),
        ("sched-capital", 'sched_core = "None"\n'),
        ("sched-empty", 'sched_core = ""\n'),
        ("sched-emulator", 'sched_core = "emulator"\n'),
        ("sched-full", 'sched_core = "full"\n'),
        ("save-format-upper-9", 'save_image_format = "RAW"\n'),
        ("try-save-not-read-9", 'auto_shutdown_try_save = "all"\n'),
        ("deprecated-features-not-read-9",
         'default_cpu_deprecated_features = "bogus"\n'),
        ("disk-probing-2", "allow_disk_format_probing = 2\n"),
        # hugetlbfs_mount lists.
        ("huge-second-empty", 'hugetlbfs_mount = [ "/mnt/hp2M", "" ]\n',
         {"hugetlbfs": ("/mnt/hp2M",)}),
        ("huge-first-empty", 'hugetlbfs_mount = [ "", "/mnt/hp2M" ]\n',
         {"hugetlbfs": ("/mnt/hp2M",)}),
        ("huge-list-of-empty", 'hugetlbfs_mount = [ "" ]\n'),
        ("huge-trailing-slash", 'hugetlbfs_mount = "/mnt/hp2M/"\n',
         {"hugetlbfs": ("/mnt/hp2M",)}),
        ("huge-relative", 'hugetlbfs_mount = "mnt/hp2M"\n',
         {"hugetlbfs": ("/mnt/hp2M",)}),
        ("huge-two-good", 'hugetlbfs_mount = [ "/mnt/hp2M", "/mnt/hp1G" ]\n',
         {"hugetlbfs": ("/mnt/hp2M", "/mnt/hp1G")}),
        ("huge-second-missing", 'hugetlbfs_mount = [ "/mnt/hp2M", '
         '"/mnt/nope" ]\n', {"hugetlbfs": ("/mnt/hp2M",)}),
        # security_driver lists.
        ("security-list-none", 'security_driver = [ "none" ]\n'),
        ("security-selinux-none", 'security_driver = [ "selinux", "none" ]\n'),
        ("security-none-selinux", 'security_driver = [ "none", "selinux" ]\n'),
        ("security-none-apparmor", 'security_driver = [ "none", '
         '"apparmor" ]\n'),
        ("security-none-dac", 'security_driver = [ "none", "dac" ]\n'),
        ("security-empty-string", 'security_driver = ""\n'),
        ("security-upper-none", 'security_driver = "NONE"\n'),
        ("security-empty-list", "security_driver = [ ]\n"),
        ("security-list-empty-name", 'security_driver = [ "" ]\n'),
        ("security-none-default-confined", 'security_driver = "none"\n'
         "security_default_confined = 1\n"),
        ("security-none-require-0", 'security_driver = "none"\n'
         "security_require_confined = 0\n"),
        ("security-duplicate-selinux", 'security_driver = [ "selinux", '
         '"selinux" ]\n'),
        ("security-duplicate-not-adjacent", 'security_driver = [ "apparmor", '
         '"none", "apparmor" ]\n'),
        # cgroup_controllers and namespaces.
        ("cgroup-upper", 'cgroup_controllers = [ "CPU" ]\n'),
        ("cgroup-name-systemd", 'cgroup_controllers = [ "name=systemd" ]\n'),
        ("cgroup-bare-systemd", 'cgroup_controllers = [ "systemd" ]\n'),
        ("cgroup-comma", 'cgroup_controllers = [ "cpu,cpuacct" ]\n'),
        ("cgroup-empty-name", 'cgroup_controllers = [ "" ]\n'),
        ("cgroup-duplicate", 'cgroup_controllers = [ "cpu", "cpu" ]\n'),
        ("cgroup-first-bad-named", 'cgroup_controllers = [ "cpu", "io", '
         '"bogus" ]\n'),
        ("namespaces-capital", 'namespaces = [ "Mount" ]\n'),
        ("namespaces-duplicate", 'namespaces = [ "mount", "mount" ]\n'),
        ("namespaces-empty-name", 'namespaces = [ "" ]\n'),
        ("namespaces-string", 'namespaces = "mount"\n'),
        ("namespaces-second-bad", 'namespaces = [ "mount", "net" ]\n'),
        # Directories the daemon creates.
        ("dump-relative", 'auto_dump_path = "dump-rel"\n'),
        ("dump-proc", 'auto_dump_path = "/proc/oracle-dump"\n'),
        ("dump-sys", 'auto_dump_path = "/sys/oracle-dump"\n'),
        ("dump-read-only", 'auto_dump_path = "/mnt/ro/dump"\n',
         {"readonly": ("/mnt/ro",)}),
        ("dump-existing-file", 'auto_dump_path = "/etc/hostname-copy"\n',
         {"files": {"/etc/hostname-copy": "x\n"}}),
        ("dump-trailing-slash", 'auto_dump_path = "/var/lib/oracle/dump/"\n'),
        ("dump-dotdot-through-file", 'auto_dump_path = "/etc/passwd/../x"\n'),
        ("membacking-relative", 'memory_backing_dir = "ram-rel"\n'),
        ("membacking-proc", 'memory_backing_dir = "/proc/oracle-ram"\n'),
        ("membacking-read-only", 'memory_backing_dir = "/mnt/ro"\n',
         {"readonly": ("/mnt/ro",)}),
        ("membacking-existing", 'memory_backing_dir = "/var/lib/ram3"\n',
         {"dirs": ("/var/lib/ram3",)}),
        ("membacking-libvirt-is-file", 'memory_backing_dir = '
         '"/var/lib/ram4"\n', {"files": {"/var/lib/ram4/libvirt": "x\n"}}),
        # Lock manager plugins.
        ("lock-upper", 'lock_manager = "LOCKD"\n'),
        ("lock-none-word", 'lock_manager = "none"\n'),
        ("lock-dotdot", 'lock_manager = "../lock-driver/lockd"\n'),
        ("lock-absolute", f'lock_manager = "{lock_dir}lockd"\n'),
        ("lock-file-too-short", 'lock_manager = "fake"\n',
         {"files": {lock_dir + "fake.so": "not elf\n"}}),
        ("lock-not-elf", 'lock_manager = "fake"\n',
         {"files": {lock_dir + "fake.so": "x" * 200}}),
        # MAC filter and an ebtables.
        ("mac-filter-ebtables-not-executable", "mac_filter = 1\n",
         {"files": ebtables}),
        ("mac-filter-ebtables-runs", "mac_filter = 1\n",
         {"files": ebtables, "executables": tuple(ebtables)}),
        # TLS directories.
        ("tls-vnc-empty", 'vnc_tls_x509_cert_dir = ""\n'),
        ("tls-default-empty", 'default_tls_x509_cert_dir = ""\n'),
    ]
    out = []
    for name, conf, *extra in cases:
        out.append(_c("edge-" + name, conf, **(extra[0] if extra else {})))
    out += [
        _c("edge-id-name-with-digits", 'user = "qemu2"\ngroup = "qemu2"\n',
           accounts=extra_accounts),
        _c("edge-id-digit-name", 'user = "1234"\ngroup = "1234"\n',
           accounts=extra_accounts),
    ]
    return out


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
        s("dump-var-tmp", 'auto_dump_path = "/var/tmp/oracle-session-dump"\n'),
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
        s("user-self-number", 'user = "+65534"\n'),
        s("user-root-number", 'user = "+0"\n'),
        s("user-minus-2", 'user = "-2"\n'),
        s("group-self-number", 'group = "65534"\n'),
        s("user-plus-over", 'user = "+4294967296"\n'),
        s("dump-proc", 'auto_dump_path = "/proc/oracle-dump"\n'),
        s("localhost6", 'migration_host = "localhost6"\n'),
        s("lock-file-too-short", 'lock_manager = "fake"\n', files={
            "/usr/lib/x86_64-linux-gnu/libvirt/lock-driver/fake.so": "x\n"}),
        s("tls-empty", 'nbd_tls_x509_cert_dir = ""\n'),
        s("display-min-65535", "remote_display_port_min = 65535\n"),
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
    'migration_host = "127.1"', 'user = "+x"', 'lock_manager = "LOCKD"',
    'default_tls_x509_cert_dir = ""', 'auto_dump_path = "/proc/x"',
    "remote_display_port_min = 65535", "migration_port_max = 65536",
    'security_driver = "dac"', 'max_core = "Unlimited"',
    'namespaces = [ "Mount" ]', 'memory_backing_dir = "/proc/m"',
    'swtpm_group = "+-"',
)


def mutation_cases(pairs: int = 80, many: int = 20,
                   seed: int = 9) -> List[Case]:
    cases = []
    for setting in settings.SETTINGS:
        if not setting.read_in(V9) or setting.kind not in _BAD_TYPE:
            continue
        line = f"{setting.name} = {_BAD_TYPE[setting.kind]}\n"
        cases.append(Case(f"mutate-type-{setting.name}", _BASE + line))
    # Every wrong type at once, in three file orders: the daemon names the
    # one it reads first whatever the order of the lines.
    lines = [f"{s.name} = {_BAD_TYPE[s.kind]}\n" for s in settings.SETTINGS
             if s.read_in(V9) and s.kind in _BAD_TYPE]
    shuffled = list(lines)
    random.Random(seed).shuffle(shuffled)
    for order, chosen in (("table", lines), ("reversed", lines[::-1]),
                          ("shuffled", shuffled)):
        cases.append(Case(f"mutate-all-types-{order}", "".join(chosen)))
    # ... and without the first k settings of confcheck's load order, so
    # that order is checked at every tenth place, not only at its head.
    ranked = sorted((s for s in settings.SETTINGS
                     if s.read_in(V9) and s.kind in _BAD_TYPE),
                    key=lambda s: startup.LOAD_ORDER_9.index(s.name))
    for start in range(10, len(ranked), 10):
        rest = [f"{s.name} = {_BAD_TYPE[s.kind]}\n"
                for s in ranked[start:]]
        cases.append(Case(f"mutate-all-types-from-{start}",
                          "".join(rest[::-1])))
    chooser = random.Random(seed)
    for index in range(pairs):
        first, second = chooser.sample(_VALUE_PROBLEMS, 2)
        lines = [first, second]
        chooser.shuffle(lines)
        cases.append(Case(f"mutate-pair-{index}",
                          "\n".join(lines) + "\n"))
    # Many problems at once, from every phase: the daemon names one.
    for index in range(many):
        picked, names = [], set()
        for line in chooser.sample(_VALUE_PROBLEMS, 5):
            name = line.split("=")[0].strip()
            if name not in names:
                names.add(name)
                picked.append(line)
        cases.append(Case(f"mutate-many-{index}", "\n".join(picked) + "\n"))
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
