"""The lens on whole files: same tree as the stock lens, round trips, speed.

The figures asserted here are the ones docs/lens.md gives.
"""

import os

import pytest

from pyconfcheck.lens import LENS_DIR, bridge, measure
from pyconfcheck.syntax import virconf

pytestmark = [
    pytest.mark.skipif(not bridge.available(),
                       reason="python-augeas is not installed"),
    pytest.mark.skipif(not os.path.isdir(measure.REAL_CORPUS),
                       reason="the shared corpus is not there"),
]
needs_stock = pytest.mark.skipif(
    bridge.module_file(measure.STOCK_LENS_DIRS) is None,
    reason="no stock Libvirtd_qemu lens installed")

REAL = measure.real_corpus() if os.path.isdir(measure.REAL_CORPUS) else []


@needs_stock
def test_real_corpus_shares():
    result = measure.shares(REAL)
    assert (result.total, result.valid, result.stock, result.ours) == (
        50, 49, 40, 49)
    assert result.different == []
    assert result.lost == []


@needs_stock
def test_stock_and_example_files_give_the_stock_tree():
    result = measure.shares(measure.stock_inputs())
    assert (result.total, result.valid, result.stock, result.ours) == (
        5, 5, 3, 5)
    assert result.different == []
    assert result.lost == []


@needs_stock
@pytest.mark.slow
def test_generated_corpus_loses_nothing_the_stock_lens_reads():
    result = measure.shares(measure.generated_corpus(seed=1, count=500))
    # The figure docs/lens.md and README give: the generator makes every
    # form of libvirt's syntax, so few of its daemon-valid files are
    # plain enough for the stock lens.
    assert (result.total, result.valid, result.stock, result.ours) == (
        500, 104, 9, 51)
    assert result.different == []
    assert result.lost == []


def _touch_and_save(data):
    """Put the unchanged tree: insert a node and remove it again."""
    return bridge.edit_bytes(data, [("ins", "#comment", "*[1]", True),
                                    ("rm", "#comment[1]")])


@pytest.mark.parametrize("name", [name for name, _ in REAL])
def test_put_of_the_unchanged_tree_is_byte_identical(name):
    data = dict(REAL)[name]
    if not measure.daemon_valid(data):
        pytest.skip("libvirt's daemon rejects this file")
    assert _touch_and_save(data) == data


def _values(data):
    result = virconf.parse_bytes(data)
    assert result.error is None
    return [(entry.name, entry.value.plain()) for entry in result.entries]


@pytest.mark.parametrize("name", [name for name, _ in REAL])
def test_edits_give_files_libvirt_reads(name):
    data = dict(REAL)[name]
    if not measure.daemon_valid(data):
        pytest.skip("libvirt's daemon rejects this file")
    before = _values(data)
    edited = bridge.edit_bytes(data, [
        ("rm", "user"),
        ("set", "default_tls_psk_dir", "/etc/pki/qemu-psk"),
        ("set", "keepalive_interval[last()]", "-1"),
        ("rm", "security_driver"),
        ("set", "security_driver/1", "selinux"),
        ("set", "security_driver/2", "apparmor"),
        ("ins", "pyconfcheck_marker", "*[1]", True),
        ("set", "pyconfcheck_marker", "\"it's\""),
    ])
    after = _values(edited)
    assert after[0] == ("pyconfcheck_marker", "it's")
    edited_names = ("user", "security_driver", "default_tls_psk_dir",
                    "keepalive_interval")
    assert [e for e in before if e[0] not in edited_names] == [
        e for e in after[1:] if e[0] not in edited_names]
    assert "user" not in [name for name, _ in after]
    assert ("default_tls_psk_dir", "/etc/pki/qemu-psk") in after
    assert ("keepalive_interval", -1) in after
    assert ("security_driver", ["selinux", "apparmor"]) in after


@needs_stock
@pytest.mark.slow
def test_cold_load_against_the_stock_lens(capsys):
    """augtool's cold start with our lens, against the stock lens.

    The issue's target is 2x; the exact complement of the known names
    costs more, about 3x (docs/lens.md, "Speed").  The two lenses take
    turns, best of 30 each, and the ratio is printed; the bound is loose
    so that a busy machine does not fail it, but a lens twice as slow as
    today's does.
    """
    data = open(measure.STOCK_FILES["9.0.0"], "rb").read()
    stock, ours = measure.cold_loads_ms(
        [measure.stock_lens_dir(), str(LENS_DIR)], data, runs=30)
    with capsys.disabled():
        print(f"\ncold load of the stock 9.0.0 file: stock lens "
              f"{stock:.1f} ms, ours {ours:.1f} ms ({ours / stock:.2f}x)")
    assert ours < 5 * stock, (stock, ours)
