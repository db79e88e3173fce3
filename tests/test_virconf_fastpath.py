"""The fast path builds exactly what the grammar builds, or steps aside.

The parser proof compares ``parse_bytes`` (fast path first) with libvirt;
this compares the fast path with the Lark grammar on the same inputs, so
that the grammar stays a true definition of what is accepted.
"""

import glob
import os

import pytest

from conftest import CORPUS
from confgen import corpus, uncomment_examples
from pyconfcheck.syntax import fastpath, virconf

COUNT = int(os.environ.get("CONFCHECK_FASTPATH_COUNT", "4000"))


def both(data: bytes, version=None):
    text = data.decode("latin-1")
    fast = fastpath.parse(text, version)
    grammar = virconf._parse(text, version, use_fast_path=False)
    return fast, grammar


def assert_same(data: bytes, version=None):
    fast, grammar = both(data, version)
    assert_skipping_comments_reads_the_same(data, version, fast, grammar)
    if fast is None:
        return False
    assert grammar.error is None, (data[:200], grammar.error)
    assert fast.entries == grammar.entries, data[:200]
    assert fast.comments == grammar.comments, data[:200]
    return True


def assert_skipping_comments_reads_the_same(data, version, fast, grammar):
    """Documents skip comment lines in runs; the entries must not change.

    Skipping may carry a file the listing path leaves to the grammar (a
    long non-ASCII comment needs no column then), never read one
    differently.
    """
    skipping = fastpath.parse(data.decode("latin-1"), version,
                              comments=False)
    if skipping is None:
        assert fast is None, data[:200]
        return
    assert grammar.error is None, (data[:200], grammar.error)
    assert skipping.entries == grammar.entries, data[:200]
    assert skipping.comments == []


@pytest.mark.parametrize("version", [None, (9, 0)])
def test_generated_files(version):
    taken = sum(assert_same(data, version) for _, data in corpus(7, COUNT))

    # About 30 % of the generator's files are well formed without triple
    # quotes or NUL bytes: the fast path must carry those.
    assert taken > COUNT // 4


def test_corpus_files_take_the_fast_path():
    paths = sorted(glob.glob(os.path.join(CORPUS, "real", "*.conf")))
    paths += sorted(glob.glob(os.path.join(CORPUS, "libvirt-*", "qemu.conf")))
    if not paths:
        pytest.skip("the shared corpus is not present")
    taken = 0
    for path in paths:
        data = open(path, "rb").read()
        taken += assert_same(data)
        taken += assert_same(uncomment_examples(
            data.decode("utf-8", "replace")).encode())

    assert taken >= len(paths)


@pytest.mark.parametrize("data", [
    b"   ", b"\n", b'a = """x"""\n', b"a = [[1]]\n", b"a = 1;;\n",
    b"a = 99999999999999999999\n", b"caf\xc3\xa9 = 1\n", b"a = 1\x00\n",
    b'a = "\xc3\xa9' + b"x" * 5000 + b'"; b = 1\n',
    b"a = [ , ]\n", b'a = ""\"\n', b"a = [\n",
])
def test_steps_aside_where_the_grammar_must_decide(data):
    fast, _ = both(data)

    assert fast is None


@pytest.mark.parametrize("data", [
    b"a = 1", b"a=1;b=2;", b"a = 1 # c ; b = 2\n", b"\n\n  a = 'x'\r\n",
    b'a = [ "x" ,\n  "y", ]\n#c', b"a = [\n]\n", b"a = -0\nb = +7\n",
    b"a = [ 1, 'two', \"three\" ] # list\n",
    b'# caf\xc3\xa9\nvnc_listen = "\xc3\xa9\xff" # \xe2\x82\xac\nb = [ "\xc3\xa9" ]\n',
])
def test_takes_what_it_knows(data):
    assert assert_same(data) is True


@pytest.mark.parametrize("data", [
    # fast path: a run of comments with blank and CR lines inside it
    b"# a\n\n  # b\r\n#\n  x = 1 # kept\n# tail",
    # the grammar's path (a triple-quoted string)
    b'# a\nx = """v"""\n# b\n',
])
def test_documents_keep_entries_but_no_comment_lines(data):
    from pyconfcheck.document import Document

    document = Document(data)

    listed = virconf.parse_bytes(data)
    assert document.parse.comments == []
    assert listed.comments
    assert document.entries == listed.entries
