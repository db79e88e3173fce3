"""The stock files and the 50 real files of ../shared/corpus."""

import glob
import os

import pytest

from conftest import CORPUS, run_check, shared_path

STOCK = ["libvirt-9.0.0", "libvirt-12.9.0"]
REAL = sorted(glob.glob(os.path.join(CORPUS, "real", "*.conf")))


@pytest.mark.parametrize("release", STOCK)
def test_stock_file_gives_no_error_on_a_debian_host(release, debian_host):
    path = shared_path("corpus", release, "qemu.conf")

    findings = run_check(open(path, "rb").read(), root=str(debian_host))

    assert [(f.line, f.code, f.message) for f in findings
            if f.severity in ("error", "warning")] == []


@pytest.mark.parametrize("release", STOCK)
def test_stock_examples_uncommented_give_no_syntax_or_type_error(release):
    from confgen import uncomment_examples

    path = shared_path("corpus", release, "qemu.conf")
    text = uncomment_examples(open(path).read())

    findings = run_check(text, version=(12, 9))

    assert [(f.line, f.code, f.message) for f in findings
            if f.code.startswith(("SYN", "TYP"))] == []
    assert text.count("\n") > 90


def test_the_real_corpus_is_all_there():
    shared_path("corpus", "real")

    assert len(REAL) == 50


@pytest.mark.parametrize("path", REAL, ids=os.path.basename)
def test_real_file_runs_cleanly_through_the_cli(path, debian_host):
    from click.testing import CliRunner

    from pyconfcheck.cli import main

    result = CliRunner().invoke(
        main, ["--root", str(debian_host), "--format", "json", path])

    assert result.exception is None or isinstance(result.exception,
                                                  SystemExit)
    assert result.exit_code in (0, 1), result.output
    assert result.output.startswith("{")
