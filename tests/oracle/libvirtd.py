"""Debian's libvirt 9.0.0 as the judge of a qemu.conf at start-up.

Each :class:`Case` runs in a private mount and network namespace (see
ns_runner.py): libvirtd as root for the privileged daemon's rules, or
``virt-qemu-run -r ROOT`` as nobody for the session daemon's rules.  In the
same namespace confcheck checks the same file with ``--libvirt-version
9.0``, so both see one host: the same accounts, mounts and directories.

Every daemon runs in the foreground under a timeout and is gone when
:func:`run` returns; everything it writes lands in a temporary directory.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "ns_runner.py")
PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(RUNNER)))
CASE_TIMEOUT = 60

#: The account libvirt 9.0 on Debian is built to run QEMU as.
DEBIAN_QEMU_ACCOUNT = ("libvirt-qemu", 64055)

#: Error-code prefixes libvirt puts before a message (facts §0).
_PREFIXES = (
    "configuration file syntax error: ", "internal error: ",
    "unsupported configuration: ", "invalid argument: ",
    "numerical overflow: ", "operation failed: ",
    "Requested operation is not valid: ", "Operation not supported: ",
)


@dataclass
class Case:
    """A qemu.conf and the host it meets."""

    name: str
    conf: str
    session: bool = False
    #: (name, id) accounts added to /etc/passwd and /etc/group
    accounts: Sequence[Tuple[str, int]] = (DEBIAN_QEMU_ACCOUNT,)
    #: host files to create: path -> text
    files: Dict[str, str] = field(default_factory=dict)
    #: host directories to create
    dirs: Sequence[str] = ()
    #: files (of ``files``) to make executable
    executables: Sequence[str] = ()
    #: paths to mount a hugetlbfs on, or a tmpfs on
    hugetlbfs: Sequence[str] = ()
    tmpfs: Sequence[str] = ()
    #: paths to mount a read-only tmpfs on
    readonly: Sequence[str] = ()


@dataclass
class Result:
    case: Case
    failed: bool
    #: the daemon's message after "Initialization of QEMU state driver
    #: failed: ", or None
    message: Optional[str]
    #: confcheck's findings (as JSON dicts) and the start-up error it
    #: predicts the daemon reports first
    findings: List[dict]
    first: Optional[dict]
    seconds: float
    log_tail: str
    conf_path: str


def skip_reason() -> Optional[str]:
    """Why the daemon oracle cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "the daemon oracle needs root (namespaces, overlays, libvirtd)"
    for tool in ("libvirtd", "virt-qemu-run", "unshare", "setpriv", "mount"):
        if shutil.which(tool) is None:
            return (f"'{tool}' is not installed (Debian packages "
                    "libvirt-daemon libvirt-daemon-driver-qemu util-linux)")
    probe = subprocess.run(
        ["unshare", "--mount", "--net", "sh", "-c",
         "mount --make-rprivate / && mount -t tmpfs tmpfs /mnt"],
        capture_output=True, text=True, timeout=20)
    if probe.returncode != 0:
        return ("this machine refuses private mount/network namespaces: "
                + (probe.stderr.strip() or f"exit {probe.returncode}"))
    with open("/proc/filesystems") as handle:
        if "overlay" not in handle.read():
            return "the kernel has no overlay filesystem"
    return None


def run(case: Case, scratch: str) -> Result:
    """Run one case; ``scratch`` is a directory the case may fill."""
    case_dir = tempfile.mkdtemp(prefix="case-", dir=scratch)
    spec = {
        "conf": case.conf, "session": case.session,
        "accounts": [list(a) for a in case.accounts],
        "files": dict(case.files), "dirs": list(case.dirs),
        "executables": list(case.executables),
        "hugetlbfs": list(case.hugetlbfs), "tmpfs": list(case.tmpfs),
        "readonly": list(case.readonly),
    }
    with open(os.path.join(case_dir, "case.json"), "w") as handle:
        json.dump(spec, handle)
    env = dict(os.environ, PYTHONPATH=PROJECT, LC_ALL="C")
    done = subprocess.run(
        ["unshare", "--mount", "--net", sys.executable, RUNNER, case_dir],
        capture_output=True, text=True, timeout=CASE_TIMEOUT, env=env,
        stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"oracle runner failed for {case.name}: "
                           f"{done.stderr[-3000:]}")
    data = json.loads(done.stdout)
    shutil.rmtree(case_dir, ignore_errors=True)
    checked = data["findings"]
    if "crash" in checked:
        raise RuntimeError(f"confcheck crashed on {case.name}: "
                           f"{checked['crash']}")
    return Result(case, data["failed"], data["message"], checked["all"],
                  checked["first"], data["seconds"], data["log_tail"],
                  data["conf_path"])


def run_many(cases: Sequence[Case], workers: int = 0) -> List[Result]:
    """Run cases in parallel (daemons mostly wait, so more than cores)."""
    workers = workers or max(4, 3 * (os.cpu_count() or 1))
    scratch = tempfile.mkdtemp(prefix="libvirtd-oracle-")
    os.chmod(scratch, 0o755)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda c: run(c, scratch), cases))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def core_message(message: str, conf_path: str) -> Tuple[str, Optional[int]]:
    """The daemon's message without its error-code prefix and file name.

    Returns (text, line) where line is the line number libvirt gave for a
    syntax error, else None.
    """
    text = message
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    line = None
    match = re.match(re.escape(conf_path) + r"(?::(\d+))?: ", text)
    if match:
        line = int(match.group(1)) if match.group(1) else None
        text = text[match.end():]
    return text, line
