"""``confcheck show``: every setting's effective value and where it is from.

A setting left commented out is still in effect through its default; this
makes the defaults, the inheritance of the TLS settings and the silent
``/etc/pki/libvirt-<feature>`` override visible.
"""

import json
import sys
from dataclasses import dataclass
from typing import List

import click

from . import effective, settings
from .syntax import virconf


@dataclass
class Shown:
    name: str
    value: str
    source: str
    note: str = ""

    def as_dict(self):
        data = {"setting": self.name, "value": self.value,
                "source": self.source}
        if self.note:
            data["note"] = self.note
        return data


def _literal(value) -> str:
    """A typed value written back in qemu.conf syntax."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[ " + ", ".join(_literal(v) for v in value) + " ]" \
            if value else "[ ]"
    return f'"{value}"'


def effective_settings(doc, host, version, session=False) -> List[Shown]:
    """One row per setting of the table, in table order."""
    tls = _tls(doc, host, version)
    user, group, account_source = _account(doc, host)
    rows = []
    for setting in settings.SETTINGS:
        name = setting.name
        entry = doc.first(name)
        note = ""
        if not setting.known_in(version):
            note = "not read by this libvirt version"
        elif not setting.read_in(version):
            note = "no longer read"

        if entry is not None:
            value, error = doc.typed(name)
            if setting.secret:
                shown = "(hidden)"
            elif error is not None:
                shown = _raw(entry.value)
                note = note or f"rejected: {error.message}"
            else:
                shown = _literal(value)
            rows.append(Shown(name, shown, f"line {entry.line}", note))
            continue

        row = _derived(name, setting, doc, tls, user, group, account_source,
                       host)
        row.note = note
        rows.append(row)
    return rows


def _raw(value) -> str:
    if value.type == virconf.LIST:
        return "[ " + ", ".join(_raw(v) for v in value.value) + " ]"
    if value.type == virconf.STRING:
        return f"{value.quote}{value.value}{value.quote}"
    return value.literal or str(value.value)


def _tls(doc, host, version):
    try:
        from .tls.effective import resolve_tls
    except ImportError:
        return {}
    return resolve_tls(doc, host, version)


def _account(doc, host):
    """The compiled-in QEMU user and group and why (for unset lines)."""
    return effective.build_default_account(host)


def _dir_source(feature, resolved, host) -> str:
    """Where a feature's directory comes from, and the override it skips.

    Unset, it falls back to default_tls_x509_cert_dir - unless
    /etc/pki/libvirt-<feature> exists, which libvirt then uses silently.
    """
    source = resolved.directory_source
    if source.kind == "default":
        text = "inherited from default_tls_x509_cert_dir (default)"
    else:
        text = source.describe()
    if source.kind in ("default", "inherited"):
        override = f"/etc/pki/libvirt-{feature}"
        if host is None:
            text += f"; {override} would win if it exists (--no-host)"
        else:
            text += f"; {override} would win, but does not exist"
    return text


def _derived(name, setting, doc, tls, user, group, account_source,
             host=None) -> Shown:
    feature, _, rest = name.partition("_tls_x509_")
    if rest and feature in tls:
        resolved = tls[feature]
        if rest == "cert_dir":
            return Shown(name, _literal(resolved.directory),
                         _dir_source(feature, resolved, host))
        if rest == "verify" and resolved.verify is not None:
            return Shown(name, _literal(resolved.verify),
                         resolved.verify_source.describe())
        if rest == "secret_uuid":
            if resolved.secret_uuid is None:
                return Shown(name, "unset", "default")
            return Shown(name, _literal(resolved.secret_uuid),
                         resolved.secret_source.describe())
    if name == "user":
        return Shown(name, _literal(user), account_source)
    if name == "group":
        return Shown(name, _literal(group), account_source)
    if name == "migrate_tls_psk_dir":
        # The proposal's fallback, shown whatever the release: both rows
        # then carry the same "not read by this libvirt version" note.
        written = doc.first("default_tls_psk_dir")
        if written is not None and written.value.type == virconf.STRING:
            return Shown(name, _literal(written.value.value),
                         "inherited from default_tls_psk_dir, line "
                         f"{written.line}")
        return Shown(name, '"/etc/pki/qemu-psk"',
                     "inherited from default_tls_psk_dir (default)")
    if name.endswith("_tls_priority") and name != "default_tls_priority":
        written = doc.first("default_tls_priority")
        if written is not None and written.value.type == virconf.STRING:
            return Shown(name, _literal(written.value.value),
                         "inherited from default_tls_priority, line "
                         f"{written.line}; the fallback libvirt documents, "
                         "not seen in its source")
    return Shown(name, setting.default, "default")


@click.command("show")
@click.argument("file", required=False, type=click.Path())
@click.option("--root", type=click.Path(exists=True, file_okay=False),
              help="Treat DIR as the host's / for every path and account.")
@click.option("--no-host", is_flag=True,
              help="Do not look at the host (no /etc/pki/libvirt-* probe).")
@click.option("--libvirt-version", "version", metavar="X.Y",
              help="The libvirt release to judge against.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
def show_command(file, root, no_host, version, fmt):
    """Print every setting's effective value and where it comes from.

    Defaults are the system daemon's; where the per-user (session)
    daemon's differ, the default shown names both.
    """
    from . import api
    from .cli import _fail, _parse_version
    from .document import Document
    from .host import Host
    from .reader import MAX_CONFIG_SIZE, ReadError, read_limited

    parsed_version = _parse_version(None, None, version)
    options = api.Options(root=root, no_host=no_host,
                          version=parsed_version)
    path = file or api.default_config_path(options)
    try:
        data = read_limited(path)
    except ReadError as exc:
        _fail(str(exc))
    host = None if no_host else Host(root or "/")
    if parsed_version is None and host is not None:
        from .version import detect_version

        installed = detect_version(host)
        if installed is not None:
            from .settings import modelled_release

            parsed_version = modelled_release(installed)
            note = ("judged against libvirt %d.%d, the release installed "
                    "on this host" % installed)
            if parsed_version != installed:
                note += (", by the rules of %d.%d, the nearest release "
                         "confcheck models" % parsed_version)
            click.echo(note, err=True)
    doc = Document(data[:MAX_CONFIG_SIZE], parsed_version)
    rows = effective_settings(doc, host, parsed_version)
    if len(data) > MAX_CONFIG_SIZE:
        click.echo(f"{path}: larger than libvirt's 10 MiB limit: libvirt "
                   "reads none of it and the QEMU driver does not start; "
                   "shown is what its first 10 MiB say", err=True)
    elif doc.error is not None:
        # libvirt rejects the whole file, not what follows the error.
        click.echo(f"{path}:{doc.error.line}:{doc.error.column}: libvirt "
                   f"fails to read the file here ({doc.error.message}): it "
                   "uses none of it and the QEMU driver does not start; "
                   "shown is what the file says up to this point",
                   err=True)
    _print(rows, fmt)


def _print(rows: List[Shown], fmt: str, stream=None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        json.dump({"settings": [r.as_dict() for r in rows]}, stream,
                  indent=2)
        stream.write("\n")
        return
    from .report.redact import printable

    width = max(len(r.name) for r in rows)
    for row in rows:
        line = f"{row.name:<{width}}  {row.value}  ({row.source})"
        if row.note:
            line += f"  [{row.note}]"
        # a value cannot move the cursor or retitle the terminal
        stream.write(printable(line) + "\n")


__all__ = ["show_command", "effective_settings"]
