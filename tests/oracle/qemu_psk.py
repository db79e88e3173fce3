"""QEMU itself as the judge of a keys.psk, on both sides of a migration.

Debian's qemu-utils (7.2) is enough:

* the source side loads the file as QEMU does when a migration starts:
  ``qemu-img info --object tls-creds-psk,...,endpoint=client,username=ID
  -f raw /dev/null`` -- QEMU reads and parses keys.psk while it builds
  the object, before it opens the image, so exit 0 means it loaded;
* the source handshake: that client, with the file under test, connects
  to a ``qemu-nbd`` whose key file is a clean ``ID:<intended key>``;
* the destination handshake: ``qemu-nbd`` serves with the file under test
  (GnuTLS re-reads it at every handshake) and a client with a clean file
  connects.

One ``Oracle`` owns two persistent ``qemu-nbd -t`` servers on 127.0.0.1
(free ports picked by binding to port 0 first, retried if another program
takes the port meanwhile).  Because the server re-reads keys.psk at every
handshake, the file is replaced between cases instead of restarting it,
which keeps the whole run short.  Each server is stopped by its own PID
when the oracle closes; every command has a timeout.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Optional

COMMAND_TIMEOUT = 20
START_TIMEOUT = 10
TOOLS = ("qemu-img", "qemu-nbd")


def missing_tools():
    """The QEMU programs this oracle needs that are not installed."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@dataclass(frozen=True)
class Outcome:
    works: bool
    #: QEMU's last line of output (QEMU never prints key material)
    message: str


#: a client priority that allows TLS 1.2 only (the default negotiates 1.3)
TLS12_ONLY = "NORMAL:-VERS-ALL:+VERS-TLS1.2"


def _object(endpoint: str, directory: str, identity: Optional[str] = None,
            priority: Optional[str] = None) -> str:
    text = f"tls-creds-psk,id=tls0,endpoint={endpoint},dir={directory}"
    if identity is not None:
        # QEMU's option syntax doubles a comma inside a value.
        text += ",username=" + identity.replace(",", ",,")
    if priority is not None:
        text += ",priority=" + priority
    return text


def _run(command) -> Outcome:
    try:
        done = subprocess.run(command, capture_output=True,
                              timeout=COMMAND_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return Outcome(False, "timed out")
    lines = (done.stdout + done.stderr).decode("utf-8", "replace")
    lines = lines.strip().splitlines()
    return Outcome(done.returncode == 0, lines[-1] if lines else "")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write(path: str, data: bytes) -> None:
    """Replace ``path`` atomically: a handshake never sees half a file."""
    temporary = path + ".new"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def clean_client_file(identity: str, key: bytes) -> bytes:
    return identity.encode("utf-8", "surrogateescape") + b":" + \
        key.hex().encode() + b"\n"


def clean_server_file(identity: str, key: bytes) -> bytes:
    raw = identity.encode("utf-8", "surrogateescape")
    if b":" in raw or raw.startswith(b"#"):
        name = b"#" + raw.hex().encode()
    else:
        name = raw
    return name + b":" + key.hex().encode() + b"\n"


class _Server:
    """A persistent qemu-nbd with PSK server credentials from ``directory``."""

    def __init__(self, directory: str, image: str, log: str):
        self.directory = directory
        self.process = None
        self.port = 0
        for _attempt in range(5):
            if self._start(image, log):
                return
        raise RuntimeError("qemu-nbd did not start; see " + log)

    def _start(self, image: str, log: str) -> bool:
        self.port = _free_port()
        with open(log, "ab") as log_file:
            self.process = subprocess.Popen(
                ["qemu-nbd", "-t", "-x", "/", "-f", "raw",
                 "--object", _object("server", self.directory),
                 "--tls-creds", "tls0", "-b", "127.0.0.1",
                 "-p", str(self.port), image],
                stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port),
                                              timeout=1):
                    return True
            except OSError:
                time.sleep(0.05)
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


class Oracle:
    """Both sides of a migration, asked about one key file at a time."""

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="confcheck-psk-oracle-")
        self.dirs = {}
        for name in ("variant", "clean-server", "clean-client"):
            path = os.path.join(self.workdir, name)
            os.mkdir(path, 0o700)
            self.dirs[name] = path
            _write(os.path.join(path, "keys.psk"), b"")
        image = os.path.join(self.workdir, "disk.raw")
        with open(image, "wb") as handle:
            handle.truncate(1 << 20)
        log = os.path.join(self.workdir, "qemu-nbd.log")
        self.servers = {}
        try:
            for name in ("variant", "clean-server"):
                self.servers[name] = _Server(self.dirs[name], image, log)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def _put(self, name: str, data: bytes) -> None:
        _write(os.path.join(self.dirs[name], "keys.psk"), data)

    def _handshake(self, client_dir: str, identity: str, server: _Server,
                   priority: Optional[str] = None) -> Outcome:
        return _run(["qemu-img", "info", "--object",
                     _object("client", client_dir, identity, priority),
                     "--image-opts",
                     "driver=raw,file.driver=nbd,file.host=127.0.0.1,"
                     f"file.port={server.port},file.tls-creds=tls0,"
                     "file.export=/"])

    def source_load(self, data: bytes, identity: str) -> Outcome:
        """QEMU as migration source builds its credentials from ``data``."""
        self._put("variant", data)
        return _run(["qemu-img", "info", "--object",
                     _object("client", self.dirs["variant"], identity),
                     "-f", "raw", "/dev/null"])

    def source_handshake(self, data: bytes, identity: str,
                         key: bytes) -> Outcome:
        """The source with ``data`` against a destination holding ``key``."""
        self._put("variant", data)
        self._put("clean-server", clean_server_file(identity, key))
        return self._handshake(self.dirs["variant"], identity,
                               self.servers["clean-server"])

    def destination_handshake(self, data: bytes, identity: str,
                              key: bytes, tls12: bool = False) -> Outcome:
        """The destination with ``data`` against a source holding ``key``
        (over TLS 1.2 with ``tls12``, else what QEMU negotiates: 1.3)."""
        self._put("variant", data)
        self._put("clean-client", clean_client_file(identity, key))
        return self._handshake(self.dirs["clean-client"], identity,
                               self.servers["variant"],
                               TLS12_ONLY if tls12 else None)


def pair_handshake(oracle: Oracle, source_data: bytes,
                   destination_data: bytes, identity: str) -> Outcome:
    """A source with ``source_data`` against a destination with
    ``destination_data``, both as written (nothing cleaned)."""
    oracle._put("clean-client", source_data)
    oracle._put("variant", destination_data)
    return oracle._handshake(oracle.dirs["clean-client"], identity,
                             oracle.servers["variant"])


def handshake_with_served_dir(oracle: Oracle, source_data: bytes,
                              identity: str) -> Outcome:
    """A source with ``source_data`` against the destination's directory
    as it is now (``oracle.dirs["variant"]``, written by the caller)."""
    oracle._put("clean-client", source_data)
    return oracle._handshake(oracle.dirs["clean-client"], identity,
                             oracle.servers["variant"])
