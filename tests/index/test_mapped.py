"""index.mapped: Whoosh's memory-mapped segment files are read in place, with the file semantics Whoosh
relies on (those of the BytesIO it replaces)."""

from __future__ import annotations

import io

from hypothesis import example, given
from hypothesis import strategies as st
from whoosh.filedb.structfile import BufferFile

from index.mapped import ViewReader

_OPS = st.lists(st.one_of(
    st.tuples(st.just("read"), st.integers(-1, 40)),
    st.tuples(st.just("readline"), st.integers(-1, 40)),
    st.tuples(st.just("seek"), st.integers(0, 60), st.integers(0, 0)),
    st.tuples(st.just("seek"), st.integers(-10, 10), st.integers(1, 2)),
    st.tuples(st.just("tell"),),
), max_size=30)


@given(data=st.binary(max_size=50).map(lambda b: b.replace(b"\x00", b"\n")), ops=_OPS)
@example(data=b"ab\ncd", ops=[("seek", 9, 0), ("readline", -1), ("tell",), ("read", 3), ("tell",)])
def test_view_reader_reads_seeks_and_reads_lines_as_bytesio(data, ops):
    ours, theirs = ViewReader(memoryview(data)), io.BytesIO(data)
    for op in ops:
        name, *args = op
        assert getattr(ours, name)(*args) == getattr(theirs, name)(*args), op


def test_buffer_files_of_a_segment_are_views_not_copies(seed_index):
    gen = seed_index._current()
    postfile = gen.leaves[0].postfile
    assert isinstance(postfile, BufferFile)
    assert isinstance(postfile.file, ViewReader)  # no BytesIO copy of the postings file
    assert isinstance(postfile._buf, memoryview)


def test_the_term_table_read_in_the_map_answers_as_whoosh_s_reader(seed_index):
    from index.mapped import TermTable

    gen = seed_index._current()
    checked = 0
    for leaf in gen.leaves:
        whoosh_table = leaf.reader._terms._tindex
        assert isinstance(leaf.terms, TermTable)
        for key, value in whoosh_table.items():
            assert bytes(leaf.terms.get(key)) == value
            for missing in (key + b"\x00", key[:-1], b"zz" + key):
                found = whoosh_table.get(missing)
                assert (leaf.terms.get(missing) is None) == (found is None)
            checked += 1
    assert checked > 1000
