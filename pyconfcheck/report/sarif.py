"""SARIF 2.1.0, shaped for GitHub code scanning.

* ``tool.driver.rules`` lists every rule of the registry, sorted by code,
  whether or not it fired, so a rule's id and index never depend on the
  findings of one run;
* artifact URIs are relative to the working directory (``uriBaseId``
  ``%SRCROOT%``) when the file is under it, ``file://`` URIs otherwise;
* ``partialFingerprints`` carry a hash of what the finding is about (rule,
  file, setting or masked line text) and not of its line number, so a
  finding keeps its identity when lines are added above it;
* no source text is included: messages only, already scrubbed of
  password values.
"""

import hashlib
import json
import os
from typing import Dict, List, Optional
from urllib.parse import quote

from . import redact

SCHEMA_URI = ("https://raw.githubusercontent.com/oasis-tcs/sarif-spec/"
              "master/Schemata/sarif-schema-2.1.0.json")
SARIF_VERSION = "2.1.0"
FINGERPRINT_KEY = "confcheckFindingHash/v1"
SOURCE_ROOT = "%SRCROOT%"

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def level(severity: str) -> str:
    return _LEVELS.get(severity, "none")


def render(findings, stream, cwd: Optional[str] = None, sources=None):
    json.dump(build(findings, cwd=cwd, sources=sources), stream, indent=2,
              ensure_ascii=False)
    stream.write("\n")


def build(findings, cwd: Optional[str] = None, sources=None) -> dict:
    from .. import __version__, rules

    cwd = os.path.abspath(cwd or os.getcwd())
    registry = rules.registry()
    codes = sorted(registry)
    index = {code: position for position, code in enumerate(codes)}

    results = []
    seen: Dict[str, int] = {}
    for finding in findings:
        uri, base = artifact_uri(finding.path, cwd)
        identity = _identity(finding, uri, sources)
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        results.append(_result(finding, uri, base, index, identity,
                               occurrence))

    run = {
        "tool": {"driver": {
            "name": "confcheck",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_descriptor(registry[code]) for code in codes],
        }},
        "originalUriBaseIds": {
            SOURCE_ROOT: {"uri": _directory_uri(cwd)},
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def artifact_uri(path: str, cwd: str):
    """(uri, uriBaseId or None) for a finding path."""
    path = redact.printable(path)
    absolute = os.path.abspath(os.path.join(cwd, path))
    relative = os.path.relpath(absolute, cwd)
    if not relative.startswith(os.pardir + os.sep) and relative != os.pardir:
        return quote(relative.replace(os.sep, "/"), safe="/"), SOURCE_ROOT
    return "file://" + quote(absolute, safe="/"), None


def _directory_uri(path: str) -> str:
    uri = "file://" + quote(path, safe="/")
    return uri if uri.endswith("/") else uri + "/"


def _first_paragraph(text: str) -> str:
    paragraph: List[str] = []
    for line in text.strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip())
    return " ".join(paragraph)


def _descriptor(rule) -> dict:
    doc = rule.doc.strip() or rule.summary
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(doc) or rule.summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "tags": ["libvirt", "qemu.conf", f"stage:{rule.stage}"],
            "severity": rule.severity,
            "stage": rule.stage,
        },
    }


def _identity(finding, uri: str, sources) -> str:
    """What the finding is about, independent of its line number."""
    if finding.setting:
        subject = "setting:" + finding.setting
    else:
        subject = "message:" + finding.message
        from . import lines_of

        lines = lines_of(sources, finding.path)
        if lines is not None and finding.line >= 1:
            shown = redact.source_line(lines, finding.line)
            if shown:
                subject = "line:" + " ".join(shown.split())
    return "\0".join((finding.code, uri, subject))


def _result(finding, uri, base, index, identity, occurrence) -> dict:
    artifact = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base

    # GitHub needs a line for every result; a finding about the whole
    # file (line 0) is shown on line 1 and says so in its properties.
    region = {"startLine": max(finding.line, 1)}
    if finding.line >= 1 and finding.column >= 1:
        region["startColumn"] = finding.column

    digest = hashlib.sha256(
        f"{identity}\0{occurrence}".encode("utf-8", "surrogateescape"))
    properties = {"stage": finding.stage}
    if finding.line < 1:
        properties["fileLevel"] = True
    if finding.setting:
        properties["setting"] = finding.setting
    if finding.side:
        properties["side"] = finding.side

    result = {
        "ruleId": finding.code,
        "level": level(finding.severity),
        "message": {"text": redact.printable(finding.message)},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact,
            "region": region,
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: digest.hexdigest()[:32]},
        "properties": properties,
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    return result
