"""Reporters: findings to text or JSON (one module per format)."""

FORMATS = ("text", "json")


def render(fmt, findings, sources, stream, color=False):
    if fmt == "json":
        from .json_report import render as render_json

        render_json(findings, stream)
    else:
        from .text import render as render_text

        render_text(findings, sources, stream, color=color)
