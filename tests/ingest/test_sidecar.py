"""The archivist's sidecar: overrides, canonicalisation, and clear errors for bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from archive.models import Country, Meeting
from ingest.sidecar import apply_sidecar, read_sidecar, sidecar_language, sidecar_path

EXTRACTED = Meeting(
    title="INFORME DE LA REUNIÓN",
    body="GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN",
    body_key="grcm",
    number=None,
    city="Managua",
    country="Nicaragua",
    date=date(2014, 11, 24),
    date_end=date(2014, 11, 25),
    participants=(Country("Belice", "belice"),),
    observers=("OIM",),
)


def test_empty_sidecar_changes_nothing() -> None:
    assert apply_sidecar(EXTRACTED, {}) == EXTRACTED


def test_every_field_can_be_overridden_and_is_canonicalised() -> None:
    data = {
        "title": "  Informe  de la XIX Reunión\nViceministerial ",
        "body": "Reunión Viceministerial",
        "number": 19,
        "city": "San José",
        "country": "costa rica",
        "date": "2014-06-26",
        "date_end": "2014-06-27",
        "participants": ["Canadá", "EE.UU.", "Estados Unidos de América", "Mexico"],
        "observers": ["Colombia", "OIM", "OIM"],
        "language": "es",
    }
    meeting = apply_sidecar(EXTRACTED, data)
    assert meeting == Meeting(
        title="Informe de la XIX Reunión Viceministerial",
        body="Reunión Viceministerial",
        body_key="viceministerial",
        number=19,
        city="San José",
        country="Costa Rica",
        date=date(2014, 6, 26),
        date_end=date(2014, 6, 27),
        participants=(Country("Canadá", "canada"), Country("EE.UU.", "estados_unidos"), Country("Mexico", "mexico")),
        observers=("Colombia", "OIM"),
    )
    assert sidecar_language(data) == "es"


@pytest.mark.parametrize(
    ("data", "body_key"),
    [
        ({"body": "Comisión de Directores"}, "other"),
        ({"body": "Comisión de Directores", "body_key": "grcm"}, "grcm"),
        ({"body_key": "red_proteccion_consular"}, "red_proteccion_consular"),
        ({"body": None}, None),
    ],
)
def test_body_key_recomputed_or_given(data: dict, body_key: str | None) -> None:
    assert apply_sidecar(EXTRACTED, data).body_key == body_key


def test_date_alone_makes_a_one_day_meeting_and_null_clears() -> None:
    assert apply_sidecar(EXTRACTED, {"date": "2015-03-03"}).date_end == date(2015, 3, 3)
    cleared = apply_sidecar(EXTRACTED, {"date": None, "number": None, "participants": [], "city": None})
    assert (cleared.date, cleared.date_end, cleared.number, cleared.participants, cleared.city) == (None, None, None, (), None)


BAD = [
    ({"titel": "x"}, "'titel': unknown key"),
    ({"body_key": "comision"}, "'body_key': unknown body"),
    ({"number": "19"}, "'number'"),
    ({"number": 0}, "'number'"),
    ({"number": True}, "'number'"),
    ({"country": "Atlantis"}, "'country': unknown country"),
    ({"date": "24/11/2014"}, "'date'"),
    ({"date": 20141124}, "'date'"),
    ({"date_end": "2014-11-01"}, "'date_end'"),  # before the extracted date
    ({"participants": "Belice"}, "'participants': expected a list"),
    ({"participants": ["Belice", "Narnia"]}, "'participants': unknown country 'Narnia'"),
    ({"observers": [1]}, "'observers'"),
    ({"title": ""}, "'title'"),
    ({"title": 5}, "'title'"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_fields_raise_value_error_naming_the_key(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        apply_sidecar(EXTRACTED, data)


def test_bad_language_value() -> None:
    with pytest.raises(ValueError, match="'language'"):
        sidecar_language({"language": "Spanish"})
    assert sidecar_language({}) is None


def test_reads_the_file_beside_the_report(tmp_path: Path) -> None:
    report = tmp_path / "informe.pdf"
    report.write_bytes(b"%PDF")
    assert read_sidecar(report) is None
    assert sidecar_path(report).name == "informe.pdf.meta.json"
    sidecar_path(report).write_text(json.dumps({"number": 7}), encoding="utf-8")
    assert read_sidecar(report) == {"number": 7}


@pytest.mark.parametrize(("content", "message"), [("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object")])
def test_unreadable_sidecar_file(tmp_path: Path, content: str, message: str) -> None:
    report = tmp_path / "informe.txt"
    sidecar_path(report).write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_sidecar(report)


def test_a_country_from_the_sidecar_is_not_inferred() -> None:
    from archive.models import Meeting
    from ingest.sidecar import apply_sidecar

    meeting = Meeting(city="Tela", country="Honduras", country_inferred=True)
    assert apply_sidecar(meeting, {"country": "Honduras"}).country_inferred is False
    assert apply_sidecar(meeting, {"city": "Tela"}).country_inferred is True
