"""Metadata from real layouts, one table per pure function: glued words, cover letters, meeting-sentence
dates, two host cities, names that hold a place, bare headings, display titles; and the messy set's meetings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from archive.models import Meeting
from ingest import glued
from ingest.glued import repair_glued, split_glued
from ingest.metadata import meeting_sentence_date, read_meeting, two_host_cities
from ingest.reading import document_start, mask_non_places, reading_text, unflatten_head
from ingest.titles import display_title, is_bare_heading

MESSY = sorted((Path(__file__).parent / "messy").glob("*.txt"))


@pytest.mark.parametrize(("word", "parts"), [
    ("inTelaand", ["in", "Tela", "and"]),
    ("Canadaattended", ["Canada", "attended"]),
    ("Statesagreed", ["States", "agreed"]),
    ("sociedadcivil", ["sociedad", "civil"]),
    ("Tapachula", ["Tapachula"]),  # a rare name is never cut into words
    ("observadoras", ["observadoras"]),  # a function word is glued only to a word of its language: not "observador|as"
    ("mediadoras", ["mediadoras"]),
    ("informeson", ["informeson"]),
    ("migrantesde", ["migrantes", "de"]),
    ("meetingof", ["meeting", "of"]),
    ("Guanacaste", ["Guanacaste"]),
    ("McAllen", ["McAllen"]),
    ("extrarregional", ["extrarregional"]),
    ("Viceministros", ["Viceministros"]),
    ("RROCM", ["RROCM"]),
])
def test_glued_words_split_into_known_words(word: str, parts: list[str]) -> None:
    pieces = split_glued(word)
    assert [p for _, p in pieces] == parts
    assert all(word[o : o + len(p)] == p for o, p in pieces)  # offsets point into the word


def test_repair_glued_only_adds_spaces() -> None:
    text = "The delegations met inTelaand La Ceiba. Canadaattended."
    repaired = repair_glued(text)
    assert repaired == "The delegations met in Tela and La Ceiba. Canada attended."
    assert repaired.replace(" ", "") == text.replace(" ", "")



def test_the_glued_words_vocabulary_is_kept_for_the_next_process(tmp_path: Path) -> None:
    # A one-shot CLI search needs the vocabulary for its query's words: built once (~1.3 s), then read (~0.1 s).
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    script = "from ingest.glued import split_glued; print([p for _, p in split_glued('Canadaattended')])"
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [run.stdout for run in runs] == ["['Canada', 'attended']\n"] * 2
    kept = list((tmp_path / "crm-archive").iterdir())
    assert [path.name for path in kept] == [glued._cache_path(glued._names()).name]  # nothing left aside
    assert glued._read_cached(kept[0]) == glued._built_vocabulary(glued._names())


def test_a_broken_or_unwritable_vocabulary_cache_is_no_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.marshal"
    broken.write_bytes(b"\x00 not marshal")
    assert glued._read_cached(broken) is None and glued._read_cached(tmp_path / "missing.marshal") is None
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    glued._write_cached(blocker / "vocabulary.marshal", {"word": 5.0})  # its folder cannot be made
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file", "broken.marshal"]


COVER = "NACIONES UNIDAS\nCarta de fecha 14 de junio de 1999\n\nTengo el honor de transmitirle el comunicado.\n\n(Firmado) Hugo Pino\nEmbajador\n\nAnexo\n\nCOMUNICADO CONJUNTO\n"


@pytest.mark.parametrize(("text", "starts_with"), [
    (COVER, "\n\nCOMUNICADO CONJUNTO"),
    (COVER.replace("Anexo\n", ""), "\nCOMUNICADO CONJUNTO"),  # after the signatory's lines
    ("INFORME DE LA REUNIÓN\nTexto.", "INFORME"),  # no letter: from the start
    ("Note verbale\nThe Embassy has the honour to transmit the statement.\nAnnex\nJOINT STATEMENT", "\nJOINT STATEMENT"),
])
def test_document_start_skips_a_cover_letter(text: str, starts_with: str) -> None:
    assert text[document_start(text) :].startswith(starts_with)


@pytest.mark.parametrize(("text", "dates"), [
    ("La Red, en reunión celebrada el 24 de noviembre de 2014 en Managua, acordó:", (date(2014, 11, 24),) * 2),
    ("El GRCM se reunió en Cancún los días 28 y 29 de abril de 2003.", (date(2003, 4, 28), date(2003, 4, 29))),
    ("The RCGM met in Ottawa on November 24-25, 2014.", (date(2014, 11, 24), date(2014, 11, 25))),
    ("Comunicado de la IV Conferencia, celebrada en San Salvador los días 26 y 27 de enero de 1999.", (date(1999, 1, 26), date(1999, 1, 27))),
    ("Enviar a más tardar el 27 de febrero de 2015.", None),  # no meeting sentence
    ("The Network met and agreed to report by March 31, 2015.", None),  # a deadline, not the meeting
])
def test_meeting_sentence_date(text: str, dates: tuple[date, date] | None) -> None:
    assert meeting_sentence_date(text) == dates


@pytest.mark.parametrize(("text", "place"), [
    ("reunidos en Tela y La Ceiba, Honduras, los días", ("Tela y La Ceiba", "Honduras")),
    ("met in Tela and La Ceiba, Honduras, on May 6", ("Tela and La Ceiba", "Honduras")),
    ("reunidos en Tela y La Ceiba los días", ("Tela y La Ceiba", "Honduras")),  # both venues of one country
    ("con la participación de Belice y Canadá", None),  # countries, not cities
])
def test_two_host_cities(text: str, place: tuple[str, str] | None) -> None:
    assert two_host_cities(text) == place


@pytest.mark.parametrize(("text", "city"), [
    ("Los Viceministros, reunidos en el marco del Proceso Puebla en San José, Costa Rica,", "San José"),
    ("VII Conferencia (Proceso de Puebla)\nSan Salvador, El Salvador, 2002\n", "San Salvador"),
    ("The Vice-Ministers met in the Puebla Process framework in Ottawa, Canada.", "Ottawa"),
    ("La Red, reunida en la Universidad de San Carlos de Guatemala en Tegucigalpa, acordó:", "Tegucigalpa"),
])
def test_names_holding_a_place_are_not_the_place(text: str, city: str) -> None:
    assert read_meeting(text).city == city
    assert "Puebla" not in mask_non_places("en el Proceso Puebla y la Puebla Process")


@pytest.mark.parametrize(("line", "bare"), [
    ("CONCLUSIONES", True), ("Comunicado", True), ("JOINT COMMUNIQUÉ", True), ("Declaración Conjunta", True),
    ("Informe final", True), ("DECLARACIÓN DE MANAGUA", False), ("Informe de la Reunión del GRCM", False),
])
def test_bare_headings(line: str, bare: bool) -> None:
    assert is_bare_heading(line) == bare


@pytest.mark.parametrize(("meeting", "language", "title"), [
    (Meeting(title="DECLARACIÓN DE MANAGUA"), "es", "DECLARACIÓN DE MANAGUA"),
    # A title that does not state the place or the year gets them, so reports of the same body tell apart.
    (Meeting(title="DECLARACIÓN DE MANAGUA", city="Managua", date=date(2014, 6, 26)), "es", "DECLARACIÓN DE MANAGUA — 2014"),
    (Meeting(title="INFORME DE LA REUNIÓN DEL GRCM", city="Santo Domingo", date=date(2011, 5, 3)), "es",
     "INFORME DE LA REUNIÓN DEL GRCM — Santo Domingo, 2011"),
    (Meeting(title="Declaración de San José, 2001", city="San José", date=date(2001, 3, 10)), "es", "Declaración de San José, 2001"),
    (Meeting(body="IV Conferencia Regional sobre Migración", body_key="viceministerial", number=4, city="San Salvador", date=date(1999, 1, 26)), "es",
     "IV Conferencia Regional sobre Migración — San Salvador, 1999"),
    (Meeting(body_key="viceministerial", number=19, city="Managua", date=date(2014, 6, 26)), "es", "XIX Reunión Viceministerial — Managua, 2014"),
    (Meeting(body_key="viceministerial", number=19, city="Managua", date=date(2014, 6, 26)), "en", "XIX Vice-Ministerial Meeting — Managua, 2014"),
    (Meeting(body_key="grcm", country="Honduras"), "es", "Grupo Regional de Consulta sobre Migración — Honduras"),
    (Meeting(date=date(2000, 1, 1)), "en", "Untitled report — 2000"),
    (Meeting(), "es", "Informe sin título"),
])
def test_display_title_is_always_present(meeting: Meeting, language: str, title: str) -> None:
    assert display_title(meeting, language) == meeting.display_title(language) == title


def test_unflatten_head_keeps_length_and_gives_heading_lines() -> None:
    text = ("CONFERENCIA REGIONAL SOBRE MIGRACIÓN XI REUNIÓN VICEMINISTERIAL Declaración de San Salvador Los Viceministros, "
            "reunidos en San Salvador, El Salvador, los días 4 y 5 de mayo de 2006, " + "acuerdan apoyar el plan regional. " * 12)
    lines = unflatten_head(text)
    assert len(lines) == len(text)
    assert lines.split("\n")[:3] == ["CONFERENCIA REGIONAL SOBRE MIGRACIÓN XI REUNIÓN VICEMINISTERIAL", "Declaración de San Salvador", lines.split("\n")[2]]
    assert lines.split("\n")[2].startswith("Los Viceministros")


def test_reading_text_rejoins_a_participants_sentence_broken_into_paragraphs() -> None:
    text = ("INFORME\n\nLa Red, reunida en Managua, con la participación de Belice,\n\nCanadá, Costa Rica y\n\n"
            "México, acordó:\n\nAprobar el informe.\n\nAgradecer a Nicaragua.\n\nInstar a los países.\n")
    assert "con la participación de Belice, Canadá, Costa Rica y México, acordó:" in reading_text(text)
    assert [c.key for c in read_meeting(text).participants] == ["belice", "canada", "costa_rica", "mexico"]


@pytest.mark.parametrize("path", [p for p in MESSY if "meeting" in json.loads(p.with_suffix(".expected.json").read_text())], ids=lambda p: p.stem)
def test_messy_meetings(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))["meeting"]
    m = read_meeting(path.read_text(encoding="utf-8"))
    got = {
        "title": m.title, "body_key": m.body_key, "number": m.number, "city": m.city, "country": m.country,
        "country_inferred": m.country_inferred, "date": m.date.isoformat() if m.date else None,
        "date_end": m.date_end.isoformat() if m.date_end else None, "participants": [c.key for c in m.participants],
        "observers": list(m.observers),
        "display_title": m.display_title("en" if path.stem.endswith("-en") else "es"),
    }
    assert {k: got[k] for k in expected} == expected


def test_the_index_tokenizer_sees_glued_words_with_their_offsets() -> None:
    from index.analysis import iter_word_tokens

    text = "The delegations met inTelaand La Ceiba; Canadaattended."
    tokens = {tok: text[start:end] for tok, _, start, end, joined in iter_word_tokens(text) if not joined}
    assert tokens["tela"] == "Tela" and tokens["canada"] == "Canada" and tokens["attended"] == "attended"
    joined = [tok for tok, *_, is_joined in iter_word_tokens(text) if is_joined]
    assert joined == ["intelaand", "canadaattended"]  # the glued form stays findable too


@pytest.mark.parametrize(("text", "body_key", "number"), [
    ("COMUNICADO\n\nLos Viceministros, reunidos en Managua, acordaron:\n\nAprobar.\n\nInstar.\n", "viceministerial", None),
    ("JOINT COMMUNIQUÉ\n\nThe Vice-Ministers met in Ottawa and agreed:\n\nTo approve.\n\nTo urge.\n", "viceministerial", None),
    ("Fifth Regional Conference on Migration\n\nThe delegations met in Washington.\n", "viceministerial", 5),
    ("VII Conferencia Regional sobre Migración\n\nDeclaración\n", "viceministerial", 7),
    ("VIII CONFERENCIA REGIONAL SOBRE MIGRACIÓN\nCONCLUSIONES\nReunión del Grupo Regional de Consulta sobre Migración\n", "grcm", None),
    ("Report of the Liaison Officers Network on Consular Protection\npresented to the RCGM\n", "red_proteccion_consular", None),
    ("Informe del Grupo ad hoc sobre Retorno presentado al GRCM\n", "grupo_ad_hoc", None),
    ("PRONUNCIAMIENTO DE LA RED REGIONAL DE ORGANIZACIONES CIVILES PARA LAS MIGRACIONES\nAnte la XIII Reunión Viceministerial\n", "rrocm", None),
    # The meeting of a body the glossary does not know, under the heading of the meeting in whose framework it met:
    # that body's, and the Vice-Ministerial meeting's number is not its number.
    ("CONFERENCIA REGIONAL SOBRE MIGRACIÓN\nXVIII REUNIÓN VICEMINISTERIAL\n\nINFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS "
     "DE ENLACE EN MATERIA DE PROTECCIÓN DE LA NIÑEZ\n\nLa Red se reunió en San Salvador.\n", "other", None),
    ("XX REUNIÓN VICEMINISTERIAL\nInforme de la reunión de la Troika\n\nLa Troika se reunió en Managua.\n", "other", None),
    ("XX REUNIÓN VICEMINISTERIAL\nINFORME DE LA REUNIÓN DEL GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\n", "grcm", None),
    # The author's name alone on its line, its acronym after a dash: the statement is the network's.
    ("RED REGIONAL DE ORGANIZACIONES CIVILES PARA LAS MIGRACIONES – RROCM\n\nPRONUNCIAMIENTO\n\nAnte la XXI Reunión Viceministerial\n", "rrocm", None),
    ("Regional Network of Civil Organizations for Migration - RNCOM\nStatement to the XX Vice-Ministerial Meeting\n", "rrocm", None),
])
def test_bodies_of_real_layouts(text: str, body_key: str, number: int | None) -> None:
    meeting = read_meeting(text)
    assert (meeting.body_key, meeting.number) == (body_key, number)


def test_a_running_header_is_not_the_title() -> None:
    header = "Conferencia Regional sobre Migración - GRCM"
    page = f"{header}\nTexto de la página con un acuerdo.\n\f"
    text = f"{header}\nReunión del Grupo Regional de Consulta sobre Migración\n\nEl Grupo se reunió en Managua.\n\f" + page * 3
    assert read_meeting(text).title == "Reunión del Grupo Regional de Consulta sobre Migración"
    # Written once, it is a heading like any other (beside a heading naming the meeting, that one is the title).
    assert read_meeting(f"{header}\n\nEl Grupo se reunió en Managua.\n").title == header
    assert read_meeting(text.replace(page * 3, "")).title == "Reunión del Grupo Regional de Consulta sobre Migración"


@pytest.mark.parametrize(("text", "title"), [
    ("PRONUNCIAMIENTO\n\nAnte la XXI Reunión Viceministerial de la CRM\n\nSan Pedro Sula, 28 de junio de 2016\n\nLa Red expresa:\n",
     "PRONUNCIAMIENTO Ante la XXI Reunión Viceministerial de la CRM"),
    ("JOINT STATEMENT\nto the XX Vice-Ministerial Meeting\nThe Network states:\n", "JOINT STATEMENT to the XX Vice-Ministerial Meeting"),
    # A bare heading followed by a place is no title.
    ("CONCLUSIONES\n\nEn Managua, 3 de mayo de 2014\n\nReunión del GRCM\n", "Reunión del GRCM"),
])
def test_a_bare_heading_continued_by_its_next_line_is_a_title(text: str, title: str) -> None:
    assert read_meeting(text).title == title


def test_a_heading_naming_the_meeting_is_the_title_before_the_body_name_above_it() -> None:
    text = ("CONFERENCIA REGIONAL SOBRE MIGRACIÓN\nGRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN\n\nAYUDA MEMORIA\n\n"
            "Reunión del Grupo Regional de Consulta sobre Migración\nAntigua Guatemala, Guatemala, 20 y 21 de noviembre del 2013\n\n"
            "Participaron las delegaciones de Belice y Panamá.\n")
    assert read_meeting(text).title == "Reunión del Grupo Regional de Consulta sobre Migración"


def test_a_country_inside_an_institution_name_is_not_a_participant() -> None:
    text = "La Red se reunió en Managua con la participación de Belice, México y la Universidad de Costa Rica."
    assert [c.key for c in read_meeting(text).participants] == ["belice", "mexico"]
