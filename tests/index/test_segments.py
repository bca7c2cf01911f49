"""What our segment writer adds to Whoosh's segments (index.segments), and the fallback for segments
Whoosh wrote itself: the same searches give the same results either way."""

from __future__ import annotations

import marshal

import pytest
from whoosh import index as whoosh_index

from index.bm25 import ranking_query
from index.compiler import compile_query
from index.expansion import expand_query
from index.query import parse_query
from index.search import AgreementIndex
from index.segments import HITS_EXT
from tests.index.conftest import search

QUERIES = ["trata", "migrantes", "trata personas", "trata OR migrantes", "red regional", "migra*", "unodd~",
           '"trata de personas"', '"red regional de organizaciones civiles"', "pro-tempore",
           "(trata OR tráfico) personas", "RROCM -sociedad", "países miembros año:2008..2014", "de la",
           "human trafficking", "año:2014", '"países miembros" idioma:es']


def _segment_files(ix: AgreementIndex) -> list[tuple[object, bool]]:
    gen = ix._current()
    return [(leaf.reader, leaf.hits is not None) for leaf in gen.leaves]


def _whoosh_merged(tmp_path, reports) -> AgreementIndex:
    """An index whose every segment Whoosh wrote (an optimize merges all into one), with a report
    deleted and re-added after it, so deletions are present too."""
    ix = AgreementIndex(tmp_path / "merged")
    ix.update(reports)
    ix.update(reports[:1])  # the first report's units deleted and written again: deletions
    whoosh_ix = whoosh_index.open_dir(str(ix.index_dir / ix._pointer.generation))
    whoosh_ix.optimize()
    whoosh_ix.close()
    ix.update(reports[1:2])  # a segment of ours beside Whoosh's, with deletions in Whoosh's
    return ix


def _whoosh_scores(ix, text, hits) -> list[float]:
    gen = ix._current()
    compiled, _marks = compile_query(gen.vocabulary, expand_query(parse_query(text), entity_field=True).parsed.node)
    ranking, _broader = ranking_query(compiled, gen)
    if ranking is None:
        return [0.0] * len(hits)
    theirs = {(hit["report_id"], hit["label"]): hit.score for hit in gen.searcher.search(ranking, limit=None)}
    return [theirs.get((report_id, label), 0.0) for report_id, label, *_rest in hits]


def _result(ix, text):
    result = search(ix, text)
    return (result.total, result.by_year, result.facets,
            [(h.report_id, h.label, h.snippet, h.text, h.title, h.date, h.city) for h in result.hits],
            [h.score for h in result.hits])


def _assert_answers_as(ix, expected_ix) -> None:
    """Every query of QUERIES: the same totals, per-year counts, facets, hits, snippets and timeline as
    ``expected_ix``; the order and scores may differ where Whoosh's statistics still count deleted
    units -- the scores are Whoosh's own on ``ix``."""
    for text in QUERIES:
        expected, found = _result(expected_ix, text), _result(ix, text)
        assert found[:3] == expected[:3], text
        assert sorted(found[3], key=repr) == sorted(expected[3], key=repr), text
        assert found[4] == pytest.approx(_whoosh_scores(ix, text, found[3]), rel=1e-9), text
        assert ix.timeline(text) == expected_ix.timeline(text), text


def test_every_segment_of_ours_has_hit_fields_and_they_equal_whoosh_stored_fields(seed_index):
    gen = seed_index._current()
    assert gen.leaves and all(leaf.hits is not None for leaf in gen.leaves)
    for docnum in gen.live.tolist():
        assert gen.stored(docnum) == gen.searcher.stored_fields(docnum)


def test_segments_whoosh_wrote_give_the_same_results(tmp_path, all_reports):
    ours = AgreementIndex(tmp_path / "ours")
    ours.update(all_reports)
    merged = _whoosh_merged(tmp_path, all_reports)
    kinds = [has_hits for _reader, has_hits in _segment_files(merged)]
    assert False in kinds and True in kinds  # both kinds of segment, one of them with deletions
    assert any(leaf.deleted is not None for leaf in merged._current().leaves)
    _assert_answers_as(merged, ours)
    ours.close()
    merged.close()


def test_hit_fields_are_one_marshal_blob_per_document(seed_index):
    gen = seed_index._current()
    leaf = gen.leaves[0]
    name = leaf.reader._segment.make_filename(HITS_EXT)
    assert leaf.reader._storage.file_exists(name)
    first = gen.stored(leaf.base)
    assert marshal.loads(marshal.dumps(first)) == first and first["exact"]


def test_segments_of_another_format_are_read_as_whoosh_wrote_them(tmp_path, all_reports, monkeypatch):
    import index.segments as segments_module

    ix = AgreementIndex(tmp_path / "ix")
    ix.update(all_reports)
    expected = {text: _result(ix, text)[:4] for text in QUERIES}
    ix.close()
    monkeypatch.setattr(segments_module, "FORMAT", segments_module.FORMAT + 1)  # as a newer version would read it
    ix = AgreementIndex(tmp_path / "ix")
    assert all(leaf.hits is None and not leaf.raw_postings for leaf in ix._current().leaves)
    for text in QUERIES:
        assert _result(ix, text)[:4] == expected[text], text
    ix.close()


def test_small_segments_are_merged_into_segments_of_ours_that_answer_as_one_fresh_index(
        tmp_path, all_reports, monkeypatch):
    import index.store as store

    monkeypatch.setattr(store, "MAX_SEGMENTS", 2)
    fresh = AgreementIndex(tmp_path / "fresh")
    fresh.update(all_reports)
    ix = AgreementIndex(tmp_path / "one-by-one")
    # One ingest per report, twice over: a segment each, merged as they pile up; the second time
    # round, a report's old units are deleted from the segment they were merged into.
    merges = 0
    for report in all_reports + all_reports[::-1]:
        before = len(ix._current().leaves)
        ix.update([report])
        after = len(ix._current().leaves)
        merges += after <= before
        assert after <= store.MAX_SEGMENTS + 1
    leaves = ix._current().leaves
    assert merges >= 2 and any(leaf.deleted is not None for leaf in leaves)
    assert all(leaf.hits is not None and leaf.raw_postings for leaf in leaves)  # never Whoosh's format
    assert ix.indexed_versions() == fresh.indexed_versions()
    gen, expected_gen = ix._current(), fresh._current()
    assert sorted(map(repr, map(gen.stored, gen.live.tolist()))) == \
        sorted(map(repr, map(expected_gen.stored, expected_gen.live.tolist())))
    _assert_answers_as(ix, fresh)
    fresh.close()
    ix.close()


def test_a_merge_rewrites_only_small_segments_and_only_when_there_are_too_many():
    import index.store as store

    class Segment:
        def __init__(self, live, ours=True):
            self.live, self.ours = live, ours

        def doc_count(self):
            return self.live

    def to_merge(segments):
        return store.segments_to_merge(segments, lambda segment: segment.ours)

    small, large = store.SMALL_SEGMENT_UNITS - 1, store.SMALL_SEGMENT_UNITS
    few = [Segment(small) for _ in range(store.MAX_SMALL_SEGMENTS)]
    foreign = Segment(large, ours=False)
    assert to_merge(few + [Segment(large)] * 3 + [foreign]) == []  # not too many yet
    more = few + [Segment(small)]
    assert to_merge(more + [Segment(large)]) == more  # a large segment of ours stays as it is
    assert to_merge(more + [Segment(large), foreign]) == more + [foreign]  # one of another format goes too
    assert to_merge(few[:2] + [Segment(large)] * store.MAX_SEGMENTS) == few[:2]  # too many in all
    assert to_merge([Segment(large)] * store.MAX_SEGMENTS + [Segment(small)]) == []  # one small: nothing to merge


def test_a_segment_whoosh_merged_is_rewritten_by_the_next_merge(tmp_path, all_reports, monkeypatch):
    import index.store as store

    fresh = AgreementIndex(tmp_path / "fresh")
    fresh.update(all_reports)
    ix = _whoosh_merged(tmp_path, all_reports)  # Whoosh's segment (with deletions) and one of ours
    whoosh_units = max(leaf.reader.doc_count() for leaf in ix._current().leaves)
    monkeypatch.setattr(store, "SMALL_SEGMENT_UNITS", whoosh_units)  # Whoosh's segment is a large one
    monkeypatch.setattr(store, "MAX_SMALL_SEGMENTS", 1)
    ix.update(all_reports[2:3])  # a second small segment: a merge is due
    leaves = ix._current().leaves
    assert all(leaf.hits is not None and leaf.raw_postings for leaf in leaves)
    _assert_answers_as(ix, fresh)
    fresh.close()
    ix.close()


def test_a_merge_that_fails_leaves_the_update_committed_and_the_segments_as_they_were(
        tmp_path, all_reports, monkeypatch, caplog):
    import index.store as store

    monkeypatch.setattr(store, "MAX_SMALL_SEGMENTS", 1)
    ix = AgreementIndex(tmp_path / "ix")
    ix.update(all_reports[:1])
    before = [leaf.reader.doc_count_all() for leaf in ix._current().leaves]

    def disk_full(_ix, _segments):
        raise OSError(28, "No space left on device")
        yield  # a generator, as the real one

    monkeypatch.setattr(store, "_units_of", disk_full)
    ix.update(all_reports[1:2])  # a second small segment: a merge is due, and fails
    assert "could not merge the small index segments" in caplog.text and "No space left" in caplog.text
    after = [leaf.reader.doc_count_all() for leaf in ix._current().leaves]
    assert len(after) == len(before) + 1 and after[:len(before)] == before
    assert set(ix.indexed_versions()) == {r.id for r in all_reports[:2]}
    monkeypatch.undo()
    monkeypatch.setattr(store, "MAX_SMALL_SEGMENTS", 1)
    ix.update(all_reports[2:3])  # the next update merges them all
    assert len(ix._current().leaves) == 1
    assert set(ix.indexed_versions()) == {r.id for r in all_reports[:3]}
    ix.close()
