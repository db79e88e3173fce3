"""``confcheck psk``: key files on their own.

``psk check FILE`` runs the line and permission checks of the main run on a
keys.psk alone, for example as Ansible's ``validate:`` before the file is
put in place.  Exit status: 0 no errors, 1 errors (or warnings with
``--strict``), 2 the file could not be read or the command was wrong.
"""

import errno
import os
import stat
import sys

import click

from ..findings import ERROR, WARNING, Finding
from . import keyfile

EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2
MAX_KEY_FILE = 16 << 20


class KeyFileError(Exception):
    """A key file that cannot be read; ``str()`` is the one-line reason."""


def read_key_file(path: str) -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices and giants."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise KeyFileError(_reason(path, exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise KeyFileError(f"{path}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"{path}: not a regular file")
        chunks, remaining = [], MAX_KEY_FILE + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise KeyFileError(_reason(path, exc)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE:
        raise KeyFileError(f"{path}: larger than {MAX_KEY_FILE >> 20} MiB")
    return data


def _reason(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{path}: too many levels of symbolic links"
    text = exc.strerror or str(exc)
    return f"{path}: {text[:1].lower() + text[1:]}"


def _fail(message: str) -> None:
    click.echo(f"confcheck: {message}", err=True)
    sys.exit(EXIT_TROUBLE)


def file_mode_findings(path: str) -> list:
    """The permission warnings a key file alone can show."""
    from .check import _finding, _who_writes

    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return []
    findings = []
    if mode & 0o004:
        findings.append(_finding(None, path, "PSK030",
                                 f"{path} is readable by every user (mode "
                                 f"{mode:04o}); use 0640 with the QEMU "
                                 "group"))
    if mode & 0o022:
        findings.append(_finding(None, path, "PSK031",
                                 f"{path} is writable by {_who_writes(mode)} "
                                 f"(mode {mode:04o}); use 0640"))
    return findings


def _emit(findings, fmt: str) -> None:
    from ..report import render

    render(fmt, sorted(findings, key=Finding.sort_key), {}, sys.stdout)


@click.group("psk", context_settings={"help_option_names": ["-h", "--help"]})
def psk_group():
    """TLS-PSK key files (keys.psk): check, generate, fingerprint, compare.

    No command prints a key."""


@psk_group.command("check")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--identity", "identities", multiple=True, metavar="NAME",
              help="An identity migration sources send (repeatable; "
                   "default: qemu).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@click.option("--strict", is_flag=True,
              help="Exit 1 on warnings too.")
def check_command(file, identities, fmt, strict):
    """Check FILE as QEMU (source) and GnuTLS (destination) read it.

    Suits Ansible's `validate: confcheck psk check %s`."""
    try:
        data = read_key_file(file)
    except KeyFileError as exc:
        _fail(str(exc))
    findings = file_mode_findings(file) + keyfile.analyse(
        data, identities or ("qemu",), file)
    _emit(findings, fmt)
    failing = {ERROR, WARNING} if strict else {ERROR}
    sys.exit(EXIT_FINDINGS if any(f.severity in failing for f in findings)
             else EXIT_OK)
