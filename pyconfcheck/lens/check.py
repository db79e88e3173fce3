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


def check(ctx):
    if ctx.host is None or ctx.doc.truncated:
        return
    if not bridge.available():
        yield ctx.finding("LNS002", "python-augeas is not installed; the "
                          "Augeas lens check was skipped")
        return

    lens_dirs = bridge.host_lens_dirs(ctx.host.root)
    lens_file = bridge.module_file(lens_dirs, MODULE)
    if lens_file is None:
        return
    shown = _host_path(ctx.host.root, lens_file)

    result = bridge.parse_bytes(ctx.doc.data, lens_dirs, MODULE, tree=False)
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
        message += "; pyconfcheck's lens reads it (make install-lens)"
    yield ctx.finding("LNS001", message, error.line, error.column)
