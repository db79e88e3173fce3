"""``path:line:col: severity code: message`` plus the line and a caret.

The line shown is the file's own, with any password value masked (see
redact.py); file-level findings (line 0) have no line to show.
"""

from . import lines_of, redact

_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m",
           "info": "\033[1;36m"}
_BOLD = "\033[1m"
_RESET = "\033[0m"

INDENT = "    "


def render(findings, sources, stream, color=False):
    for finding in findings:
        stream.write(format_finding(finding, color) + "\n")

        excerpt = _excerpt(finding, lines_of(sources, finding.path), color)
        if excerpt:
            stream.write(excerpt)

    for line in daemon_first_notes(findings):
        stream.write(line + "\n")


def daemon_first_notes(findings):
    """One line per file with several start-up errors: the daemon names
    only the first it meets, so a fix for that one alone is not enough.
    The line has no line:column, so problem matchers pass it by."""
    from ..findings import ERROR, STAGE_START

    counts = {}
    for finding in findings:
        if finding.severity == ERROR and finding.stage == STAGE_START:
            counts[finding.path] = counts.get(finding.path, 0) + 1
    for finding in findings:
        if finding.daemon_first and counts.get(finding.path, 0) > 1:
            yield (f"{redact.printable(finding.path)}: "
                   f"{counts[finding.path]} errors stop the QEMU driver; "
                   f"libvirt reports only the one it meets first, line "
                   f"{finding.line} ({finding.code}), so fix them all")


def format_finding(finding, color=False):
    location = (f"{redact.printable(finding.path)}:{finding.line}:"
                f"{finding.column}:")
    severity = finding.severity
    code = finding.code
    if color:
        location = f"{_BOLD}{location}{_RESET}"
        severity = f"{_COLORS.get(severity, '')}{severity}{_RESET}"
        code = f"{_BOLD}{code}{_RESET}"
    message = redact.printable(finding.message)
    return f"{location} {severity} {code}: {message}"


def _excerpt(finding, lines, color):
    if lines is None or not finding.show_source or finding.line < 1:
        return ""
    shown = redact.source_line(lines, finding.line)
    if not shown:
        return ""

    text = shown.expandtabs(1)
    out = f"{INDENT}{text}\n"
    if finding.column >= 1:
        # The caret sits under the same character even when escapes made
        # the shown prefix longer than the raw one.
        raw_prefix = lines[finding.line - 1][:finding.column - 1]
        offset = min(len(redact.printable(raw_prefix).expandtabs(1)),
                     len(text))
        # Pointing into a masked value would tell its length.
        hidden_at = text.find(redact.HIDDEN)
        if 0 <= hidden_at < offset:
            offset = hidden_at
        caret = "^"
        if color:
            caret = f"{_COLORS.get(finding.severity, '')}^{_RESET}"
        out += INDENT + " " * offset + caret + "\n"
    return out
