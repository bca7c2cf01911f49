"""The benchmark must never rot: a 1k smoke run produces every number and the table (timings are NOT
asserted), and the pieces it stands on -- the synthetic corpus, percentiles, the report file -- are
checked on their own."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from bench import report, synthetic
from bench.__main__ import main
from bench.engines import BenchQuery, fts5_match, whoosh_text
from bench.measure import Stats, percentile
from bench.run import CLASSES, ENGINES, SMOKE, load_result, run_scale
from index.analysis import fold
from ingest.metadata import read_meeting
from ingest.split import split_agreements

# -- the synthetic corpus --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports() -> list[synthetic.SyntheticReport]:
    return list(synthetic.generate_reports(8_000, seed=3))


def test_corpus_is_deterministic_and_labelled(tmp_path: Path) -> None:
    first = synthetic.write_corpus(tmp_path / "a", 600, seed=11)
    second = synthetic.write_corpus(tmp_path / "b", 600, seed=11)
    names = sorted(p.name for p in (tmp_path / "a").glob("*.txt"))
    assert first.files == second.files == len(names) and first.units >= 600
    assert all(re.fullmatch(r"synthetic-\d{6}\.txt", n) for n in names)
    for name in names:
        text = (tmp_path / "a" / name).read_text(encoding="utf-8")
        assert text.splitlines()[0] == synthetic.SYNTHETIC_MARK
        assert text == (tmp_path / "b" / name).read_text(encoding="utf-8")
    other = synthetic.write_corpus(tmp_path / "c", 600, seed=12)
    assert (tmp_path / "c" / names[0]).read_text() != (tmp_path / "a" / names[0]).read_text() or other.files != first.files


def test_the_real_splitter_and_metadata_reader_read_what_was_generated(reports) -> None:
    """The generator's structure is the product's: same units, year, body for every report."""
    for r in reports[:120]:
        units = split_agreements(r.text)
        assert len(units) == r.units, r.name
        labels = [u.label for u in units]
        assert labels[0] == "preamble" and "1" in labels
        meeting = read_meeting(r.text)
        assert (meeting.year, meeting.body_key) == (r.year, r.body_key), r.name


def test_corpus_shape(reports) -> None:
    years = {r.year for r in reports}
    assert min(years) >= 1996 and max(years) <= 2026 and len(years) > 20
    english = sum(r.language == "en" for r in reports) / len(reports)
    assert 0.08 < english < 0.25
    points = [int(m) for r in reports for m in re.findall(r"(?m)^(\d+)\. ", r.text)[-1:]]
    assert min(points) >= 5 and max(points) <= 40
    assert any(re.search(r"(?m)^b\. ", r.text) for r in reports)
    text = " ".join(r.text for r in reports)
    for acronym in ("RROCM", "OIM", "ST", "UNODC", "ACNUR", "GRCM", "PPT"):
        assert re.search(rf"\b{acronym}\b", text), acronym


def test_word_frequencies_follow_a_long_tail(reports) -> None:
    words = Counter(fold(w) for r in reports for w in re.findall(r"[^\W\d_]+", r.text) if r.language == "es")
    ranked = [n for _w, n in words.most_common()]
    assert words["paises"] > words["migrantes"] > 0 and words["miembros"] > 0
    assert ranked[0] > 20 * ranked[len(ranked) // 2]  # a head far above the median word
    rare = [words[fold(w)] for w in synthetic.RARE_WORDS]
    assert max(rare) < words["paises"] / 50


# -- measuring and reporting -----------------------------------------------------------------------


@pytest.mark.parametrize("values, p, expected", [
    ([1.0], 50, 1.0),
    ([1.0, 3.0], 50, 2.0),
    ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
    ([1.0, 2.0, 3.0, 4.0, 5.0], 95, 4.8),
    ([1.0, 2.0, 3.0, 4.0, 5.0], 100, 5.0),
    ([1.0, 2.0, 3.0, 4.0, 5.0], 0, 1.0),
])
def test_percentile(values, p, expected) -> None:
    assert percentile(values, p) == pytest.approx(expected)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_stats_are_ordered_and_within_the_samples(samples) -> None:
    stats = Stats.of(samples)
    assert stats.low <= stats.p50 <= stats.p95 <= stats.high
    assert stats.n == len(samples) and stats.low == min(samples) and stats.high == max(samples)


@pytest.mark.parametrize("query, ours, fts5", [
    (BenchQuery("x", "words", ("trata", "personas")), "trata personas", '"trata" AND "personas"'),
    (BenchQuery("x", "phrase", ("países", "miembros")), '"países miembros"', '"países miembros"'),
    (BenchQuery("x", "prefix", ("migra",)), "migra*", '"migra"*'),
    (BenchQuery("x", "fuzzy", ("migrantez",), distance=1), "migrantez~1", None),
])
def test_query_translation(query, ours, fts5) -> None:
    assert whoosh_text(query) == ours
    assert fts5_match(query) == fts5


def test_main_help_exits_cleanly(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "--scale" in capsys.readouterr().out


# -- the smoke run ---------------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_smoke_run_at_1k_produces_every_number_and_the_table(tmp_path: Path) -> None:
    result = run_scale("1k", tmp_path / "work", SMOKE)
    assert result.units >= 1_000 and result.units == result.corpus.units
    for phase in (result.ingest, result.reingest, result.reindex, result.parse_sample):
        assert phase is not None and phase.stats.n >= 1 and phase.stats.p50 > 0
    assert result.ingest.peak_rss > 0 and result.reindex.size > 0
    for engine in ENGINES:
        build = result.builds[engine]
        assert build.stats.p50 > 0 and build.size > 0
        assert result.query_rss[engine] > 0
    for klass in CLASSES:
        for engine in ENGINES:
            stats = result.queries[klass][engine]
            if klass == "fuzzy" and engine == "fts5":
                assert stats is None  # FTS5 has no fuzzy matching: reported as n/a
            else:
                assert stats is not None and stats.p50 > 0, (klass, engine)
        assert result.web[klass].p50 > 0, klass
        assert result.examples[klass], klass
    # The engines were asked the same exact-form questions; every answer is a count.
    assert result.agreement and all(set(t) == set(ENGINES) for _q, t in result.agreement)
    assert all(isinstance(n, int) for _q, t in result.agreement for n in t.values())

    out = tmp_path / "RESULTS.md"
    out.write_text(report.HEADER + "\n<!-- scale:10k -->\nkept\n<!-- /scale:10k -->\n", encoding="utf-8")
    report.update_results(out, result)
    text = out.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "<!-- scale:1k -->" in text and "kept" in text
    assert text.index("scale:1k") < text.index("scale:10k")
    for klass in CLASSES:
        row = next(line for line in text.splitlines() if line.startswith(f"| {klass} |"))
        assert row.count("|") == 14
    assert "ours/FTS5" in text and "ours/tantivy" in text and result.commit in text
    # The raw numbers are kept, and re-render to the same section.
    reloaded = load_result(tmp_path / "work" / "results-1k.json")
    assert report.render_section(reloaded) == report.render_section(result)


def test_scaleout_bench_runs_on_a_tiny_corpus_and_prints_its_table(tmp_path: Path) -> None:
    """The PostgreSQL-vs-SQLite benchmark end to end on ~200 units and 1 s of load (no timing asserted)."""
    from bench import scaleout

    rows = scaleout.run(units=200, clients=2, seconds=1.0, work=tmp_path)
    assert [r["backend"] for r in rows] == ["sqlite", "postgresql"]
    assert all(r["files"] >= 1 and r["ingest_s"] > 0 and r["rps_1"] > 0 and r["errors_1"] == 0 for r in rows)
    assert rows[1]["rps_2"] > 0 and rows[1]["errors_2"] == 0  # two nodes behind the round-robin
    table = scaleout.table(rows)
    assert table.count("\n") == 3 and "| postgresql |" in table
