"""pre-commit (from PyPI) runs our hooks on a temporary repository.

The hook repository is a fresh git repository holding a copy of this
project's committed-or-not sources, so the test checks the working tree,
not whatever commit happens to be on main.  The `python` hook builds its
own virtualenv with pip (lark and click from the package index); the
`system` hook uses the confcheck of this virtualenv.
"""

import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.dirname(sys.executable)
PRE_COMMIT = os.path.join(VENV_BIN, "pre-commit")

BAD = 'vnc_tls = "1"\n'
GOOD = 'vnc_listen = "0.0.0.0"\nvnc_tls = 1\n'


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t",
                    "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, check=True, capture_output=True)


def _hook_repository(path):
    os.makedirs(path)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(os.path.join(ROOT, name), path)
    shutil.copytree(os.path.join(ROOT, "pyconfcheck"),
                    os.path.join(path, "pyconfcheck"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    _git(path, "init", "-q")
    _git(path, "add", ".")
    _git(path, "commit", "-q", "-m", "hooks")
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, check=True,
                          capture_output=True, text=True).stdout.strip()


def _project(path, hook_repo, rev, files):
    os.makedirs(path)
    _git(path, "init", "-q")
    with open(os.path.join(path, ".pre-commit-config.yaml"), "w") as out:
        out.write(f"repos:\n"
                  f"  - repo: {hook_repo}\n"
                  f"    rev: {rev}\n"
                  f"    hooks:\n"
                  f"      - id: confcheck\n"
                  f"      - id: confcheck-system\n")
    for name, text in files.items():
        target = os.path.join(path, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w") as out:
            out.write(text)
    _git(path, "add", ".")


def _run_pre_commit(project, cache):
    env = dict(os.environ, PRE_COMMIT_HOME=cache,
               PATH=VENV_BIN + os.pathsep + os.environ.get("PATH", ""),
               PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([PRE_COMMIT, "run", "--all-files"], cwd=project,
                          env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    base = tmp_path_factory.mktemp("precommit")
    path = str(base / "hooks")
    return base, path, _hook_repository(path)


def test_hooks_fail_on_a_broken_qemu_conf(hook_repo):
    base, path, rev = hook_repo
    project = str(base / "bad")
    _project(project, path, rev, {
        "hosts/web1/etc/libvirt/qemu.conf": BAD,
        "hosts/web2/qemu.conf.orig": BAD,   # not matched by qemu\.conf$
        "README": "not a config\n",
    })
    result = _run_pre_commit(project, str(base / "cache"))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "confcheck (qemu.conf)" in output
    assert "confcheck (qemu.conf, installed confcheck)" in output
    assert output.count("Failed") == 2, output
    expected = ("hosts/web1/etc/libvirt/qemu.conf:1:11: error TYP001: "
                "expected a bool for 'vnc_tls' parameter")
    assert output.count(expected) == 2, output
    assert "qemu.conf.orig" not in output


def test_hooks_pass_on_a_good_qemu_conf(hook_repo):
    base, path, rev = hook_repo
    project = str(base / "good")
    _project(project, path, rev, {"etc/libvirt/qemu.conf": GOOD})
    result = _run_pre_commit(project, str(base / "cache"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert output.count("Passed") == 2, output
