"""``confcheck tree FILE``: the lens's tree of a qemu.conf, without Augeas.

The output is what ``augtool print /files/etc/libvirt/qemu.conf`` shows
for the file loaded with our lens (``lenses/libvirtd_qemu.aug``), byte for
byte.  Where the lens rejects the file, standard error gets the first two
lines of augtool's ``errors`` for it (where, then Augeas's message).

Exit status: 0 the lens reads the file, 1 it does not, 2 the file cannot
be read or is not text: a NUL byte (Augeas would stop reading there) or
bytes that are not UTF-8.  Each trouble is one line on standard error.
"""

import sys

import click

EXIT_OK, EXIT_REJECTED, EXIT_TROUBLE = 0, 1, 2

DEFAULT_AS = "/etc/libvirt/qemu.conf"


def _trouble(message: str) -> None:
    click.echo(f"confcheck tree: {message}", err=True)
    sys.exit(EXIT_TROUBLE)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_text(path: str, data: bytes) -> None:
    """Refuse, as trouble, a file that is not text."""
    nul = data.find(b"\0")
    if nul >= 0:
        _trouble(f"{path}: line {_line_of(data, nul)}: holds a NUL byte "
                 "(a binary file?)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _trouble(f"{path}: line {_line_of(data, exc.start)}: bytes that are "
                 "not UTF-8")


def hide_passwords(text: str, root: str) -> str:
    """``text`` (print_tree's output under ``root``) with the value of
    every password-like node, and of a commented-out password assignment,
    shown as ``<hidden>`` (unquoted: no value can look like it)."""
    import re

    from ..report.redact import HIDDEN, is_secret_name

    lines = []
    for line in text.split("\n"):
        path, sep, value = line[len(root):].partition(" = ")
        if sep:
            labels = [step.partition("[")[0] for step in path.split("/")]
            assignment = re.match(r'"[ \t]*([A-Za-z0-9_]+)[ \t]*=', value)
            if any(is_secret_name(label) for label in labels):
                line = f"{root}{path} = {HIDDEN}"
            elif (labels[-1] == "#comment" and assignment
                  and is_secret_name(assignment.group(1))):
                line = f'{root}{path} = "{assignment.group(1)} = {HIDDEN}"'
        lines.append(line)
    return "\n".join(lines)


@click.command("tree")
@click.argument("file", type=click.Path(dir_okay=True, allow_dash=False))
@click.option("--as", "as_path", default=DEFAULT_AS, show_default=True,
              metavar="PATH",
              help="The path the file is shown at (/files<PATH>/...).")
def tree_command(file, as_path):
    """Print the tree our Augeas lens gives FILE, as augtool print does.

    Pure Python (the Lark mirror of lenses/libvirtd_qemu.aug): no
    libaugeas needed.  Where the lens cannot read the file, says where
    and why as Augeas does, and exits 1.  Password values (vnc_password
    and the like, commented out too) print as <hidden>, the one way the
    output differs from augtool's: confcheck never prints a password.
    """
    from ..reader import MAX_CONFIG_SIZE, ReadError, read_limited
    from . import parse_bytes, print_tree

    if not as_path.startswith("/"):
        _trouble(f"--as {as_path}: the path must be absolute")
    try:
        data = read_limited(file)
    except ReadError as exc:
        _trouble(str(exc))
    if len(data) > MAX_CONFIG_SIZE:
        _trouble(f"{file}: larger than libvirt's limit of "
                 f"{MAX_CONFIG_SIZE // (1024 * 1024)} MiB")
    check_text(file, data)

    result = parse_bytes(data)
    if result.ok:
        text = hide_passwords(print_tree(result.tree, as_path),
                              "/files" + as_path)
        click.echo(text, nl=False)
        sys.exit(EXIT_OK)
    error = result.error
    click.echo(f"Error in {as_path}:{error.line}.{error.char} (parse_failed)\n"
               f"  {error.message}", err=True)
    sys.exit(EXIT_REJECTED)
