"""Commitments: the deadlines a report's units set, who must act, and by when — pure functions of text.

A deadline is a *trigger* plus a *time*. Triggers: "a más tardar", "antes del", "no más tarde del",
"hasta el", "fecha límite", "by", "no later than", "before", "prior to", "until", "deadline"; the
end-of triggers "a finales/fines de", "al final de", "antes de finalizar", "by/before the end of"; and
trailing ones ("el 15 de marzo, a más tardar", "by March 15th, at the latest"). Times, in either language:

* a day — "27 de febrero de 2015", "March 15, 2015" (read by ``ingest.dates.find_dates``) or without a
  year ("15 de marzo", "March 15th"): the year is the meeting's, or the next one — the first such day
  after the meeting;
* a month — "a finales de septiembre de 2012" is its last day; "antes de septiembre" the day before it;
* a year — "before the end of 2015", "a finales de 2015", "antes de que finalice el año" (the meeting's);
* a period — "la última semana de abril de 2015", "la primera quincena de marzo", "el primer semestre
  de 2016", "the last week of April": a window, due on its last day;
* a span — "en un plazo no mayor de treinta días", "dentro de los 60 días siguientes", "within 90 days",
  "within two (2) weeks": counted from the meeting's last day (a span counted from something else, "30
  días después de recibir el informe", has no date and is kept as a relative deadline);
* a meeting — "antes de la próxima reunión", "before the next meeting", "antes de la XX Reunión
  Viceministerial": no date, kept as a relative deadline.

Not deadlines: a date without a trigger (the meeting's own date, "Informe Global ... 2014", "2014-2020",
"desde la última reunión"), a period "desde ... hasta", and any deadline on or before the meeting's last
day. A "by" with only a year ("reduce by 2015") is a target, not a deadline, and is left out.

Who must act is read by ``ingest.actors`` from the sentence holding the deadline.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from archive.folding import fold_in_place
from archive.models import Agreement, Commitment
from archive.spans import without_overlaps
from ingest.actors import SENTENCE_END_RX, actors_in, split_sentences, unit_actors
from ingest.dates import MONTHS, find_dates

# --- the pieces of a time --------------------------------------------------------------------------

_MONTH_NAMES = sorted(MONTHS, key=len, reverse=True)
_MONTH = r"(?P<month>" + "|".join(_MONTH_NAMES) + r")\.?"
# "may" is also an English verb: as a month it must come with a day or a year.
_MONTH_NOT_MAY = r"(?P<month>" + "|".join(m for m in _MONTH_NAMES if m != "may") + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![\d-])"
_OPT_YEAR = rf"(?:\s*(?:de|del|,)?\s*{_YEAR})?"
_ORDINAL_SUFFIX = r"(?:\s?(?:°|o|ro|er|st|nd|rd|th)\b|°)?"

# Spelled-out numbers in spans ("treinta días", "ninety days", "treinta y cinco", "one hundred twenty").
NUMBER_WORDS: dict[str, int] = {
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiun": 21,
    "veintiuno": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23, "veinticuatro": 24,
    "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
    "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
    "noventa": 90, "cien": 100, "ciento": 100,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}  # fmt: skip
_NUMBER_WORD = "(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_NUMBER = rf"(?P<number>\d{{1,3}}|{_NUMBER_WORD}(?:(?:\s+y\s+|\s+and\s+|-|\s+){_NUMBER_WORD})*)(?:\s*\(\s*\d{{1,3}}\s*\))?"
_UNIT = (r"(?P<unit>dias?|semanas?|mes(?:es)?|anos?|days?|weeks?|months?|years?)"
         r"(?P<working>\s+(?:habiles|laborables|working|business))?(?:\s+(?:calendario|naturales|calendar))?")
# "days" after the number in English: "90 working days" puts the qualifier first.
_UNIT_EN_FIRST = r"(?:(?P<working_en>working|business|calendar)\s+)?"

_ORDINALS = {
    "primera": 1, "primer": 1, "first": 1, "segunda": 2, "segundo": 2, "second": 2, "tercera": 3,
    "tercer": 3, "third": 3, "cuarta": 4, "cuarto": 4, "fourth": 4, "ultima": -1, "ultimo": -1, "last": -1,
}  # fmt: skip
_ORDINAL = "(?P<ordinal>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + ")"
_PERIOD_OF_MONTH = r"(?P<period>semana|quincena|week|fortnight)"
_PERIOD_OF_YEAR = r"(?P<period>trimestre|semestre|quarter|half|mitad)"

# --- triggers ------------------------------------------------------------------------------------------

_ARTICLES = (r"(?:\s+(?:el|la|los|las|del|de|en|para|durante|the|on|in|of|dia|mes|month|ano|year|proximo|proxima|next|"
             r"this|este|esta|lunes|martes|miercoles|jueves|viernes|sabado|domingo|monday|tuesday|wednesday|thursday|"
             r"friday|saturday|sunday),?)*")
_BY = (
    r"(?:a\s+mas\s+tardar|no\s+mas\s+tarde\s+(?:del?|que)|antes\s+del?|previo\s+al?|con\s+anterioridad\s+al?|"
    r"hasta|fecha\s+limite(?:\s+(?:para|de\s+entrega))?|plazo(?:\s+(?:maximo|limite|que\s+vence))?(?:\s+(?:hasta|al?))?|"
    r"vence|(?:no|not)\s+later\s+than|by|before|prior\s+to|on\s+or\s+before|until|deadline(?:\s+(?:of|is))?|"
    r"due(?:\s+(?:on|by))?|"
    # "la fecha límite para el envío es el ...", "the deadline for submissions is ..."
    r"(?:fecha\s+limite|deadline|plazo)(?:\s+[^\s.;:]+){0,5}?\s+(?:es|sera|vence|is|will\s+be))"
)
_END_OF = (
    r"(?:a\s+(?:finales|fines|final)|al\s+(?:final|cierre|termino)|"
    r"antes\s+de(?:l)?\s+(?:fin(?:al|ales|es)?|cierre|termino)|antes\s+de\s+(?:finalizar|concluir|terminar)|"
    r"antes\s+de\s+que\s+(?:finalice|termine|concluya)|(?:by|before|at|until|no\s+later\s+than)\s+(?:the\s+)?end)"
)
_LEAD_RX = re.compile(rf"(?<![\w])(?:(?P<end_of>{_END_OF})|(?P<by>{_BY})){_ARTICLES}\s*[:,]?\s*$")
_TRAIL_RX = re.compile(
    r"^\s*,?\s*(?:a\s+mas\s+tardar|como\s+(?:maximo|fecha\s+limite|plazo\s+maximo)|at\s+the\s+(?:very\s+)?latest)(?![\w])")
# A "hasta"/"until" that closes a period ("desde marzo hasta el 30 de abril") is not a deadline.
_PERIOD_OPENER_RX = re.compile(r"(?<![\w])(?:desde|from|vigente|vigencia|valid|a\s+partir\s+del?)(?![\w])")

# --- spans and meetings ----------------------------------------------------------------------------------

_SPAN_LEAD = (
    r"(?:en\s+un\s+(?:plazo|termino|periodo)|"
    r"dentro(?:\s+del?)?(?:\s+(?:un|el|los|las))?(?:\s+(?:plazo|termino|periodo)(?:\s+de)?)?(?:\s+(?:los|las))?|en\s+(?:los|las)\s+(?:proximos|proximas|siguientes)|"
    r"within(?:\s+(?:a|the)\s+(?:period|term|time\s+frame|timeframe)\s+of)?(?:\s+the\s+(?:next|following))?|"
    r"in\s+the\s+(?:next|following)|a\s+mas\s+tardar|(?:no|not)\s+later\s+than)"
)
_SPAN_RX = re.compile(
    rf"(?<![\w])(?P<lead>{_SPAN_LEAD})\s+(?:(?:no\s+)?(?:mayor|superior|maximo|menor)\s+(?:de|a)\s+|maximo\s+de\s+|de\s+|of\s+)?"
    rf"(?:(?:los|las|the)\s+)?{_NUMBER}\s+{_UNIT_EN_FIRST}{_UNIT}(?P<after>(?:\s+[^\s.,;]+){{0,8}})"
)
# What follows a span: "siguientes", then what it is counted from ("a partir de la presente reunión",
# "after receiving the report"); nothing, or the meeting, means the meeting.
_COUNTED_FROM_RX = re.compile(
    r"(?P<follow>(?:\s+(?:siguientes|posteriores|calendario|naturales|next|following))*)"
    r"\s+(?:contados?\s+)?(?P<connector>a\s+partir\s+del?|despues\s+del?|desde|tras|luego\s+del?|de|after|following|from|of|al?)\s+"
    r"(?P<reference>(?:[^\s.,;]+\s*){1,6})")
_THE_MEETING_RX = re.compile(
    r"^(?:(?:la|el|esta|este|the|this|its)\s+)*(?:(?:fecha|date|clausura|conclusion|closing|celebracion|end)\s+"
    r"(?:de|of)\s+)?(?:(?:la|el|esta|este|the|this)\s+)*(?:presente\s+|present\s+)?"
    r"(?:reunion|meeting|encuentro|sesion|session)(?![\w])")

_MEETING_NOUN = r"(?:reunion|reuniones|meeting|conferencia|conference|sesion|session|encuentro|cumbre|summit|rvm|grcm)"
_RELATIVE_RX = re.compile(
    r"(?<![\w])(?P<lead>(?:antes\s+de|previo\s+a|con\s+anterioridad\s+a|a\s+mas\s+tardar(?:\s+(?:en|para|durante))?)"
    r"\s+(?:la|el|las|los)|antes\s+del|previo\s+al|con\s+anterioridad\s+al|"
    r"(?:before|prior\s+to|ahead\s+of|in\s+advance\s+of|(?:no|not)\s+later\s+than|by)\s+(?:the|its)|"
    r"(?:before|prior\s+to|ahead\s+of|in\s+advance\s+of|(?:no|not)\s+later\s+than))"
    r"\s+(?:(?P<next>proxima|proximo|siguiente|next|upcoming|forthcoming|[xvilc]+|\d{1,2}(?:a|o|°|st|nd|rd|th)?)\s+)?"
    rf"(?:[^\s.,;]+\s+){{0,3}}?{_MEETING_NOUN}(?![\w])"
)

# Every deadline has one of these words; a unit without any (most of them) is skipped before the costly part.
_ANY_TRIGGER_RX = re.compile(
    rf"(?<![\w])(?:{_BY}|{_END_OF}|{_SPAN_LEAD}|como\s+(?:maximo|fecha\s+limite|plazo)|at\s+the\s+(?:very\s+)?latest|"
    r"ahead\s+of|in\s+advance\s+of)(?![\w])")

_QUICK_FOLD = str.maketrans("áàäâéèëêíìïîóòöôúùüûñç", "aaaaeeeeiiiioooouuuunc")

_PAST_MEETING_RX = re.compile(r"(?<![\w])(?:ultima|ultimo|anterior|pasada|pasado|previa|previous|last|past|prior)\s")

# --- the times, as regexes on folded text ------------------------------------------------------------------

_YEARLESS_RXS = (
    re.compile(rf"(?<![\d/.,])(?P<day>\d{{1,2}}){_ORDINAL_SUFFIX}\s+de\s+{_MONTH}(?![\w])"),
    re.compile(rf"(?<![\w]){_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\w])"),
    re.compile(rf"(?<![\d/.,])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![\w])"),
)
_PERIOD_RXS = (
    re.compile(rf"(?<![\w]){_ORDINAL}\s+{_PERIOD_OF_MONTH}\s+(?:de(?:l\s+mes\s+de)?|of)\s+{_MONTH}{_OPT_YEAR}"),
    re.compile(rf"(?<![\w]){_ORDINAL}\s+{_PERIOD_OF_YEAR}\s+(?:de(?:l)?|of)\s+(?:(?:el\s+|the\s+)?(?:ano|year)\s+)?{_YEAR}"),
)
_MONTH_RX = re.compile(rf"(?<![\w])(?:(?:el\s+)?mes\s+de\s+)?{_MONTH_NOT_MAY}(?:\s*(?:de|del|,)?\s*{_YEAR})?(?![\w])"
                       r"|(?<![\w])may\.?\s*,?\s*(?P<year2>(?:19|20)\d\d)(?![\d-])")
_ENGLISH_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "sept",
                   "october", "november", "december"}
_YEAR_RX = re.compile(rf"(?<![\w\d-])(?:(?:el\s+)?(?:ano|year)\s+)?{_YEAR}|(?<![\w])(?:(?:el|este|the|this)\s+)?"
                      rf"(?P<this_year>ano|year)(?:\s+(?:en\s+curso|actual|corriente))?(?![\w])")


@dataclass(frozen=True)
class Deadline:
    """A deadline found in a text: its span, and its day, window or relative words."""

    start: int
    end: int
    due: date | None
    window: tuple[date, date] | None = None
    relative: str | None = None


@dataclass(frozen=True)
class _Time:
    """A time mention before its trigger is known: ``resolve(kind)`` gives (due, window) or None."""

    start: int
    end: int
    kind: str  # day, yearless, month, year, period
    first: date | None = None
    last: date | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None
    this_year: bool = False  # "el año", "the year": the meeting's year
    ordinal: int | None = None  # periods: 1 for "primera", -1 for "última"
    period: str | None = None  # periods: "semana", "quarter", ...


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_after(meeting_last: date | None, month: int, day: int | None) -> int | None:
    """The year of the first ``day`` of ``month`` (its last day when None) after the meeting."""
    if meeting_last is None:
        return None
    for year in (meeting_last.year, meeting_last.year + 1):
        try:
            candidate = date(year, month, day) if day else _last_day(year, month)
        except ValueError:
            continue  # 29 de febrero in a common year
        if candidate > meeting_last:
            return year
    return None


def _number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    total = current = 0
    for word in re.split(r"\s+y\s+|\s+and\s+|-|\s+", text):
        value = NUMBER_WORDS.get(word)
        if value is None:
            return None
        if value == 100:
            current = (current or 1) * 100
        else:
            current += value
    total += current
    return total or None


def _add_span(start: date, n: int, unit: str, working: bool) -> date:
    if unit.startswith(("dia", "day")):
        if working:  # working days: weekdays only (holidays differ by country and are not known here)
            day = start
            while n:
                day += timedelta(days=1)
                if day.weekday() < 5:
                    n -= 1
            return day
        return start + timedelta(days=n)
    if unit.startswith(("semana", "week")):
        return start + timedelta(weeks=n)
    months = n * 12 if unit.startswith(("ano", "year")) else n
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _period_window(ordinal: int, period: str, year: int, month: int | None) -> tuple[date, date] | None:
    if month is not None:  # a week or a fortnight of a month
        last_day = calendar.monthrange(year, month)[1]
        length = 7 if period in ("semana", "week") else 15
        if ordinal == -1:
            return date(year, month, last_day - length + 1), date(year, month, last_day)
        first = 1 + (ordinal - 1) * length
        if length == 15:
            return (date(year, month, 1), date(year, month, 15)) if ordinal == 1 else (
                (date(year, month, 16), date(year, month, last_day)) if ordinal == 2 else None)
        if first + 6 > last_day:
            return None
        return date(year, month, first), date(year, month, first + 6)
    months = 3 if period in ("trimestre", "quarter") else 6
    count = 12 // months
    index = count if ordinal == -1 else ordinal
    if not 1 <= index <= count:
        return None
    first_month = (index - 1) * months + 1
    return date(year, first_month, 1), _last_day(year, first_month + months - 1)


def _english_month_in_lower_case(text: str, m: re.Match[str]) -> bool:
    """"march", "may" in lower case are a noun and a verb; as months English writes them capitalised."""
    start = m.start("month")
    return m.group("month").rstrip(".") in _ENGLISH_MONTHS and not text[start].isupper()


def _times(text: str, folded: str) -> list[_Time]:
    """Every time mention in ``folded``, longest first at each position, overlaps removed."""
    found: list[_Time] = []
    for mention in find_dates(folded):
        found.append(_Time(mention.start, mention.end, "day", mention.first, mention.last))
    for rx in _PERIOD_RXS:
        for m in rx.finditer(folded):
            g = m.groupdict()
            if g.get("month") and _english_month_in_lower_case(text, m):
                continue
            found.append(_Time(m.start(), m.end(), "period", month=MONTHS[g["month"]] if g.get("month") else None,
                               year=int(g["year"]) if g.get("year") else None, ordinal=_ORDINALS[g["ordinal"]],
                               period=g["period"]))
    for rx in _YEARLESS_RXS:
        for m in rx.finditer(folded):
            if _english_month_in_lower_case(text, m):
                continue
            found.append(_Time(m.start(), m.end(), "yearless", month=MONTHS[m.group("month").rstrip(".")],
                               day=int(m.group("day"))))
    for m in _MONTH_RX.finditer(folded):
        if m.group("month") is None:
            m_month, month = None, "may"
            if not text[m.start()].isupper():
                continue
        else:
            m_month, month = m, m.group("month").rstrip(".")
            if _english_month_in_lower_case(text, m_month):
                continue
        found.append(_Time(m.start(), m.end(), "month", month=MONTHS[month],
                           year=int(m.group("year") or m.group("year2")) if (m.group("year") or m.group("year2")) else None))
    for m in _YEAR_RX.finditer(folded):
        found.append(_Time(m.start(), m.end(), "year", year=int(m.group("year")) if m.group("year") else None,
                           this_year=bool(m.group("this_year"))))
    return without_overlaps(found)


def _resolve(t: _Time, end_of: bool, before: bool, strong: bool,
             meeting_last: date | None) -> tuple[date, tuple[date, date] | None] | None:
    """(due, window) of a time after a trigger, or None when it cannot be a deadline."""
    if t.kind == "day":
        assert t.first is not None and t.last is not None
        return t.last, ((t.first, t.last) if t.first != t.last and not end_of else None)
    if t.kind == "yearless":
        assert t.month is not None and t.day is not None
        year = _next_after(meeting_last, t.month, t.day)
        return (date(year, t.month, t.day), None) if year else None
    if t.kind == "month":
        assert t.month is not None
        year = t.year or _next_after(meeting_last, t.month, None)
        if year is None:
            return None
        if before and not end_of:  # "antes de septiembre": by the last day of August
            return date(year, t.month, 1) - timedelta(days=1), None
        return _last_day(year, t.month), None
    if t.kind == "year":
        # A bare year is a deadline only as the end of it ("a finales de 2015") or with "a más tardar";
        # "by 2015" is more often a target than a deadline.
        if not (end_of or strong):
            return None
        year = t.year or (meeting_last.year if t.this_year and meeting_last else None)
        return (date(year, 12, 31), None) if year else None
    if t.kind == "period":
        assert t.ordinal is not None and t.period is not None
        year = t.year
        if year is None:
            if t.month is None or meeting_last is None:
                return None
            year = _next_after(meeting_last, t.month, None)
            if year is None:
                return None
        window = _period_window(t.ordinal, t.period, year, t.month)
        if window is None:
            return None
        return window[1], (None if end_of else window)
    return None


def find_deadlines(text: str, meeting_first: date | None = None, meeting_last: date | None = None) -> list[Deadline]:
    """Every deadline in ``text``, in order; spans are offsets into ``text``.

    ``meeting_last`` (else ``meeting_first``) dates the meeting: spans count from it, years are completed
    from it, and a deadline on or before it is not one.
    """
    meeting_last = meeting_last or meeting_first
    # Most units set no deadline: a C-speed lower-and-strip-accents is enough to tell (fold_in_place, a loop
    # per character, was 60 % of the time on a 10k-unit synthetic archive).
    if not _ANY_TRIGGER_RX.search(text.lower().translate(_QUICK_FOLD)):
        return []
    folded = fold_in_place(text)
    found: list[Deadline] = []

    for m in _SPAN_RX.finditer(folded):
        n = _number(m.group("number"))
        if n is None or n > 1000:
            continue
        phrase_end = max(m.end("unit"), m.end("working") if m.group("working") else 0)
        counted = _COUNTED_FROM_RX.match(folded, phrase_end)
        if counted and counted.group("connector") in ("a", "al") and not counted.group("follow"):
            counted = None  # "en 30 días a la ST": "a" counts from something only after "siguientes a"
        if counted:
            reference = _THE_MEETING_RX.match(counted.group("reference"))
            if reference is None:  # counted from something the text knows and we do not: no date
                end = counted.end("reference")
                found.append(Deadline(m.start(), end, None, None, _clean(text[m.start():end])))
                continue
            phrase_end = counted.start("reference") + reference.end()
        if meeting_last is None:
            found.append(Deadline(m.start(), phrase_end, None, None, _clean(text[m.start():phrase_end])))
            continue
        working = bool(m.group("working") or m.group("working_en") in ("working", "business"))
        found.append(Deadline(m.start(), phrase_end, _add_span(meeting_last, n, m.group("unit"), working)))

    for m in _RELATIVE_RX.finditer(folded):
        if _PAST_MEETING_RX.search(folded, m.end("lead"), m.end()) or (m.group("lead").startswith("by") and not m.group("next")):
            continue  # "antes de la última reunión" is the past; "adopted by the Vice-Ministerial Meeting" an agent
        found.append(Deadline(m.start(), m.end(), None, None, _clean(text[m.start():m.end()])))

    times = _times(text, folded)
    starts = [t.start for t in times]
    for t in times:
        head = folded[max(0, t.start - 80):t.start]
        lead = _LEAD_RX.search(head)
        trail = _TRAIL_RX.match(folded[t.end:])
        if trail and _time_follows(starts, t.end + trail.end()):
            trail = None  # "marzo a más tardar el 15 de agosto": the words lead the next date, not close this one
        if lead is None and trail is None:
            continue
        start = t.start - len(head) + lead.start() if lead else t.start
        end = t.end + (trail.end() if trail else 0)
        end_of = bool(lead and lead.group("end_of"))
        by_words = lead.group("by") if lead and lead.group("by") else ""
        if by_words.startswith(("hasta", "until")) and (
                t.kind not in ("day", "yearless") or _PERIOD_OPENER_RX.search(_sentence_before(folded, start))):
            continue  # "hasta diciembre de 2015", "desde marzo hasta el 30 de abril": how long, not by when
        before = by_words.startswith(("antes", "before", "previo", "prior", "con anterioridad"))
        strong = bool(trail) or by_words.startswith(("a mas tardar", "no mas tarde", "no later", "not later"))
        resolved = _resolve(t, end_of, before, strong, meeting_last)
        if resolved is None:
            if t.kind in ("yearless", "period", "month") and meeting_last is None and (lead or trail):
                found.append(Deadline(start, end, None, None, _clean(text[start:end])))
            continue
        due, window = resolved
        if meeting_last is not None and due <= meeting_last:
            continue  # the meeting's own date, or a date before it: not a deadline it sets
        found.append(Deadline(start, end, due, window))

    return without_overlaps(found)


def _time_follows(starts: list[int], position: int) -> bool:
    """A time mention begins within a few characters (an article or two) after ``position``."""
    index = bisect.bisect_left(starts, position)
    return index < len(starts) and starts[index] - position <= 12


def _sentence_before(folded: str, position: int) -> str:
    start = max((m.end() for m in SENTENCE_END_RX.finditer(folded, 0, position)), default=0)
    return folded[start:position]


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:")


def find_commitments(units: Sequence[Agreement], meeting_first: date | None = None,
                     meeting_last: date | None = None) -> tuple[Commitment, ...]:
    """The commitments of a report's units (numbered or not), in document order."""
    by_label = {u.label: u for u in units}
    result: list[Commitment] = []
    for unit in units:
        deadlines = find_deadlines(unit.text, meeting_first, meeting_last)
        if not deadlines:
            continue
        sentences = split_sentences(unit.text)
        for d in deadlines:
            s_start, s_end = next(((s, e) for s, e in sentences if s <= d.start < e), (0, len(unit.text)))
            sentence = unit.text[s_start:s_end]
            actors = actors_in(sentence) or unit_actors(unit.text, before=s_start)
            parent = by_label.get(unit.parent) if unit.parent else None
            while not actors and parent is not None:
                actors = unit_actors(parent.text)
                parent = by_label.get(parent.parent) if parent.parent else None
            result.append(Commitment(
                label=unit.label, due=d.due, due_window=d.window, relative=d.relative,
                phrase=_clean(unit.text[d.start:d.end]), sentence=_clean(sentence), actors=tuple(actors),
                start=d.start, end=d.end,
            ))
    return tuple(result)
