"""The JSON report; its schema is documented in docs/formats.md.

``{"version": 1, "findings": [...], "summary": {...}}``.  ``version``
changes only when a field changes meaning or goes away; new fields may be
added within a version.
"""

import json

from . import redact

SCHEMA_VERSION = 1


def render(findings, stream):
    counts = {"error": 0, "warning": 0, "info": 0}
    items = []
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
        item = finding.as_dict()
        item["path"] = redact.printable(item["path"])
        item["message"] = redact.printable(item["message"])
        items.append(item)

    document = {
        "version": SCHEMA_VERSION,
        "findings": items,
        "summary": counts,
    }
    json.dump(document, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
