"""The rule registry: every finding code, its severity and its documentation.

Each check module declares ``RULES``, a tuple of :class:`Rule`; the modules
are listed here explicitly, so adding a family is a new module plus one
line below.  The ``doc`` text is what ``confcheck explain CODE`` prints and
what ``docs/rules.md`` is generated from.
"""

import importlib
from dataclasses import dataclass
from typing import Dict, Optional

RULE_MODULES = (
    "pyconfcheck.checks.syntax",
    "pyconfcheck.checks.settings",
    "pyconfcheck.checks.startup",
    "pyconfcheck.checks.host",
    "pyconfcheck.psk.check",
    "pyconfcheck.tls.check",
    "pyconfcheck.lens.check",
    "pyconfcheck.checks.meta",
)


#: Where each code family is defined, so that looking up one rule imports
#: one module (a plain check of a file must not load the x509 or Augeas
#: families).  A test checks this against RULE_MODULES.
FAMILY_MODULES = {
    "SYN": "pyconfcheck.checks.syntax",
    "SET": "pyconfcheck.checks.settings",
    "TYP": "pyconfcheck.checks.settings",
    "STA": "pyconfcheck.checks.startup",
    "HOST": "pyconfcheck.checks.host",
    "PSK": "pyconfcheck.psk.check",
    "X509": "pyconfcheck.tls.check",
    "ACC": "pyconfcheck.tls.check",
    "LNS": "pyconfcheck.lens.check",
    "META": "pyconfcheck.checks.meta",
}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    stage: str
    summary: str
    doc: str = ""


_REGISTRY: Optional[Dict[str, Rule]] = None


def registry() -> Dict[str, Rule]:
    """Every known rule by code, loading the rule modules on first use.

    A module that is not there yet (a family still being built) is
    skipped rather than failing every run.
    """
    global _REGISTRY
    if _REGISTRY is None:
        rules: Dict[str, Rule] = {}
        for module_name in RULE_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name and module_name.startswith(exc.name):
                    continue
                raise
            for rule in getattr(module, "RULES", ()):
                if rule.code in rules:
                    raise RuntimeError(f"duplicate rule code {rule.code}")
                rules[rule.code] = rule
        _REGISTRY = rules
    return _REGISTRY


def family_module(code: str) -> Optional[str]:
    """The module defining ``code`` (families may hold digits: X509)."""
    for family in sorted(FAMILY_MODULES, key=len, reverse=True):
        if code.startswith(family) and code[len(family):].isdigit():
            return FAMILY_MODULES[family]
    return None


def get(code: str) -> Rule:
    """One rule, importing only the module of its family."""
    if _REGISTRY is not None:
        return _REGISTRY[code]
    module_name = family_module(code)
    if module_name is None:
        return registry()[code]
    module = importlib.import_module(module_name)
    for rule in module.RULES:
        if rule.code == code:
            return rule
    raise KeyError(code)
