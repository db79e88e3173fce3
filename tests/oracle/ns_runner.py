"""One oracle case, run inside its own mount and network namespace.

Started by tests/oracle/libvirtd.py as ``unshare --mount --net python
ns_runner.py CASE_DIR``, as root.  Inside the namespace:

1. ``/etc``, ``/var``, ``/usr`` and ``/mnt`` become overlays whose
   writable layer is in CASE_DIR, ``/run`` a fresh tmpfs: the case adds
   accounts, files, directories and mount points there only, and whatever
   the daemon writes lands in CASE_DIR.  The host's own files are never
   touched.  The network
   namespace is empty, so firewall rules the daemon might apply (mac_filter)
   cannot reach the host.
2. confcheck checks the file with ``--libvirt-version 9.0`` (``--session``
   for session cases), in-process, seeing exactly the host the daemon sees.
3. The daemon starts: libvirtd as root (privileged rules), or
   ``virt-qemu-run -r ROOT`` as nobody (session rules).  Its log tells
   whether the QEMU driver initialised.

The result is one JSON object on stdout.
"""

import json
import os
import re
import subprocess
import sys
import time

NOBODY = 65534
DAEMON_TIMEOUT = 25
FAILED = re.compile(r"Initialization of QEMU state driver failed: (.*)")

DOMAIN_XML = (
    "<domain type='qemu'><name>oracle</name><memory>1024</memory>"
    "<os><type>hvm</type></os><devices>"
    "<emulator>/nonexistent/qemu-system</emulator></devices></domain>\n")


def main(case_dir):
    with open(os.path.join(case_dir, "case.json")) as handle:
        case = json.load(handle)
    _isolate(case_dir)
    _prepare(case, case_dir)
    conf_path = _write_config(case, case_dir)
    findings = _confcheck(case, conf_path, case_dir)
    if case["session"]:
        daemon = _run_session(case_dir)
    else:
        daemon = _run_privileged(case_dir)
    daemon["findings"] = findings
    daemon["conf_path"] = conf_path
    json.dump(daemon, sys.stdout)


def _sh(*command):
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, timeout=30)


#: Top-level directories that become overlays: a case may create files,
#: directories and mount points only below these (and /run, a tmpfs), so
#: nothing it makes reaches the host.
OVERLAID = ("etc", "var", "usr", "mnt")


def _isolate(case_dir):
    # Mount changes must not propagate back to the host's namespace.
    _sh("mount", "--make-rprivate", "/")
    for top in OVERLAID:
        upper = os.path.join(case_dir, "layers", top, "upper")
        work = os.path.join(case_dir, "layers", top, "work")
        os.makedirs(upper)
        os.makedirs(work)
        _sh("mount", "-t", "overlay", "overlay", "-o",
            f"lowerdir=/{top},upperdir={upper},workdir={work}", f"/{top}")
    _sh("mount", "-t", "tmpfs", "tmpfs", "/run")
    # A relative path in a case (auto_dump_path = "dump") is created in
    # the daemon's working directory: make that one a throw-away too.
    os.makedirs("/run/cwd")
    os.chdir("/run/cwd")


def _inside_overlay(path):
    top = os.path.abspath(path).split("/")[1]
    if top not in OVERLAID + ("run",):
        raise SystemExit(f"case path {path} is outside the overlaid "
                         f"directories {OVERLAID}: it would reach the host")
    return path


#: Settings whose directory the privileged daemon creates and chowns.
_CREATED = re.compile(
    r'^[ \t]*(auto_dump_path|memory_backing_dir)[ \t]*=[ \t]*"([^"]*)"',
    re.M)

#: Where a created directory may point besides the overlays: mkdir fails
#: there, so nothing reaches the host.
_NO_MKDIR = ("proc", "sys")


def _check_created(conf):
    for match in _CREATED.finditer(conf):
        path = match.group(2)
        if not path.startswith("/"):
            continue
        top = os.path.abspath(path).split("/")[1]
        if top not in OVERLAID + ("run",) + _NO_MKDIR:
            raise SystemExit(f"{match.group(1)} = {path!r} would make the "
                             "daemon create or chown a directory of the "
                             "host: use a path below " + ", ".join(
                                 "/" + t for t in OVERLAID + ("run",)))


def _prepare(case, case_dir):
    for path in [*case["dirs"], *case["files"], *case["hugetlbfs"],
                 *case["tmpfs"], *case.get("readonly", ())]:
        _inside_overlay(path)
    _check_created(case["conf"])
    with open("/etc/passwd", "a") as passwd, open("/etc/group", "a") as group:
        for name, uid in case["accounts"]:
            passwd.write(f"{name}:x:{uid}:{uid}::/var/lib/{name}:"
                         "/usr/sbin/nologin\n")
            group.write(f"{name}:x:{uid}:\n")
    os.makedirs("/etc/libvirt", exist_ok=True)
    for path in case["dirs"]:
        os.makedirs(path, exist_ok=True)
    for path, text in case["files"].items():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)
    for path in case.get("executables", ()):
        os.chmod(path, 0o755)
    for path in case["hugetlbfs"]:
        os.makedirs(path, exist_ok=True)
        _sh("mount", "-t", "hugetlbfs", "none", path)
    for path in case["tmpfs"]:
        os.makedirs(path, exist_ok=True)
        _sh("mount", "-t", "tmpfs", "tmpfs", path)
    for path in case.get("readonly", ()):
        os.makedirs(path, exist_ok=True)
        _sh("mount", "-t", "tmpfs", "-o", "ro", "tmpfs", path)


def _write_config(case, case_dir):
    if case["session"]:
        session = os.path.join(case_dir, "session")
        path = os.path.join(session, "embed", "etc", "qemu.conf")
        os.makedirs(os.path.dirname(path))
        for name in ("home", "xdg"):
            os.makedirs(os.path.join(session, name))
        os.chmod(case_dir, 0o755)
        for base, dirs, _ in os.walk(session):
            os.chown(base, NOBODY, NOBODY)
    else:
        path = "/etc/libvirt/qemu.conf"
    with open(path, "wb") as handle:
        handle.write(case["conf"].encode("utf-8", "surrogateescape"))
    if case["session"]:
        os.chown(path, NOBODY, NOBODY)
    return path


def _load_everything_confcheck_reads():
    """Import every module and build every parser before dropping root.

    The session cases check as nobody, who may not reach the checkout at
    all (a clone under /root, mode 0700, as on a CI machine): whatever
    confcheck loads lazily must be in memory by then.
    """
    import importlib
    import pkgutil

    import pyconfcheck

    skip = {"pyconfcheck.__main__"}
    for module in pkgutil.walk_packages(pyconfcheck.__path__,
                                        "pyconfcheck."):
        if module.name not in skip:
            importlib.import_module(module.name)
    for name in ("lark", "lark.exceptions", "augeas", "cryptography.x509",
                 "cryptography.x509.oid",
                 "cryptography.hazmat.primitives.hashes",
                 "cryptography.hazmat.primitives.serialization", "difflib",
                 "tomllib"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # an optional extra confcheck also runs without
    from pyconfcheck.mirror import _parser as mirror_parser
    from pyconfcheck.syntax import virconf

    virconf._parser()
    mirror_parser()


def _confcheck(case, conf_path, case_dir):
    """Findings of confcheck, computed as the daemon's user would."""
    from pyconfcheck import api
    from pyconfcheck.checks import startup

    if case["session"]:
        _load_everything_confcheck_reads()
    options = api.Options(version=(9, 0), session=case["session"])
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        status = 0
        try:
            if case["session"]:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            findings, _ = api.check_file(conf_path, options)
            # The finding users see marked (JSON daemon_first, the text
            # note), which must be the one the ranking picks.
            marked = [f for f in findings if f.daemon_first]
            first = startup.first_start_error(findings)
            if marked != ([] if first is None else [first]):
                raise AssertionError(f"marked {marked}, ranked {first}")
            data = json.dumps({
                "all": [f.as_dict() for f in findings],
                "first": None if first is None else first.as_dict(),
            }).encode()
        except Exception as exc:  # reported to the test, not swallowed
            data = json.dumps({"crash": f"{type(exc).__name__}: {exc}"}
                              ).encode()
            status = 1
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as source:
        data = source.read()
    os.waitpid(child, 0)
    return json.loads(data.decode())


def _run_privileged(case_dir):
    log = "/run/libvirtd-oracle.log"
    with open("/etc/libvirt/libvirtd.conf", "w") as handle:
        handle.write(f'log_outputs = "3:file:{log}"\n')
    started = time.monotonic()
    # --timeout 1: the daemon exits once idle; it holds off until every
    # driver has finished initialising, so a clean exit means success.
    done = subprocess.run(["libvirtd", "--timeout", "1"],
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=DAEMON_TIMEOUT)
    try:
        with open(log, errors="replace") as handle:
            text = handle.read()
    except OSError:
        text = ""
    return _outcome(text + done.stderr, done.returncode, started)


def _run_session(case_dir):
    session = os.path.join(case_dir, "session")
    root = os.path.join(session, "embed")
    domain = os.path.join(session, "domain.xml")
    with open(domain, "w") as handle:
        handle.write(DOMAIN_XML)
    os.chown(domain, NOBODY, NOBODY)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
           "HOME": os.path.join(session, "home"),
           "XDG_RUNTIME_DIR": os.path.join(session, "xdg"),
           "LC_ALL": "C"}
    started = time.monotonic()
    done = subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
         "--clear-groups", "--", "virt-qemu-run", "-r", root, domain],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env,
        timeout=DAEMON_TIMEOUT, cwd=session)
    return _outcome(done.stderr, done.returncode, started)


def _outcome(text, returncode, started):
    match = FAILED.search(text)
    return {
        "failed": match is not None,
        "message": match.group(1).strip() if match else None,
        "returncode": returncode,
        "seconds": round(time.monotonic() - started, 3),
        "log_tail": text[-2000:],
    }


if __name__ == "__main__":
    main(sys.argv[1])
