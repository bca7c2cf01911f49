"""The bodies of the CRM whose meetings produce reports: one table, and finding them in a title.

``BODIES`` is the table (key -> Spanish and English names and acronyms), built from the glossary data
file (archive/data/glossary.json), the one source of those names; ``find_bodies`` finds
every mention in a text with its span, ``body_of`` picks the one a title or header is about. Matching is
done on ``fold_for_matching`` text (accents and case ignored) with ``\\s+`` between words, so names broken
across lines by PDF extraction still match.

Ordinals ("XIX", "Décimo Novena", "Nineteenth", "19th") live here too because they are part of how the
meetings of these bodies are named ("XIX Reunión Viceministerial", "VII Conferencia Regional sobre Migración").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from archive.glossary import glossary
from archive.models import OTHER_BODY
from archive.spans import without_overlaps
from ingest.places import fold_for_matching, normalize_space

OTHER = OTHER_BODY


@dataclass(frozen=True)
class Body:
    key: str
    name_es: str
    name_en: str
    acronym_es: str | None = None
    acronym_en: str | None = None


def _bodies_from_glossary() -> dict[str, Body]:
    """The body table, built from the glossary (archive/data/glossary.json), plus the catch-all ``other``
    (a category for bodies the table does not know, not an entity: it is never matched in a text)."""
    table = {
        e.key: Body(e.key, e.name_es, e.name_en, e.acronyms_es[0] if e.acronyms_es else None, e.acronyms_en[0] if e.acronyms_en else None)
        for e in glossary().by_kind("body")
    }
    table[OTHER] = Body(OTHER, "Otro", "Other")
    return table


BODIES: dict[str, Body] = _bodies_from_glossary()

# The most specific body wins: a network or working group reports *to* the GRCM, which reports to the
# Vice-Ministerial Meeting, so a header naming several is the report of the most specific one. The
# glossary's ``specificity`` says so per body.
SPECIFICITY: dict[str, int] = {e.key: e.specificity for e in glossary().by_kind("body")}

# ---------------------------------------------------------------- events

# Workshops, seminars, forums: meetings that are no session of a body. Their report is the catch-all
# body's when it names no body of the table, named by the event itself (see ingest.metadata).
EVENTS_FILE = Path(__file__).resolve().parents[1] / "archive" / "data" / "events.json"


def load_events(path: Path = EVENTS_FILE) -> dict[str, tuple[str, ...]]:
    """Event key -> its words, folded ("taller", "workshop"); ValueError naming a malformed entry."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    events: dict[str, tuple[str, ...]] = {}
    for item in raw["events"]:
        key, words = item.get("key"), [*item.get("es", ()), *item.get("en", ())]
        if not isinstance(key, str) or not re.fullmatch(r"[a-z_]+", key) or not words or key in events:
            raise ValueError(f"{path.name}: bad event {item!r}")
        if not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError(f"{path.name}: bad event {item!r}")
        events[key] = tuple(normalize_space(fold_for_matching(w)) for w in words)
    return events


EVENTS: dict[str, tuple[str, ...]] = load_events()
# The event words as one regex alternation over folded text, longest first ("seminario taller" before
# "seminario"), a space matching any run of whitespace.
EVENT_WORDS = "(?:" + "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted({w for ws in EVENTS.values() for w in ws}, key=len, reverse=True)
) + ")"

# ---------------------------------------------------------------- ordinals

_ES_UNITS = {
    "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3, "tercero": 3, "tercera": 3,
    "cuarto": 4, "cuarta": 4, "quinto": 5, "quinta": 5, "sexto": 6, "sexta": 6, "septimo": 7, "septima": 7,
    "setimo": 7, "setima": 7, "octavo": 8, "octava": 8, "noveno": 9, "novena": 9,
}  # fmt: skip
_ES_TENS = {
    "decimo": 10, "decima": 10, "vigesimo": 20, "vigesima": 20, "trigesimo": 30, "trigesima": 30,
    "cuadragesimo": 40, "cuadragesima": 40,
}  # fmt: skip
_ES_SPECIAL = {"undecimo": 11, "undecima": 11, "duodecimo": 12, "duodecima": 12}
_EN_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
}  # fmt: skip
_EN_TEENS = {
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40,
}  # fmt: skip
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40}
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50}


def _alt(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_ROMAN = r"(?=[xvil])(?:xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
ORDINAL = (
    r"(?<![\w.])(?:"
    rf"(?P<roman>{_ROMAN})"
    rf"|(?P<es>(?:(?:{_alt(_ES_TENS)})[\s-]?(?:{_alt(_ES_UNITS)})?|{_alt(_ES_SPECIAL)}|{_alt(_ES_UNITS)}))"
    rf"|(?P<en>(?:(?:{_alt(_EN_TENS)})[\s-]?(?:{_alt(_EN_UNITS)})|{_alt(_EN_TEENS)}|{_alt(_EN_UNITS)}))"
    r"|(?P<digits>\d{1,2})(?:\s?(?:st|nd|rd|th|ava|va|ra|da|ta|na|ma|er|a|o|°)\b|°)?\.?"
    r")(?![\w])"
)


def _roman_value(token: str) -> int:
    total = 0
    for ch, nxt in zip(token, token[1:] + " "):
        v = _ROMAN_VALUES[ch]
        total += -v if nxt != " " and _ROMAN_VALUES[nxt] > v else v
    return total


def _word_value(token: str, units: dict[str, int], tens: dict[str, int], special: dict[str, int]) -> int | None:
    token = re.sub(r"[\s-]+", "", token)
    if token in special:
        return special[token]
    if token in units:
        return units[token]
    for word, value in sorted(tens.items(), key=lambda kv: -len(kv[0])):
        if token.startswith(word):
            rest = token[len(word) :]
            if not rest:
                return value
            if rest in units:
                return value + units[rest]
    return None


def ordinal_value(match: re.Match[str], original: str) -> int | None:
    """Value of an ``ORDINAL`` match found in folded text; ``original`` is the text it was folded from.

    Roman numerals count only when written in capitals ("XIX"), so the English pronoun "I" or the
    Spanish "vi" are never numbers; a value of 0 or above 60 is not a meeting number.
    """
    if match.group("roman"):
        if not original[match.start("roman") : match.end("roman")].isupper():
            return None
        value = _roman_value(match.group("roman"))
    elif match.group("es"):
        value = _word_value(match.group("es"), _ES_UNITS, _ES_TENS, _ES_SPECIAL) or 0
    elif match.group("en"):
        value = _word_value(match.group("en"), _EN_UNITS, {**_EN_TEENS, **_EN_TENS}, {}) or 0
    else:
        value = int(match.group("digits"))
    return value if 0 < value <= 60 else None


# ---------------------------------------------------------------- body patterns


def _rx(pattern: str) -> str:
    """Let a literal space in a pattern match any run of whitespace, line breaks included."""
    return pattern.replace(" ", r"\s+")


_AD_HOC_TOPIC = r"(?:(?: (?:sobre|de|para|en materia de|on|for|of) )(?:(?!celebrad|realizad|reunid|held\b|met\b)[^\n,.;:()]){1,80})?"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(_rx(p)))
    for key, p in (
        (
            "red_trafico_trata",
            r"red (?:regional )?de (?:los )?funcionarios de enlace\b[^.;:]{0,45}?\b(?:trafico|trata)\b[^.;:]{0,40}?"
            r"\b(?:migrantes|personas)\b(?: y (?:(?:a|al|el|la|contra) )*(?:trafico ilicito de migrantes|trata de personas))?",
        ),
        (
            "red_trafico_trata",
            r"(?:regional )?(?:liaison officers?(?:'s?)? network|network of (?:the )?liaison officers?)\b[^.;:]{0,45}?"
            r"\b(?:smuggling|trafficking)\b[^.;:]{0,40}?\b(?:migrants|persons)\b"
            r"(?: and (?:smuggling of migrants|trafficking (?:in|of) persons))?",
        ),
        ("red_proteccion_consular", r"red (?:regional )?de (?:los )?funcionarios de enlace\b[^.;:]{0,30}?\bproteccion consular"),
        ("red_proteccion_consular", r"red (?:regional )?de proteccion consular"),
        (
            "red_proteccion_consular",
            r"(?:regional )?(?:(?:consular )?liaison officers?(?:'s?)? network|network of (?:the )?(?:consular )?liaison officers?)"
            r"\b[^.;:]{0,30}?\bconsular protection",
        ),
        ("grupo_ad_hoc", r"grupo (?:de trabajo )?ad[- ]?hoc\b" + _AD_HOC_TOPIC),
        ("grupo_ad_hoc", r"ad[- ]?hoc (?:working )?group\b" + _AD_HOC_TOPIC),
        ("rrocm", r"red regional de organizaciones civiles (?:para|sobre|de) (?:las |la )?migracion(?:es)?(?: \(rrocm\))?"),
        ("rrocm", r"regional network of civil (?:society )?organi[sz]ations (?:for|on) migrations?(?: \((?:rrocm|rncom)\))?"),
        ("rrocm", r"\brrocm\b|\brncom\b|\bsociedad civil\b|\bcivil society\b"),
        ("grcm", r"grupo regional de consulta sobre (?:la )?migracion(?: \(grcm\))?"),
        ("grcm", r"regional consultation group on migration(?: \((?:rcgm|grcm)\))?"),
        ("grcm", r"\bgrcm\b|\brcgm\b"),
        ("viceministerial", r"reunion vice[- ]?ministerial(?: de la conferencia regional sobre (?:la )?migracion(?: \(crm\))?)?"),
        ("viceministerial", r"reunion de vice[- ]?ministros|vice[- ]?ministerial meeting|meeting of vice[- ]?ministers"),
        ("viceministerial", r"\brvm\b|\bvmm\b"),
        # The Vice-Ministers' declarations and communiqués name their authors, not the meeting.
        ("viceministerial", r"\bvice[- ]?ministr(?:os|as)\b|\bvice[- ]?ministers\b"),
        # In the early years the annual meeting was simply "the VII Regional Conference on Migration".
        ("viceministerial", ORDINAL + r" (?:reunion de la )?conferencia regional sobre (?:la )?migracion(?: \(crm\))?"),
        ("viceministerial", ORDINAL + r" regional conference on migration(?: \(rcm\))?"),
    )
)

# Civil society is the body of a *statement*: "Declaración de la RROCM", "Statement by the Regional
# Network of Civil Organizations for Migration". A preamble or agreement merely naming the RROCM does not
# make the report theirs.
_STATEMENT_BEFORE = re.compile(
    _rx(
        r"\b(?:declaracion|pronunciamiento|posicionamiento|posicion|comunicado|propuestas?|recomendaciones|aportes|"
        r"informe|carta|statement|declaration|position(?: paper)?|communique|proposals?|recommendations|"
        r"contributions?|report|letter)\b(?: [\w-]+){0,4}? (?:de la|del|de las|de los|of the|by the|from the|de|of|by|from)\s*$"
    )
)


@dataclass(frozen=True)
class BodyMention:
    as_written: str
    key: str
    start: int
    end: int


def _is_statement(folded: str, original: str, start: int, end: int) -> bool:
    if _STATEMENT_BEFORE.search(folded[max(0, start - 80) : start]):
        return True
    # A line that is nothing but the name (an authorship header, or a sidecar value) also counts, its acronym after
    # it in brackets or after a dash included ("RED REGIONAL DE ORGANIZACIONES CIVILES PARA LAS MIGRACIONES – RROCM").
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end == -1 else line_end
    rest = folded[line_start:start] + " " + folded[end:line_end]
    rest = re.sub(r"\((?:rrocm|rncom)\)|[-–—]\s*(?:rrocm|rncom)\b|[\s()\-–—.,:;]", "", rest)
    return not rest


def find_bodies(text: str) -> list[BodyMention]:
    """Every mention of a known body in ``text``, in order of appearance, overlaps resolved to the longest.

    Civil society is reported only where it is the author of the text (see ``_STATEMENT_BEFORE``).
    """
    folded = fold_for_matching(text)
    found: list[BodyMention] = []
    for key, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            if "roman" in pattern.groupindex and m.group("roman") is not None and not text[m.start("roman") : m.end("roman")].isupper():
                continue
            if key == "rrocm" and not _is_statement(folded, text, m.start(), m.end()):
                continue
            found.append(BodyMention(normalize_space(text[m.start() : m.end()]), key, m.start(), m.end()))
    # The glossary's names, variants and acronyms of every body count too, so a form an archivist adds to the
    # data file ("Regional Consultative Group on Migration") is found without a pattern written for it here.
    for mention in glossary().find(text, kinds=("body",)):
        if mention.key == "rrocm" and not _is_statement(folded, text, mention.start, mention.end):
            continue
        found.append(BodyMention(normalize_space(mention.form), mention.key, mention.start, mention.end))
    return without_overlaps(found)


def most_specific(mentions: list[BodyMention]) -> BodyMention | None:
    """The mention of the most specific body; among equally specific ones, the first written."""
    if not mentions:
        return None
    best = max(SPECIFICITY[m.key] for m in mentions)
    return next(m for m in mentions if SPECIFICITY[m.key] == best)


def body_of(text: str) -> tuple[str, str] | None:
    """(as written, canonical key) of the body a title or header names, the most specific one winning.

    Give it a title or a header, not a whole report: agreements mention other bodies ("presentar a la XX
    Reunión Viceministerial"). Returns None when no known body is named; ``ingest.metadata`` decides when
    an unknown body is "other".
    """
    best = most_specific(find_bodies(text))
    return (best.as_written, best.key) if best else None


def body_key_of(name: str) -> str:
    """Key of a body name as an archivist writes it; a name that is not in the table is ``OTHER``."""
    found = body_of(name)
    return found[1] if found else OTHER
