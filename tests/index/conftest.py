"""Fixtures for the index tests: the two real seed reports, split by hand, plus synthetic reports
(English, other years, an undated one) -- all indexed into a real on-disk index."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from archive.models import Agreement, Country, Meeting, Report
from index.search import AgreementIndex, SearchQuery, SearchResult

def units(result: SearchResult) -> set[tuple[str, str]]:
    return {(h.report_id, h.label) for h in result.hits}


def search(ix, text, **kw) -> SearchResult:
    """All hits (up to 200) of ``text``."""
    return ix.search(SearchQuery(text, per_page=200, **kw))


CORPUS = Path(__file__).resolve().parents[2] / "corpus"
_POINT = re.compile(r"^(\d+)\.\s")
_SUB_POINT = re.compile(r"^([a-z])\.\s")


def split_by_markers(text: str) -> tuple[Agreement, ...]:
    """Hand-rolled splitter for the seeds: "N." opens a point, "a." a sub-point of the last point,
    everything before point 1 is the preamble. (The real splitter lives in ingest.split.)"""
    units: list[Agreement] = []
    label, parent, lines, point = "preamble", None, [], None

    def flush() -> None:
        if lines:
            units.append(Agreement(label=label, text=" ".join(lines).strip(), parent=parent))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _POINT.match(line):
            flush()
            point = m.group(1)
            label, parent, lines = point, None, [line]
        elif (m := _SUB_POINT.match(line)) and point:
            flush()
            label, parent, lines = f"{point}.{m.group(1)}", point, [line]
        else:
            lines.append(line)
    flush()
    return tuple(units)


def _countries(*names: str) -> tuple[Country, ...]:
    return tuple(Country(n, re.sub(r"\W+", "_", n.lower()).strip("_")) for n in names)


def _report(report_id: str, text: str, language: str, when: date | None, city: str | None,
            country: str | None, body_key: str, body: str, agreements=None, sha: str = "0") -> Report:
    return Report(
        id=report_id, source=f"{report_id}.txt", sha256=sha * 64, format="txt", language=language,
        meeting=Meeting(title=body, body=body, body_key=body_key, city=city, country=country, date=when,
                        participants=_countries("Mexico", "Honduras")),
        agreements=agreements if agreements is not None else split_by_markers(text), text=text)


def seed_reports() -> list[Report]:
    managua = (CORPUS / "000_cf50010547db6d03.txt").read_text(encoding="utf-8")
    tela = (CORPUS / "003_5b39909ca16edb25.txt").read_text(encoding="utf-8")
    red = "Red de Funcionarios de Enlace para el Combate a la Trata de Personas y al Tráfico Ilícito de Migrantes"
    return [
        _report("managua2014", managua, "es", date(2014, 11, 24), "Managua", "Nicaragua", "red_trafico_trata", red, sha="a"),
        _report("tela2008", tela, "es", date(2008, 5, 6), "Tela", "Honduras", "red_trafico_trata", red, sha="b"),
    ]


ENGLISH_2010 = """REGIONAL CONFERENCE ON MIGRATION
XV Vice-Ministerial Meeting
1. The Member Countries thank the Technical Secretariat for its report on the agreements of the Pro-Tempore Presidency.
2. The countries agreed to strengthen the protection of migrant children and adolescents.
a. The Regional Network of Civil Organizations for Migration (RROCM) presented its recommendations on trafficking in persons.
3. The delegations processes and measures on extra-regional migration were reviewed.
"""

SPANISH_2011 = """XVI REUNIÓN VICEMINISTERIAL
1. Proteger a la niñez migrante no acompañada y a los niños y niñas en tránsito.
2. Analizar el caso de la casa de acogida temporal en la frontera.
3. Los Estados Unidos de América presentaron sus actividades nacionales contra la trata.
4. La Presidencia Pro-Tempore y la Secretaría Técnica revisarán la migración extra-regional, sin perjuicio de otras veces.
"""

UNDATED = """SIN FECHA
1. Reconocer el trabajo de la Red Regional de Organizaciones Civiles para las Migraciones (RROCM) y la sociedad civil.
"""


def synthetic_reports() -> list[Report]:
    return [
        _report("ottawa2010", ENGLISH_2010, "en", date(2010, 3, 11), "Ottawa", "Canadá",
                "viceministerial", "Reunión Viceministerial", sha="c"),
        _report("mexico2011", SPANISH_2011, "es", date(2011, 6, 2), "Ciudad de México", "México",
                "viceministerial", "Reunión Viceministerial", sha="d"),
        _report("sinfecha", UNDATED, "es", None, None, None, "grcm", "Grupo Regional de Consulta sobre Migración", sha="e"),
    ]


@pytest.fixture(scope="session")
def all_reports() -> list[Report]:
    return seed_reports() + synthetic_reports()


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, all_reports):
    """A real on-disk index of the seeds and the synthetic reports, shared by read-only tests."""
    ix = AgreementIndex(tmp_path_factory.mktemp("index"))
    ix.update(all_reports)
    yield ix
    ix.close()


@pytest.fixture()
def fresh_index(tmp_path, all_reports):
    """A private index for tests that write."""
    ix = AgreementIndex(tmp_path / "index")
    ix.update(all_reports)
    yield ix
    ix.close()
