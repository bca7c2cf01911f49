"""Text cleanup rules shared by the extractors: table-driven pairs plus properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.extract.cleanup import (
    LayoutLine,
    clean_text,
    ends_like_paragraph,
    find_running_lines,
    furniture_key,
    is_page_number,
    join_lines,
    join_lines_with_offsets,
    starts_with_list_marker,
)


@pytest.mark.parametrize("raw, clean", [
    ("a\r\nb\rc\n", "a\nb\nc"),
    ("Migra\x00ción\x07", "Migración"),
    ("tab\tkept\n", "tab\tkept"),
    ("Migracio\u0301n", "Migración"),  # decomposed accent -> NFC
    ("ﬁnanciación", "financiación"),
    ("1.\u00a0Agradecer", "1. Agradecer"),
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("page\x0cbreak", "page\nbreak"),
])
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize("line, is_marker", [
    ("1. Agradecer", True), (" 12) Solicitar", True), ("a. Instar", True), ("b) La ST", True),
    ("(c) Se insta", True), ("iv. Cuarto", True), ("IV. Cuarto", True), ("2.1 Sub", True), ("• Item", True),
    ("- Item", True), ("2014. La red", False), ("mil. La red", False), ("La red", False),
    ("e.g. nothing", False), ("1.Agradecer", False),
])
def test_list_markers(line, is_marker):
    assert starts_with_list_marker(line) is is_marker


@pytest.mark.parametrize("line, expected", [
    ("3", True), ("- 3 -", True), ("– 12 –", True), ("Página 3 de 5", True), ("Pág. 3", True),
    ("Page 3 of 10", True), ("3/5", True), ("3.", False), ("2014-2020", False), ("Página web", False),
    ("5. Agradecer", False),
])
def test_page_numbers(line, expected):
    assert is_page_number(line) is expected


def test_furniture_key_ignores_digits_and_case():
    assert furniture_key("Informe 2014 - Página 3") == furniture_key("INFORME 2015 -  página 4")


def test_running_lines_need_most_pages():
    pages = [["CRM — Informe", "Página 1 de 3", "texto uno"],
             ["CRM — Informe", "Página 2 de 3", "texto dos"],
             ["CRM — Informe", "Página 3 de 3", "1. Agradecer"]]
    running = find_running_lines(pages)
    assert furniture_key("CRM — Informe") in running
    assert furniture_key("Página 9 de 9") in running
    assert furniture_key("texto uno") not in running
    assert find_running_lines(pages[:1]) == set()


@pytest.mark.parametrize("lines, text", [
    # hyphenation undone only before a lower-case continuation
    ([LayoutLine("la migra-"), LayoutLine("ción regular")], "la migración regular"),
    ([LayoutLine("Presidencia Pro-"), LayoutLine("Tempore de")], "Presidencia Pro-Tempore de"),
    ([LayoutLine("periodo 2014-"), LayoutLine("2020 de")], "periodo 2014-2020 de"),
    ([LayoutLine("soft\u00ad"), LayoutLine("ware")], "software"),
    ([LayoutLine("guion –"), LayoutLine("suelto")], "guion – suelto"),
    # markers start a line, gaps make blank lines, short lines end paragraphs
    ([LayoutLine("lo siguiente:"), LayoutLine("a. Instar")], "lo siguiente:\na. Instar"),
    ([LayoutLine("fin."), LayoutLine("Otro", paragraph_before=True)], "fin.\n\nOtro"),
    ([LayoutLine("Managua, Nicaragua", ends_paragraph=True), LayoutLine("24 de")], "Managua, Nicaragua\n24 de"),
    ([LayoutLine("  muchos   espacios "), LayoutLine("")], "muchos espacios"),
])
def test_join_lines(lines, text):
    assert join_lines(lines) == text


def test_join_offsets_point_at_each_line():
    lines = [LayoutLine("uno dos migra-"), LayoutLine("ción tres"), LayoutLine(""), LayoutLine("a. cuatro")]
    text, offsets = join_lines_with_offsets(lines)
    assert text == "uno dos migración tres\na. cuatro"
    assert text[offsets[1]:].startswith("ción tres")
    assert text[offsets[2]:].startswith("a. cuatro") and text[offsets[3]:].startswith("a. cuatro")


@pytest.mark.parametrize("text, fill, span, ends", [
    ("24 de noviembre de 2014", 0.6, 0.3, True),  # centred short line
    ("por compartir los", 0.95, 0.9, False),
    ("de la Red.", 0.7, 0.7, True),
    ("de la", 0.7, 0.7, False),  # ragged right: the next word was long
    ("fin", 0.3, 0.3, True),
    ("sobre la implementación de los", 0.97, 0.92, False),  # indented continuation line
])
def test_ends_like_paragraph(text, fill, span, ends):
    assert ends_like_paragraph(text, fill, span) is ends


words = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóúABCDÉ", min_size=1, max_size=12)


@given(st.lists(st.lists(words, min_size=1, max_size=8), min_size=1, max_size=10))
def test_joining_never_loses_words(raw_lines):
    lines = [LayoutLine(" ".join(ws)) for ws in raw_lines]
    assert join_lines(lines).split() == [w for ws in raw_lines for w in ws]


@given(st.text())
def test_clean_text_leaves_no_control_characters(raw):
    cleaned = clean_text(raw)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in cleaned)
    assert "\r" not in cleaned
