"""GitHub Actions annotations, then the full text report.

Each finding becomes a workflow command such as

    ::error file=etc/qemu.conf,line=4,col=11,title=TYP001 wrong-type::...

Property values have ``%``, CR, LF, ``:`` and ``,`` percent-encoded and
the message has ``%``, CR and LF encoded, so nothing a config file holds
can end the annotation early or start a command of its own.  The text
report that follows is wrapped in ``::stop-commands::`` with a random
token: the runner does not interpret any line of it, whatever a source
line shown there contains.
"""

import os
import secrets

from . import redact
from .text import render as render_text

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return (text.replace("%", "%25").replace("\r", "%0D")
            .replace("\n", "%0A"))


def escape_property(text: str) -> str:
    return (escape_data(text).replace(":", "%3A").replace(",", "%2C"))


def annotation(finding, rule_name: str = "", cwd: str = None) -> str:
    path = _workspace_path(redact.printable(finding.path), cwd)
    properties = [f"file={escape_property(path)}"]
    if finding.line >= 1:
        properties.append(f"line={finding.line}")
        if finding.column >= 1:
            properties.append(f"col={finding.column}")
    title = f"{finding.code} {rule_name}".strip()
    properties.append(f"title={escape_property(title)}")

    command = _COMMANDS.get(finding.severity, "notice")
    message = escape_data(redact.printable(finding.message))
    return f"::{command} {','.join(properties)}::{message}"


def _workspace_path(path: str, cwd: str = None) -> str:
    """Relative to the working directory (the checkout) when inside it."""
    cwd = os.path.abspath(cwd or os.getcwd())
    absolute = os.path.abspath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return path
    return relative


def render(findings, sources, stream, cwd: str = None, token: str = None):
    from .. import rules

    registry = rules.registry()
    for finding in findings:
        rule = registry.get(finding.code)
        stream.write(annotation(finding, rule.name if rule else "", cwd)
                     + "\n")

    if not findings:
        return
    token = token or secrets.token_hex(16)
    stream.write(f"::stop-commands::{token}\n")
    render_text(findings, sources, stream, color=False)
    stream.write(f"::{token}::\n")
