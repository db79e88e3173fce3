"""The check as a plain function: what the CLI (and tests) call."""

import dataclasses
import os
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, List, Optional, Sequence, Tuple

from . import checks
from .checks.context import CheckContext
from .document import Document
from .findings import ERROR, STAGE_START, Finding
from .host import Host
from .reader import MAX_CONFIG_SIZE, ReadError, read_limited

DEFAULT_CONFIG = "/etc/libvirt/qemu.conf"


@dataclass
class Options:
    root: Optional[str] = None
    no_host: bool = False
    version: Optional[Tuple[int, int]] = None
    session: bool = False
    psk_identities: Tuple[str, ...] = ()
    migrate_uri: Optional[str] = None
    role: Optional[str] = None
    #: without a version, judge against the release the checked host has
    #: installed (its package database), as the CLI does
    detect_version: bool = False
    #: run the Augeas lens check (off when no LNS rule is selected: it
    #: loads the file a second time, through Augeas)
    lens_check: bool = True


@dataclass
class Report:
    findings: List[Finding] = field(default_factory=list)
    #: the path findings name -> (Document, its lines), for excerpts and
    #: suppression comments
    documents: dict = field(default_factory=dict)
    #: one line each for inputs that could not be read
    read_errors: List[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


def check_bytes(data: bytes, path: str, options: Options) -> Tuple[
        List[Finding], Document]:
    """Check qemu.conf content as if installed at ``path`` on the host."""
    truncated = len(data) > MAX_CONFIG_SIZE
    host = None if options.no_host else Host(options.root or "/")
    version, detected = options.version, None
    if version is None and options.detect_version and host is not None:
        from .version import detect_version

        from .settings import modelled_release

        installed = detect_version(host)
        if installed is not None:
            version = modelled_release(installed)
            detected = installed
    document = Document(data[:MAX_CONFIG_SIZE] if truncated else data,
                        version, truncated=truncated)
    ctx = CheckContext(path=path, doc=document, host=host,
                       version=version, session=options.session,
                       psk_identities=tuple(options.psk_identities),
                       migrate_uri=options.migrate_uri, role=options.role,
                       version_detected=detected,
                       lens_check=options.lens_check)
    findings = _mark_daemon_first(checks.run(ctx))
    return sorted(findings, key=Finding.sort_key), document


def _mark_daemon_first(findings: List[Finding]) -> List[Finding]:
    """Mark the start-up error the daemon reports: it stops at the first
    it meets, which is not always the first in the file."""
    if not any(f.severity == ERROR and f.stage == STAGE_START
               for f in findings):
        return findings
    from .checks.startup import first_start_error

    first = first_start_error(findings)
    if first is None:
        return findings
    return [dataclasses.replace(f, daemon_first=True) if f is first else f
            for f in findings]


def check_file(path: str, options: Options, display: Optional[str] = None
               ) -> Tuple[List[Finding], Document]:
    """Read and check one file; ReadError when it cannot be read."""
    data = read_limited(path)
    return check_bytes(data, display or path, options)


def default_config_path(options: Options) -> str:
    """The file the daemon reads: the per-user one under ``--session``."""
    path = default_host_path(options)
    if options.root:
        return os.path.join(options.root, path.lstrip("/"))
    return path


def default_host_path(options: Options) -> str:
    """Where the daemon reads its file on the host (no ``--root``)."""
    path = DEFAULT_CONFIG
    if options.session:
        # $XDG_CONFIG_HOME/libvirt/qemu.conf, ~/.config by default (facts
        # §0), as GLib finds the user's configuration directory.
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(
            os.path.expanduser("~"), ".config")
        path = os.path.join(base, "libvirt", "qemu.conf")
    return path


@dataclass(frozen=True)
class Input:
    """One qemu.conf to check.

    ``path`` is the file read (``"-"``: ``stdin``); ``label`` the path that
    findings name and checks treat as the file's place on the host (the
    ``--as`` path); ``root`` overrides ``Options.root`` (``--host-tree``).
    With ``host_path`` the file is the host's own (``--host-tree``, or no
    FILE under ``--root``): read at that host path resolved inside
    ``root``, so a qemu.conf that is a symlink never reaches a file of
    the machine running confcheck.
    """

    path: str
    label: Optional[str] = None
    root: Optional[str] = None
    host_path: Optional[str] = None

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        return "<stdin>" if self.path == "-" else self.path


def host_tree_input(directory: str) -> Input:
    """DIR/etc/libvirt/qemu.conf, checked with DIR as the host's root."""
    path = os.path.join(directory, DEFAULT_CONFIG.lstrip("/"))
    return Input(path=path, root=directory, host_path=DEFAULT_CONFIG)


def read_input(item: Input, stdin: Optional[BinaryIO] = None) -> bytes:
    if item.path == "-":
        stream = stdin
        if stream is None:
            import sys

            if sys.stdin is None:  # started with standard input closed
                raise ReadError("<stdin>: standard input is closed")
            stream = sys.stdin.buffer
        try:
            return stream.read(MAX_CONFIG_SIZE + 1)
        except OSError as exc:
            raise ReadError(f"<stdin>: {exc.strerror or exc}") from None
    if item.host_path is not None and item.root is not None:
        return _read_in_tree(item)
    return read_limited(item.path)


def _read_in_tree(item: Input) -> bytes:
    """The host file ``item.host_path``, links followed inside the tree."""
    from .host import HostPathError

    if not os.path.isdir(item.root):
        reason = ("no such directory" if not os.path.lexists(item.root)
                  else "not a directory")
        raise ReadError(f"{item.root}: {reason} (a host tree is a "
                        "directory holding etc/libvirt/qemu.conf)")
    try:
        real = Host(item.root).resolve(item.host_path)
    except HostPathError:
        raise ReadError(f"{item.path}: too many levels of symbolic links "
                        "inside the tree") from None
    try:
        return read_limited(real)
    except ReadError as exc:
        # Name the file as the user named it, not where the link led.
        reason = str(exc).removeprefix(real + ": ")
        raise ReadError(f"{item.path}: {reason}", exc.errno) from None


def source_lines(document: Document) -> Sequence[str]:
    """The file's lines as libvirt numbers them (decoded, CR kept off)."""
    from .syntax import virconf

    text = virconf.decode(document.data)
    if "\r" not in text:
        return text.split("\n")
    return [line[:-1] if line.endswith("\r") else line
            for line in text.split("\n")]


#: Each worker process takes at least this many inputs: for fewer,
#: starting it and sending back its documents cost more than it saves.
PARALLEL_MIN_INPUTS = 100


def check_inputs(inputs: Iterable[Input], options: Options,
                 selection=None, stdin: Optional[BinaryIO] = None,
                 jobs: Optional[int] = None) -> Report:
    """Check every input; unreadable ones become ``read_errors``.

    Many inputs (a fleet of host trees) are spread over ``jobs`` worker
    processes (default: the cores this process may use); each builds any
    parser once and reuses it.  The report is the same as from one
    process, in input order.  ``selection``
    (pyconfcheck.selection.Selection) filters the findings and applies
    suppression comments; None keeps every finding.
    """
    items = list(inputs)
    report = Report()
    raw: List[Finding] = []
    for item, outcome in zip(items, _outcomes(items, options, stdin, jobs)):
        if isinstance(outcome, str):
            report.read_errors.append(outcome)
            continue
        findings, document, lines = outcome
        raw.extend(findings)
        report.documents[item.name] = (document, lines)

    if selection is None:
        report.findings = sorted(raw, key=Finding.sort_key)
    else:
        from . import selection as selection_module

        report.findings = selection_module.apply(raw, selection,
                                                 report.documents)
    return report


def worker_count(inputs: int, jobs: Optional[int] = None) -> int:
    """How many processes check ``inputs`` files (1: this one alone)."""
    if jobs is None:
        try:
            jobs = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, inputs // PARALLEL_MIN_INPUTS))


def _check_one(item: Input, options: Options,
               stdin: Optional[BinaryIO] = None):
    """The read error of ``item`` (a str), or (findings, document, lines)."""
    try:
        data = read_input(item, stdin)
    except ReadError as exc:
        return str(exc)
    if item.root is not None:
        options = dataclasses.replace(options, root=item.root)
    findings, document = check_bytes(data, item.name, options)
    return _scrubbed(findings, document), document, source_lines(document)


def _outcomes(items: List[Input], options: Options,
              stdin: Optional[BinaryIO], jobs: Optional[int]):
    workers = worker_count(len(items), jobs)
    if workers == 1 or any(item.path == "-" for item in items):
        # Standard input is read once, here.
        return (_check_one(item, options, stdin) for item in items)

    import functools
    import multiprocessing

    # Forked workers start with everything already imported; a chunk per
    # task keeps the parent's share (unpickling results) small.
    context = multiprocessing.get_context("fork")
    chunk = max(1, min(64, len(items) // (workers * 4)))
    with context.Pool(workers, initializer=_ignore_interrupts) as pool:
        return pool.map(functools.partial(_check_one, options=options),
                        items, chunksize=chunk)


def _ignore_interrupts():
    # Ctrl-C reaches the whole process group: only the parent answers it
    # (and ends the pool), so the run stops with one line, not a
    # traceback per worker.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _scrubbed(findings: List[Finding], document: Document) -> List[Finding]:
    """Findings with any password value taken out of their messages."""
    from .report import redact

    secrets = redact.secret_values(document)
    if not secrets:
        return findings
    return [dataclasses.replace(finding,
                                message=redact.scrub(finding.message, secrets))
            for finding in findings]
