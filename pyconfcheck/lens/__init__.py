"""The project's own Augeas lens for qemu.conf, module ``Libvirtd_qemu``.

* ``generate`` writes ``lenses/libvirtd_qemu.aug`` from the settings table
  and ``lenses/tests/test_libvirtd_qemu.aug`` from ``examples/qemu.conf``.
* ``bridge`` parses a file with a lens through python-augeas.
* ``check`` is the ``LNS`` check family (can Augeas on the host edit it?).
"""

from pathlib import Path

#: the source tree root (lenses/ and examples/ live there)
PROJECT_ROOT = Path(__file__).resolve().parents[2]
LENS_DIR = PROJECT_ROOT / "lenses"
LENS_FILE = LENS_DIR / "libvirtd_qemu.aug"
LENS_TEST_FILE = LENS_DIR / "tests" / "test_libvirtd_qemu.aug"
EXAMPLE_FILE = PROJECT_ROOT / "examples" / "qemu.conf"
MODULE = "Libvirtd_qemu"
