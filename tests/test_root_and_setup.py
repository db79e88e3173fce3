"""--root keeps every path inside the tree; set-up and lens installation.

The Makefile's promises are tested by running make itself: as a user who
may not install packages, ``make deps`` names what is missing and stops;
``make install-lens`` honours DESTDIR and PREFIX and leaves a lens that a
package owns alone.
"""

import hashlib
import os
import shutil
import subprocess

import pytest

from conftest import run_check

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tls_dir_findings(root, cert_dir="/etc/pki/vnc"):
    findings = run_check(f'vnc_tls_x509_cert_dir = "{cert_dir}"\n',
                         root=str(root), version=(9, 0))
    return [(f.line, f.code) for f in findings if f.code == "STA013"]


def test_an_absolute_symlink_resolves_inside_the_root(debian_host):
    (debian_host / "srv" / "pki").mkdir(parents=True)
    (debian_host / "etc" / "pki").mkdir()
    (debian_host / "etc" / "pki" / "vnc").symlink_to("/srv/pki")

    assert _tls_dir_findings(debian_host) == []


def test_an_absolute_symlink_never_reaches_the_real_host(debian_host):
    # /tmp exists on the machine running the test, not in the tree.
    (debian_host / "etc" / "pki").mkdir()
    (debian_host / "etc" / "pki" / "vnc").symlink_to("/tmp")

    assert _tls_dir_findings(debian_host) == [(1, "STA013")]


def test_dot_dot_stops_at_the_root(debian_host):
    # Like / on a real host, the tree's root is its own parent.
    (debian_host / "srv" / "pki").mkdir(parents=True)
    (debian_host / "etc" / "pki").mkdir()
    (debian_host / "etc" / "pki" / "vnc").symlink_to(
        "../../../../../../srv/pki")

    assert _tls_dir_findings(debian_host) == []
    assert _tls_dir_findings(debian_host,
                             "/../../etc/../srv/./pki") == []


def _as_nobody():
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run make as another user")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def test_make_names_missing_packages_to_a_user_who_cannot_install():
    done = subprocess.run(
        _as_nobody() + ["make", "-s", "--no-print-directory", "deps",
                        "EXTRA_APT_PACKAGES=pyconfcheck-no-such-package"],
        cwd=REPO, capture_output=True, text=True, timeout=120)

    if "Permission denied" in done.stderr and "Makefile" in done.stderr:
        pytest.skip("the checkout is not readable by nobody")
    assert done.returncode != 0
    assert ("missing Debian packages: pyconfcheck-no-such-package\n"
            "install them as root: apt-get install "
            "pyconfcheck-no-such-package\n") in done.stderr


def _make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", *args],
                          cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_install_lens_honours_destdir_and_prefix(tmp_path):
    done = _make("install-lens", f"DESTDIR={tmp_path}", "PREFIX=/opt/aug")

    assert done.returncode == 0, done.stderr
    installed = tmp_path / "opt/aug/share/augeas/lenses"
    for name in ("libvirtd_qemu.aug", "tests/test_libvirtd_qemu.aug"):
        assert (installed / name).read_bytes() == open(
            os.path.join(REPO, "lenses", name), "rb").read()


def test_install_lens_leaves_a_packaged_lens_alone():
    # Debian ships it at the top of the lens directory, not in dist/.
    target = "/usr/share/augeas/lenses/libvirtd_qemu.aug"
    owner = subprocess.run(["dpkg-query", "-S", target], capture_output=True,
                           text=True, check=False)
    if owner.returncode != 0:
        pytest.skip(f"no package owns {target} here")
    before = hashlib.sha256(open(target, "rb").read()).hexdigest()

    done = _make("install-lens", "LENS_DIR=/usr/share/augeas/lenses")

    after = hashlib.sha256(open(target, "rb").read()).hexdigest()
    assert after == before
    assert done.returncode != 0
    assert (f"install-lens: {target} belongs to "
            f"{owner.stdout.split(':')[0]}; not overwritten (FORCE=1 to "
            "overwrite)") in done.stderr


def _cli(args, cwd):
    return subprocess.run(
        [os.path.join(os.path.dirname(os.sys.executable), "confcheck"),
         "--isolated"] + args, cwd=cwd, capture_output=True, text=True,
        timeout=60)


@pytest.mark.parametrize("option", ["--host-tree", "--root"])
def test_a_linked_qemu_conf_is_read_inside_the_tree(tmp_path, option):
    # A staged tree whose qemu.conf links to /etc/shadow must not show
    # the runner's own /etc/shadow, nor any file outside the tree.
    outside = tmp_path / "outside.conf"
    outside.write_text("SECRET-LINE = x y\n")
    tree = tmp_path / "H"
    (tree / "etc" / "libvirt").mkdir(parents=True)
    (tree / "srv").mkdir()
    (tree / "srv" / "q.conf").write_text("vnc_tls = 2\n")
    conf = tree / "etc" / "libvirt" / "qemu.conf"
    conf.symlink_to(outside)

    escaped = _cli([option, "H"], tmp_path)
    conf.unlink()
    conf.symlink_to("/srv/q.conf")
    inside = _cli([option, "H", "--select", "TYP"], tmp_path)

    assert (escaped.returncode, escaped.stdout) == (2, "")
    assert escaped.stderr == ("confcheck: H/etc/libvirt/qemu.conf: no such "
                              "file or directory\n")
    assert inside.returncode == 1
    assert inside.stdout.startswith("H/etc/libvirt/qemu.conf:1:11: error "
                                    "TYP002: value for 'vnc_tls'")


def test_one_bad_host_tree_does_not_stop_the_fleet(tmp_path):
    (tmp_path / "good" / "etc" / "libvirt").mkdir(parents=True)
    (tmp_path / "good" / "etc" / "libvirt" / "qemu.conf").write_text(
        "vnc_tls = 2\n")
    (tmp_path / "afile").write_text("")

    done = _cli(["--host-tree", "good", "--host-tree", "afile",
                 "--host-tree", "absent", "--select", "TYP"], tmp_path)

    assert done.returncode == 2
    assert done.stdout.startswith("good/etc/libvirt/qemu.conf:1:11: error "
                                  "TYP002:")
    assert done.stderr == (
        "confcheck: afile: not a directory (a host tree is a directory "
        "holding etc/libvirt/qemu.conf)\n"
        "confcheck: absent: no such directory (a host tree is a directory "
        "holding etc/libvirt/qemu.conf)\n")
