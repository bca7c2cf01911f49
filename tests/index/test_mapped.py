"""index.mapped: Whoosh's memory-mapped segment files are read in place, with the file semantics Whoosh
relies on (those of the BytesIO it replaces)."""

from __future__ import annotations

import io

from hypothesis import example, given
from hypothesis import strategies as st
from whoosh.filedb.structfile import BufferFile

from index.mapped import ViewReader, items_with_prefix

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


@given(keys=st.sets(st.binary(min_size=1, max_size=6), max_size=40), prefix=st.binary(max_size=2))
@example(keys={b"a", b"ab", b"abc", b"b"}, prefix=b"a")
def test_items_with_prefix_are_the_run_of_keys_that_start_with_it(keys, prefix):
    """Both ways of walking: in a mapped view (a segment) and through Whoosh's reader (RAM files)."""
    import mmap

    from whoosh.filedb.filestore import RamStorage
    from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter

    storage = RamStorage()
    writer = OrderedHashWriter(storage.create_file("t"))
    for key in sorted(keys):
        writer.add(key, key[::-1] * 2)
    writer.close()
    expected = [(k[len(prefix):], k[::-1] * 2) for k in sorted(keys) if k.startswith(prefix)]
    in_ram = OrderedHashReader(storage.open_file("t"), storage.file_length("t"))
    assert [(k, bytes(v)) for k, v in items_with_prefix(in_ram, prefix)] == expected
    data = storage.files["t"]
    with mmap.mmap(-1, len(data)) as mapped:
        mapped[:] = data
        view = memoryview(mapped)
        in_view = OrderedHashReader(BufferFile(view), len(data))
        assert isinstance(in_view.dbfile._buf, memoryview)
        assert [(k, bytes(v)) for k, v in items_with_prefix(in_view, prefix)] == expected
        in_view.close()
        del in_view
        view.release()


def test_the_term_directory_holds_every_term_of_every_segment_but_the_looked_up_fields(tmp_path, all_reports):
    from index.generation import TERMS_LOOKED_UP
    from index.search import AgreementIndex

    ix = AgreementIndex(tmp_path / "index")
    ix.update(all_reports[:3])
    ix.update(all_reports[3:])
    ix.update(all_reports[:1])  # a report indexed again: its old units are deletions of a segment
    gen = ix._current()
    assert len(gen.leaves) > 1 and any(leaf.deleted is not None for leaf in gen.leaves)
    checked = set()
    for leaf in gen.leaves:
        for fieldname, text in leaf.reader.all_terms():
            text = text.decode("utf-8")
            expected = [(other, entry) for other in gen.leaves
                        if (entry := other.entry(fieldname, text)) is not None]
            assert list(gen.term_entries(fieldname, text)) == expected, (fieldname, text)
            checked.add(fieldname)
    assert checked >= {"text", "text_en", "exact", "pairs"} and TERMS_LOOKED_UP <= checked
    assert list(gen.term_entries("text", "no-such-term")) == []
    ix.close()
