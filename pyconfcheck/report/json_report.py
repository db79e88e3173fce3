"""The JSON report: ``{"findings": [...], "summary": {...}}``."""

import json


def render(findings, stream):
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    document = {
        "version": 1,
        "findings": [finding.as_dict() for finding in findings],
        "summary": counts,
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
