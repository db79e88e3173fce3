"""confcheck's x509 verdicts against QEMU's, directory by directory.

Every case of ``tests/oracle/x509_cases.py`` is built on disk, inside a
host tree of its own, and judged by QEMU (qemu-img load, qemu-nbd
handshake over 127.0.0.1, as the QEMU user when the tests run as root)
and by confcheck twice:

* ``pyconfcheck.tls.x509.check_directory`` given the roles, host name,
  verify flag and secret directly; "works" means no finding of error
  severity;
* end to end: a qemu.conf in the host tree whose settings lead confcheck
  to the directory in the case's role (``ROUTES``), checked with
  ``api.check_file`` and the tree as ``--root``.  "Works" means no X509
  or ACC error of the feature's stage, and the file must give no other
  error.

Both must agree with QEMU on every case, and QEMU must agree with what
the case was built to show.
"""

import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "oracle"))

import qemu_x509  # noqa: E402
import x509_cases  # noqa: E402
from pyconfcheck import api, rules  # noqa: E402
from pyconfcheck.findings import STAGE_MIGRATION, STAGE_VM_START  # noqa: E402
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


@dataclass(frozen=True)
class Route:
    """A qemu.conf feature (and ``--role``) that leads confcheck to a case."""

    feature: str
    #: ``--role``: None (both), "source" (client) or "destination"
    role: Optional[str] = None

    @property
    def label(self) -> str:
        if self.feature != "migrate":
            return self.feature
        return "-".join(["migration"] + ([self.role] if self.role else []))

    @property
    def stage(self) -> str:
        return STAGE_MIGRATION if self.feature == "migrate" else STAGE_VM_START


#: Server features other than migration, taken in turn by the server cases.
#: SPICE is not among them: QEMU's SPICE server reads the files with
#: OpenSSL, not through the GnuTLS credentials object measured here.
SERVER_FEATURES = ("vnc", "chardev", "backup")


def _routes():
    """The routes of every case, by name.

    Every case goes through migration in its role: the one feature whose
    settings carry a host name and the verify flag of both ends.  A
    one-role case also goes through another feature of that role, unless
    what decides it (``hinges_on``) is something that feature's settings
    do not tell confcheck.
    """
    found = {}
    server_turn = 0
    for case in x509_cases.CASES:
        if case.role == "both":
            found[case.name] = (Route("migrate"),)
        elif case.role == "server":
            chosen = [Route("migrate", "destination")]
            if case.hinges_on != x509_cases.HOST_NAME:
                feature = SERVER_FEATURES[server_turn % len(SERVER_FEATURES)]
                chosen.append(Route(feature))
                server_turn += 1
            found[case.name] = tuple(chosen)
        else:
            chosen = [Route("migrate", "source")]
            if case.hinges_on != x509_cases.PEER_VERIFY:
                chosen.append(Route("nbd"))
            found[case.name] = tuple(chosen)
    return found


ROUTES = _routes()


def _is_ipv4_address(name: str) -> bool:
    return all(part.isdigit() for part in name.split("."))


def qemu_conf(case, route: Route, directory: str) -> bytes:
    """A qemu.conf that turns ``route``'s feature on with ``directory``.

    chardev takes its directory and secret from default_tls_x509_*, so
    libvirt's inheritance is on the path too; the others name their own.
    """
    lines = ['user = "libvirt-qemu"', 'group = "libvirt-qemu"']
    if route.feature in ("vnc", "chardev", "nbd"):
        lines.append(f"{route.feature}_tls = 1")
    if route.feature == "migrate":
        lines.append("migrate_tls_force = 1")
    # backup needs no switch: any backup_tls_x509_* setting turns it on.
    prefix = "default" if route.feature == "chardev" else route.feature
    lines.append(f'{prefix}_tls_x509_cert_dir = "{directory}"')
    if route.feature != "nbd":  # an NBD client has no verify setting
        lines.append(f"{route.feature}_tls_x509_verify = {int(case.verify)}")
    if case.password and case.give_secret:
        lines.append(f'{prefix}_tls_x509_secret_uuid = "{SECRET_UUID}"')
    # migration_host may not name the local machine (STA002): the case
    # that expects 127.0.0.1 gets it from the migration URI instead.
    if (route.feature == "migrate" and route.role != "source"
            and not _is_ipv4_address(case.hostname)):
        lines.append(f'migration_host = "{case.hostname}"')
    return ("\n".join(lines) + "\n").encode()


def _migrate_uri(case, route: Route) -> Optional[str]:
    if (route.feature == "migrate" and route.role != "source"
            and _is_ipv4_address(case.hostname)):
        return f"tcp://{case.hostname}:49152"
    return None


def host_tree(base: str, case) -> str:
    """The ``--root`` of ``case``: its QEMU account and an empty /etc/pki.

    The account is the identity QEMU runs as in the case, its
    supplementary groups written as /etc/group memberships.
    """
    hosts = os.path.join(base, "hosts")
    root = os.path.join(hosts, case.name)
    # QEMU runs as another user: it must reach the case directory below.
    # Only this tree's directories: other cases are built in parallel, and
    # some make their own directory unsearchable on purpose.
    for directory in [hosts, root] + [
            os.path.join(root, part) for part in (
                "etc", "etc/libvirt", "etc/pki", "usr", "usr/sbin")]:
        os.makedirs(directory, exist_ok=True)
        os.chmod(directory, 0o755)
    identity = _identity(case)
    with open(os.path.join(root, "etc", "passwd"), "w") as handle:
        handle.write("root:x:0:0:root:/root:/bin/bash\n"
                     f"libvirt-qemu:x:{identity.uid}:{identity.gid}::"
                     "/var/lib/libvirt:/usr/sbin/nologin\n")
    names = {0: "root", identity.gid: "libvirt-qemu"}
    for gid in identity.groups:
        names.setdefault(gid, f"qemu-extra-{gid}")
    with open(os.path.join(root, "etc", "group"), "w") as handle:
        for gid, name in names.items():
            member = "libvirt-qemu" if gid in identity.groups else ""
            handle.write(f"{name}:x:{gid}:{member}\n")
    with open(os.path.join(root, "etc", "os-release"), "w") as handle:
        handle.write('ID=debian\nVERSION_ID="12"\n')
    # stdio_handler "logd" (the default) needs virtlogd on the host.
    open(os.path.join(root, "usr", "sbin", "virtlogd"), "w").close()
    return root


def confcheck_end_to_end(case, root: str, route: Route):
    """confcheck's findings for the qemu.conf ``route`` writes in ``root``."""
    directory = f"/etc/pki/{case.name}"
    path = os.path.join(root, "etc", "libvirt", "qemu.conf")
    with open(path, "wb") as handle:
        handle.write(qemu_conf(case, route, directory))
    options = api.Options(root=root, role=route.role,
                          migrate_uri=_migrate_uri(case, route))
    findings, _ = api.check_file(path, options)
    return findings


@pytest.fixture(scope="module")
def verdicts():
    bench = Bench()
    started = time.monotonic()
    runnable = [case for case in x509_cases.CASES
                if IS_ROOT or not case.needs_root]

    def judge(case):
        root = host_tree(bench.base, case)
        directory = x509_cases.build(bench.world, case,
                                     os.path.join(root, "etc", "pki"))
        end_to_end = {route: confcheck_end_to_end(case, root, route)
                      for route in ROUTES[case.name]}
        return case.name, (bench.qemu(case, directory),
                           confcheck(case, directory), end_to_end)

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
    outcome, problems, _ = verdicts[name]
    assert outcome.works == case.expect, (
        f"QEMU no longer shows what the case was built for: "
        f"{outcome.stage}: {outcome.message}")
    errors = _errors(problems)
    assert (not errors) == outcome.works, (
        f"QEMU {outcome.stage}: {outcome.message!r}; "
        f"confcheck: {[(p.code, p.message) for p in errors]}")


END_TO_END = [(name, route) for name in sorted(ROUTES)
              for route in ROUTES[name]]


def test_every_case_runs_end_to_end():
    assert set(ROUTES) == set(CASES)
    assert len(END_TO_END) >= 30
    used = {route.label for _, route in END_TO_END}
    assert used == {"vnc", "chardev", "backup", "nbd", "migration",
                    "migration-source", "migration-destination"}


@pytest.mark.parametrize("name,route", END_TO_END, ids=[
    f"{name}-via-{route.label}" for name, route in END_TO_END])
def test_confcheck_end_to_end_agrees_with_qemu(verdicts, name, route):
    case = CASES[name]
    if case.needs_root and not IS_ROOT:
        pytest.skip("runs QEMU as another user: needs root")
    outcome, problems, end_to_end = verdicts[name]
    errors = [f for f in end_to_end[route] if f.severity == "error"]
    tls_errors = [f for f in errors if f.code.startswith(("X509", "ACC"))
                  and f.stage == route.stage]
    other_errors = [f for f in errors if f not in tls_errors]
    assert not other_errors, (
        f"the qemu.conf of the case is itself wrong: "
        f"{[(f.code, f.stage, f.message) for f in other_errors]}")
    assert (not tls_errors) == outcome.works, (
        f"QEMU {outcome.stage}: {outcome.message!r}; confcheck: "
        f"{[(f.code, f.message) for f in tls_errors]}")
    # The way from qemu.conf to the directory loses and adds nothing.
    assert ({f.code for f in tls_errors}
            == {p.code for p in _errors(problems)})


def test_oracle_runs_in_bounded_time(verdicts):
    assert verdicts["__seconds__"] < 120
