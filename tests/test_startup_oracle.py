"""confcheck against the real daemon: Debian's libvirt 9.0.0 at start-up.

For every configuration (hand-written per check, generated mutations and
the real corpus) the daemon starts in a private namespace (see
tests/oracle/libvirtd.py) and confcheck checks the same file on the same
host with ``--libvirt-version 9.0``.  The agreement asked for:

* confcheck reports an error of stage ``start`` exactly when the daemon
  logs "Initialization of QEMU state driver failed";
* the start-up error confcheck puts first (the daemon stops at its first
  problem) carries the daemon's message, and its line when the daemon
  names one.
"""

import glob
import os
import re
import time

import pytest

from tests.oracle import libvirtd, startup_cases

pytestmark = pytest.mark.slow

MINIMUM_CONFIGURATIONS = 200

# Output of a helper program that libvirt pastes into its message.
_CHILD_NOISE = re.compile(r"libvirt: +error : ")


@pytest.fixture(scope="module")
def results():
    reason = libvirtd.skip_reason()
    if reason:
        pytest.skip(reason)
    cases = startup_cases.all_cases()
    started = time.monotonic()
    outcome = libvirtd.run_many(cases)
    elapsed = time.monotonic() - started
    _write_summary(outcome, elapsed)
    return outcome


def _start_errors(result):
    return [f for f in result.findings
            if f["severity"] == "error" and f["stage"] == "start"]


def disagreement(result):
    """Why confcheck and the daemon disagree on a case, or None."""
    predicted = bool(_start_errors(result))
    if predicted != result.failed:
        said = result.message or "the QEMU driver started"
        errors = [f"{f['code']} {f['message']}"
                  for f in _start_errors(result)]
        return f"daemon: {said}; confcheck start errors: {errors}"
    if not result.failed:
        return None
    text, line = libvirtd.core_message(result.message, result.conf_path)
    text = _CHILD_NOISE.sub("", text)
    first = result.first
    if first is None or text not in first["message"]:
        return (f"daemon said {text!r}; confcheck's first start-up error: "
                f"{first and first['code']} {first and first['message']!r}")
    if line is not None and first["line"] != line:
        return f"daemon names line {line}; confcheck line {first['line']}"
    return None


def test_enough_configurations(results):
    assert len(results) >= MINIMUM_CONFIGURATIONS


def test_the_real_corpus_is_among_them(results):
    # Without the shared corpus the count could still pass on the
    # hand-written cases alone; say so instead of proving less.
    corpus = startup_cases.CORPUS
    files = glob.glob(os.path.join(corpus, "*.conf"))
    if not files:
        pytest.skip(f"the real corpus is not at {corpus}")
    ran = {r.case.name for r in results if r.case.name.startswith("corpus-")}
    assert {"corpus-" + os.path.basename(f)[:-5] for f in files} <= ran


def test_every_configuration_agrees(results):
    problems = {r.case.name: disagreement(r) for r in results}
    problems = {name: why for name, why in problems.items() if why}
    assert problems == {}


def test_both_outcomes_are_covered(results):
    failing = sum(1 for r in results if r.failed)
    assert failing >= 100
    assert len(results) - failing >= 50
    assert any(r.case.session for r in results)


def _write_summary(outcome, elapsed):
    """A line for docs/startup.md when asked (CONFCHECK_ORACLE_SUMMARY)."""
    target = os.environ.get("CONFCHECK_ORACLE_SUMMARY")
    if not target:
        return
    agreed = sum(1 for r in outcome if disagreement(r) is None)
    failing = sum(1 for r in outcome if r.failed)
    with open(target, "w") as handle:
        handle.write(f"configurations {len(outcome)}\n"
                     f"agreed {agreed}\n"
                     f"daemon-failed {failing}\n"
                     f"session {sum(1 for r in outcome if r.case.session)}\n"
                     f"seconds {elapsed:.0f}\n")
