"""docs/rules.md is generated from the rule registry and must be current."""

import os

from pyconfcheck import docs, rules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES_MD = os.path.join(ROOT, "docs", "rules.md")


def test_rules_md_is_current():
    with open(RULES_MD, encoding="utf-8") as stream:
        current = stream.read()
    assert current == docs.rules_markdown(), (
        "docs/rules.md is stale: run .venv/bin/python -m pyconfcheck.docs")


def test_every_rule_has_a_section_and_documentation():
    text = docs.rules_markdown()
    for code, rule in rules.registry().items():
        assert f"\n### {code}\n" in text
        assert rule.summary and rule.name and rule.doc.strip(), code


def test_check_mode_reports_staleness(tmp_path):
    stale = tmp_path / "rules.md"
    stale.write_text("old\n")
    assert docs.main(["--check", str(stale)]) == 1
    assert docs.main([str(stale)]) == 0
    assert docs.main(["--check", str(stale)]) == 0


def test_explain_gives_why_a_failing_and_a_passing_example_and_the_fix():
    # What issue 9 asks of `confcheck explain` for every rule it lists.
    lacking = {}
    for code in rules.registry():
        text = docs.explain(code)
        missing = [part for part in ("\nFailing", "\nPassing", "\nFix:")
                   if part not in text]
        if missing:
            lacking[code] = missing
    assert lacking == {}


def test_explain_prints_no_control_characters():
    for code in rules.registry():
        text = docs.explain(code)
        assert not [c for c in text if ord(c) < 32 and c != "\n"], code


def test_readme_counts_the_rules_of_each_family():
    import collections
    import re

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as stream:
        readme = stream.read()
    # Every code is its family and three digits (X509025: X509).
    families = collections.Counter(code[:-3] for code in rules.registry())
    rows = re.findall(r"^\| ((?:`[A-Z0-9]+` ?)+) \| (\d+) \|", readme, re.M)

    counted = {tuple(re.findall(r"`([A-Z0-9]+)`", names)): int(count)
               for names, count in rows}
    assert {names: sum(families[name] for name in names)
            for names in counted} == counted
    assert sum(counted.values()) == len(rules.registry())
    assert f"## What it checks ({len(rules.registry())} rules" in readme
