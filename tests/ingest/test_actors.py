"""Who must act: the actors of a sentence, through the glossary, and where sentences end."""

from __future__ import annotations

import pytest

from ingest.actors import actors_in, split_sentences

ACTORS = [
    ("Instar a los Países Miembros para que envíen su información a la Secretaria Técnica a más tardar el 27 de "
     "febrero de 2015.", ["paises_miembros"]),
    ("Al respecto, se exhorta a los Países Miembros a remitir esta información a la ST, a más tardar el 27 de "
     "febrero de 2015.", ["paises_miembros"]),
    ("La Membresía de la Red enviará la validación a más tardar la última semana de abril de 2015.",
     ["paises_miembros"]),
    ("Solicitar a la ST que elabore un informe antes de la próxima reunión.", ["secretaria_tecnica"]),
    ("La Secretaría Técnica, en coordinación con la OIM, enviará el documento antes del 1 de marzo de 2015.",
     ["secretaria_tecnica"]),
    ("Belice, Canadá y Costa Rica enviarán sus aportes a la PPT a más tardar el 5 de mayo de 2015.",
     ["belice", "canada", "costa_rica"]),
    ("El documento será revisado por la Presidencia Pro Tempore antes de la próxima reunión.",
     ["presidencia_pro_tempore"]),
    ("The Conference requests the Technical Secretariat to circulate the draft within 90 days.", ["secretaria_tecnica"]),
    ("Member States are urged to send their comments to the TS and IOM no later than March 15, 2015.",
     ["paises_miembros"]),
    ("Mexico will present the results before the next meeting.", ["mexico"]),
    ("Agradecer a la OIM y a la ST por su apoyo.", []),
    ("Enviar a la ST los datos a más tardar el 27 de febrero de 2015.", []),
]


@pytest.mark.parametrize(("sentence", "actors"), ACTORS, ids=[a[0][:50] for a in ACTORS])
def test_who_must_act(sentence: str, actors: list[str]) -> None:
    assert actors_in(sentence) == actors


def test_sentences_leave_the_marker_out_and_keep_acronyms_whole() -> None:
    text = "b. La ST hará un estudio. El estudio será enviado a EE. UU. y a México; luego se validará."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "La ST hará un estudio.", "El estudio será enviado a EE. UU. y a México;", "luego se validará."]
