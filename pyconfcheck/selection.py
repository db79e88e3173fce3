"""Which findings are reported, and what exit status they lead to.

Three layers decide, in this order:

* ``--select`` / ``--ignore`` (or the same keys in ``.confcheck.toml``):
  selectors are rule codes (``TYP001``) or family prefixes (``STA``,
  ``PSK0``).  When a code matches both lists, the longer (more specific)
  selector wins, and ``ignore`` wins a tie, so ``--ignore STA --select
  STA002`` keeps STA002 only.
* Inline suppressions: ``# confcheck: disable=CODE[,CODE]`` in the block
  of comment lines right above a setting silences those codes for that
  setting.  libvirt and the Augeas lens both keep comments there, so the
  note survives edits by either.
* ``--strict`` makes warnings fail the run; ``--exit-zero`` always exits 0
  when the check itself worked.
"""

import functools
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from .findings import ERROR, WARNING, Finding

EXIT_OK, EXIT_FINDINGS = 0, 1

_SUPPRESSION = re.compile(
    r"#\s*confcheck\s*:\s*disable\s*=\s*(?P<codes>[^#]*)", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^\s*#")
# Every suppression holds this word, matched with the same flags: a file
# without it anywhere has none, which one search of the text tells.
_MARKER = re.compile(r"confcheck", re.IGNORECASE)


def _may_hold_suppressions(text: str) -> bool:
    if text.isascii():
        # Same answer as _MARKER for ASCII, many times faster.
        return "confcheck" in text.lower()
    return _MARKER.search(text) is not None


class SelectionError(ValueError):
    """A selector that names no rule; ``str()`` is the one-line reason."""


@functools.lru_cache(maxsize=1)
def known_codes() -> Sequence[str]:
    from . import rules

    return tuple(rules.registry())


def is_known_selector(selector: str, codes: Iterable[str]) -> bool:
    return selector == "ALL" or any(code.startswith(selector)
                                    for code in codes)


def parse_selectors(values: Iterable[str], option: str) -> Tuple[str, ...]:
    """Split comma lists, normalise case, refuse selectors matching nothing."""
    values = [value for value in values if value.strip(", ")]
    if not values:
        # Nothing to check: do not load every rule family for nothing.
        return ()
    codes = known_codes()
    selectors: List[str] = []
    for value in values:
        for part in value.split(","):
            selector = part.strip().upper()
            if not selector:
                continue
            if not is_known_selector(selector, codes):
                raise SelectionError(
                    f"{option}: '{part.strip()}' is not a rule code or "
                    "family (see 'confcheck rules')")
            selectors.append(selector)
    return tuple(selectors)


def _match_length(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector matching ``code``, or -1."""
    best = -1
    for selector in selectors:
        prefix = "" if selector == "ALL" else selector
        if code.startswith(prefix):
            best = max(best, len(prefix))
    return best


@dataclass(frozen=True)
class Selection:
    #: empty means every rule
    select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    strict: bool = False
    exit_zero: bool = False

    def allows(self, code: str) -> bool:
        selected = _match_length(code, self.select or ("ALL",))
        ignored = _match_length(code, self.ignore)
        return selected > ignored

    def exit_status(self, findings: Iterable[Finding]) -> int:
        if self.exit_zero:
            return EXIT_OK
        failing = (ERROR, WARNING) if self.strict else (ERROR,)
        if any(finding.severity in failing for finding in findings):
            return EXIT_FINDINGS
        return EXIT_OK


@dataclass
class Suppression:
    line: int
    column: int
    codes: Tuple[str, ...]


def find_suppressions(lines: Sequence[str]) -> Dict[int, Suppression]:
    """Suppression comments by 1-based line (only whole-line comments)."""
    found: Dict[int, Suppression] = {}
    if not _may_hold_suppressions("\n".join(lines)):
        return found
    for number, text in enumerate(lines, start=1):
        if not _COMMENT_LINE.match(text):
            continue
        match = _SUPPRESSION.search(text)
        if match is None:
            continue
        # "disable=TYP001 the reason" is a common habit: the first word of
        # each comma-separated part is the code, the rest a remark.
        codes = tuple(part.split()[0] for part in
                      match.group("codes").split(",") if part.strip())
        found[number] = Suppression(number, match.start() + 1, codes)
    return found


def _entry_spans(document) -> List[Tuple[int, int]]:
    """(first line, last line) of every assignment, in file order."""
    spans = []
    for entry in document.entries:
        spans.append((entry.line, max(entry.line, _last_line(entry.value))))
    return spans


def _last_line(value) -> int:
    if isinstance(value.value, list) and value.value:
        return max(value.line, max(_last_line(item) for item in value.value))
    return value.line


def _anchor(line: int, spans: List[Tuple[int, int]]) -> int:
    """The line a finding hangs on: its assignment's first line."""
    for first, last in spans:
        if first <= line <= last:
            return first
    return line


def _comment_block_above(line: int, lines: Sequence[str]) -> Iterable[int]:
    number = line - 1
    while number >= 1 and _COMMENT_LINE.match(lines[number - 1]):
        yield number
        number -= 1


def apply(findings: Iterable[Finding], selection: Selection,
          documents: Dict[str, Tuple[object, Sequence[str]]]
          ) -> List[Finding]:
    """The findings left after selection and suppressions, plus META ones.

    ``documents`` maps a finding path to ``(document, lines)``; a path
    missing from it (or a document None) has no suppressions.
    """
    from . import rules

    kept: List[Finding] = []
    by_path: Dict[str, tuple] = {}
    for path, (document, lines) in documents.items():
        suppressions = find_suppressions(lines)
        spans = _entry_spans(document) if document is not None else []
        by_path[path] = (suppressions, spans, lines)
        for suppression in suppressions.values():
            if not suppression.codes:
                rule = rules.get("META001")
                kept.append(Finding(
                    path=path, line=suppression.line,
                    column=suppression.column, severity=rule.severity,
                    code=rule.code, stage=rule.stage,
                    message="a suppression comment naming no code; it "
                            "silences nothing (write disable=CODE)"))
            for code in suppression.codes:
                # Loads every rule family, so only where suppressions are.
                if is_known_selector(code.upper(), known_codes()):
                    continue
                rule = rules.get("META001")
                kept.append(Finding(
                    path=path, line=suppression.line,
                    column=suppression.column, severity=rule.severity,
                    code=rule.code, stage=rule.stage,
                    message=f"unknown code '{code}' in a suppression "
                            "comment; it silences nothing"))

    for finding in findings:
        if _suppressed(finding, by_path.get(finding.path)):
            continue
        kept.append(finding)

    kept = [finding for finding in kept if selection.allows(finding.code)]
    kept.sort(key=Finding.sort_key)
    return kept


def _suppressed(finding: Finding, context) -> bool:
    if context is None or finding.line < 1:
        return False
    suppressions, spans, lines = context
    if not suppressions:
        return False
    silenced: Set[str] = set()
    anchor = _anchor(finding.line, spans)
    for number in _comment_block_above(anchor, lines):
        if number in suppressions:
            silenced.update(code.upper()
                            for code in suppressions[number].codes)
    return _match_length(finding.code, silenced) >= 0
