"""Dates as CRM reports write them, in Spanish and English, read into (first day, last day).

Forms read (accent- and case-insensitive, any spacing): "24 de noviembre de 2014", "6 de mayo, 2008",
"9 y 10 de octubre de 2012", "del 3 al 4 de marzo de 2010", "30 de junio al 2 de julio de 2015",
"1° de junio de 2011", "1ro de junio de 2011", "1ro. de julio de 2013", "primero de julio de 2013", "November 24-25, 2014", "24-25 November 2014",
"April 9 and 10, 2019", "June 30 - July 1, 2015", "24th of November 2014", the month first with "de"
("Noviembre 19 y 20 de 2015"), an acta's "a los 24 días del mes de noviembre de 2014" (also in words: "a los
veintiséis días del mes de junio de dos mil trece"), abbreviated
months ("Nov. 24-25, 2014", "24 de nov. de 2014"), ISO "2014-11-24", and
"24/11/2014" only when day and month cannot be swapped (one of them above 12, or both equal).

Deliberately not read: a month without a day ("Noviembre 2014") and a day without a year ("1ro de
junio"): the archive stores a day, and inventing one (the 1st? the year of another line?) would be a
silent guess, so those give no date. Dates after "a más tardar", "antes del", "by", "no later than"...
are deadlines, not meeting dates, and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ingest.places import fold_for_matching

MONTHS: dict[str, int] = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "sept": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
# Abbreviations, as headers and English reports write them ("Nov. 24-25, 2014", "24 de nov. de 2014"); matched
# only as whole words, so "mar" is never the start of "marco" nor "dic" of "dicho".
_ABBREVIATED_MONTHS: dict[str, int] = {
    "ene": 1, "jan": 1, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "jun": 6, "jul": 7, "ago": 8, "aug": 8,
    "sep": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12, "dec": 12,
}  # fmt: skip
_MONTH_NUMBER = {**MONTHS, **_ABBREVIATED_MONTHS}

# Years a CRM report can be about (the process began in 1996); anything else is a number, not a year.
_FIRST_YEAR, _LAST_YEAR = 1990, 2040

_MONTH = (
    "(?:(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
    + "|(?:" + "|".join(sorted(_ABBREVIATED_MONTHS, key=len, reverse=True)) + r")(?![a-z]))\.?"
)
# A day: "1", "01", "1°", "1º" (folded to "1o"), "1ro", "1ro.", "1ero", "1er", "1st", "24th"; the first of a
# month also in a word, "primero de julio" (Spanish writes no other day so in a date line).
_DAY = r"(?:(?<![\d/.,])\d{1,2}(?:\s?(?:°|ero|ro|er|o|st|nd|rd|th)\b\.?|°)?|(?<!\w)primero(?=\s+del?\s))"
_YEAR = r"(?<!\d)(?:19|20)\d\d(?!\d)"
# Formal actas write the date in words: "a los veintiséis días del mes de junio de dos mil trece" (folded).
_NUMBER_WORDS: dict[str, int] = {
    "uno": 1, "un": 1, "primero": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16,
    "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiun": 21,
    "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29, "treinta": 30,
}  # fmt: skip
_UNIT_WORDS = "uno|un|dos|tres|cuatro|cinco|seis|siete|ocho|nueve"
_WORD_NUMBER = rf"(?:treinta(?:\s+y\s+(?:{_UNIT_WORDS}))?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_DAY_WORDS = rf"(?<!\w){_WORD_NUMBER}(?!\w)"
_YEAR_WORDS = rf"(?:dos\s+mil(?:\s+{_WORD_NUMBER})?|mil\s+novecientos\s+noventa(?:\s+y\s+(?:{_UNIT_WORDS}))?)(?!\w)"


def _number_in_words(words: str) -> int | None:
    """12 for "doce", 31 for "treinta y uno", 2013 for "dos mil trece", 1996 for "mil novecientos noventa y seis"."""
    words = " ".join(words.split())
    base = 0
    for lead, value in (("dos mil", 2000), ("mil novecientos noventa", 1990)):
        if words.startswith(lead):
            base, words = value, words[len(lead) :].strip()
            words = words[2:] if words.startswith("y ") else words
            break
    if not words:
        return base or None
    if words.startswith("treinta y "):
        unit = _NUMBER_WORDS.get(words[len("treinta y ") :])
        return base + 30 + unit if unit and unit < 10 else None
    value = _NUMBER_WORDS.get(words)
    return base + value if value is not None else None
_TO = r"(?:al|a|-|–|hasta(?:\s+el)?|to|through|until|till)"
_AND = r"(?:y|and|&|e)"
# Between a month and its year: "de 2014", "del 2014", "del año 2014" (folded "ano"), ", 2014", " 2014"; also
# after a month written first, as Central American headers do: "Noviembre 19 y 20 de 2015".
_YEAR_LEAD = r"\s*(?:(?:de|del)(?:\s+ano)?|,)?\s*"
_DAYS = rf"(?P<d1>{_DAY})(?:\s*(?:,\s*{_DAY}\s*)*(?:{_TO}|{_AND}|,)\s*(?:el\s+)?(?P<d2>{_DAY}))?"

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        # 30 de junio al 2 de julio de 2015; 30 de diciembre de 2014 al 2 de enero de 2015
        rf"(?P<d1>{_DAY})\s+de\s+(?P<m1>{_MONTH})(?:{_YEAR_LEAD}(?P<y1>{_YEAR}))?\s*(?:{_TO}|{_AND})\s*(?:el\s+)?"
        rf"(?P<d2>{_DAY})\s+de\s+(?P<m2>{_MONTH}){_YEAR_LEAD}(?P<y2>{_YEAR})",
        # 24 de noviembre de 2014; 9 y 10 de octubre de 2012; del 3 al 4 de marzo de 2010; 6 de mayo, 2008;
        # the formula of an acta: "a los 24 días del mes de noviembre de 2014"
        rf"{_DAYS}(?:\s+dias)?\s+(?:del\s+mes\s+)?de\s+(?P<m1>{_MONTH}){_YEAR_LEAD}(?P<y2>{_YEAR})",
        # June 30 - July 1, 2015; junio 30 a julio 1 de 2015
        rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\s*(?:{_TO}|{_AND})\s*(?P<m2>{_MONTH})\s+(?P<d2>{_DAY}){_YEAR_LEAD}(?P<y2>{_YEAR})",
        # November 24-25, 2014; April 9 and 10, 2019; November 24, 2014; noviembre 24 de 2014
        rf"(?P<m1>{_MONTH})\s+{_DAYS}{_YEAR_LEAD}(?P<y2>{_YEAR})",
        # the formula of a formal acta, all in words: "a los veintiséis días del mes de junio de dos mil trece"
        rf"(?P<d1>{_DAY_WORDS})\s+(?:dias\s+)?(?:del\s+mes\s+)?de\s+(?P<m1>{_MONTH})\s+(?:de|del)\s+(?:ano\s+)?(?P<y2>{_YEAR}|{_YEAR_WORDS})",
        # 30 June - 1 July 2015
        rf"(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH})\s*(?:{_TO}|{_AND})\s*(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH}),?\s*(?P<y2>{_YEAR})",
        # 24-25 November 2014; 24th of November, 2014
        rf"{_DAYS}\s+(?:of\s+)?(?P<m1>{_MONTH}),?\s*(?P<y2>{_YEAR})",
        # 2014-11-24
        r"(?<![\d/.-])(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)(?![\d/.-])",
        # 24/11/2014 (kept only when unambiguous)
        r"(?<![\d/.-])(?P<na>\d{1,2})[/.-](?P<nb>\d{1,2})[/.-](?P<ny>(?:19|20)\d\d)(?![\d/.-])",
    )
)

_DEADLINE_BEFORE = re.compile(
    r"(?<!\w)(?:a\s+mas\s+tardar|antes\s+del?|hasta|plazo|fecha\s+limite|limite|vence|"
    r"no\s+later\s+than|by|before|until|deadline|prior\s+to)"
    r"(?:\s+(?:el|la|del|de|the|on|dia))*\s*[:,]?\s*$"
)


@dataclass(frozen=True)
class DateMention:
    """A date (or range) found in text: its span and its first and last day."""

    start: int
    end: int
    first: date
    last: date
    deadline: bool = False


def _day(token: str | None) -> int | None:
    if token is None:
        return None
    if not token[:1].isdigit():
        return _number_in_words(token)
    return int(re.match(r"\d+", token).group())  # type: ignore[union-attr]


def _month(token: str | None) -> int | None:
    return _MONTH_NUMBER[token.rstrip(".")] if token else None


def _year(token: str | None) -> int | None:
    if token and not token[:1].isdigit():
        return _number_in_words(token)
    return int(token) if token else None


def _make(y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> tuple[date, date] | None:
    if not (_FIRST_YEAR <= y1 <= _LAST_YEAR and _FIRST_YEAR <= y2 <= _LAST_YEAR):
        return None
    try:
        first, last = date(y1, m1, d1), date(y2, m2, d2)
    except ValueError:
        return None  # 31 de junio, 30 de febrero: a typo we cannot repair
    if last < first or (last - first).days > 31:
        return None
    return first, last


def _interpret(m: re.Match[str]) -> tuple[date, date] | None:
    g = m.groupdict()
    if g.get("iy"):
        y, mo, d = int(g["iy"]), int(g["im"]), int(g["id"])
        return _make(y, mo, d, y, mo, d)
    if g.get("na"):
        a, b, y = int(g["na"]), int(g["nb"]), int(g["ny"])
        if a == b:
            day, month = a, a
        elif a > 12 >= b:
            day, month = a, b
        elif b > 12 >= a:
            day, month = b, a  # month first, as in US usage
        else:
            return None  # 05/06/2014: May 6 or 5 June? The text does not say.
        return _make(y, month, day, y, month, day)
    d1, d2 = _day(g.get("d1")), _day(g.get("d2"))
    if d1 is None or _year(g.get("y2")) is None:
        return None  # words that name no day or year ("treinta y diez")
    m1, m2 = _month(g.get("m1")), _month(g.get("m2"))
    y2 = _year(g.get("y2"))
    assert d1 is not None and m1 is not None and y2 is not None
    m2 = m2 or m1
    d2 = d2 or d1
    y1 = _year(g.get("y1")) or (y2 - 1 if m2 < m1 else y2)  # "30 de diciembre al 2 de enero de 2015"
    return _make(y1, m1, d1, y2, m2, d2)


def find_dates(text: str) -> list[DateMention]:
    """Every readable date or date range in ``text``, in order, non-overlapping; deadlines are flagged."""
    folded = fold_for_matching(text)
    candidates: list[tuple[int, int, re.Match[str]]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            candidates.append((m.start(), -(m.end() - m.start()), m))
    candidates.sort(key=lambda c: (c[0], c[1]))
    found: list[DateMention] = []
    taken_until = -1
    for start, _, m in candidates:
        if start < taken_until:
            continue
        span = _interpret(m)
        if span is None:
            continue
        head = folded[max(0, start - 40) : start]
        deadline = bool(_DEADLINE_BEFORE.search(head))
        found.append(DateMention(start, m.end(), span[0], span[1], deadline))
        taken_until = m.end()
    return found


def parse_meeting_date(text: str) -> tuple[date, date] | None:
    """First and last day of the first meeting date in ``text`` (deadlines skipped), else None.

    Give it the header and preamble of a report, not the agreements: the first date there is the meeting's.
    """
    for mention in find_dates(text):
        if not mention.deadline:
            return mention.first, mention.last
    return None


def blank_out_dates(text: str) -> str:
    """``text`` with each date replaced by a comma, so "Managua, Nicaragua, 24 de noviembre de 2014" splits cleanly."""
    parts, last = [], 0
    for mention in find_dates(text):
        parts.append(text[last : mention.start])
        parts.append(",")
        last = mention.end
    parts.append(text[last:])
    return "".join(parts)
