"""Reading what a report says about its meeting: title, body, number, place, dates, participants.

Everything is read from the *head* of the report — the heading lines (title block) and the preamble
before the first numbered point — because the agreements mention other meetings, places and deadlines
("la XX Reunión Viceministerial", "a más tardar el 27 de febrero de 2015") that are not this meeting's.
Within the head, the heading lines are trusted before the prose: a header "Managua, Nicaragua / 24 de
noviembre de 2014" is the meeting's, while a preamble may first recall an earlier meeting.

Each field is None (or empty) when the head does not say it; nothing is guessed, except a country from
a city named in ``ingest.places.VENUES`` (an explicit table of capitals and CRM venues).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from archive.glossary import glossary
from archive.models import Country, Meeting
from ingest.bodies import EVENT_WORDS, ORDINAL, OTHER, SPECIFICITY, BodyMention, find_bodies, most_specific, ordinal_value
from ingest.dates import find_dates, parse_meeting_date
from ingest.paragraphs import opening_formula_end
from ingest.reading import document_start, mask_non_places, reading_text
from ingest.titles import is_bare_heading
from ingest.places import (
    MEMBER_STATES,
    country_name,
    find_countries,
    fold_for_matching,
    normalize_space,
    parse_place,
    place_in_line,
    place_in_prose,
    written_places,
)

log = logging.getLogger(__name__)

# How far to look when a report has no numbered point (or numbers its introduction): the meeting is
# always described on the first page, and 6000 characters is about two pages of a CRM report.
_HEAD_LIMIT = 6000
_FALLBACK_LIMIT = 3000

# The first top-level point ends the preamble: " 1. Agradecer ...", "1) ...", "I. ANTECEDENTES".
_FIRST_POINT_RX = re.compile(r"(?m)^[ \t]*(?:1|I)[ \t]*[.)][ \t]+\S")

# Words of a sentence, not of a heading: a line with one of these is where the preamble begins.
_PROSE_HINT_RX = re.compile(
    r"\b(?:celebrad[oa]s?|reunid[oa]s?|realizad[oa]|llevad[oa] a cabo|con la participacion|en reunion|"
    # The finite verbs too: a PDF line "La Red ... se reunió en Tegucigalpa, Honduras, los días" is prose.
    r"se reunio|se reunieron|se celebro|se realizo|se llevo a cabo|tuvo lugar|sesiono|"
    r"held|met|with the participation|took place|convened|presenta|presents|submits)\b"
)

_TITLE_START_RX = re.compile(
    r"^\W*(?:informe|report|acta|minutes|declaracion|declaration|memoria|ayuda memoria|relatoria|conclusiones|"
    r"conclusions|recomendaciones|recommendations|resumen|summary|comunicado|communique|joint communique|joint statement|"
    r"statement|pronunciamiento|posicionamiento|plan de accion|plan of action|lineamientos|guidelines)\b"
)
# A heading that opens with the meeting, its ordinal or "regional" first: "II Taller Regional sobre ...".
_MEETING_START_RX = re.compile(rf"^\W*(?:{ORDINAL}\s+)?(?:regional\s+)?(?:reunion|meeting|{EVENT_WORDS})\b")
_TITLE_INSIDE_RX = re.compile(r"\b(?:informe|report|acta|minutes|declaracion|declaration) (?:de|of|final)\b")
_NUMBERED_MEETING_RX = re.compile(
    ORDINAL
    + rf"\s+(?:(?:regional\s+)?(?:reunion|meeting|conferencia|conference|{EVENT_WORDS}|session|sesion|rvm|vmm)\b|"
    r"(?:vice[- ]?ministerial|ordinaria|extraordinaria|regular|annual|anual|special|joint|conjunta)\s+(?:meeting|reunion|session|sesion)\b)"
)
_REPORT_OF = (
    r"(?:informe|report|acta|minutes|memoria|relatoria|resumen|summary)(?:\s+final)?\s+(?:de\s+la|del|de\s+los|of\s+the)\s+"
)
_OTHER_BODY_RX = re.compile(
    rf"^\W*{_REPORT_OF}"
    rf"(?:\S+\s+)?(?:(?P<session>reunion|meeting|sesion|session)|{EVENT_WORDS})"
    r"(?:\s+(?:ordinaria|extraordinaria|conjunta|virtual|joint|special|regional))?\s+(?P<of>de\s+la|del|de\s+los|de|of\s+the|of|on)\s+(?P<body>\S.*)$",
    re.S,
)
# A workshop, seminar or forum that names no body is its own: "INFORME DEL TALLER SOBRE RETORNO ...",
# "Taller regional sobre ...", "Report of the Second Regional Workshop on ..." (an ordinal or adjective before).
_EVENT_TITLE_RX = re.compile(rf"^\W*(?:{_REPORT_OF})?(?P<event>(?:[\w.-]+\s+){{0,2}}?{EVENT_WORDS}\b.*)$", re.S)
_CONNECTOR_START_RX = re.compile(r"(?:ante|a|al|de|del|para|sobre|en|y|e|to|of|on|for|before|and|in)\b", re.I)
_CONNECTOR_END_RX = re.compile(r"\b(?:de|del|la|las|los|el|y|e|para|al|a|sobre|en|of|the|on|and|to|for|in)\s*$", re.I)


@dataclass(frozen=True)
class Head:
    """The part of a report that describes the meeting, cut into heading lines and preamble prose."""

    text: str  # everything before the first numbered point (at most _HEAD_LIMIT characters)
    lines: tuple[tuple[int, str], ...]  # heading lines: (offset in text, line)
    prose: str  # the rest of ``text`` after the heading lines (the preamble)


def read_head(text: str) -> Head:
    """Split the start of a report into its heading lines and its preamble."""
    first_point = _FIRST_POINT_RX.search(text, 0, _HEAD_LIMIT)
    limit = first_point.start() if first_point else _HEAD_LIMIT
    # A report that numbers nothing: its agreements start after the formula ("acordaron:", "ACUERDOS
    # ADOPTADOS"), and the places and dates they mention are not the meeting's.
    formula = opening_formula_end(text[: _HEAD_LIMIT * 2])
    head = text[: min(limit, formula) if formula else limit]
    lines: list[tuple[int, str]] = []
    offset = 0
    prose_start = len(head)
    for raw in head.splitlines(keepends=True):
        line = raw.strip()
        if line:
            folded = fold_for_matching(line)
            # Titles run long ("INFORME DE LA REUNIÓN DE LA RED ... DE MIGRANTES" is 25 words), so length
            # alone marks prose only for a line that does not open like a title.
            long_line = len(line.split()) >= 30 and not _TITLE_START_RX.search(folded)
            if _PROSE_HINT_RX.search(folded) or long_line or len(line) > 400:
                prose_start = offset
                break
            lines.append((offset, line))
        offset += len(raw)
    return Head(head, tuple(lines), head[prose_start:])


def _is_place_or_date_line(line: str) -> bool:
    return bool(find_dates(line)) or place_in_line(line) is not None


def _strip_place_and_date(line: str) -> str:
    """Drop a trailing place and date: "XVIII Conferencia ..., Ciudad de Panamá, 23 y 24 de junio de 2013" -> "XVIII Conferencia ..." """
    dates = find_dates(line)
    if dates and dates[0].start > 0:
        line = line[: dates[0].start]
    segments = line.split(",")
    for i in range(1, len(segments)):
        tail = [s for s in segments[i:] if s.strip()]
        if tail and place_in_line(",".join(tail)) is not None and parse_place(tail) is not None:
            line = ",".join(segments[:i])
            break
    return line.strip(" ,;:-\u2013\u2014")


_RUNNING_HEADER_RX = re.compile(r"(?i)^\s*(?:p[aá]gina|page)\s+\d+|^\s*-\s*\d+\s*-\s*$|^\s*\S+\s+[-–|]\s+p[aá]g")


def read_title(head: Head, repeated: frozenset[str] = frozenset()) -> str | None:
    """The report's title line(s) as written, whitespace normalised; None if the head has no title."""
    # A bare heading ("CONCLUSIONES", "JOINT COMMUNIQUÉ") and a running header are never the title, unless the
    # heading's next line continues it: "PRONUNCIAMIENTO" / "Ante la XXI Reunión Viceministerial …" is one title.
    continued = {
        o for (o, line), (_, after) in zip(head.lines, head.lines[1:])
        if is_bare_heading(line) and _CONNECTOR_START_RX.match(after) and not _is_place_or_date_line(after)
    }
    lines = [
        (o, line) for o, line in head.lines
        if (o in continued or not is_bare_heading(line)) and not _RUNNING_HEADER_RX.match(line) and line not in repeated
    ]
    folded = [fold_for_matching(line) for _, line in lines]
    index = next((i for i, f in enumerate(folded) if _TITLE_START_RX.search(f)), None)
    if index is None:
        index = next((i for i, f in enumerate(folded) if _TITLE_INSIDE_RX.search(f)), None)
    if index is None:
        # A heading that names the meeting ("XIX Reunión Viceministerial", "REUNIÓN DEL GRUPO REGIONAL ...");
        # of several, the one naming the most specific body: GRCM conclusions under a header naming the
        # Conference are titled by the GRCM's heading.
        named = [
            (i, most_specific(find_bodies(lines[i][1])))
            for i, f in enumerate(folded)
            if (_NUMBERED_MEETING_RX.search(f) and find_bodies(lines[i][1])) or _MEETING_START_RX.search(f) or find_bodies(lines[i][1])
        ]
        if named:
            # Of headings naming the same body, one naming its meeting ("Reunión del Grupo Regional …") before the
            # body's name alone (the header "GRUPO REGIONAL DE CONSULTA SOBRE MIGRACIÓN" above "AYUDA MEMORIA").
            index = max(named, key=lambda n: (SPECIFICITY.get(n[1].key, 0) if n[1] else 0,
                                              bool(_MEETING_START_RX.search(folded[n[0]]) or _NUMBERED_MEETING_RX.search(folded[n[0]])),
                                              -n[0]))[0]
    if index is None:
        return None
    parts = [lines[index][1]]
    end_offset = lines[index][0] + len(lines[index][1])
    for offset, line in lines[index + 1 : index + 4]:
        # A blank line may part a bare heading from the line that continues it.
        adjacent = head.text.count("\n", end_offset, offset) <= (2 if lines[index][0] in continued and len(parts) == 1 else 1)
        current = parts[-1]
        wraps = (
            _CONNECTOR_END_RX.search(current)
            or line[:1].islower()
            or _CONNECTOR_START_RX.match(line)
            or (current.isupper() and line.isupper() and not find_bodies(current))
        )
        if not adjacent or not wraps or _is_place_or_date_line(line):
            break
        parts.append(line)
        end_offset = offset + len(line)
    title = _strip_place_and_date(normalize_space(" ".join(parts)))
    return title or None


def _first_sentence(prose: str) -> str:
    match = re.search(r"[.;:](?:\s|$)", prose)
    return prose[: match.end()] if match else prose[:600]


def _read_body(head: Head, title: str | None) -> BodyMention | None:
    """Title first, then the heading lines (most specific wins), then the preamble's subject (first named)."""
    # The title and the heading lines together, the most specific body winning: GRCM conclusions whose
    # header names the Conference are the GRCM's; a network's report presented to the GRCM is the network's.
    found = most_specific([*find_bodies(title or ""), *(m for _, line in head.lines for m in find_bodies(line))])
    if found:
        return found
    in_prose = find_bodies(_first_sentence(head.prose))
    return in_prose[0] if in_prose else None


def _read_number(texts: list[str], body_key: str | None) -> int | None:
    """The ordinal of *this* body's meeting: "XIX Reunión Viceministerial" counts for a vice-ministerial report,
    "presentado a la XX Reunión Viceministerial" does not count for a network's report."""
    for text in texts:
        folded = fold_for_matching(text)
        for m in _NUMBERED_MEETING_RX.finditer(folded):
            value = ordinal_value(m, text)
            if value is None:
                continue
            following = find_bodies(text[m.start() : m.end() + 120])
            if body_key is None or body_key == OTHER:
                # "XVIII REUNIÓN VICEMINISTERIAL" above the report of a network the glossary does not know
                # numbers the Vice-Ministerial meeting, not the network's.
                if not following:
                    return value
            elif following and following[0].key == body_key:
                return value
    return None


_SECOND_POINT_RX = re.compile(r"(?m)^[ \t]*(?:2|II)[ \t]*[.)][ \t]+\S")


def read_intro(head: Head, text: str) -> str:
    """Point 1 of a report that numbers its introduction ("1. The RCGM met in Ottawa ... with the
    participation of ..."), when the head itself is only a title; else "". Point 1 counts only if it reads
    like a meeting description, so an agreement ("1. La próxima reunión será ...") is never taken for it."""
    if head.prose.strip():
        return ""
    rest = text[len(head.text) : len(head.text) + _FALLBACK_LIMIT]
    second = _SECOND_POINT_RX.search(rest)
    intro = rest[: second.start()] if second else rest
    return intro if _PROSE_HINT_RX.search(fold_for_matching(intro)) else ""


_CAP_RUN = r"[A-ZÁÉÍÓÚÑ][\wáéíóúñ.'’-]*(?:[ \t]+(?:(?:de|del|la|las|los|el)[ \t]+)*[A-ZÁÉÍÓÚÑ][\wáéíóúñ.'’-]*)*"
_TWO_CITIES_RX = re.compile(
    rf"(?:(?<=\b[Ee]n)|(?<=\b[Ii]n)|(?<=\bciudades de)|(?<=\bcities of)|^)[ \t]*(?P<a>{_CAP_RUN})[ \t]+(?P<conj>y|e|and)[ \t]+"
    rf"(?P<b>{_CAP_RUN})(?:[ \t]*,[ \t]*(?P<c>{_CAP_RUN}))?",
    re.M,
)


def two_host_cities(text: str) -> tuple[str, str | None] | None:
    """ "en Tela y La Ceiba, Honduras" -> ("Tela y La Ceiba", "Honduras"): both cities kept in ``city``,
    the country from the text or, when both cities are venues of one country, from the venue table."""
    from ingest.places import VENUES, country_key, venue_key

    for m in _TWO_CITIES_RX.finditer(text):
        a, b, c = m.group("a"), m.group("b"), m.group("c")
        va, vb = VENUES.get(venue_key(a)), VENUES.get(venue_key(b))
        named = country_key(c) if c else None
        if country_key(a) or country_key(b) or not (va and vb or named and (va or vb)):
            continue  # "Belice y Canadá" is a list of countries
        key = named or (va.country if va and vb and va.country == vb.country else None)
        city = f"{va.city if va else a} {m.group('conj')} {vb.city if vb else b}"
        return city, country_name(key) if key else None
    return None


def _place_written(region: str, city: str | None, country: str | None) -> bool:
    """Whether the country of a place is written next to its city (else it came from the venue table)."""
    if not country:
        return True
    folded = fold_for_matching(region)
    city_at = folded.find(fold_for_matching(city.split(" ")[-1])) if city else -1
    window = region[city_at : city_at + 120] if city_at >= 0 else region
    return any(country_name(c.key) == country for c in find_countries(window))


def _read_place(head: Head, text: str) -> tuple[str | None, str | None, bool]:
    """(city, country, country_inferred) of the meeting."""
    city, country, inferred = _place_of_head(head, text)
    if inferred and city:
        # The header gives the city alone ("Santo Domingo, 12 de marzo de 2015") but the head writes it with
        # its country elsewhere ("reunidos en Santo Domingo, República Dominicana"): the country is stated.
        cities = {fold_for_matching(c) for c in re.split(r" (?:y|e|and) ", city)}
        for region in (head.text, read_intro(head, text)):
            written = [p for p in written_places(mask_non_places(region)) if fold_for_matching(p[0]) in cities]
            if written:
                return city, written[0][1], False
    return city, country, inferred


def _place_of_head(head: Head, text: str) -> tuple[str | None, str | None, bool]:
    """(city, country, country_inferred) of the first place of the heading lines, else of the preamble."""
    # The lines of a list set out below "Present:" or "Absent:" ("Belize" alone on its line) are no venue.
    folded_head = fold_for_matching(head.text)
    in_lists = [(start, end) for start, end, _ in _participation_spans(head.text, folded_head)]
    in_lists += [(m.end(), _list_block_end(head.text, folded_head, m.end())) for m in _ABSENT_LIST_RX.finditer(folded_head)]
    for offset, line in head.lines:
        folded = fold_for_matching(line)
        if (_PARTICIPATION_RX.search(folded) or _OBSERVER_RX.search(folded) or re.search(_ABSENT, folded)
                or any(a <= offset < b for a, b in in_lists)):
            continue  # "Países observadores: Colombia, Ecuador." names countries, not the venue
        line = mask_non_places(line)
        place = two_host_cities(line) or place_in_line(line)
        if place:
            return place[0], place[1], not _place_written(line, *place)
    for region in (head.prose, read_intro(head, text)):
        region = mask_non_places(region)
        place = two_host_cities(region) or place_in_prose(region)
        if place:
            return place[0], place[1], not _place_written(region, *place)
    return None, None, False


_MEETING_SENTENCE_RX = re.compile(
    r"\b(?:se\s+celebr\w*|celebrad[oa]s?|se\s+reuni\w*|reunid[oa]s?|en\s+reunion|llevad[oa]s?\s+a\s+cabo|"
    r"tuvo\s+lugar|los\s+dias|el\s+dia|sostuv\w*\s+una\s+reunion|realiz\w*\s+(?:su|una)\s+reunion|reunion\s+virtual|"
    r"met|meeting\s+(?:on|held)|held|gathered|convened|took\s+place|virtual\s+meeting)\b"
)


def meeting_sentence_date(text: str) -> tuple[date, date] | None:
    """The date of the sentence that states the meeting ("se celebró …", "en reunión celebrada el …",
    "met on …", "los días …"): the first date after such words, in the same sentence; else None."""
    folded = fold_for_matching(text)
    for m in _MEETING_SENTENCE_RX.finditer(folded):
        stop = re.compile(r"[.;:](?:\s|$)").search(folded, m.end())
        sentence_end = min(stop.start() if stop else len(folded), m.end() + 300)
        for mention in find_dates(text[m.start() : sentence_end]):
            if not mention.deadline:
                return mention.first, mention.last
    return None


def _read_dates(head: Head, text: str) -> tuple[date, date] | None:
    """The meeting's dates: the sentence that states the meeting, then a place-and-date line of the title
    block, then any date of the head (an issue date in a header comes last)."""
    intro = read_intro(head, text)
    for region in (head.prose, intro):
        found = meeting_sentence_date(region)
        if found:
            return found
    heading_block = "\n".join(line for _, line in head.lines if place_in_line(line) is not None)
    for region in (heading_block, "\n".join(line for _, line in head.lines), head.prose, intro):
        found = parse_meeting_date(region)
        if found:
            return found
    return None


# ------------------------------------------------------------------------------------------- participation


def _find_organisations(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical label) of every observer organisation named in ``text``, in order.

    The organisations come from the glossary (entities marked ``observer``); names match without accents or
    case, acronyms only as written ("OIM", "IOM"; not the word "bid"), and an acronym inside a longer name
    is part of that name, not a second organisation."""
    entries = glossary()
    found = []
    for mention in entries.find(text):
        entity = entries.get(mention.key)
        if entity.observer:
            found.append((mention.start, mention.end, entity.observer_label))
    return found


_PARTICIPATION_RX = re.compile(
    r"con\s+la\s+(?:participacion|presencia|asistencia)\s+de|with\s+the\s+(?:participation|presence|attendance)\s+of|"
    r"paises\s+participantes|participating\s+(?:countries|states|delegations)|"
    r"\bparticipantes\s*:|\bparticipants\s*:|(?<!\bno )\basistieron\b|(?<!\bno )\bparticiparon\b|(?<!\bnot )\battended\b|"
    r"(?<!\bnot )\bparticipated\b|"
    # An acta's attendance lines: "Países presentes: …", "Delegaciones presentes: …", "Countries present: …".
    r"\b(?:paises|delegaciones|estados)\s+presentes\b|\b(?:countries|delegations|states)\s+present\b|"
    r"(?:^|(?<=\n))[ \t]*(?:presentes|present)[ \t]*:|"
    # "Asistencia:" / "Attendance:" over an attendance table, "Member Countries in attendance: …", "Países asistentes".
    r"\b(?:asistencia|attendance|asistentes)[ \t]*:|\bin\s+attendance\b|\b(?:paises|delegaciones)\s+asistentes\b|"
    r"representantes\s+de\s+los\s+(?:siguientes\s+)?paises|delegaciones\s+de\s+los\s+(?:siguientes\s+)?paises|"
    r"jefes\s+de\s+delegacion\s+de|viceministros\s+de\b|heads\s+of\s+delegation\s+(?:of|from)|vice-?\s?ministers\s+(?:of|from)|"
    # The subject of the meeting sentence names who took part: "Los Gobiernos de Belice, …, reunidos",
    # "Las delegaciones de …", "The Governments of …, represented by …, met", "Delegations from …".
    # Only as the sentence's subject (after a sentence start), so "Instamos a los Gobiernos de Guatemala"
    # (an addressee) is not a participation sentence.
    r"(?:^|(?<=[.;:\n])\s*)(?:los|las)\s+(?:gobiernos|delegaciones|representantes)\s+de\b|"
    # A formal acta puts the participle first: "…, reunidos los representantes de Belice, Costa Rica, …".
    r"\breunid[oa]s\s+(?:los|las)\s+(?:representantes|delegaciones|delegados|delegadas|jefes\s+de\s+delegacion)\s+de\b|"
    r"(?:^|(?<=[.;:\n])\s*)(?:the\s+)?(?:governments|delegations|representatives)\s+(?:of|from)\b"
)
# What opens a list of the absent ("Ausentes: Canadá", "Absent:", "No asistieron …", "did not attend"); the singular
# "Ausente" after a country marks that country's row of an attendance table (_MARKED_ABSENT_RX), and the list goes on.
_ABSENT = (
    r"\b(?:ausentes\b|(?:ausente|absent|excused)\s*:|no\s+asistieron\b|no\s+participaron\b|did\s+not\s+(?:attend|participate)\b)"
    # at a line start before the names ("Absent Nicaragua"), or alone after a blank line (a list's heading); alone
    # right under a country it is that country's mark
    r"|(?:^|(?<=\n))[ \t]*(?:ausente|absent)\b(?=[ \t]+[^\W\d_])|(?:^|(?<=\n\n))[ \t]*(?:ausente|absent)[ \t]*(?=\n)"
)
# Where the participation list stops: the verb of the sentence ("..., presenta al GRCM su informe").
_SPAN_END_RX = re.compile(
    r"\n\s*\n|[.;](?=\s+[A-Z\u00c1\u00c9\u00cd\u00d3\u00da\u00d1][a-z\u00e1\u00e9\u00ed\u00f3\u00fa\u00f1]{2,})|\.\s*$|"
    r"\b(?:presenta|presentan|acuerda|acuerdan|acordo|acordaron|adopta|adoptan|adopto|adoptaron|resuelve|resuelven|"
    r"resolvio|resolvieron|declara|declaran|decide|deciden|decidio|decidieron|eleva|elevan|informa|informan|"
    r"reunid[oa]s?|celebrad[oa]s?|gathered|convened|met|meeting\s+in|"
    r"submits|presents|agreed|agree|adopted|adopt|decided|declare|declares|reports)\b|"
    # Who was absent is no participant: "Ausentes: Canadá", "No asistieron: …", "Absent: …", "did not attend".
    + _ABSENT
)
_OBSERVER_RX = re.compile(
    r"(?:en\s+calidad\s+de|como|as)\s+(?:paises\s+|organismos\s+|organizaciones\s+)?observador(?:es|as|a)?|"
    r"\bas\s+(?:an\s+)?observers?\b|\bobservers?\s*:|\bobservador(?:es|as)?\s*:|paises\s+observadores|organismos\s+observadores|"
    r"observer\s+(?:countries|states|organi[sz]ations)|organismos\s+internacionales|organizaciones\s+internacionales|"
    # Minutes list who attended besides the members: "Also present: IOM, UNHCR", "Asimismo estuvieron presentes …".
    r"\balso\s+present\b|\b(?:asimismo|tambien)\s+(?:estuvieron\s+)?presentes\b|"
    r"international\s+organi[sz]ations"
)
_LIST_BOUNDARY_RX = re.compile(
    r";|:|\n\s*\n|\bas[i]\s+como\b|\bademas\s+de\b|\bas\s+well\s+as\b|,?\s+y\s+de\b|,?\s+and\s+of\b|"
    # "..., Panamá y República Dominicana, y con la OIM y la RROCM como observadoras": a second "con" (or
    # "and with") opens the observers' clause, whatever follows it ("y con la presencia de ...").
    r",?\s+y\s+con\b|,?\s+and\s+with\b|"
    r"\by\s+(?:de\s+)?(?:los|las)\s+(?:representantes|delegaciones|delegados|organismos)\b|"
    r"\band\s+(?:the\s+)?(?:representatives|delegations|delegates)\b|"
    r"con\s+la\s+(?:participacion|presencia|asistencia)\s+de|with\s+the\s+(?:participation|presence|attendance)\s+of"
)


# A verb whose subject may be the list: "Belice, Costa Rica y Panamá participaron ...", "Belize and Canada attended".
_SUBJECT_VERB_RX = re.compile(r"\b(?:asistieron|participaron|attended|participated)\b(?!\s+by\b)")
_LIST_GLUE_RX = re.compile(r"[\s,]*(?:(?:y|e|and|the|la|el|los|las)\b[\s,]*)*")


def _subject_list_start(text: str, folded: str, verb: re.Match[str]) -> int | None:
    """Where the list of countries that is the verb's subject starts ("Belize, Canada and Mexico attended the
    meeting"), or None: only a sentence that opens with the list and has nothing but the list before the verb,
    so "Los países que participaron ..." or "En Panamá participaron ..." are read forward as before."""
    if not _SUBJECT_VERB_RX.fullmatch(folded, verb.start(), verb.end()):
        return None
    if _OBSERVER_RX.match(folded, verb.end() + 1, verb.end() + 60):
        return None  # "Colombia y Perú participaron como observadores": an observer span reads it
    before = text[max(0, verb.start() - 600) : verb.start()]
    breaks = list(re.finditer(r"[.;:](?=\s)|\n\s*\n", before))
    start = verb.start() - len(before) + (breaks[-1].end() if breaks else 0)
    subject = fold_for_matching(text[start : verb.start()])
    countries = find_countries(text[start : verb.start()])
    if not countries:
        return None
    pieces, last = [], 0
    for c in countries:
        pieces.append(subject[last : c.start])
        last = c.end
    pieces.append(subject[last:])
    return start if all(_LIST_GLUE_RX.fullmatch(p) for p in pieces) else None


@dataclass(frozen=True)
class Participation:
    participants: tuple[Country, ...]
    observers: tuple[str, ...]


def _participation_spans(text: str, folded: str) -> list[tuple[int, int, bool]]:
    """(start, end, observers_only) of each sentence or list that says who took part.

    A span opened by observer words ("Países observadores: ...", "participaron como observadores ...")
    contributes observers only: the countries it names outside the observer list are not participants.
    """
    spans = []
    starts = [(m, False) for m in _PARTICIPATION_RX.finditer(folded)]
    starts += [(m, True) for m in _OBSERVER_RX.finditer(folded)]
    for m, observers_only in starts:
        start = m.start()
        if observers_only:
            # "Argentina y Colombia participaron como observadores": the list may come before the words.
            before = text[max(0, start - 600) : start]
            breaks = list(re.finditer(r"[.;](?=\s+[A-ZÁÉÍÓÚÑ])|\n\s*\n|:", before))
            start = start - len(before) + (breaks[-1].end() if breaks else 0)
        else:
            subject = _subject_list_start(text, folded, m)
            start = start if subject is None else subject
        end_match = _SPAN_END_RX.search(folded, m.end(), min(len(folded), m.end() + 1500))
        # Case matters for the sentence end, so look at the original text for it.
        sentence_end = re.search(r"[.;](?=\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,})|\n\s*\n", text[m.end() : m.end() + 1500])
        end = min(
            end_match.start() if end_match else len(folded),
            m.end() + sentence_end.start() if sentence_end else len(folded),
            m.end() + 1500,
        )
        line_end = text.find("\n", m.end())
        if 0 <= line_end and text[m.start() : line_end].rstrip().endswith(":") and end >= line_end - 1:
            # "con la participación de los siguientes países:" and the list below it, a line or a table row each
            # (where a delegate's name "Ms. A. Smith" would end the sentence).
            end = _list_block_end(text, folded, line_end + 1)
        spans.append((start, end, observers_only))
    return spans


_ABSENT_LIST_RX = re.compile(rf"(?:{_ABSENT})[ \t]*:?[ \t]*\n")
# A country marked absent in its own row or cell: "Canadá\tAusente", "Canada: absent", "México (ausente)"
# (in the same line, or alone on the next: a table's cells one a line).
_MARKED_ABSENT_RX = re.compile(
    r"[ \t]*[:(|\t,-]?[ \t]*(?:ausente|absent|no\s+asistio|did\s+not\s+attend|excused)\b"
    r"|[ \t]*\n[ \t]*(?:ausente|absent|excused)[ \t]*[.)]?[ \t]*(?:\n|$)"
)
# A line of a list set out below its introduction: a country or organisation, a table row ("Belice Guatemala",
# "Canada Mr. J. Tremblay"), at most this long; a longer line is prose again.
_LIST_LINE_CHARS = 60
_LIST_STOP_RX = re.compile(_OBSERVER_RX.pattern + "|" + _ABSENT)


def _list_block_end(text: str, folded: str, start: int) -> int:
    """Where the list of short lines that starts at ``start`` (blank lines between allowed) ends: before the first
    long line, the first line that opens another list (observers, the absent) or holds the sentence's verb."""
    end = start
    for line in re.finditer(r"[^\n]*(?:\n|\Z)", text[start:]):
        content = line.group().strip()
        if not content:
            if line.end() == line.start():
                break
            continue
        lo, hi = start + line.start(), start + line.end()
        if (len(content) > _LIST_LINE_CHARS or _LIST_STOP_RX.search(folded, lo, hi)
                or _SPAN_END_RX.search(folded, lo, hi)):
            break
        end = start + line.start() + len(line.group().rstrip())
    return end


def _observer_zones(
    folded: str, start: int, end: int, mentions: list[int], organisations: list[int] = ()
) -> list[tuple[int, int, bool]]:
    """(start, end, backward) zones of a participation span that list observers; ``mentions`` are country
    positions, ``organisations`` those of observer organisations.

    "... y en calidad de observadores, Colombia y la OIM" lists them after the words (forward); "..., así
    como Colombia y Perú en calidad de observadores" lists them before (backward), back to the nearest
    list boundary. A backward zone without a clear boundary keeps member states as participants.
    """
    zones = []
    for m in _OBSERVER_RX.finditer(folded, start, end):
        nxt = _LIST_BOUNDARY_RX.search(folded, m.end() + 1, end)
        nxt_obs = _OBSERVER_RX.search(folded, m.end(), end)
        forward_end = min(nxt.start() if nxt else end, nxt_obs.start() if nxt_obs else end)
        if any(m.end() <= p < forward_end for p in mentions):
            zones.append((m.end(), forward_end, False))
            continue
        before = [p for p in mentions if start <= p < m.start()]
        singular = re.fullmatch(r"(?:en\s+calidad\s+de|como|as)\s+(?:an\s+)?observador[a]?|as\s+(?:an\s+)?observer", m.group())
        if (
            before
            and singular
            and not re.match(r"\s+(?:countries|states|organi)", folded[m.end() : m.end() + 20])
            and not _LIST_BOUNDARY_RX.search(folded, before[-1], m.start())
            # "..., Panamá y República Dominicana, y la OIM en calidad de observadora": the one observer is the
            # organisation named after the last country, not that country.
            and not any(before[-1] < o < m.start() for o in organisations)
        ):
            # "… de la República Dominicana en calidad de observador": one observer, the country just before.
            zones.append((before[-1], m.start(), False))
            continue
        boundaries = [b.end() for b in _LIST_BOUNDARY_RX.finditer(folded, start, m.start())]
        zones.append((boundaries[-1] if boundaries else start, m.start(), True))
    return zones


# "… reunidos en San Pedro Sula y Tegucigalpa, " / "… met in Ottawa, ": a country right after is the venue's.
_VENUE_BEFORE_RX = re.compile(
    r"\b(?:[Ee]n|[Ii]n)\s+(?:(?:la|el|the)\s+)?(?:(?:[Cc]iudad|[Cc]ity)\s+(?:de|of)\s+)?"
    r"[A-ZÁÉÍÓÚÑ][\w.'’-]*(?:[ \t]+(?:(?:de|del|la|y|e|and)[ \t]+)?[A-ZÁÉÍÓÚÑ][\w.'’-]*){0,5}[ \t]*,[ \t]*$"
)


def read_participation(text: str) -> Participation:
    """Participating countries and observers from the participation sentence(s) of a preamble.

    Participants are countries, in order and deduplicated; observers are observer countries (canonical
    Spanish name) and international organisations (canonical acronym) — an organisation is never a
    participant. Countries are found only inside a participation sentence, so the venue ("en Managua,
    Nicaragua, con la participación de ...") is not counted.
    """
    folded = fold_for_matching(text)
    # (position, ...) so that mentions found by overlapping spans come out in the order of the text.
    participants: list[tuple[int, Country]] = []
    observers: list[tuple[int, str]] = []
    for start, end, observers_only in _participation_spans(text, folded):
        span = text[start:end]
        # "la Universidad de Costa Rica", "la Embajada de México": a country inside a name takes no part.
        countries = [(c.start + start, c) for c in find_countries(mask_non_places(span))]
        organisations = _find_organisations(span)
        zones = _observer_zones(folded, start, end, [p for p, _ in countries], [o[0] + start for o in organisations])
        for position, country in countries:
            if _VENUE_BEFORE_RX.search(text[max(0, position - 80) : position]):
                continue  # "reunidos en Managua, Nicaragua": the venue's country, not a participant
            if _MARKED_ABSENT_RX.match(folded, position + len(country.as_written)):
                continue  # an attendance table's row "Canadá | Ausente"
            zone = next((z for z in zones if z[0] <= position < z[1]), None)
            if zone is not None and not (zone[2] and country.key in MEMBER_STATES):
                observers.append((position, country_name(country.key)))
            elif not observers_only:
                participants.append((position, Country(country.as_written, country.key)))
        observers += [(o[0] + start, o[2]) for o in organisations]
    first_seen: dict[str, Country] = {}
    for _, country in sorted(participants, key=lambda pc: pc[0]):
        first_seen.setdefault(country.key, country)
    ordered = tuple(first_seen.values())
    taken = {country_name(c.key) for c in ordered}  # a participant named again among observers stays a participant
    unique_observers = dict.fromkeys(name for _, name in sorted(observers, key=lambda po: po[0]) if name not in taken)
    return Participation(ordered, tuple(unique_observers))


# ------------------------------------------------------------------------------------------- the meeting


def _other_body(title: str | None) -> tuple[str, str] | None:
    """A title naming a meeting of a body the table does not know: ("Comisión X", "other"); a workshop or
    seminar (archive/data/events.json) of no named body is its own: ("Taller sobre Retorno ...", "other")."""
    if not title:
        return None
    folded = fold_for_matching(title)
    m = _OTHER_BODY_RX.match(folded)
    # "Workshop on Labour Migration", "Taller de capacitación en ...": after an event, "on" or a bare "de"
    # introduces its subject, not a body; "Taller de la Comisión X" names the body.
    if m and (m.group("session") or re.fullmatch(r"de\s+la|del|de\s+los|of\s+the", m.group("of"))):
        return normalize_space(title[m.start("body") :]).strip(" .,;:"), OTHER
    event = _EVENT_TITLE_RX.match(folded)
    if event:
        return normalize_space(title[event.start("event") :]).strip(" .,;:"), OTHER
    return None


def _names_a_meeting_of(title: str | None) -> bool:
    """Whether the title is the report of a meeting of a named body: "Informe de la reunión de la Troika"."""
    m = _OTHER_BODY_RX.match(fold_for_matching(title or ""))
    return m is not None and m.group("session") is not None


def _repeated_lines(text: str) -> frozenset[str]:
    """Lines that recur on several pages (running headers such as "CRM - Red de Protección Consular"), which
    are never a title; a title is written once, or twice when a cover page repeats it, so three counts."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        line = line.strip()
        if 8 <= len(line) <= 120:
            counts[line] = counts.get(line, 0) + 1
    return frozenset(line for line, n in counts.items() if n >= 3)


def read_meeting(text: str) -> Meeting:
    """Everything the text's header and preamble say about its meeting; fields the text does not give are None.

    Read from ``reading_text`` (paragraph lines joined, glued words split, a flattened head given its lines
    back) of the document proper: a covering letter before it is skipped, and its meeting sentence is used
    only for a date the document itself does not give.
    """
    start = document_start(text)
    letter, text = text[:start], reading_text(text[start:])
    head = read_head(text)
    title = read_title(head, _repeated_lines(text))
    mention = _read_body(head, title)
    body: tuple[str, str] | None = (mention.as_written, mention.key) if mention else _other_body(title)
    if mention and not find_bodies(title or "") and _names_a_meeting_of(title):
        # The title is the meeting of a body the glossary does not know ("INFORME DE LA REUNIÓN DE LA RED DE … DE
        # LA NIÑEZ"): that body, not the one of a heading line above it ("XVIII REUNIÓN VICEMINISTERIAL", the
        # meeting in whose framework it met).
        body = _other_body(title)
    body_key = body[1] if body else None
    heading_text = "\n".join(line for _, line in head.lines)
    number = _read_number([t for t in (title, heading_text, _first_sentence(head.prose)) if t], body_key)
    city, country, country_inferred = _read_place(head, text)
    dates = _read_dates(head, text) or (meeting_sentence_date(reading_text(letter)) if letter else None)
    participation = read_participation(head.text)
    if not participation.participants and not participation.observers:
        participation = read_participation(read_intro(head, text))
    meeting = Meeting(
        title=title,
        body=body[0] if body else None,
        body_key=body_key,
        number=number,
        city=city,
        country=country,
        date=dates[0] if dates else None,
        date_end=dates[1] if dates else None,
        participants=participation.participants,
        observers=participation.observers,
        country_inferred=country_inferred,
    )
    log.debug("read meeting %s", meeting)
    return meeting


__all__ = ["Head", "Participation", "read_head", "read_intro", "read_meeting", "read_participation", "read_title"]
