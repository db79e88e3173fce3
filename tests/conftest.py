"""Shared test helpers: where the shared corpus is, and a one-call check."""

import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(REPO, "..", "shared"))
CORPUS = os.path.join(SHARED, "corpus")
EXAMPLES = os.path.join(REPO, "examples")

if REPO not in sys.path:
    sys.path.insert(0, REPO)


def shared_path(*parts):
    """A path under ../shared, or skip the test when it is not there."""
    path = os.path.join(SHARED, *parts)
    if not os.path.exists(path):
        pytest.skip(f"{path} is not present (the shared corpus lives next to "
                    "the repository)")
    return path


def run_check(text, root=None, no_host=None, version=None, path="qemu.conf",
              **options):
    """Findings for qemu.conf ``text`` (str or bytes) on a host tree."""
    from pyconfcheck import api

    data = text.encode() if isinstance(text, str) else text
    if no_host is None:
        no_host = root is None
    opts = api.Options(root=root, no_host=no_host, version=version, **options)
    findings, _ = api.check_bytes(data, path, opts)
    return findings


def codes(findings, severity=None):
    return [(f.line, f.column, f.code) for f in findings
            if severity is None or f.severity == severity]


@pytest.fixture
def debian_host(tmp_path):
    """A minimal Debian 12 host tree with libvirt's build-default accounts."""
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "os-release").write_text('ID=debian\nVERSION_ID="12"\n')
    (etc / "passwd").write_text(
        "root:x:0:0:root:/root:/bin/bash\n"
        "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin\n"
        "tss:x:105:110::/var/lib/tpm:/bin/false\n")
    (etc / "group").write_text(
        "root:x:0:\nkvm:x:104:libvirt-qemu\ntss:x:110:\n"
        "libvirt-qemu:x:64055:libvirt-qemu\n")
    (tmp_path / "usr" / "sbin").mkdir(parents=True)
    (tmp_path / "usr" / "sbin" / "virtlogd").write_text("")
    return tmp_path
