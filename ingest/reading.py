"""The text the metadata readers read: the report as extracted, with what extraction broke put back.

``reading_text`` is a pure function of the extracted text (the catalog keeps that text unchanged):

* lines of one paragraph joined back (``ingest.paragraphs``), so a participants sentence that a PDF broke
  into lines — even one blank-separated line per line — is one sentence again;
* glued words split (``ingest.glued``): "met inTelaand La Ceiba" -> "met in Tela and La Ceiba";
* a text flattened into one line gets its heading lines back: a line break is put (in place of a space)
  before the first sentence subject ("Los Viceministros …", "The Vice-Ministers …"), before a document-type
  word inside a run of capitals ("… (CRM) INFORME DE LA REUNIÓN …"), and where capitals give way to
  ordinary case ("REUNIÓN VICEMINISTERIAL Declaración de San Salvador").

``document_start`` finds where a covering letter (a UN note, an embassy letter) ends and the document it
carries begins, so the letter's city, date, subject line and signatory are never taken for the meeting's.
"""

from __future__ import annotations

import re

from archive.folding import fold_in_place
from ingest.glued import repair_glued
from ingest.paragraphs import paragraph_spans

__all__ = ["document_start", "mask_non_places", "reading_text", "unflatten_head"]


def rejoin_paragraph_lines(text: str) -> str:
    """Each prose paragraph on one line; heading blocks keep their lines (titles, place and date lines)."""
    out: list[str] = []
    last = 0
    for start, end, heading in paragraph_spans(text):
        if "\n" not in text[start:end]:
            continue
        out.append(text[last:start])
        # A heading block keeps its lines, made adjacent (a title wrapped over two lines is joined by the
        # title reader); a prose paragraph becomes one line.
        out.append(re.sub(r"[ \t]*\n\s*", "\n" if heading else " ", text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


_SUBJECT_RX = re.compile(
    r"(?<=\S)[ \t]+(?=(?:Los|Las|El|La|The)[ \t]+(?:Viceministr|Vice-?[Mm]inist|Red\b|Grupo\b|Network\b|Group\b|"
    r"Regional\b|Delegaciones|Delegations|Jefes|Heads|Organizaciones|Países|Member|Miembros|Conferencia|Conference|"
    r"GRCM|RCGM|RROCM|Ministr|Secretar|[A-ZÁÉÍÓÚ][a-záéíóúñ]+[ \t]+(?:de|of)\b))"
)
_DOC_WORD_IN_CAPS_RX = re.compile(
    r"(?<=[A-ZÁÉÍÓÚÑ)])[ \t]+(?=(?:INFORME|DECLARACI[OÓ]N|COMUNICADO|ACTA|CONCLUSIONES|REPORT|DECLARATION|"
    r"JOINT|COMMUNIQU[EÉ]|MINUTES|STATEMENT|PRONUNCIAMIENTO|XC|L?X{0,3}(?:IX|IV|V?I{0,3})[ \t]+(?:REUNI|CONFERENCIA|MEETING))\b)"
)
# Capitals giving way to ordinary case: "VICEMINISTERIAL Declaración", "MIGRATION Thirteenth".
_CASE_CHANGE_RX = re.compile(r"(?<=[A-ZÁÉÍÓÚÑ]{3})[ \t]+(?=[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+[ \t]+\S)")
# A place-and-date run inside the head: "… CONSULAR San Salvador, El Salvador, 3 de marzo de 2011 La Red …"
_DATE_END_RX = re.compile(r"(?<=\b(?:19|20)\d\d)[ \t]+(?=[A-ZÁÉÍÓÚÑ])")


def unflatten_head(text: str) -> str:
    """Heading lines put back into a text flattened into one line (same length: spaces become line breaks)."""
    first_line = text.lstrip().split("\n", 1)[0]
    if len(first_line) < 400:
        return text
    lead = len(text) - len(text.lstrip())
    limit = lead + min(len(first_line), 1500)
    subject = _SUBJECT_RX.search(text, lead, limit)
    head_end = subject.start() if subject else lead
    if head_end <= lead:
        return text
    chars = list(text)
    for rx in (_DOC_WORD_IN_CAPS_RX, _CASE_CHANGE_RX, _DATE_END_RX):
        for m in rx.finditer(text, lead, head_end + 1):
            chars[m.start()] = "\n"
    chars[head_end] = "\n"
    return "".join(chars)


_COVER_LETTER_RX = re.compile(
    r"tengo el honor|tiene el honor|have the hono(?:u)?r|has the hono(?:u)?r|nota verbal|note verbale|"
    r"carta de fecha|letter dated|dirigida al secretario general|addressed to the secretary-general"
)
_ANNEX_LINE_RX = re.compile(r"(?m)^[ \t]*(?:anexo|annex|enclosure|adjunto)(?:[ \t]+[ivx\d]+)?[ \t]*:?[ \t]*$")
_SIGNED_RX = re.compile(r"(?m)^[ \t]*\((?:firmado|signed|fdo\.?)\)[^\n]*$")


def document_start(text: str) -> int:
    """Offset where the document proper begins: after a covering letter's annex line or signature; else 0."""
    folded = fold_in_place(text)
    letter = _COVER_LETTER_RX.search(folded, 0, max(2000, len(folded) // 2))
    if letter is None:
        return 0
    annex = _ANNEX_LINE_RX.search(folded, letter.end())
    if annex:
        return annex.end()
    signed = _SIGNED_RX.search(folded, letter.end())
    if signed:
        # The signatory's name and post follow on short lines: skip them.
        end = signed.end()
        for m in re.finditer(r"\n[ \t]*([^\n]*)", text[end:]):
            line = m.group(1).strip()
            if line and (len(line) > 60 or line.isupper()):
                break
            end += m.end() - m.start()
        return end
    return 0


# Names that contain a place but are not a place: the conference's own name, programmes, institutions.
_NOT_A_PLACE_RX = re.compile(
    r"(?<![\w])(?:proceso\s+(?:de\s+)?puebla|puebla\s+process|"
    r"(?:plan|programa|program|programme|declaracion|declaration|universidad|university|embajada|embassy|"
    r"consulado|consulate|fondo|fund|acuerdo|agreement|protocolo|protocol|convenio|convention|estrategia|strategy)"
    r"\s+(?:regional\s+)?(?:de|of|del)\s+(?:la\s+|el\s+|the\s+)?[a-z]+(?:\s+[a-z]+)?)(?![\w])"
)


def mask_non_places(text: str) -> str:
    """``text`` with "Proceso Puebla", "Puebla Process" and place-bearing programme or institution names
    blanked out (same length), for the place reader only."""
    folded = fold_in_place(text)
    chars = list(text)
    for m in _NOT_A_PLACE_RX.finditer(folded):
        if m.group().startswith(("declaracion", "declaration")):
            continue  # "Declaración de Managua" names the meeting's city
        for i in range(m.start(), m.end()):
            if not chars[i].isspace():
                chars[i] = "x"  # lowercase: a run of capitals would read as a city
    return "".join(chars)


def reading_text(text: str) -> str:
    """The extracted text prepared for the metadata readers (see the module doc)."""
    return unflatten_head(repair_glued(rejoin_paragraph_lines(text)))
