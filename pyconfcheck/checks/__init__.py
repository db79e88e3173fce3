"""The checks, registered explicitly and run in libvirt's start-up order.

libvirt stops at the first syntax error, so after one only the file-level
checks run: nothing after a syntax error is ever read by the daemon.
"""

import importlib
from typing import Iterable, List

from ..findings import Finding

#: Modules with a ``check(ctx)``, in the order the daemon meets problems.
CHECK_MODULES = (
    "pyconfcheck.checks.syntax",
    "pyconfcheck.checks.settings",
    "pyconfcheck.checks.startup",
    "pyconfcheck.psk.check",
    "pyconfcheck.tls.check",
    "pyconfcheck.lens.check",
    "pyconfcheck.checks.host",
)

#: These still run when the file does not parse.
_FILE_LEVEL = ("pyconfcheck.checks.syntax", "pyconfcheck.lens.check",
               "pyconfcheck.checks.host")

_LENS_CHECK = "pyconfcheck.lens.check"

#: These look only at the host (files, keys, certificates, lenses): under
#: --no-host they have nothing to say and are not even imported.
_HOST_ONLY = ("pyconfcheck.psk.check", "pyconfcheck.tls.check",
              "pyconfcheck.lens.check")


def run(ctx) -> List[Finding]:
    findings: List[Finding] = []
    if ctx.host is not None and ctx.lens_check:
        # The one slow, C-bound check starts first and runs beside the
        # others.
        lens = _load(_LENS_CHECK)
        if lens is not None:
            lens.start_early(ctx)
    for module_name in CHECK_MODULES:
        if not ctx.doc.readable and module_name not in _FILE_LEVEL:
            continue
        if ctx.host is None and module_name in _HOST_ONLY:
            continue
        if module_name == _LENS_CHECK and not ctx.lens_check:
            continue
        module = _load(module_name)
        if module is None:
            continue
        findings.extend(module.check(ctx))
    return findings


def _load(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # A family that is not part of this build yet.
        if exc.name and module_name.startswith(exc.name):
            return None
        raise


def iter_modules() -> Iterable[str]:
    return iter(CHECK_MODULES)
