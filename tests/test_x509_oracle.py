"""confcheck's x509 verdicts against QEMU's, directory by directory.

Every case of ``tests/oracle/x509_cases.py`` is built on disk and judged
twice: by QEMU (qemu-img load, qemu-nbd handshake over 127.0.0.1, as the
QEMU user when the tests run as root) and by
``pyconfcheck.tls.x509.check_directory``.  "Works" for confcheck means no
finding of error severity.  Both must agree on every case, and QEMU must
agree with what the case was built to show.
"""

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "oracle"))

import qemu_x509  # noqa: E402
import x509_cases  # noqa: E402
from pyconfcheck import rules  # noqa: E402
from pyconfcheck.host import Host, Identity  # noqa: E402
from pyconfcheck.tls import x509  # noqa: E402

# Real QEMU runs: part of `make test`, left out of the `make check` loop.
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    shutil.which("qemu-img") is None or shutil.which("qemu-nbd") is None,
    reason="qemu-utils (qemu-img, qemu-nbd) is not installed")]

IS_ROOT = os.geteuid() == 0
CASES = {case.name: case for case in x509_cases.CASES}
SECRET_UUID = "0b1c3a2e-5f6d-4e7a-9b8c-1d2e3f4a5b6c"


def _identity(case):
    if IS_ROOT:
        return Identity(x509_cases.QEMU_UID, x509_cases.QEMU_GID,
                        tuple(case.groups))
    return Identity(os.geteuid(), os.getegid(), tuple(os.getgroups()))


def _run_as(case):
    if not IS_ROOT:
        return None
    return qemu_x509.RunAs(x509_cases.QEMU_UID, x509_cases.QEMU_GID,
                           tuple(case.groups))


class Bench:
    """The reference peers, the image and the run directory of one session."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="confcheck-x509-")
        # QEMU runs as another user: it must reach everything below.
        os.chmod(self.base, 0o755)
        self.run_dir = os.path.join(self.base, "run")
        os.mkdir(self.run_dir)
        os.chmod(self.run_dir, 0o1777)
        self.image = os.path.join(self.base, "disk.raw")
        with open(self.image, "wb") as handle:
            handle.truncate(1 << 20)
        os.chmod(self.image, 0o644)
        self.world = x509_cases.World()
        self.ref_server = x509_cases.build(self.world, x509_cases.Case(
            "reference-server", "server", True,
            lambda w: w.server_files()), self.base)
        self.ref_client = x509_cases.build(self.world, x509_cases.Case(
            "reference-client", "client", True,
            lambda w: w.client_files()), self.base)

    def password_file(self, case):
        if not (case.password and case.give_secret):
            return None
        path = os.path.join(self.base, f"password-{case.name}")
        with open(path, "wb") as handle:
            handle.write(case.password)
        os.chmod(path, 0o644)
        return path

    def qemu(self, case, directory):
        """QEMU's verdict on ``directory``."""
        run_as = _run_as(case)
        password = self.password_file(case)
        if case.role == "server":
            return qemu_x509.handshake(
                directory, self.ref_client, case.hostname, case.verify,
                self.image, self.run_dir, server_as=run_as,
                server_password=password)
        if case.role == "client":
            loaded = qemu_x509.load_client(directory, run_as, password)
            if not loaded.works:
                return loaded
            return qemu_x509.handshake(
                self.ref_server, directory, x509_cases.DEST, case.verify,
                self.image, self.run_dir, client_as=run_as,
                client_password=password)
        return qemu_x509.handshake(
            directory, directory, case.hostname, case.verify, self.image,
            self.run_dir, server_as=run_as, client_as=run_as,
            server_password=password, client_password=password)


def confcheck(case, directory):
    """confcheck's problems for ``directory`` in the case's roles."""
    roles = {"server": ["server"], "client": ["client"],
             "both": ["server", "client"]}[case.role]
    secret = SECRET_UUID if case.password and case.give_secret else None
    return x509.check_directory(
        Host("/"), directory, roles, peer_verifies=case.verify,
        host_names=[case.hostname] if "server" in roles else [],
        secret_uuid=secret, identity=_identity(case))


def _errors(problems):
    return [p for p in problems if rules.get(p.code).severity == "error"]


@pytest.fixture(scope="module")
def verdicts():
    bench = Bench()
    started = time.monotonic()
    runnable = [case for case in x509_cases.CASES
                if IS_ROOT or not case.needs_root]

    def judge(case):
        directory = x509_cases.build(bench.world, case, bench.base)
        return case.name, (bench.qemu(case, directory),
                           confcheck(case, directory))

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = dict(pool.map(judge, runnable))
        results["__seconds__"] = time.monotonic() - started
        yield results
    finally:
        shutil.rmtree(bench.base, ignore_errors=True)


def test_there_are_enough_cases():
    assert len(CASES) >= 30
    assert len(CASES) == len(x509_cases.CASES), "case names must be unique"


@pytest.mark.parametrize("name", sorted(CASES))
def test_confcheck_agrees_with_qemu(verdicts, name):
    case = CASES[name]
    if case.needs_root and not IS_ROOT:
        pytest.skip("runs QEMU as another user: needs root")
    outcome, problems = verdicts[name]
    assert outcome.works == case.expect, (
        f"QEMU no longer shows what the case was built for: "
        f"{outcome.stage}: {outcome.message}")
    errors = _errors(problems)
    assert (not errors) == outcome.works, (
        f"QEMU {outcome.stage}: {outcome.message!r}; "
        f"confcheck: {[(p.code, p.message) for p in errors]}")


def test_oracle_runs_in_bounded_time(verdicts):
    assert verdicts["__seconds__"] < 120
