"""The lens through augtool itself, as the issue's "done when" asks.

`augtool -I lenses` reads a qemu.conf holding both PSK settings, a
comment after a value, `keepalive_interval = -1`, a list-form
`security_driver` with a trailing comma and a setting the table does not
know, then saves edits that the project's parser reads back.  Once with
`--noautoload` and a transform, once the way augtool and Puppet run
(every lens autoloaded, ours first on the load path).
"""

import os
import shutil
import subprocess

import pytest

from pyconfcheck import settings
from pyconfcheck.lens import LENS_DIR, generate
from pyconfcheck.syntax import virconf

AUGTOOL = shutil.which("augtool")
needs_augtool = pytest.mark.skipif(AUGTOOL is None,
                                   reason="augtool is not installed")

CONF = (b"# done when\n"
        b'default_tls_psk_dir = "/etc/pki/qemu-psk"\n'
        b'migrate_tls_psk_dir = "/etc/pki/qemu-migrate-psk"\n'
        b'vnc_listen = "0.0.0.0"   # everywhere\n'
        b"keepalive_interval = -1\n"
        b'security_driver = [ "selinux", "apparmor", ]\n'
        b"brand_new_setting = 42\n")

P = "/files/etc/libvirt/qemu.conf"
PRINTED = (f"{P}\n"
           f'{P}/#comment = "done when"\n'
           f'{P}/default_tls_psk_dir = "/etc/pki/qemu-psk"\n'
           f'{P}/migrate_tls_psk_dir = "/etc/pki/qemu-migrate-psk"\n'
           f'{P}/vnc_listen = "0.0.0.0"\n'
           f'{P}/vnc_listen/#comment = "everywhere"\n'
           f'{P}/keepalive_interval = "-1"\n'
           f"{P}/security_driver\n"
           f'{P}/security_driver/1 = "selinux"\n'
           f'{P}/security_driver/2 = "apparmor"\n'
           f'{P}/brand_new_setting = "42"\n')

EDITS = (f'set {P}/migrate_tls_psk_dir "/srv/migrate-psk"\n'
         f"set {P}/keepalive_interval 10\n"
         f'set {P}/security_driver/3 "dac"\n'
         f"rm {P}/brand_new_setting\n"
         f"ins other_new_setting after {P}/keepalive_interval\n"
         f"set {P}/other_new_setting '\"text\"'\n"
         "save\n")

SAVED = (b"# done when\n"
         b'default_tls_psk_dir = "/etc/pki/qemu-psk"\n'
         b'migrate_tls_psk_dir = "/srv/migrate-psk"\n'
         b'vnc_listen = "0.0.0.0"   # everywhere\n'
         b"keepalive_interval = 10\n"
         b'other_new_setting = "text"\n'
         b'security_driver = [ "selinux", "apparmor", "dac", ]\n')


def _run(root, commands, autoload):
    options = ["-r", str(root), "-I", str(LENS_DIR)]
    if not autoload:
        options += ["--noautoload", "-t",
                    "Libvirtd_qemu incl /etc/libvirt/qemu.conf"]
    done = subprocess.run([AUGTOOL] + options, input=commands.encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=True, timeout=120)
    return done.stdout.decode()


@needs_augtool
@pytest.mark.parametrize("autoload", [False, True],
                         ids=["noautoload", "autoload"])
def test_augtool_reads_and_saves_the_done_when_file(tmp_path, autoload):
    conf = tmp_path / "etc" / "libvirt" / "qemu.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(CONF)
    lens = _run(tmp_path, "print /augeas/files/etc/libvirt/qemu.conf/lens"
                "/info\n", autoload)
    assert lens.startswith(
        '/augeas/files/etc/libvirt/qemu.conf/lens/info = "'
        + os.path.join(str(LENS_DIR), "libvirtd_qemu.aug:"))
    assert _run(tmp_path, f"print {P}\nprint /augeas//error\n",
                autoload) == PRINTED
    out = _run(tmp_path, EDITS + "print /augeas//error\n", autoload)
    assert out == (f"rm : {P}/brand_new_setting 1\n"
                   "Saved 1 file(s)\n")
    assert conf.read_bytes() == SAVED
    result = virconf.parse_bytes(SAVED)
    assert result.error is None
    assert [(e.name, e.value.plain()) for e in result.entries] == [
        ("default_tls_psk_dir", "/etc/pki/qemu-psk"),
        ("migrate_tls_psk_dir", "/srv/migrate-psk"),
        ("vnc_listen", "0.0.0.0"),
        ("keepalive_interval", 10),
        ("other_new_setting", "text"),
        ("security_driver", ["selinux", "apparmor", "dac"]),
    ]


def test_unknown_name_regex_stays_the_compact_form():
    """The generic entry's key regex is the deviation trie plus one tail
    (docs/lens.md, "Speed"): about 25 kB.  The form with a tail at every
    trie node was 35 kB and loaded measurably slower; the size is what
    glibc pays for at every compile."""
    regex = generate.unknown_name_regex(s.name for s in settings.SETTINGS)
    assert len(settings.SETTINGS) == 120
    assert 20_000 < len(regex) < 27_000, len(regex)
    assert regex.count("[0-9_a-z]*") == 2
