"""The bilingual CRM thesaurus: one data file (``archive/data/thesaurus.json``), loaded once.

Each concept of the conference ("trata de personas" / "trafficking in persons", "retorno" / "return") with its
Spanish and English terms, the preferred term first. This module only reads and checks the data; how a query
is matched against it (stemming each term with its own language's analyzer) lives in ``index.expansion``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "thesaurus.json"
LANGUAGES = ("es", "en")


@dataclass(frozen=True)
class Concept:
    key: str
    es: tuple[str, ...]
    en: tuple[str, ...]

    def terms(self, lang: str) -> tuple[str, ...]:
        return self.en if lang == "en" else self.es

    def label(self, lang: str = "es") -> str:
        """The preferred term in ``lang``."""
        return self.terms(lang)[0]


@dataclass(frozen=True)
class Thesaurus:
    concepts: tuple[Concept, ...]

    def get(self, key: str) -> Concept:
        """The concept of ``key``; KeyError for an unknown key."""
        for concept in self.concepts:
            if concept.key == key:
                return concept
        raise KeyError(key)


def load_thesaurus(path: Path = DATA_FILE) -> Thesaurus:
    """Read and check a thesaurus file; ValueError naming the concept for a malformed one."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    concepts = []
    seen: set[str] = set()
    for item in raw.get("concepts", ()):
        key = item.get("key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_]+", key) or key in seen:
            raise ValueError(f"{path.name}: bad or repeated concept key {key!r}")
        seen.add(key)
        terms = {}
        for lang in LANGUAGES:
            values = item.get(lang)
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
                raise ValueError(f"{path.name}: concept {key}: {lang} must be a non-empty list of terms")
            terms[lang] = tuple(" ".join(v.split()) for v in values)
        concepts.append(Concept(key, terms["es"], terms["en"]))
    return Thesaurus(tuple(concepts))


@cache
def thesaurus() -> Thesaurus:
    """The product's thesaurus, loaded once per process."""
    return load_thesaurus()
