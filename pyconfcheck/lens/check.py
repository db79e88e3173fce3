"""Augeas lens: can augtool and Puppet on the host edit this file?

Augeas-based tools (augtool, Puppet's augeas resource, Ansible's and
Salt's augeas modules) read qemu.conf with the ``Libvirtd_qemu`` lens that
is installed on the host.  That lens rejects the whole file when one line
is outside its grammar, although libvirt's daemon reads the file fine.
This check parses the file with the lens Augeas on the checked host would
load (under ``--root``: ``/usr/share/augeas/lenses``, then
``/usr/share/augeas/lenses/dist``) through python-augeas.
"""

import os

from ..findings import INFO, STAGE_EDIT, WARNING
from ..rules import Rule
from . import MODULE, bridge

RULES = (
    Rule("LNS001", "augeas-cannot-edit", WARNING, STAGE_EDIT,
         "the host's Augeas lens cannot read the file, so augtool and "
         "Puppet cannot edit it",
         """\
Augeas reads a file whole or not at all: one line the `Libvirtd_qemu` lens
does not know makes every augtool command and every Puppet `augeas`
resource on the file fail, although libvirt starts fine.  The stock lens
(libvirt 9.0 in Debian 12) rejects, among others, settings it does not
know (such as `default_tls_psk_dir`), a comment after a value, an indented
comment, single quotes, negative numbers and the list form of
`security_driver`.  The finding gives the line and column where Augeas
stopped and Augeas's reason.

Failing (with the stock 9.0 lens):

    keepalive_interval = -1
    default_tls_psk_dir = "/etc/pki/qemu-psk"   # for TLS-PSK

Passing:

    keepalive_interval = 5
    default_tls_psk_dir = "/etc/pki/qemu-psk"

(the second line still needs a lens that knows the setting)

Fix: rewrite the line in a form the lens reads, or install pyconfcheck's
lens, which reads every form libvirt reads apart from the few listed in
docs/lens.md (`make install-lens`, then `augtool -I` or Puppet's
`load_path`).
"""),
    Rule("LNS002", "augeas-check-skipped", INFO, STAGE_EDIT,
         "python-augeas is not installed, so the lens check was skipped",
         """\
The LNS checks run Augeas itself through python-augeas.  Without it they
are skipped and say so once.

Failing: a virtualenv without python-augeas (`python -c 'import augeas'`
fails).

Passing: `pip install 'pyconfcheck[augeas]'`, then the same run.

Fix: install python-augeas (`pip install pyconfcheck[augeas]`, which needs
libaugeas-dev to build).
"""),
    Rule("LNS003", "augeas-lens-broken", INFO, STAGE_EDIT,
         "the host's Libvirtd_qemu lens could not be loaded",
         """\
The `Libvirtd_qemu` lens installed on the host failed to load (a syntax
or type error, or a module it needs, such as `Util`, is missing), so
Augeas cannot edit qemu.conf there whatever the file holds.

Failing: /usr/share/augeas/lenses/dist/libvirtd_qemu.aug is present but
util.aug, which it builds on, is not (augeas-lenses removed).

Passing: both packages installed; `augtool -L -t 'Libvirtd_qemu.lns incl
/etc/libvirt/qemu.conf' print /augeas//error` prints nothing.

Fix: reinstall the package that ships the lens (Debian:
libvirt-daemon-driver-qemu) and augeas-lenses.
"""),
)


def _host_path(root: str, path: str) -> str:
    relative = os.path.relpath(path, root)
    return "/" + relative if not relative.startswith("..") else path


_EARLY = "lens_load"


def start_early(ctx) -> None:
    """Start Augeas's load of the file with the host's lens in a thread.

    Augeas works in C without Python's lock, so its load (most of this
    check's time, and growing with the file) runs beside the other
    checks; :func:`check` then takes the result.
    """
    import threading

    if ctx.host is None or ctx.doc.truncated or _EARLY in ctx._cache:
        return
    outcome = {}

    def load():
        try:
            outcome["result"] = _load(ctx)
        except BaseException as exc:  # raised again in check()
            outcome["error"] = exc

    thread = threading.Thread(target=load, name="augeas-load", daemon=True)
    ctx._cache[_EARLY] = (thread, outcome)
    thread.start()


def _load(ctx):
    """(shown lens path, LensResult), or None when there is no lens."""
    if not bridge.available():
        return None
    lens_dirs = bridge.host_lens_dirs(ctx.host.root)
    lens_file = bridge.module_file(lens_dirs, MODULE)
    if lens_file is None:
        return None
    return (_host_path(ctx.host.root, lens_file),
            bridge.parse_bytes(ctx.doc.data, lens_dirs, MODULE, tree=False))


def check(ctx):
    if ctx.host is None or ctx.doc.truncated:
        return
    if not bridge.available():
        yield ctx.finding("LNS002", "python-augeas is not installed; the "
                          "Augeas lens check was skipped")
        return

    early = ctx._cache.pop(_EARLY, None)
    if early is None:
        loaded = _load(ctx)
    else:
        thread, outcome = early
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        loaded = outcome["result"]
    if loaded is None:
        return
    shown, result = loaded
    if result.load_error is not None:
        reason = result.load_error.strip().split("\n")[0]
        yield ctx.finding("LNS003", f'the lens "{shown}" could not be '
                          f"loaded: {reason}")
        return
    error = result.error
    if error is None:
        return

    message = (f'augtool and Puppet on this host cannot edit the file: '
               f'the lens "{shown}" stops here ("{error.message}")')
    # The mirror gives our lens's verdict without a second Augeas load
    # (tests/test_mirror_differential.py holds the two equal).
    from .. import mirror

    if mirror.parse_bytes(ctx.doc.data).ok:
        # install-lens puts it in /usr/local/share/augeas/lenses, which a
        # plain augtool does not search: say what the tools need.
        message += ("; pyconfcheck's lens reads it (make install-lens, "
                    "then augtool -I /usr/local/share/augeas/lenses, or "
                    "Puppet's augeas load_path)")
    yield ctx.finding("LNS001", message, error.line, error.column)
