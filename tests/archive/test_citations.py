"""Citations: every format is read back by the parser a researcher's tools use, and says the same thing."""

from __future__ import annotations

import json
from datetime import date

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem as CiteprocItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from archive.citations import FORMATS, CitationItem, by_extension
from archive.citations.bibtex import escape

ITEM = CitationItem(
    key="crm-000_cf50010547db6d03-2.a", report_id="000_cf50010547db6d03", label="2.a",
    title="Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas, acuerdo 2.a",
    author="Conferencia Regional sobre Migración", genre="Informe de reunión", issued=date(2014, 11, 24),
    place="Managua, Nicaragua", url="https://archivo.example/r/000_cf50010547db6d03/2.a", accessed=date(2026, 12, 1),
    language="es", text="Red de Funcionarios de Enlace …, Managua, 24 de noviembre de 2014, acuerdo 2.a",
    accessed_note="consultado el 1 de diciembre de 2026", number=None,
)
# Markup, TeX specials, a line break and a RIS-looking line inside values: they must stay inside their field.
NASTY = CitationItem(
    key="crm-x y{z}", report_id="x", label=None, title='50% de {avance} & <b>"trata"</b> #1 $5 _a_ ~ ^ \\ fin\nER  - x',
    author="Conferencia Regional sobre Migración", genre="Informe de reunión", issued=None, place=None,
    url="https://archivo.example/r/x", accessed=date(2026, 12, 1), language=None, text="t", accessed_note="n",
)


def render_csl(item: CitationItem) -> str:
    """The CSL-JSON rendered by citeproc-py in the Harvard style it ships (a standard style)."""
    source = CiteProcJSON(json.loads(FORMATS["csl-json"].render(item)))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CiteprocItem(item.key)]))
    return str(bibliography.bibliography()[0])


def test_csl_json_renders_in_a_standard_style() -> None:
    text = render_csl(ITEM)
    assert text.startswith("Conferencia Regional sobre Migración (2014) Red de Funcionarios de Enlace")
    assert "acuerdo 2.a" in text and "Managua, Nicaragua" in text
    assert "Available at: https://archivo.example/r/000_cf50010547db6d03/2.a" in text
    assert "Accessed: December 1, 2026" in text


def test_csl_json_fields() -> None:
    [data] = json.loads(FORMATS["csl-json"].render(ITEM))
    assert data["type"] == "report" and data["author"] == [{"literal": ITEM.author}]
    assert data["issued"] == {"date-parts": [[2014, 11, 24]]} and data["accessed"] == {"date-parts": [[2026, 12, 1]]}
    assert data["URL"] == ITEM.url and data["language"] == "es"


def test_bibtex_is_read_by_bibtexparser() -> None:
    library = bibtexparser.parse_string(FORMATS["bibtex"].render(ITEM))
    assert not library.failed_blocks
    [entry] = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "techreport" and entry.key == "crm-000_cf50010547db6d03-2.a"
    assert fields["title"].strip("{}") == ITEM.title
    assert fields["author"].strip("{}") == ITEM.author  # braced: one institutional name, never "Migración, C. R. s."
    assert (fields["year"], fields["month"], fields["date"]) == ("2014", "11", "2014-11-24")
    assert fields["url"] == ITEM.url and fields["urldate"] == "2026-12-01" and fields["address"] == ITEM.place


def test_bibtex_escapes_what_tex_would_read() -> None:
    library = bibtexparser.parse_string(FORMATS["bibtex"].render(NASTY))
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.key == "crm-x_y_z_"
    title = {f.key: f.value for f in entry.fields}["title"]
    assert r"50\% de \{avance\} \& <b>" in title and r"\#1 \$5 \_a\_ \~{} \^{} \textbackslash{} fin ER - x" in title
    assert escape("a\n  b") == "a b"


def test_ris_is_read_by_rispy() -> None:
    [record] = rispy.loads(FORMATS["ris"].render(ITEM))
    assert record["type_of_reference"] == "RPRT"
    assert record["title"] == ITEM.title and record["authors"] == [ITEM.author]
    assert record["year"] == "2014" and record["date"] == "2014/11/24/"
    assert record["urls"] == [ITEM.url] and record["access_date"] == "2026/12/01/"
    assert record["place_published"] == ITEM.place and record["language"] == "es"


def test_ris_keeps_a_value_on_its_line() -> None:
    text = FORMATS["ris"].render(NASTY)
    records = rispy.loads(text)
    assert len(records) == 1 and records[0]["title"].endswith("fin ER - x")
    assert all(line.endswith("\r") or not line for line in text.split("\n"))  # CRLF throughout


def test_text_citation_has_the_permalink_and_the_access_date() -> None:
    text = FORMATS["text"].render(ITEM)
    assert text == (f"{ITEM.text}. {ITEM.url} (consultado el 1 de diciembre de 2026).\n")


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_every_format_is_found_by_its_extension(fmt) -> None:
    assert by_extension(fmt.extension) is fmt
    assert fmt.render(ITEM).endswith("\n")


def test_a_meeting_of_several_days_is_a_date_range_in_every_format() -> None:
    from dataclasses import replace

    item = replace(ITEM, issued=date(2002, 5, 29), issued_end=date(2002, 5, 30))
    [data] = json.loads(FORMATS["csl-json"].render(item))
    assert data["issued"] == {"date-parts": [[2002, 5, 29]]}
    assert data["event-date"] == {"date-parts": [[2002, 5, 29], [2002, 5, 30]]}
    assert "(2002)" in render_csl(item)
    fields = {f.key: f.value for f in bibtexparser.parse_string(FORMATS["bibtex"].render(item)).entries[0].fields}
    assert fields["date"] == "2002-05-29/2002-05-30" and fields["year"] == "2002"
    [record] = rispy.loads(FORMATS["ris"].render(item))
    assert record["date"] == "2002/05/29/"
