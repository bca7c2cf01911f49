"""Participation: the seeds' matrix through the real ingest, and the rules of each cell."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from archive.glossary import glossary
from archive.models import Country, Meeting, Report
from archive.participation import ABSENT, HOST, OBSERVER, PARTICIPANT, meeting_participation, participation_matrix
from archive.serialize import participation_to_dict
from tests.conftest import open_archive

MANAGUA_ID, TELA_ID = "000_cf50010547db6d03", "003_5b39909ca16edb25"
MEMBERS = [e.key for e in glossary().by_kind("country") if e.member]


def test_the_seeds_matrix(ingested_data: Path) -> None:
    with open_archive(ingested_data) as archive:
        matrix = archive.participation()
    rows = {row.report.id: row for row in matrix.meetings}
    managua, tela = rows[MANAGUA_ID], rows[TELA_ID]
    assert managua.attended == 11 and tela.attended == 10
    assert tela.status("belice") == ABSENT and managua.status("belice") == PARTICIPANT
    assert managua.status("nicaragua") == HOST and tela.status("honduras") == HOST
    assert all(managua.status(k) in (HOST, PARTICIPANT) for k in MEMBERS)
    assert list(matrix.countries) == MEMBERS  # every member state is a row, no one else took part
    assert matrix.totals["belice"].attended == 1 and matrix.totals["belice"].counts[ABSENT] == 1
    assert matrix.totals["mexico"].attended == 2
    assert [year for year, _ in matrix.by_year()] == [2008, 2014]


def test_names_in_both_languages_in_the_json(ingested_data: Path) -> None:
    with open_archive(ingested_data) as archive:
        data = participation_to_dict(archive.participation())
    belize = next(c for c in data["countries"] if c["key"] == "belice")
    assert (belize["name_es"], belize["name_en"]) == ("Belice", "Belize")
    assert belize["totals"] == {"host": 0, "participant": 1, "observer": 0, "absent": 1, "attended": 1}
    tela = next(m for m in data["meetings"] if m["report_id"] == TELA_ID)
    assert tela["attended"] == 10 and tela["cells"]["belice"] == "absent" and tela["cells"]["honduras"] == "host"


def _report(rid: str, year: int, **meeting: object) -> Report:
    return Report(rid, f"{rid}.txt", "0" * 64, "txt", "es", Meeting(date=date(year, 5, 1), **meeting))


def test_observers_hosts_unknown_lists_and_non_members() -> None:
    observed = _report("a", 2010, country="Panamá", body_key="grcm",
                       participants=(Country("Canadá", "canada"), Country("México", "mexico")),
                       observers=("Argentina", "OIM", "Colombia"))
    unlisted = _report("b", 2011, country="Guatemala", body_key="viceministerial")
    row = meeting_participation(observed)
    assert row.cells == {"panama": HOST, "canada": PARTICIPANT, "mexico": PARTICIPANT,
                         "argentina": OBSERVER, "colombia": OBSERVER}
    assert (row.attended, row.observers, row.listed) == (3, 2, True)
    assert meeting_participation(unlisted).cells == {"guatemala": HOST}
    assert not meeting_participation(unlisted).listed
    matrix = participation_matrix([unlisted, observed])
    assert [r.report.id for r in matrix.meetings] == ["a", "b"]
    assert matrix.countries[-2:] == ("argentina", "colombia")  # non-members after the members, only when present
    assert [r.report.id for r in participation_matrix([unlisted, observed], body="grcm").meetings] == ["a"]
    assert [r.report.id for r in participation_matrix([unlisted, observed], year_from=2011).meetings] == ["b"]


def test_a_body_is_named_by_its_key_its_names_or_its_acronyms() -> None:
    from archive.participation import body_key_of, body_keys

    for form, key in [("grcm", "grcm"), ("GRCM", "grcm"), ("rcgm", "grcm"), ("other", "other"),
                      ("Red Regional de Organizaciones Civiles para las Migraciones", "rrocm"),
                      (" rrocm ", "rrocm"), ("red", None), ("OIM", None), ("", None), ("mexico", None)]:
        assert body_key_of(form) == key, form
    from ingest.bodies import OTHER

    assert set(body_keys()) == {e.key for e in glossary().by_kind("body")} | {OTHER}


def test_an_unknown_body_selects_no_meeting(ingested_data: Path) -> None:
    with open_archive(ingested_data) as archive:
        assert archive.participation("nope").meetings == ()
        assert len(archive.participation("Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito "
                                         "de Migrantes y la Trata de Personas").meetings) == 2
