"""QEMU itself as the judge of an x509 credentials directory.

Two ways of asking, both with Debian's qemu-utils (7.2 here):

* load as a client: ``qemu-img info --object tls-creds-x509,...,
  endpoint=client`` on ``/dev/null``.  QEMU builds the credentials object
  (reads and sanity-checks the files) before it opens the image, so exit
  status 0 means the directory loaded;
* a real handshake: ``qemu-nbd`` serves a small raw image over
  127.0.0.1 with ``endpoint=server`` credentials, and ``qemu-img info``
  connects with client credentials and an NBD ``tls-hostname``, so the
  server certificate's names are checked as a migration source checks
  the destination's.

Either side can run as another uid/gid/groups (``setpriv``), as QEMU does
under libvirt.  Every server is started with ``--fork --pid-file`` and
stopped by the PID in that file; every command has a timeout.  Nothing
listens anywhere but 127.0.0.1.
"""

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Optional, Sequence

COMMAND_TIMEOUT = 20


@dataclass(frozen=True)
class RunAs:
    """Credentials a QEMU process is started with (root only)."""

    uid: int
    gid: int
    groups: Sequence[int] = ()

    def prefix(self):
        groups = (["--groups", ",".join(str(g) for g in self.groups)]
                  if self.groups else ["--clear-groups"])
        return (["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}"]
                + groups + ["--"])


@dataclass(frozen=True)
class Outcome:
    works: bool
    #: "client-load", "server-start" or "handshake"
    stage: str
    #: QEMU's last line of output (never holds key material)
    message: str


def _run(command, run_as: Optional[RunAs]):
    if run_as is not None:
        command = run_as.prefix() + list(command)
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode, (lines[-1] if lines else "")


def _creds(endpoint: str, directory: str, verify: Optional[bool] = None,
           secret_id: Optional[str] = None) -> str:
    parts = [f"tls-creds-x509,id=tls0,endpoint={endpoint}", f"dir={directory}"]
    if verify is not None:
        parts.append("verify-peer=" + ("on" if verify else "off"))
    if secret_id:
        parts.append(f"passwordid={secret_id}")
    return ",".join(parts)


def _secret_args(password_file: Optional[str]):
    if not password_file:
        return [], None
    return ["--object", f"secret,id=sec0,file={password_file}"], "sec0"


def load_client(directory: str, run_as: Optional[RunAs] = None,
                password_file: Optional[str] = None) -> Outcome:
    """Whether QEMU accepts ``directory`` as client credentials."""
    secret_args, secret_id = _secret_args(password_file)
    status, message = _run(
        ["qemu-img", "info"] + secret_args
        + ["--object", _creds("client", directory, secret_id=secret_id),
           "-f", "raw", "/dev/null"], run_as)
    return Outcome(status == 0, "client-load", message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(pid_file: str) -> None:
    try:
        with open(pid_file) as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)


def handshake(server_dir: str, client_dir: str, hostname: str,
              verify_peer: bool, image: str, run_dir: str,
              server_as: Optional[RunAs] = None,
              client_as: Optional[RunAs] = None,
              server_password: Optional[str] = None,
              client_password: Optional[str] = None) -> Outcome:
    """Serve ``image`` with ``server_dir`` and connect with ``client_dir``.

    ``run_dir`` must be writable by ``server_as`` (the PID file goes
    there).  The client checks the server certificate against
    ``hostname``.
    """
    port = free_port()
    pid_file = os.path.join(run_dir, f"qemu-nbd-{port}.pid")
    secret_args, secret_id = _secret_args(server_password)
    status, message = _run(
        ["qemu-nbd", "--fork", "--pid-file", pid_file, "--persistent",
         "--read-only", "--export-name=e", "--format=raw",
         "--bind=127.0.0.1", f"--port={port}"] + secret_args
        + ["--object", _creds("server", server_dir, verify_peer, secret_id),
           "--tls-creds=tls0", image], server_as)
    if status != 0:
        _stop(pid_file)
        return Outcome(False, "server-start", message)

    try:
        secret_args, secret_id = _secret_args(client_password)
        options = ",".join([
            "driver=raw", "file.driver=nbd", "file.host=127.0.0.1",
            f"file.port={port}", "file.export=e", "file.tls-creds=tls0",
            f"file.tls-hostname={hostname}"])
        status, message = _run(
            ["qemu-img", "info"] + secret_args
            + ["--object", _creds("client", client_dir, secret_id=secret_id),
               "--image-opts", options], client_as)
        return Outcome(status == 0, "handshake", message)
    finally:
        _stop(pid_file)
