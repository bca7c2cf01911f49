"""The CRM glossary: one data file (``archive/data/glossary.json``), loaded once, read by everyone.

Every entity the archive knows — bodies, organisations, programmes, roles, countries, instruments — with
its Spanish and English names, acronyms and variants. The metadata readers, the index (entity search) and
the UI all read it from here; no other module keeps a copy of these names.

Matching rules (``Glossary.find``): names and variants match case- and accent-insensitively on whole words,
with any run of whitespace or hyphens between words (PDF line breaks, "Pro-Tempore"); acronyms match only as a
standalone token written exactly as listed ("ST" but never "st" or "Est"), since short acronyms are also
ordinary words.

In a search query (``Glossary.lookup_query``) an acronym may be typed in any case ("rrocm"), except the
ambiguous ones the data file lists under ``ambiguous_acronyms`` (ST, TS, PPT, UN, ...): those name the entity
only when typed as written, capitalised.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from .folding import fold_in_place
from .spans import without_overlaps

DATA_FILE = Path(__file__).with_name("data") / "glossary.json"
KINDS = ("body", "organisation", "programme", "role", "country", "instrument")


@dataclass(frozen=True)
class Entity:
    key: str
    kind: str
    name_es: str
    name_en: str
    acronyms_es: tuple[str, ...] = ()
    acronyms_en: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()  # other spellings and misspellings, either language
    member: bool = False  # countries: a member state of the CRM
    # bodies: how specific (1 the Vice-Ministerial Meeting, 2 the GRCM, 3 a network or working group);
    # a header naming several bodies is the report of the most specific one.
    specificity: int = 0
    # organisations (and the civil-society network): attends CRM meetings as an observer, so a participation
    # sentence that names it lists it among the observers (``Meeting.observers`` keeps ``observer_label``).
    observer: bool = False

    @property
    def observer_label(self) -> str:
        return self.acronyms[0] if self.acronyms else self.name_es

    def name(self, lang: str = "es") -> str:
        return self.name_en if lang == "en" else self.name_es

    @property
    def acronyms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.acronyms_es + self.acronyms_en))

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelled-out form (matched case-insensitively)."""
        return tuple(dict.fromkeys((self.name_es, self.name_en, *self.variants)))

    @property
    def forms(self) -> tuple[str, ...]:
        return self.names + tuple(a for a in self.acronyms if a not in self.names)


@dataclass(frozen=True)
class Mention:
    key: str  # entity key
    form: str  # the text as written
    start: int
    end: int


class Glossary:
    def __init__(self, entities: tuple[Entity, ...], ambiguous_acronyms: frozenset[str] = frozenset()) -> None:
        self.entities = entities
        self.ambiguous_acronyms = ambiguous_acronyms
        self._by_key = {e.key: e for e in entities}
        by_folded_name: dict[str, str] = {}
        by_acronym: dict[str, str] = {}
        for e in entities:
            for n in e.names:
                by_folded_name.setdefault(_fold_words(n), e.key)
            for a in e.acronyms:
                by_acronym.setdefault(a, e.key)
        self._by_folded_name = by_folded_name
        self._by_acronym = by_acronym
        self._by_folded_acronym: dict[str, str] = {}
        for a, key in by_acronym.items():
            if a not in ambiguous_acronyms:
                self._by_folded_acronym.setdefault(_fold_words(a), key)

    # The two patterns ``find`` scans texts with are compiled on its first use: a search only looks forms up,
    # and compiling the alternation of every name and acronym is most of loading the glossary (~0.2 s).
    @cached_property
    def _name_rx(self) -> re.Pattern[str]:
        names = sorted(self._by_folded_name, key=len, reverse=True)  # longest first
        return re.compile(
            r"(?<![\w])(?:" + "|".join(re.escape(n).replace(r"\ ", _BETWEEN_WORDS) for n in names) + r")(?![\w])"
        )

    @cached_property
    def _acronym_rx(self) -> re.Pattern[str]:
        acronyms = sorted(self._by_acronym, key=len, reverse=True)
        return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, acronyms)) + r")(?![\w])")

    def get(self, key: str) -> Entity:
        """The entity of ``key``; KeyError for an unknown key."""
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def by_kind(self, kind: str) -> tuple[Entity, ...]:
        return tuple(e for e in self.entities if e.kind == kind)

    def lookup(self, form: str) -> Entity | None:
        """The entity a single form names ("IOM", "Secretaría Técnica", "canada"), else None."""
        stripped = " ".join(form.split())
        key = self._by_acronym.get(stripped) or self._by_folded_name.get(_fold_words(stripped))
        return self._by_key[key] if key else None

    def find(self, text: str, kinds: tuple[str, ...] | None = None) -> list[Mention]:
        """Every entity mentioned in ``text``, in order; overlapping matches keep the earlier, longer one."""
        folded = fold_in_place(text)
        found = [
            Mention(self._by_folded_name[_fold_words(m.group())], text[m.start() : m.end()], m.start(), m.end())
            for m in self._name_rx.finditer(folded)
        ]
        found += [Mention(self._by_acronym[m.group()], m.group(), m.start(), m.end()) for m in self._acronym_rx.finditer(text)]
        return [m for m in without_overlaps(found) if kinds is None or self._by_key[m.key].kind in kinds]


    def lookup_query(self, form: str) -> Entity | None:
        """The entity a form typed in the search box names: like ``lookup``, but an acronym may be typed in
        any case ("rrocm", "Oim") unless it is ambiguous ("st" is a word; only "ST" is the Secretariat)."""
        found = self.lookup(form)
        if found is None:
            key = self._by_folded_acronym.get(_fold_words(form))
            found = self._by_key[key] if key else None
        return found

    def mentions_of(self, text: str, keys: frozenset[str] | set[str]) -> list[Mention]:
        """The mentions in ``text`` of the entities ``keys`` (for highlighting what an expansion matched)."""
        return [m for m in self.find(text) if m.key in keys]


# Between the words of a name: any run of spaces, line breaks or hyphens ("Pro-Tempore", "Vice Ministerial").
_BETWEEN_WORDS = r"[\s\-\u2010\u2011]+"
_WORD_SEPARATORS = re.compile(r"[\s\-\u2010\u2011]+")


def _fold_words(text: str) -> str:
    return " ".join(_WORD_SEPARATORS.split(fold_in_place(text).strip(" -\u2010\u2011")))


def load_glossary(path: Path = DATA_FILE) -> Glossary:
    """Read and check a glossary file; ValueError naming the entity for a malformed one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    entities = []
    for item in raw["entities"]:
        key = item.get("key")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_]+", key):
            raise ValueError(f"{path.name}: bad entity key {key!r}")
        if item.get("kind") not in KINDS:
            raise ValueError(f"{path.name}: entity {key}: unknown kind {item.get('kind')!r}")
        acronyms = item.get("acronyms", {})
        entities.append(
            Entity(
                key=key,
                kind=item["kind"],
                name_es=item["es"],
                name_en=item["en"],
                acronyms_es=tuple(acronyms.get("es", ())),
                acronyms_en=tuple(acronyms.get("en", ())),
                variants=tuple(item.get("variants", ())),
                member=bool(item.get("member", False)),
                specificity=int(item.get("specificity", 0)),
                observer=bool(item.get("observer", False)),
            )
        )
    ambiguous = raw.get("ambiguous_acronyms", [])
    if not isinstance(ambiguous, list) or not all(isinstance(a, str) for a in ambiguous):
        raise ValueError(f"{path.name}: ambiguous_acronyms must be a list of acronyms")
    return Glossary(tuple(entities), frozenset(ambiguous))


@cache
def glossary() -> Glossary:
    """The product's glossary, loaded once per process."""
    return load_glossary()


@cache
def glossary_digest(path: Path = DATA_FILE) -> str:
    """A short digest of the glossary file: the index records the glossary its entity postings come from,
    and is rebuilt when the file changes (index.store, ``AgreementIndex.needs_rebuild``)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
