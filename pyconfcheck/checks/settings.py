"""Settings: unknown names, duplicates, versions, value types and ranges."""

import functools

from .. import settings
from ..findings import ERROR, INFO, STAGE_NONE, STAGE_START, WARNING
from ..rules import Rule
from ..syntax import virconf

RULES = (
    Rule("SET001", "unknown-setting", WARNING, STAGE_NONE,
         "a setting libvirt does not know; it is silently ignored",
         """\
libvirt ignores names it does not know without a word, so a typo means the
setting you meant keeps its default.  Names are case-sensitive.

Failing:

    vnc_tsl = 1

Passing:

    vnc_tls = 1

Fix: correct the name; settings of libvirtd.conf or virtqemud.conf belong
in those files.
"""),
    Rule("SET002", "duplicate-setting", WARNING, STAGE_NONE,
         "a setting given twice; libvirt uses the first",
         """\
libvirt reads the first line that sets a name and ignores the rest, so a
line appended by a tool has no effect when an earlier one exists.

Failing:

    group = "qemu"
    ...
    group = "hugetlbfs"

Passing:

    group = "hugetlbfs"

Fix: keep one line per setting.
"""),
    Rule("SET003", "setting-not-in-version", WARNING, STAGE_NONE,
         "a setting the target libvirt release does not read",
         """\
A setting added in a later release (or only proposed) is ignored by an
older daemon, silently.  confcheck judges against the newest release with
the TLS-PSK proposal applied unless `--libvirt-version` says otherwise.

Failing (with `--libvirt-version 9.0`):

    rdp_listen = "0.0.0.0"

Passing (with `--libvirt-version 9.0`):

    vnc_listen = "0.0.0.0"

Fix: upgrade libvirt, or drop the setting on hosts that run the older
release.
"""),
    Rule("SET004", "obsolete-setting", INFO, STAGE_NONE,
         "a setting libvirt no longer acts on",
         """\
Some settings are still accepted but do nothing: `clear_emulator_capabilities`
has not been read for years and the `vxhs_*` settings lost their purpose when
QEMU dropped VxHS.

Failing:

    clear_emulator_capabilities = 1

Passing: the line removed.

Fix: remove the line.
"""),
    Rule("SET005", "proposal-setting", INFO, STAGE_NONE,
         "a TLS-PSK setting from the May 2026 proposal, in no release yet",
         """\
`default_tls_psk_dir` and `migrate_tls_psk_dir` come from a TLS-PSK
migration proposal posted to the libvirt mailing list in May 2026.  No
libvirt release reads them: a released daemon ignores them and every
released Augeas lens fails on them.  confcheck checks them as the proposal
describes.

Failing (a daemon without the proposal applied ignores it):

    default_tls_psk_dir = "/etc/pki/qemu-psk"

Passing: the line removed, where no daemon with the proposal runs.

Fix: none needed on hosts that run a daemon with the proposal applied.
"""),
    Rule("TYP001", "wrong-type", ERROR, STAGE_START,
         "a value of the wrong type; the QEMU driver will not start",
         """\
Each setting is read with a typed getter; a value of another type stops the
QEMU driver at start-up ("expected a bool for 'vnc_tls' parameter").

Failing:

    vnc_tls = "1"

Passing:

    vnc_tls = 1

Fix: booleans and numbers bare, strings quoted, lists in brackets.
"""),
    Rule("TYP002", "out-of-range", ERROR, STAGE_START,
         "a number outside what the setting accepts",
         """\
Booleans must be 0 or 1; unsigned settings take 0 to 4294967295 and signed
ones -2147483648 to 2147483647.  Anything else stops the QEMU driver.

Failing:

    vnc_tls = 2

Passing:

    vnc_tls = 1

Fix: use a value in range.
"""),
)

# Settings that people put in qemu.conf but that belong to the daemon's
# own configuration file.
_DAEMON_SETTINGS = {
    "unix_sock_group", "unix_sock_ro_perms", "unix_sock_rw_perms",
    "unix_sock_admin_perms", "unix_sock_dir", "auth_unix_ro",
    "auth_unix_rw", "listen_tls", "listen_tcp", "tcp_port", "tls_port",
    "listen_addr", "auth_tcp", "auth_tls", "key_file", "cert_file",
    "ca_file", "crl_file", "log_level", "log_filters", "log_outputs",
    "max_clients", "max_workers", "min_workers", "admin_max_clients",
    "host_uuid", "keepalive_required",
}

# Settings that no release knows but that circulate in old files.
_RETIRED = {
    "rx_queue_size": "removed from libvirt; set it per interface in the "
                     "domain XML",
    "tx_queue_size": "removed from libvirt; set it per interface in the "
                     "domain XML",
}


def _version_text(version):
    return "%d.%d" % version


def check(ctx):
    doc = ctx.doc
    version = ctx.version
    for entry in doc.entries:
        setting = settings.lookup(entry.name)
        if setting is None:
            yield _unknown(ctx, entry)
            continue
        if not setting.known_in(version):
            yield _not_in_version(ctx, entry, setting)
            continue
        if setting.proposed and version is None and \
                doc.first(entry.name) is entry:
            yield ctx.finding(
                "SET005",
                f"'{entry.name}' comes from the TLS-PSK proposal of May "
                "2026, which no libvirt release has; released daemons "
                "ignore it", entry.line, entry.column, setting=entry.name)

    for name, entries in doc.by_name.items():
        for repeat in entries[1:]:
            used = entries[0]
            yield ctx.finding(
                "SET002",
                f"'{name}' is set again; libvirt uses line {used.line} and "
                "ignores this one", repeat.line, repeat.column, setting=name)

    for name in doc.by_name:
        setting = settings.lookup(name)
        if setting is None or not setting.known_in(version):
            continue
        entry = doc.first(name)
        if setting.obsolete and not setting.read_in(version):
            yield ctx.finding(
                "SET004", _obsolete_message(setting, version), entry.line,
                entry.column, setting=name)
            continue
        if not setting.read_in(version):
            continue
        _, error = doc.typed(name)
        if error is not None:
            yield _type_finding(ctx, entry, setting, error)


def _unknown(ctx, entry):
    name = entry.name
    if name in _DAEMON_SETTINGS:
        why = "it is a libvirtd.conf/virtqemud.conf setting"
    elif name in _RETIRED:
        why = _RETIRED[name]
    else:
        suggestion = _did_you_mean(name)
        why = f"did you mean '{suggestion}'?" if suggestion else ""
    message = f"unknown setting '{name}'; libvirt ignores it silently"
    if why:
        message += f" ({why})"
    return ctx.finding("SET001", message, entry.line, entry.column,
                       setting=name)


@functools.lru_cache(maxsize=1024)
def _did_you_mean(name):
    """The closest known setting name (fleets repeat the same typos)."""
    import difflib  # only for a file with an unknown setting

    candidates = difflib.get_close_matches(
        name.lower(), [s.name for s in settings.SETTINGS], n=1, cutoff=0.75)
    return candidates[0] if candidates else None


def _not_in_version(ctx, entry, setting):
    target = _version_text(ctx.version)
    if setting.proposed:
        message = (f"'{entry.name}' is ignored by libvirt {target}: it comes "
                   "from the TLS-PSK proposal of May 2026, which no release "
                   "has")
    else:
        message = (f"'{entry.name}' is ignored by libvirt {target}; it is "
                   f"read from libvirt {_version_text(setting.since)}")
    return ctx.finding("SET003", message, entry.line, entry.column,
                       setting=entry.name)


def _obsolete_message(setting, version):
    if setting.until is not None:
        return (f"'{setting.name}' is ignored from libvirt 12 on "
                "(VxHS was removed from QEMU); remove it")
    return f"'{setting.name}' is no longer read by libvirt; remove it"


def _type_finding(ctx, entry, setting, error):
    value = entry.value
    code = "TYP002" if "must be" in error.message else "TYP001"
    fix = _suggest(entry, setting)
    message = error.message
    if fix:
        message += f"; {fix}"
    return ctx.finding(code, message, value.line or entry.line,
                       value.column or entry.column, setting=entry.name,
                       show_source=not setting.secret)


def _suggest(entry, setting):
    value = entry.value
    name = entry.name
    if setting.kind == settings.BOOL:
        if value.type == virconf.STRING and value.value.strip() in (
                "0", "1"):
            return f"write {name} = {value.value.strip()}"
        if value.type == virconf.STRING and value.value.lower() in (
                "true", "yes", "on"):
            return f"write {name} = 1"
        if value.type == virconf.STRING and value.value.lower() in (
                "false", "no", "off"):
            return f"write {name} = 0"
        return f"write {name} = 0 or {name} = 1"
    if setting.kind in (settings.UINT, settings.INT):
        if value.type == virconf.STRING and value.value.strip().lstrip(
                "-").isdigit():
            return f"write the number without quotes: {name} = " \
                   f"{value.value.strip()}"
        if setting.kind == settings.UINT and value.type == virconf.SIGNED:
            return "this setting takes no negative numbers"
        return ""
    if setting.kind == settings.STRING and value.type != virconf.LIST:
        if setting.secret:
            return "put the value in double quotes"
        return f"put the value in double quotes: {name} = \"" \
               f"{value.literal or ''}\""
    if setting.kind == settings.LIST and value.type == virconf.STRING:
        return f"write a list: {name} = [ \"{value.value}\" ]"
    if setting.kind == settings.MAX_CORE:
        return 'write max_core = "unlimited" or a bare number of bytes'
    return ""
