"""What keeps a check fast, as behaviour a test can see (never a clock).

The figures themselves come from ``make bench`` (bench/run.py): here,
that a plain check loads no library it does not use, and that spreading
many files over worker processes gives the same report as one process.
"""

import subprocess
import sys

import pytest

from pyconfcheck import api

# Libraries and modules a plain --no-host check of a well-formed file never
# needs: certificates, keys, the host's lens, the grammar, the workers.
NOT_NEEDED = ("cryptography", "augeas", "lark", "multiprocessing",
              "pyconfcheck.lens.bridge", "pyconfcheck.tls.x509",
              "pyconfcheck.psk.keyfile", "difflib", "ctypes", "socket")

_RUN_AND_LIST_MODULES = """
import runpy, sys
sys.argv = ["confcheck"] + sys.argv[1:]
try:
    runpy.run_module("pyconfcheck", run_name="__main__")
except SystemExit:
    pass
sys.stderr.write("\\n".join(sorted(sys.modules)))
"""


def modules_loaded_by(*args):
    process = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST_MODULES, *args],
        capture_output=True, text=True, check=False)
    return set(process.stderr.split("\n")), process.stdout


def test_a_plain_check_imports_only_what_it_uses(tmp_path):
    conf = tmp_path / "qemu.conf"
    conf.write_text('# the stock file is mostly comments\n#\n'
                    'vnc_listen = "0.0.0.0"\nsecurity_driver = [ "none" ]\n')

    loaded, stdout = modules_loaded_by("--no-host", str(conf))

    assert "HOST001" in stdout  # the check did run
    assert "pyconfcheck.checks.startup" in loaded
    assert sorted(loaded & set(NOT_NEEDED)) == []


def test_a_syntax_error_does_load_the_grammar(tmp_path):
    # The other side of the test above: the list shows what was imported.
    conf = tmp_path / "qemu.conf"
    conf.write_text("vnc_listen = [\n")

    loaded, stdout = modules_loaded_by("--no-host", str(conf))

    assert "SYN001" in stdout
    assert "lark" in loaded


def _fleet(base, count):
    """Host trees, some broken, one without a qemu.conf at all."""
    inputs = []
    for index in range(count):
        tree = base / f"host{index}"
        conf_dir = tree / "etc" / "libvirt"
        conf_dir.mkdir(parents=True)
        if index % 17 == 5:
            continue  # unreadable: a read error, in input order
        text = f'vnc_listen = "10.0.0.{index % 250}"\n'
        if index % 7 == 3:
            text += "vnc_tsl = 1\n# confcheck: disable=NOPE\nspice_tls = 1\n"
        if index % 11 == 4:
            text += "bad = [\n"
        (conf_dir / "qemu.conf").write_text(text)
        inputs.append(api.host_tree_input(str(tree)))
        if index % 17 == 4:
            inputs.append(api.host_tree_input(str(base / f"host{index + 1}")))
    return inputs


def test_workers_give_the_report_of_one_process(tmp_path):
    from pyconfcheck.selection import Selection

    inputs = _fleet(tmp_path, 3 * api.PARALLEL_MIN_INPUTS)
    options = api.Options(no_host=True)
    assert api.worker_count(len(inputs), jobs=2) == 2

    alone = api.check_inputs(inputs, options, Selection(), jobs=1)
    spread = api.check_inputs(inputs, options, Selection(), jobs=2)

    assert spread.findings == alone.findings
    assert spread.read_errors == alone.read_errors
    assert len(alone.read_errors) > 5
    assert list(spread.documents) == list(alone.documents)
    for name, (document, lines) in alone.documents.items():
        other, other_lines = spread.documents[name]
        assert other_lines == lines
        assert other.entries == document.entries
        assert other.error == document.error
    assert {f.code for f in alone.findings} >= {"SET001", "META001",
                                                "SYN001"}


@pytest.mark.parametrize("inputs, jobs, expected", [
    (1, 8, 1),
    (api.PARALLEL_MIN_INPUTS * 2 - 1, 8, 1),
    (api.PARALLEL_MIN_INPUTS * 2, 8, 2),
    (api.PARALLEL_MIN_INPUTS * 100, 4, 4),
    (api.PARALLEL_MIN_INPUTS * 100, 1, 1),
])
def test_worker_count(inputs, jobs, expected):
    assert api.worker_count(inputs, jobs) == expected
