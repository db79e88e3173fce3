"""Reporters: findings to text, JSON, SARIF or GitHub annotations.

One module per format, each with ``render(findings, ...)`` writing to a
stream.  ``sources`` maps a finding path to its lines (or to a
``(document, lines)`` pair as ``api.Report.documents`` holds them) so the
text formats can show the line; every line shown goes through
``redact.source_line`` first.
"""

FORMATS = ("text", "json", "sarif", "github")


def render(fmt, findings, sources, stream, color=False, cwd=None):
    if fmt == "json":
        from .json_report import render as render_json

        render_json(findings, stream)
    elif fmt == "sarif":
        from .sarif import render as render_sarif

        render_sarif(findings, stream, cwd=cwd, sources=sources)
    elif fmt == "github":
        from .github import render as render_github

        render_github(findings, sources, stream)
    else:
        from .text import render as render_text

        render_text(findings, sources, stream, color=color)


def lines_of(sources, path):
    """The lines of ``path`` from a ``sources`` mapping, or None."""
    entry = (sources or {}).get(path)
    if isinstance(entry, tuple) and len(entry) == 2:
        return entry[1]
    return entry
