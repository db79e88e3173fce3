"""File-level problems: syntax errors in libvirt's words, bytes, size."""

from ..findings import ERROR, STAGE_EDIT, STAGE_START, WARNING
from ..rules import Rule

RULES = (
    Rule("SYN001", "syntax-error", ERROR, STAGE_START,
         "libvirt cannot parse the file; the QEMU driver will not start",
         """\
libvirt reads qemu.conf with its own parser and stops at the first syntax
error.  The QEMU driver then fails to start ("Initialization of QEMU state
driver failed: configuration file syntax error: ...") and no guest of this
host runs.  The daemon process itself may still exit 0.

Failing:

    vnc_tls = true
    cgroup_controllers = [
        "cpu",
    #   "memory",
    ]

Passing:

    vnc_tls = 1
    cgroup_controllers = [ "cpu" ]

Fix: write values as libvirt's syntax allows: numbers bare, strings in
quotes, lists in brackets with no comment lines inside them.
"""),
    Rule("SYN002", "not-utf8", WARNING, STAGE_EDIT,
         "bytes that are not UTF-8",
         """\
libvirt passes the bytes of a string through unchanged, but editors,
Augeas and configuration tools expect UTF-8 and may refuse or mangle the
file.

Failing (saved in Latin-1: the e-acute is the single byte 0xe9):

    vnc_listen = "caf\\xe9"

Passing: the same line saved in UTF-8 (bytes 0xc3 0xa9), or ASCII only.

Fix: save the file as UTF-8.
"""),
    Rule("SYN003", "nul-byte", WARNING, STAGE_EDIT,
         "a NUL byte in the file",
         """\
A NUL byte is never meant to be in a text configuration file.  Tools that
read the file as a C string stop at it.

Failing (a NUL byte, shown here as \\x00, after the value):

    vnc_tls = 1\\x00

Passing:

    vnc_tls = 1

Fix: remove the NUL bytes (for example `tr -d '\\000'`).
"""),
    Rule("SYN004", "file-too-large", ERROR, STAGE_START,
         "larger than libvirt's 10 MiB limit",
         """\
libvirt refuses to read a configuration file larger than 10 MiB, so the QEMU
driver will not start.

Failing: a qemu.conf of 11 MB (a generated comment block, a log pasted
in).

Passing: the same settings in a file under 10 MiB.

Fix: remove what is not needed; qemu.conf is normally under 50 KB.
"""),
)


def _hint(message: str) -> str:
    hints = {
        "expecting a value": "numbers are bare, strings quoted, lists in "
                             "brackets; a bare word such as true is not a "
                             "value",
        "expecting a separator in list": "separate list items with commas; "
                                         "no comment lines inside a list",
        "expecting a separator": "end the setting with a new line or ';'",
        "expecting an assignment": "write name = value on one line",
        "expecting a name": "a setting name starts with a letter",
        "unterminated string": "close the quote on the same line",
        "list is not closed with ]": "close the list with ]",
    }
    return hints.get(message, "")


def check(ctx):
    doc = ctx.doc
    if doc.truncated:
        yield ctx.finding("SYN004", "the file is larger than libvirt's "
                          "10 MiB limit; the daemon fails to read it")
        return

    nul = doc.data.find(b"\0")
    if nul >= 0:
        line, column = _position(doc.data, nul)
        yield ctx.finding("SYN003", "NUL byte in the file", line, column)

    try:
        doc.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(doc.data, exc.start)
        yield ctx.finding("SYN002", "bytes that are not UTF-8", line, column)

    error = doc.error
    if error is not None:
        hint = _hint(error.message)
        if error.opened_at is not None:
            hint = ('the """ opened on line %d, column %d, is never closed '
                    'with """' % error.opened_at)
        message = error.message + (f" ({hint})" if hint else "")
        if error.message == "expecting a value":
            fix = _bool_word_fix(doc.data, error.line, error.column)
            if fix:
                message += f"; write {fix}"
        yield ctx.finding("SYN001", message, error.line, error.column)


#: Words people write for a boolean, and the number libvirt wants.
_BOOL_WORDS = {"true": 1, "yes": 1, "on": 1,
               "false": 0, "no": 0, "off": 0}


def _bool_word_fix(data: bytes, line: int, column: int):
    """``vnc_tls = 1`` when the value libvirt refused is a word such as
    ``true`` given to a bool setting (field case C07), else None."""
    import re

    from .. import settings

    lines = data.split(b"\n")
    if not 0 < line <= len(lines):
        return None
    text = lines[line - 1].decode("utf-8", "replace")
    before = re.search(r"([A-Za-z][A-Za-z0-9_]*)[ \t]*=[ \t]*$",
                       text[:column - 1])
    word = re.match(r"[A-Za-z]+(?![A-Za-z0-9_])", text[column - 1:])
    if not before or not word or word.group().lower() not in _BOOL_WORDS:
        return None
    setting = settings.lookup(before.group(1))
    if setting is None or setting.kind != settings.BOOL:
        return None
    return f"{setting.name} = {_BOOL_WORDS[word.group().lower()]}"


def _position(data: bytes, offset: int):
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, column
