"""Snippets and highlighting (index.snippets): the accented original marked, phrases whole,
excluded words never, HTML escaped."""

from __future__ import annotations

from index.snippets import HighlightTerms, make_snippet

from tests.index.conftest import search

def test_snippet_marks_the_accented_original(seed_index):
    hit = next(h for h in search(seed_index, "secretaria").hits if (h.report_id, h.label) == ("tela2008", "4"))
    assert "<mark>Secretaría</mark>" in hit.snippet
    hit = next(h for h in search(seed_index, "MIGRACION").hits if (h.report_id, h.label) == ("tela2008", "1"))
    assert "<mark>migración</mark>" in hit.snippet


def test_snippet_marks_whole_phrases_only(seed_index):
    hit = next(h for h in search(seed_index, '"trata de personas"').hits if (h.report_id, h.label) == ("managua2014", "4"))
    assert "<mark>trata de personas</mark>" in hit.snippet
    assert "ilícito de <mark>personas</mark>" not in hit.snippet


def test_snippet_does_not_mark_excluded_words(seed_index):
    hit = search(seed_index, "RROCM -sociedad").hits[0]
    assert "<mark>RROCM</mark>" in hit.snippet and "<mark>sociedad" not in hit.snippet.lower()


def test_snippet_is_escaped_and_windowed():
    text = "<b>" + "palabra " * 100 + "Secretaría Técnica " + "otra " * 100
    terms = HighlightTerms(stems_es={"secretari"})
    snippet = make_snippet(text, terms, "es")
    assert "<mark>Secretaría</mark>" in snippet and "<b>" not in snippet
    assert snippet.startswith("\u2026") and snippet.endswith("\u2026") and len(snippet) < 400
    assert make_snippet("<i>corto</i>", HighlightTerms(), "es") == "&lt;i&gt;corto&lt;/i&gt;"

