"""Countries and meeting venues: the tables, and reading "City, Country" out of a header or a sentence.

Countries are stored under a canonical key (``mexico``) and shown with their canonical Spanish name
("México"). A venue's country is taken from the text when it is written ("Tela, Honduras"); when only
the city is written it is inferred from ``VENUES``, an explicit table of capitals and of cities that
have hosted CRM meetings — never from a guess. A city that is not in the table keeps the text's
spelling and gets a country only if the text names one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from archive.folding import fold_in_place
from archive.spans import without_overlaps

# The offset-keeping form of the archive's one folding rule (archive/folding.py).
fold_for_matching = fold_in_place


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace (line breaks from PDF wrapping included) into single spaces."""
    return " ".join(text.split())


@dataclass(frozen=True)
class CountryInfo:
    key: str
    name_es: str
    name_en: str
    member: bool  # a member state of the CRM (the 11 members since 2000)
    aliases: tuple[str, ...] = ()  # further spellings; matched folded, except ``upper_aliases``
    upper_aliases: tuple[str, ...] = ()  # acronyms that are also words ("USA" vs Spanish "usa"): upper-case only


def _countries_from_glossary() -> tuple[CountryInfo, ...]:
    """The country table, built from the glossary (archive/data/glossary.json): names, variants, the member
    flag, and the acronyms that are also words ("USA"), matched in capitals only."""
    from archive.glossary import glossary

    return tuple(
        CountryInfo(e.key, e.name_es, e.name_en, e.member, e.variants, e.acronyms) for e in glossary().by_kind("country")
    )


_COUNTRY_LIST = _countries_from_glossary()

COUNTRIES: dict[str, CountryInfo] = {c.key: c for c in _COUNTRY_LIST}
MEMBER_STATES: tuple[str, ...] = tuple(c.key for c in _COUNTRY_LIST if c.member)


def _country_spellings() -> dict[str, str]:
    """Folded spelling -> key, for every name a country goes by (case-insensitive ones only)."""
    table: dict[str, str] = {}
    for c in _COUNTRY_LIST:
        for name in (c.name_es, c.name_en, *c.aliases):
            table[normalize_space(fold_for_matching(name))] = c.key
    return table


_COUNTRY_BY_SPELLING = _country_spellings()
_COUNTRY_BY_UPPER = {a: c.key for c in _COUNTRY_LIST for a in c.upper_aliases}


def country_key(name: str) -> str | None:
    """Canonical key of a country name in Spanish or English ("Canadá", "United States", "EE.UU."), else None."""
    cleaned = normalize_space(name).strip(" ,;:.")
    if cleaned in _COUNTRY_BY_UPPER:
        return _COUNTRY_BY_UPPER[cleaned]
    folded = fold_for_matching(cleaned)
    key = _COUNTRY_BY_SPELLING.get(folded) or _COUNTRY_BY_SPELLING.get(folded + ".")
    if key is None and folded.startswith(("la ", "el ", "the ")) and folded not in ("el salvador",):
        key = _COUNTRY_BY_SPELLING.get(folded.split(" ", 1)[1])
    return key


def country_name(key: str, lang: str = "es") -> str:
    """Display name of a country key; raises KeyError for an unknown key."""
    info = COUNTRIES[key]
    return info.name_en if lang == "en" else info.name_es


def _country_pattern() -> re.Pattern[str]:
    names = sorted(_COUNTRY_BY_SPELLING, key=len, reverse=True)  # longest first: "estados unidos mexicanos"
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])")


_COUNTRY_RX = _country_pattern()
_UPPER_RX = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, _COUNTRY_BY_UPPER)) + r")(?![\w])")


@dataclass(frozen=True)
class CountryMention:
    as_written: str
    key: str
    start: int
    end: int


def find_countries(text: str) -> list[CountryMention]:
    """Every country named in ``text``, in order of appearance (duplicates kept)."""
    folded = fold_for_matching(text)
    found = [
        CountryMention(normalize_space(text[m.start() : m.end()]), _COUNTRY_BY_SPELLING[normalize_space(m.group())], m.start(), m.end())
        for m in _COUNTRY_RX.finditer(folded)
    ]
    found += [CountryMention(m.group(), _COUNTRY_BY_UPPER[m.group()], m.start(), m.end()) for m in _UPPER_RX.finditer(text)]
    # Overlaps (an abbreviation inside a longer match) keep the earlier, longer mention.
    return without_overlaps(found)


@dataclass(frozen=True)
class Venue:
    city: str  # canonical spelling, Spanish where the city has a Spanish name
    country: str  # country key


# Capitals and cities that have hosted CRM meetings: the only source of an inferred country.
VENUES_FILE = Path(__file__).resolve().parents[1] / "archive" / "data" / "venues.json"


def load_venues(path: Path = VENUES_FILE) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(city, country key, aliases) of each venue in the data file; ValueError naming a malformed entry."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    venues = []
    for item in raw["venues"]:
        city, country = item.get("city"), item.get("country")
        if not isinstance(city, str) or not city.strip() or country not in COUNTRIES:
            raise ValueError(f"{path.name}: bad venue {item!r}")
        venues.append((city, country, tuple(item.get("aliases", ()))))
    return tuple(venues)


_VENUE_LIST = load_venues()

def _venue_key(name: str) -> str:
    """Lookup form of a city name: folded, without dots and commas ("Washington, D.C." -> "washington dc")."""
    return normalize_space(fold_for_matching(name).replace(".", "").replace(",", " "))


venue_key = _venue_key

VENUES: dict[str, Venue] = {
    _venue_key(spelling): Venue(city, country) for city, country, aliases in _VENUE_LIST for spelling in (city, *aliases)
}

# Countries whose capital is written with the country's name alone ("Guatemala, 10 de mayo de 2005").
_SAME_NAME_CAPITALS = {"guatemala": "Ciudad de Guatemala", "panama": "Ciudad de Panamá", "mexico": "Ciudad de México"}

_DESIGNATORS = {"dc", "df", "mdc"}  # compared without dots or spaces: "D.C.", "D. F.", "M.D.C."


def _venue(name: str) -> Venue | None:
    return VENUES.get(_venue_key(name))


def _as_written_city(name: str) -> str:
    """A city the tables do not know, as written; all-capitals headers get title case ("TELA" -> "Tela")."""
    name = normalize_space(name).strip(" ,.")
    if name.isupper():
        words = name.title().split(" ")
        name = " ".join(w.lower() if w.lower() in {"de", "del", "la", "las", "los", "el"} and i else w for i, w in enumerate(words))
    return name


def _trailing_venue(name: str) -> Venue | None:
    """A venue that ends a longer run of capitalised words: a heading run into the place line by the
    extractor ("VIII CONFERENCIA REGIONAL SOBRE MIGRACIÓN Cancún") names the city at its end."""
    words = name.split()
    for n in (3, 2, 1):
        if len(words) > n:
            venue = _venue(" ".join(words[-n:]))
            if venue:
                return venue
    return None


def parse_place(segments: list[str], *, header: bool = True) -> tuple[str | None, str | None] | None:
    """Read (city, country name) from consecutive comma-separated segments, e.g. ["Tegucigalpa", "M.D.C.", "Honduras"].

    Returns None when the segments do not read as a place. ``header`` allows a lone same-name capital
    ("Guatemala" on a date line means the city); in running prose ("celebrada en Guatemala") it means the country.
    """
    segs = [normalize_space(s).strip(" .;:") for s in segments]
    segs = [s for s in segs if s]
    n = len(segs)
    for i in range(n):
        city = segs[i]
        j = i + 1
        designator = ""
        if j < n and _venue_key(segs[j]).replace(" ", "") in _DESIGNATORS:
            designator = segs[j]
            j += 1
        next_country = country_key(segs[j]) if j < n else None
        venue = (_venue(f"{city} {designator}") if designator else None) or _venue(city)
        if venue is None and next_country:
            # Only with its country written after it: "DECLARACIÓN DE SAN JOSÉ" alone is a title.
            trailing = _trailing_venue(city)
            if trailing and trailing.country == next_country:
                venue = trailing
        own_country = country_key(city)
        if venue and own_country is None:
            return venue.city, country_name(next_country or venue.country)
        if own_country:
            if next_country == own_country and own_country in _SAME_NAME_CAPITALS:
                return _SAME_NAME_CAPITALS[own_country], country_name(own_country)
            if next_country and next_country != own_country:
                return None  # "Belice, Canadá, ..." is a list of countries, not a place
            if designator and own_country in _SAME_NAME_CAPITALS:
                return _SAME_NAME_CAPITALS[own_country], country_name(own_country)
            if header and own_country in _SAME_NAME_CAPITALS:
                return _SAME_NAME_CAPITALS[own_country], country_name(own_country)
            return None, country_name(own_country)
        if next_country:
            if len(city.split()) > 4:
                return None, country_name(next_country)  # a heading run into the place, not a city name
            return _as_written_city(city), country_name(next_country)
    return None


# A run of capitalised words, possibly joined by lower-case particles and commas: "Ciudad de Panamá",
# "Tegucigalpa, M.D.C., Honduras", "Washington, D.C.". Matched on the original text (case matters).
_CAP = r"[A-ZÁÉÍÓÚÑÜ][\wÁÉÍÓÚÑÜáéíóúñü.'’-]*"
_PARTICLE = r"(?:de|del|la|las|los|el)"
_SEG = rf"{_CAP}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_CAP})*"
_RUN_RX = re.compile(rf"(?<![\w]){_SEG}(?:[ \t]*,[ \t]*{_SEG})*")

# "celebrada en", "reunidos en la Ciudad de Panamá", "held in", "met in" ... the preposition before a venue.
_PROSE_VENUE_RX = re.compile(
    r"\b(?:[Ee]n|[Ii]n)\s+(?:(?:la|el|the)\s+)?(?:(?:[Cc]iudad|city)\s+(?:de|of)\s+)?(?=[A-ZÁÉÍÓÚÑ])"
)
# First words of a capitalised run after "celebrada en" that name a building or a date, not a city.
_NOT_A_CITY = {
    "hotel", "ministerio", "ministry", "secretaria", "cancilleria", "salon", "centro", "sede", "casa", "palacio",
    "instituto", "oficina", "oficinas", "embajada", "embassy", "department", "departamento", "sala", "edificio",
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre",
    "noviembre", "diciembre", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "el", "la", "los", "las", "su", "sus", "this", "the",
}
_MEETING_VERB_RX = re.compile(
    r"(?:celebrad|realizad|llevad[oa]s? a cabo|reunid|efectuad|tuvo lugar|se reuni|held|met|took place|convened|hosted|gathered)",
)


def place_in_line(line: str) -> tuple[str | None, str | None] | None:
    """(city, country) written in a header line such as "Managua, Nicaragua" or
    "XVIII Conferencia Regional sobre Migración, Ciudad de Panamá, 23 y 24 de junio de 2013"; else None."""
    from ingest.dates import blank_out_dates  # local: dates does not depend on places, avoid an import cycle

    line = blank_out_dates(line)
    segments = [s.strip() for s in re.split(r"[,:;\u2014\u2013|]| - ", line)]
    # Only segments that are wholly a run of capitalised words can be part of a place.
    runs: list[list[str]] = [[]]
    for seg in segments:
        if seg and _RUN_RX.fullmatch(seg):
            runs[-1].append(seg)
        elif runs[-1]:
            runs.append([])
    for run in runs:
        if run:
            place = parse_place(run, header=True)
            if place:
                return place
    return None


def place_in_prose(text: str) -> tuple[str | None, str | None] | None:
    """(city, country) of a venue introduced by a preposition: "en reunión celebrada ... en Managua, Nicaragua",
    "en la Ciudad de Panamá", "held in Ottawa, Canada". An unknown city with no country is accepted only
    right after a meeting verb ("celebrada en Xyz"); else None."""
    folded = fold_for_matching(text)
    for m in _PROSE_VENUE_RX.finditer(text):
        run = _RUN_RX.match(text, m.end())
        if not run:
            continue
        segments = run.group().split(",")
        lead = text[m.start() : m.end()]
        if re.search(r"(?i)ciudad de|city of", lead) and len(segments) >= 1:
            # "en la ciudad de Tela": the city is the capitalised part; "Ciudad de Panamá" is a name of its own.
            own = country_key(segments[0])
            if own in _SAME_NAME_CAPITALS:
                segments[0] = _SAME_NAME_CAPITALS[own]
        place = parse_place(segments, header=False)
        if place:
            return place
        if _MEETING_VERB_RX.search(folded[max(0, m.start() - 40) : m.start() + 1]):
            city = segments[0].strip()
            first_word = fold_for_matching(city.split(" ", 1)[0]) if city else ""
            if city and country_key(city) is None and len(city.split()) <= 4 and first_word not in _NOT_A_CITY:
                return _as_written_city(city), None
    return None


def written_places(text: str) -> list[tuple[str, str]]:
    """(city, country name) of every "City, Country" the text writes, in order: "Santo Domingo, República
    Dominicana", "Tegucigalpa, M.D.C., Honduras", "held in Ottawa, Canada". Only pairs whose country is written
    after the city count, so a city alone ("Santo Domingo, 12 de marzo") gives nothing here."""
    from ingest.dates import blank_out_dates  # local: dates does not depend on places, avoid an import cycle

    text = blank_out_dates(text)
    found = []
    for run in _RUN_RX.finditer(text):
        segments = run.group().split(",")
        if len(segments) < 2:
            continue
        place = parse_place(segments, header=False)
        if place is None or place[0] is None or country_key(place[0]) is not None:
            continue
        written = find_countries(",".join(segments[1:]))
        if any(country_name(c.key) == place[1] for c in written):
            found.append((place[0], place[1]))
    return found

