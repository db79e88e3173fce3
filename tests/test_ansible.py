"""ansible-core (from PyPI) uses confcheck as a template task's validate.

`validate: confcheck --as /etc/libvirt/qemu.conf %s` checks Ansible's
temporary file as if it were already installed; a non-zero exit makes
Ansible refuse the file and leave the destination as it was.  This test
adds --no-host because the machine running it is not a hypervisor.
"""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

VENV_BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(VENV_BIN, "ansible-playbook")
CONFCHECK = os.path.join(VENV_BIN, "confcheck")

PLAY = """\
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: install qemu.conf
      ansible.builtin.template:
        src: "{{ src }}"
        dest: "{{ dest }}"
        validate: "{{ confcheck }} --no-host --as /etc/libvirt/qemu.conf %s"
"""

GOOD_TEMPLATE = 'vnc_listen = "{{ listen }}"\nvnc_tls = {{ tls }}\n'
BAD_TEMPLATE = 'vnc_listen = "{{ listen }}"\nvnc_tls = "{{ tls }}"\n'


def _play(tmp_path, template_text, dest):
    template = tmp_path / "qemu.conf.j2"
    template.write_text(template_text)
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAY)
    env = dict(os.environ, HOME=str(tmp_path), LC_ALL="C.UTF-8",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
               ANSIBLE_REMOTE_TEMP=str(tmp_path / "ansible-remote"),
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    return subprocess.run(
        [PLAYBOOK, "-i", "localhost,", str(playbook),
         "-e", f"src={template}", "-e", f"dest={dest}",
         "-e", f"confcheck={CONFCHECK}",
         "-e", "listen=0.0.0.0", "-e", "tls=1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_good_file_lands_and_bad_file_is_refused(tmp_path):
    dest = tmp_path / "etc" / "libvirt" / "qemu.conf"
    dest.parent.mkdir(parents=True)

    good = _play(tmp_path, GOOD_TEMPLATE, dest)
    assert good.returncode == 0, good.stdout + good.stderr
    assert dest.read_text() == 'vnc_listen = "0.0.0.0"\nvnc_tls = 1\n'
    landed = dest.stat()

    bad = _play(tmp_path, BAD_TEMPLATE, dest)
    output = bad.stdout + bad.stderr
    assert bad.returncode != 0, output
    assert "failed to validate" in output
    # The finding names the installed path, not Ansible's temporary file.
    assert ("/etc/libvirt/qemu.conf:2:11: error TYP001: expected a bool "
            "for 'vnc_tls' parameter") in output
    assert dest.read_text() == 'vnc_listen = "0.0.0.0"\nvnc_tls = 1\n'
    assert dest.stat().st_mtime_ns == landed.st_mtime_ns
