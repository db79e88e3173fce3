"""The mirror and the lens come from the same settings table.

A setting added to the table reaches the lens through ``make lens`` and
the mirror directly; if the two ever disagree on a name's value type, or
on which names are unknown, a test here fails by name.  Also: the Lark
parser is built lazily, and parsing time grows linearly with the file.
"""

import re
import subprocess
import sys
import time

import pytest

from pyconfcheck.lens import LENS_FILE
from pyconfcheck.lens.generate import VALUE_TYPES
from pyconfcheck.mirror import _name_types, parse_bytes
from pyconfcheck.settings import SETTINGS

LENS_TEXT = LENS_FILE.read_text()


def _lens_regex(name: str) -> str:
    return re.search(rf"let {name} = /(.*?)/\n", LENS_TEXT).group(1)


@pytest.mark.parametrize("kind", VALUE_TYPES)
def test_each_value_type_has_the_lens_names(kind):
    mirror = sorted(n for n, t in _name_types().items()
                    if t == kind.upper() + "_NAME")
    assert mirror == sorted(_lens_regex(f"{kind}_names").split("|"))


def test_every_setting_of_the_table_is_typed():
    assert set(_name_types()) == {setting.name for setting in SETTINGS}


def _near_names():
    for setting in SETTINGS:
        name = setting.name
        yield name
        yield name + "s"
        yield name + "_x"
        yield name[:-1]
        yield name[:len(name) // 2]
        yield name.upper()
        yield name[0].upper() + name[1:]


def test_the_lens_unknown_name_regex_is_every_other_name():
    # The lens writes "every name but the table's" as one trie regex; the
    # mirror lexes any name and looks it up.  They must name the same set.
    unknown = re.compile(_lens_regex("unknown_name"))
    known = {setting.name for setting in SETTINGS}
    for name in set(_near_names()):
        assert bool(unknown.fullmatch(name)) == (name not in known), name


def test_a_setting_of_the_table_is_read_with_its_type():
    # With the table's type a quoted example loses its quotes; as an
    # unknown setting it would keep them.
    for setting in SETTINGS:
        if not setting.example or not setting.example.startswith('"'):
            continue
        result = parse_bytes(f"{setting.name} = {setting.example}\n".encode())
        assert result.ok, setting.name
        [node] = result.tree
        assert node.value == setting.example[1:-1], setting.name


def test_importing_the_mirror_builds_nothing():
    code = ("import sys, pyconfcheck.mirror, pyconfcheck.mirror.cli;"
            "print('lark' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "False"


def _seconds(data: bytes) -> float:
    # CPU time, best of five: other jobs on the machine do not count
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        parse_bytes(data)
        best = min(best, time.process_time() - started)
    return best


def test_parsing_time_is_linear_in_file_size():
    line = (b'vnc_tls = 1 # on\n# a comment\n\n'
            b'cgroup_device_acl = [\n  "/dev/null",\n  "/dev/kvm",\n]\n'
            b'new_setting = [ 1, "a" ]\n')
    parse_bytes(line)  # build the parser first
    small, large = _seconds(line * 500), _seconds(line * 4000)
    assert large / small < 8 * 2.5
