"""The PSK demo host shows what its README promises (modes fixed first)."""

import os
import shutil

from conftest import EXAMPLES, run_check

TREE = os.path.join(EXAMPLES, "hosts", "psk")


def test_demo_findings(tmp_path):
    root = tmp_path / "host"
    shutil.copytree(TREE, root, symlinks=True)
    # The modes a checkout under umask 022 gives (git keeps no other).
    os.chmod(root / "etc/pki/qemu-psk", 0o755)
    os.chmod(root / "etc/pki/qemu-psk/keys.psk", 0o644)
    with open(os.path.join(TREE, "etc/libvirt/qemu.conf"), "rb") as handle:
        text = handle.read()

    findings = run_check(text, root=str(root))

    assert [(f.line, f.column, f.code, f.severity, f.side)
            for f in findings if f.code.startswith("PSK")] == [
        (0, 0, "PSK030", "warning", None),
        (2, 70, "PSK013", "error", "both"),
        (3, 8, "PSK018", "warning", "both"),
        (5, 1, "PSK022", "warning", "both"),
        (6, 1, "PSK020", "warning", "destination"),
        (6, 1, "PSK022", "warning", "both"),
        (7, 5, "PSK014", "warning", "both"),
        (8, 23, "PSK001", "error", "both"),
    ]


def test_demo_key_file_keeps_its_crlf():
    with open(os.path.join(TREE, "etc/pki/qemu-psk/keys.psk"), "rb") as f:
        assert f.read().count(b"\r\n") == 1
