"""``confcheck psk``: key files on their own.

``psk check FILE`` runs the line and permission checks of the main run on a
keys.psk alone, for example as Ansible's ``validate:`` before the file is
put in place.  Exit status: 0 no errors, 1 errors (or warnings with
``--strict``), 2 the file could not be read or the command was wrong.
"""

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


STDIN = "-"


def read_key_file(path: str, expected: str = "a key file") -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices and giants;
    ``-`` is standard input, which must hold ``expected``."""
    from ..reader import ReadError, read_limited

    if path == STDIN:
        return _read_stdin(expected)
    try:
        data = read_limited(path, MAX_KEY_FILE)
    except ReadError as exc:
        raise KeyFileError(str(exc)) from None
    if len(data) > MAX_KEY_FILE:
        raise KeyFileError(f"{path}: larger than {MAX_KEY_FILE >> 20} MiB")
    return data


def _read_stdin(expected: str) -> bytes:
    """A key file or a fingerprint list piped in (``ssh hv1 confcheck psk
    fingerprint | ...``).  Empty input is refused: a pipe whose first
    command failed would otherwise compare as a host without keys."""
    if sys.stdin.isatty():
        raise KeyFileError(f"{STDIN}: standard input is a terminal; pipe "
                           f"{expected} into it")
    data = sys.stdin.buffer.read(MAX_KEY_FILE + 1)
    if len(data) > MAX_KEY_FILE:
        raise KeyFileError(f"{STDIN}: larger than {MAX_KEY_FILE >> 20} MiB")
    if not data:
        raise KeyFileError(f"{STDIN}: empty input, expected {expected}")
    return data


def _fail(message: str) -> None:
    from ..report.redact import printable

    # Paths come from the command line and may hold terminal escapes.
    click.echo(f"confcheck: {printable(message)}", err=True)
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
    """Check FILE as QEMU (source) and GnuTLS (destination) read it
    ("-" reads standard input).

    Suits Ansible's `validate: confcheck psk check %s`."""
    try:
        data = read_key_file(file)
    except KeyFileError as exc:
        _fail(str(exc))
    modes = file_mode_findings(file) if file != STDIN else []
    findings = modes + keyfile.analyse(
        data, identities or ("qemu",), file)
    failing = {ERROR, WARNING} if strict else {ERROR}
    status = (EXIT_FINDINGS if any(f.severity in failing for f in findings)
              else EXIT_OK)
    try:
        _emit(findings, fmt)
        sys.stdout.flush()
    except BrokenPipeError:
        from ..cli import _quiet_broken_pipe

        _quiet_broken_pipe(status)
    sys.exit(status)


# -- issue 10: generate, fingerprint, compare -------------------------------


def _host_and_doc(root, config):
    """The host view and the qemu.conf (Document) of the host in question."""
    from ..document import Document
    from ..host import Host
    from ..reader import ReadError, read_limited

    host = Host(root or "/")
    path = config or "/etc/libvirt/qemu.conf"
    real = path if config else host.resolve(path)
    try:
        data = read_limited(real)
    except ReadError:
        if config:
            raise
        data = b""
    return host, Document(data), path


def _effective(host, doc, path):
    """(PSK directory as the host names it, QEMU gid or None)."""
    from .. import effective
    from ..checks.context import CheckContext
    from .check import DEFAULT_DIR, _explicit_dirs

    ctx = CheckContext(path=path, doc=doc, host=host)
    explicit = _explicit_dirs(ctx)
    directory = explicit[0][2] if explicit else DEFAULT_DIR
    _user, group, _why = effective.qemu_account(ctx)
    gid = effective.resolve_group(host, group)
    return directory, gid


_root_option = click.option(
    "--root", type=click.Path(exists=True, file_okay=False),
    help="Treat DIR as the host's / (paths, accounts, qemu.conf).")
_config_option = click.option(
    "--config", type=click.Path(dir_okay=False),
    help="The qemu.conf naming the PSK directory (default: the host's "
         "/etc/libvirt/qemu.conf).")


@psk_group.command("generate")
@click.option("--dir", "directory", metavar="DIR",
              help="The key directory (default: the effective PSK directory "
                   "of qemu.conf).")
@click.option("--identity", default="qemu", show_default=True,
              metavar="NAME")
@click.option("--bytes", "size", type=int, default=32, show_default=True,
              metavar="N", help="Key length (at least 16).")
@click.option("--rotate", is_flag=True,
              help="Replace the key of an identity that has one.")
@click.option("--from", "from_file", type=click.Path(dir_okay=False),
              metavar="FILE",
              help="Take the identity's key from another keys.psk.")
@_root_option
@_config_option
def generate_command(directory, identity, size, rotate, from_file, root,
                     config):
    """Add (or --rotate) a key in keys.psk, atomically; print no key.

    A new file is 0640 root:<QEMU group>, a new directory 0750; an
    existing file keeps its owner, group, mode, ACL and label, and every
    other line byte for byte."""
    from ..reader import ReadError
    from ..report.redact import printable
    from . import generate as gen

    try:
        host, doc, config_path = _host_and_doc(root, config)
    except ReadError as exc:
        _fail(str(exc))
    default_dir, gid = _effective(host, doc, config_path)
    shown_dir = directory or default_dir
    shown_path = os.path.join(shown_dir, "keys.psk")
    real_dir, real_path = _inside_root(host, root, shown_dir, shown_path)

    key = None
    if from_file == STDIN:
        _fail("--from -: standard input is not supported; give the path "
              "of the other keys.psk")
    if from_file:
        try:
            key = gen.key_from_file(read_key_file(from_file), identity)
        except (KeyFileError, gen.GenerateError) as exc:
            _fail(str(exc))
    try:
        result = gen.generate(real_dir, identity, size, rotate, key, gid,
                              shown_path=shown_path, shown_dir=shown_dir,
                              key_path=real_path)
    except gen.GenerateError as exc:
        _fail(str(exc))

    raw = identity.encode("utf-8", "surrogateescape")
    made = [what for what, done in (("directory", result.created_dir),
                                    ("file", result.created_file)) if done]
    click.echo(f"{result.action} a {result.size}-byte key for identity "
               f"{keyfile.show_name(raw)} in {printable(result.path)} (line "
               f"{result.line}); fingerprint {result.fingerprint}"
               + (f"; created the {' and the '.join(made)}" if made else ""))
    if result.note:
        click.echo(f"confcheck: note: {printable(result.note)}", err=True)


def _inside_root(host, root, shown_dir, shown_path):
    """(real directory, real keys.psk or None) for generate to write.

    Under --root both resolve inside the tree, symlinks included: a
    keys.psk linked to "/x/keys.psk" is the tree's /x/keys.psk, as
    `psk fingerprint --root` and the checks read it, never this
    machine's.  The temporary file and the lock live in those
    directories, so they stay inside the tree too.  Without --root the
    machine is the host and generate follows links itself (None).
    """
    from ..host import HostPathError

    if not root:
        return shown_dir, None
    try:
        return (host.resolve_inside(shown_dir),
                host.resolve_inside(shown_path))
    except HostPathError as exc:
        _fail(str(exc))


def _key_file_for(file, directory, root, config):
    if file and directory:
        _fail("give FILE or --dir, not both")
    if file:
        return file, file
    from ..reader import ReadError

    try:
        host, doc, config_path = _host_and_doc(root, config)
    except ReadError as exc:
        _fail(str(exc))
    if not directory:
        directory, _gid = _effective(host, doc, config_path)
    shown = os.path.join(directory, "keys.psk")
    return (host.resolve(shown) if root else shown), shown


@psk_group.command("fingerprint")
@click.argument("file", required=False, type=click.Path(dir_okay=True))
@click.option("--dir", "directory", metavar="DIR",
              help="The key directory (default: the effective one).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
@_root_option
@_config_option
def fingerprint_command(file, directory, fmt, root, config):
    """Per identity: line, key length and a fingerprint (never the key).

    The fingerprint is the first 16 hex digits of SHA-256 over the identity,
    a NUL byte and the key bytes.  FILE "-" reads standard input.  Save the
    output and compare it on another host with `confcheck psk compare`."""
    from . import fingerprint as fp

    real, shown = _key_file_for(file, directory, root, config)
    try:
        data = read_key_file(real)
    except KeyFileError as exc:
        _fail(str(exc).replace(real, shown, 1))
    found = fp.entries(data)
    render = fp.render_json if fmt == "json" else fp.render_text
    click.echo(render(shown, found), nl=False)


def _refuse_a_side_without_identities(label, path, data, saved):
    """Exit 2, naming the side, when it holds nothing to compare.

    A remote `confcheck psk fingerprint` that failed, a file that is not
    a key file, a list of no host: compared, each would make every
    identity of the other side "only in A" and pass.
    """
    from . import fingerprint as fp

    if saved is not None:
        if saved:
            return
        what = "the fingerprint list has no entry"
    elif fp.holds_a_key(data):
        return
    elif not data.strip():
        what = "it is empty"
    elif not fp.entries(data):
        what = ('no line names one; it is neither a key file with a '
                '"name:key" line nor a fingerprint list')
    else:
        what = ("no line holds a key QEMU or GnuTLS can use (`confcheck "
                "psk check` says why)")
    _fail(f"{label} ({path}) holds no identity: {what}")


@psk_group.command("compare")
@click.argument("a", type=click.Path(dir_okay=True))
@click.argument("b", type=click.Path(dir_okay=True))
@click.option("--identity", "identities", multiple=True, metavar="NAME",
              help="An identity migrations use (repeatable; default: "
                   "qemu): on one side only, it fails the comparison.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]),
              default="text", show_default=True)
def compare_command(a, b, identities, fmt):
    """Do two hosts share their keys?  A and B are key files or fingerprint
    lists saved with `confcheck psk fingerprint` ("-" reads standard
    input).

    Exit 1 when an identity on both sides differs or cannot be compared
    (a key under 16 bytes has no fingerprint), or when an identity in use
    (--identity, default qemu) is on one side only: a migration with it
    fails.  Other identities on one side only are listed, "only in A" or
    "only in B", and pass.  Exit 2 when a side cannot be read or holds no
    identity at all (an empty list, a file that is no key file: a failed
    `ssh hv1 confcheck psk fingerprint`)."""
    import json

    from ..report.redact import printable
    from . import fingerprint as fp

    if a == b == STDIN:
        _fail("only one of A and B can be standard input (-)")
    contents = []
    for path in (a, b):
        try:
            contents.append(read_key_file(
                path, "a key file or a fingerprint list"))
        except KeyFileError as exc:
            _fail(str(exc))
    saved = []
    for path, data in zip((a, b), contents):
        try:
            saved.append(fp.parse_saved(data))
        except fp.SavedListError as exc:
            _fail(f"{path}: {exc}")
    if saved[0] is None and saved[1] is None:
        sides = [fp.private_digests(data) for data in contents]
    else:
        sides = [found if found is not None else fp.as_fingerprints(data)
                 for found, data in zip(saved, contents)]
    for label, path, data, found in zip("AB", (a, b), contents, saved):
        _refuse_a_side_without_identities(label, path, data, found)
    rows = fp.compare(*sides)

    if fmt == "json":
        click.echo(json.dumps({
            "version": 1, "a": printable(a), "b": printable(b),
            "identities": [{"identity": fp.unquote(name), "verdict": verdict}
                           for name, verdict in rows]},
            indent=2, ensure_ascii=False))
    else:
        width = max([len(name) for name, _ in rows] + [8])
        for name, verdict in rows:
            click.echo(f"{name:<{width}}  {verdict}")
    bad = {fp.DIFFERENT, fp.UNKNOWN}
    in_use = {keyfile.show_name(name.encode("utf-8", "surrogateescape"))
              for name in identities or ("qemu",)}
    one_side = {fp.ONLY_A, fp.ONLY_B}
    failed = any(verdict in bad or (verdict in one_side and name in in_use)
                 for name, verdict in rows)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)
