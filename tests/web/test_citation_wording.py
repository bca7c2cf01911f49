"""The words of a citation: the document's title with the meeting's number, the full dates, the unit."""

from __future__ import annotations

from datetime import date

import pytest

from archive.models import Meeting
from web.research import citation_wording

ANTIGUA = Meeting(title="Declaración de Antigua Guatemala", body="Reunión Viceministerial", body_key="viceministerial",
                  number=7, city="Antigua Guatemala", country="Guatemala", date=date(2002, 5, 29),
                  date_end=date(2002, 5, 30))
MANAGUA = Meeting(title="INFORME DE LA REUNIÓN DE LA RED DE FUNCIONARIOS DE ENLACE PARA EL COMBATE AL TRÁFICO "
                  "ILÍCITO DE MIGRANTES Y LA TRATA DE PERSONAS", body_key="red_trafico_trata", city="Managua",
                  country="Nicaragua", date=date(2014, 11, 24), date_end=date(2014, 11, 24))
NUMBERED = Meeting(body_key="viceministerial", number=19, city="Managua", country="Nicaragua",
                   date=date(2014, 6, 26), date_end=date(2014, 6, 27))
UNKNOWN = Meeting(city="Tegucigalpa")


@pytest.mark.parametrize(("meeting", "label", "lang", "title", "text"), [
    (ANTIGUA, "p3", "es", "Declaración de Antigua Guatemala, VII Reunión Viceministerial, párrafo 3",
     "Declaración de Antigua Guatemala, VII Reunión Viceministerial, 29 y 30 de mayo de 2002, párrafo 3"),  # two consecutive days: "y" (issue 11)
    (ANTIGUA, None, "en", "Declaración de Antigua Guatemala, VII Vice-Ministerial Meeting",
     "Declaración de Antigua Guatemala, VII Vice-Ministerial Meeting, May 29–30, 2002"),
    (MANAGUA, "2.a", "es",
     "Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas, acuerdo 2.a",
     "Red de Funcionarios de Enlace para el Combate al Tráfico Ilícito de Migrantes y la Trata de Personas, Managua, "
     "24 de noviembre de 2014, acuerdo 2.a"),
    (NUMBERED, "3", "es", "XIX Reunión Viceministerial, acuerdo 3",
     "XIX Reunión Viceministerial, Managua, 26 y 27 de junio de 2014, acuerdo 3"),
    (UNKNOWN, None, "es", "Informe sin título — Tegucigalpa", "Informe sin título — Tegucigalpa"),
])
def test_citation_wording(meeting: Meeting, label: str | None, lang: str, title: str, text: str) -> None:
    assert citation_wording(meeting, label, lang) == (title, text)
