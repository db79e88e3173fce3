"""``path:line:col: severity code: message`` plus the line and a caret."""

import re

# A password setting's value never reaches the output, whatever the
# finding on its line is about.
_SECRET_LINE = re.compile(r"^(\s*(?:vnc|spice|rdp)_password\s*=).*$")

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def render(findings, sources, stream, color=False):
    """``sources`` maps a path to a callable giving a line's text."""
    for finding in findings:
        severity = finding.severity
        if color:
            severity = f"{_COLORS.get(severity, '')}{severity}{_RESET}"
        stream.write(f"{finding.path}:{finding.line}:{finding.column}: "
                     f"{severity} {finding.code}: {finding.message}\n")
        line_of = sources.get(finding.path)
        if not finding.show_source or line_of is None or finding.line < 1:
            continue
        text = line_of(finding.line)
        if not text or _holds_secret(finding):
            continue
        text = _SECRET_LINE.sub(r"\1 <hidden>", text)
        stream.write(f"    {text.expandtabs(1)}\n")
        if finding.column >= 1:
            stream.write("    " + " " * (finding.column - 1) + "^\n")


def _holds_secret(finding):
    from .. import settings

    setting = settings.lookup(finding.setting or "")
    return setting is not None and setting.secret
