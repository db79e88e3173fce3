"""The figures docs/lens.md gives: acceptance shares and load times.

``python -m pyconfcheck.lens.measure`` prints them.  An input is
*daemon-valid* when libvirt's parser reads it and every setting the table
knows passes its typed getter (what the daemon checks before anything
else); the stock lens is Debian's, from :data:`STOCK_LENS_DIRS`.
"""

import glob
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence, Tuple

from .. import settings
from ..document import Document
from . import LENS_DIR, PROJECT_ROOT, bridge, generate

STOCK_LENS_DIRS = bridge.host_lens_dirs("/")
# The shared corpus lives next to the checkout (../shared), as for the tests.
SHARED = os.path.join(os.path.dirname(PROJECT_ROOT), "shared", "corpus")
REAL_CORPUS = os.path.join(SHARED, "real")
STOCK_FILES = {
    "9.0.0": os.path.join(SHARED, "libvirt-9.0.0", "qemu.conf"),
    "12.9.0": os.path.join(SHARED, "libvirt-12.9.0", "qemu.conf"),
}


def daemon_valid(data: bytes) -> bool:
    doc = Document(data)
    if not doc.readable:
        return False
    for entry in doc.entries:
        if settings.lookup(entry.name) is not None:
            if doc.typed(entry.name)[1] is not None:
                return False
    return True


@dataclass
class Shares:
    total: int = 0
    valid: int = 0
    stock: int = 0
    ours: int = 0
    #: daemon-valid inputs both lenses read with different trees
    different: List[str] = field(default_factory=list)
    #: daemon-valid inputs the stock lens reads and ours does not
    lost: List[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        def pct(count: int) -> str:
            return f"{count}/{self.valid} ({100 * count / self.valid:.0f}%)"
        return (f"| {name} | {self.valid} of {self.total} | "
                f"{pct(self.stock)} | {pct(self.ours)} |")


def shares(inputs: Iterable[Tuple[str, bytes]],
           stock_dirs: Sequence[str] = STOCK_LENS_DIRS) -> Shares:
    result = Shares()
    for name, data in inputs:
        result.total += 1
        if not daemon_valid(data):
            continue
        result.valid += 1
        stock = bridge.parse_bytes(data, stock_dirs)
        ours = bridge.parse_bytes(data)
        result.stock += stock.ok
        result.ours += ours.ok
        if stock.ok and not ours.ok:
            result.lost.append(name)
        if stock.ok and ours.ok and stock.tree != ours.tree:
            result.different.append(name)
    return result


def real_corpus() -> List[Tuple[str, bytes]]:
    files = sorted(glob.glob(os.path.join(REAL_CORPUS, "*.conf")))
    return [(os.path.basename(f), open(f, "rb").read()) for f in files]


def stock_inputs() -> List[Tuple[str, bytes]]:
    """The stock files as shipped and with their examples uncommented,
    and our example file uncommented."""
    inputs = []
    for version, path in STOCK_FILES.items():
        if not os.path.exists(path):
            continue
        text = open(path).read()
        inputs.append((f"qemu.conf {version}", text.encode()))
        lines = generate.example_lines(text)
        inputs.append((f"qemu.conf {version} uncommented",
                       ("\n".join(lines) + "\n").encode()))
    example = (PROJECT_ROOT / "examples" / "qemu.conf").read_text()
    inputs.append(("examples/qemu.conf uncommented",
                   ("\n".join(generate.example_lines(example)) + "\n")
                   .encode()))
    return inputs


def generated_corpus(seed: int = 1, count: int = 500
                     ) -> List[Tuple[str, bytes]]:
    """The project's seeded test corpus (tests/confgen.py)."""
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    try:
        import confgen
    finally:
        sys.path.pop(0)
    return [(f"confgen {seed}:{index}", data)
            for index, data in confgen.corpus(seed, count)]


def _cold_load_command(root: str, lens_dir: str, augtool: str) -> List[str]:
    return [augtool, "-r", root, "--noautoload", "-I", lens_dir,
            "-t", "Libvirtd_qemu incl /etc/libvirt/qemu.conf",
            "match /augeas//error"]


def cold_loads_ms(lens_dirs: Sequence[str], data: bytes, runs: int = 15,
                  augtool: str = "augtool") -> List[float]:
    """Best wall time, per lens directory, of ``augtool`` loading ``data``.

    augtool starts with no autoloading and only the Libvirtd_qemu module
    from each directory (and the standard directories for what it needs),
    reads the file and answers one query: the cost of one cold start.
    The directories take turns, run after run, so that a machine busy
    with other work slows them alike; the best of ``runs`` is kept.
    """
    with tempfile.TemporaryDirectory() as root:
        conf = os.path.join(root, "etc", "libvirt", "qemu.conf")
        os.makedirs(os.path.dirname(conf))
        with open(conf, "wb") as handle:
            handle.write(data)
        best: List[Optional[float]] = [None] * len(lens_dirs)
        for _ in range(runs):
            for index, lens_dir in enumerate(lens_dirs):
                command = _cold_load_command(root, lens_dir, augtool)
                start = time.perf_counter()
                done = subprocess.run(command, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, check=True)
                elapsed = time.perf_counter() - start
                if b"no matches" not in done.stdout:
                    raise RuntimeError(f"{lens_dir}: lens failed on the file")
                if best[index] is None or elapsed < best[index]:
                    best[index] = elapsed
        return [value * 1000 for value in best]


def cold_load_ms(lens_dir: str, data: bytes, runs: int = 15,
                 augtool: str = "augtool") -> float:
    """Best wall time of ``augtool`` loading ``data`` with one lens."""
    return cold_loads_ms([lens_dir], data, runs, augtool)[0]


def stock_lens_dir() -> Optional[str]:
    found = bridge.module_file(STOCK_LENS_DIRS)
    return os.path.dirname(found) if found else None


def main() -> int:
    print("| inputs | daemon-valid | stock 9.0.0 lens reads | ours reads |")
    print("|---|---|---|---|")
    groups = (("real corpus (50 files)", real_corpus()),
              ("stock and example files", stock_inputs()),
              ("test corpus (confgen seed 1, 500 files)",
               generated_corpus()))
    for name, inputs in groups:
        result = shares(inputs)
        print(result.line(name))
        for label, names in (("different tree", result.different),
                             ("stock only", result.lost)):
            if names:
                print(f"  {label}: {', '.join(names)}")
    stock_dir = stock_lens_dir()
    if stock_dir:
        for version, path in STOCK_FILES.items():
            data = open(path, "rb").read()
            if not bridge.parse_bytes(data, STOCK_LENS_DIRS).ok:
                continue
            stock, ours = cold_loads_ms([stock_dir, str(LENS_DIR)], data,
                                        runs=40)
            print(f"cold load of the {version} file: stock {stock:.1f} ms, "
                  f"ours {ours:.1f} ms ({ours / stock:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
