"""Which reports are the same document: language versions (Spanish / English) and format copies (.docx / .pdf).

Pure functions over the catalog's reports (metadata + text); nothing is stored. ``link_versions`` decides for a
whole catalog at once; ``Archive.version_links`` caches its answer per catalog state.

* **Format copies** (``same_as``): the same text after normalisation — folded words, no punctuation, no page
  furniture. Equal fingerprints link at once; otherwise two reports of one meeting (or one language and equal
  agreement labels) are compared word by word and link at ≥ ``SAME_TEXT_RATIO`` similarity (a PDF's extraction
  may differ from the Word file's by a running header or page numbers), with the same document kind.
* **Language versions** (``versions``): one report in Spanish, the other in English, and
    - the same meeting — body, start date and host country agree (none contradicts), both known — and the same
      kind of document (``data/document_kinds.json``: a declaration is not the extraordinary declaration
      adopted beside it, a network's report is not the GRCM's conclusions of the same week), with content that
      does not contradict it; or
    - where a date, place or body is missing, content evidence alone: the language-neutral sequence of numbers,
      glossary entities and thesaurus concepts of both texts in the same order (``CONTENT_RATIO``) and an
      aligned agreement structure.
  Each report links at most one version per other language: the best-supported one.

Versions and copies are linked both ways, and a copy of a version is a version too (the .pdf of the English
report is an English version of the Spanish .docx).
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from hashlib import sha256
from pathlib import Path

from archive.glossary import glossary
from archive.models import OTHER_BODY, PREAMBLE, Report
from index.analysis import fold
from index.expansion import concepts_in
from ingest.places import country_key

KINDS_FILE = Path(__file__).with_name("data") / "document_kinds.json"
SAME_TEXT_RATIO = 0.97  # word-sequence similarity of two format copies (the seeds as .docx and .pdf: 1.0;
# the slack is for extraction noise, e.g. a header the PDF reader did not recognise)
CONTENT_RATIO = 0.6  # similarity of the numbers/entities/concepts sequences of two language versions
MEETING_CONTENT_RATIO = 0.3  # the same meeting and kind: the content only has to not contradict it
MIN_EVIDENCE = 6  # content tokens a text needs before content alone can link it
KIND_WINDOW = 400  # characters of the text read for the document kind when the title says nothing


# --- document kinds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentKinds:
    kinds: tuple[tuple[str, tuple[str, ...]], ...]  # (key, folded terms) in priority order
    modifiers: tuple[tuple[str, tuple[str, ...]], ...]


def load_document_kinds(path: Path = KINDS_FILE) -> DocumentKinds:
    raw = json.loads(path.read_text(encoding="utf-8"))

    def entries(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        out = []
        for item in raw[name]:
            if not re.fullmatch(r"[a-z_]+", item.get("key", "")) or not item.get("es") or not item.get("en"):
                raise ValueError(f"{path.name}: bad {name} entry {item!r}")
            out.append((item["key"], tuple(" ".join(fold(t).split()) for t in item["es"] + item["en"])))
        return tuple(out)

    return DocumentKinds(entries("kinds"), entries("modifiers"))


@cache
def document_kinds() -> DocumentKinds:
    return load_document_kinds()


def document_kind(report: Report) -> str | None:
    """"declaration", "report", "conclusions", ... plus "+extraordinary" where the title says so; None if unknown."""
    head = report.meeting.title or report.text[:KIND_WINDOW]
    folded = " " + " ".join(re.findall(r"[a-z0-9']+", fold(head))) + " "
    table = document_kinds()
    kind = next((key for key, terms in table.kinds if any(f" {t} " in folded for t in terms)), None)
    if kind is None:
        return None
    modifiers = [key for key, terms in table.modifiers if any(f" {t} " in folded for t in terms)]
    return "+".join([kind, *modifiers])


# --- fingerprints -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    report_id: str
    language: str | None
    words: tuple[str, ...]  # the normalised text: folded words
    digest: str  # of ``words``
    labels: tuple[str, ...]  # agreement labels without the preamble
    kind: str | None
    body_key: str | None
    date: str | None
    country: str | None
    text: str = field(default="", repr=False, compare=False)

    @property
    def evidence(self) -> tuple[str, ...]:
        """Language-neutral content: numbers, "@entity", "#concept", in text order (computed on first use:
        only reports that meet a candidate version need it)."""
        return _evidence(self.text, self.language)


_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"(?<![\w.,])\d{1,4}(?![\w]|[.,]\d)")  # 12, 2013, "350 migrantes"; not 1.5 or 2014-09
_PAGE_FURNITURE = re.compile(r"(?i)\b(?:p[aá]gina|page)\s+\d+(?:\s+(?:de|of)\s+\d+)?")


def normalised_words(text: str) -> tuple[str, ...]:
    """The lower-cased words of a text, without punctuation and page furniture ("Página 3 de 12", "Page 3")
    that formats add. A C-level regex, not the index tokenizer: every report of the catalog passes here
    (measured at 100k units, 2,093 reports: the tokenizer alone took ~20 s). Each word is interned: the
    catalog's fingerprints hold millions of words of a small vocabulary, and a string object per
    occurrence was ~300 MB of a web server's memory at 100k units."""
    return tuple(map(sys.intern, _WORD.findall(_PAGE_FURNITURE.sub(" ", text).lower())))


def content_evidence(text: str, language: str | None) -> tuple[str, ...]:
    """Numbers, glossary entities and thesaurus concepts of ``text`` in order: what a translation keeps."""
    mentions = glossary().find(text)
    found: list[tuple[int, str]] = [(m.start, "@" + m.key) for m in mentions]
    covered = [(m.start, m.end) for m in mentions]
    found += [(m.start(), m.group()) for m in _NUMBER.finditer(text)]
    found += [(start, "#" + key) for start, key in concepts_in(text, language)
              if not any(a <= start < b for a, b in covered)]
    found.sort()
    return tuple(token for _start, token in found)


@lru_cache(maxsize=4096)
def _evidence(text: str, language: str | None) -> tuple[str, ...]:
    return content_evidence(text, language)


def fingerprint(report: Report) -> Fingerprint:
    words = normalised_words(report.text)
    m = report.meeting
    return Fingerprint(
        report_id=report.id,
        language=report.language,
        words=words,
        digest=sha256(" ".join(words).encode("utf-8")).hexdigest(),
        text=report.text,
        labels=tuple(a.label for a in report.agreements if a.label != PREAMBLE),
        kind=document_kind(report),
        body_key=m.body_key if m.body_key not in (None, "", OTHER_BODY) else None,
        date=m.date.isoformat() if m.date else None,
        country=(country_key(m.country) or fold(m.country)) if m.country else None,
    )


def similarity(a: Sequence[str], b: Sequence[str], at_least: float = 0.0) -> float:
    """difflib's ratio of two token sequences; a cheaper upper bound when that already falls short."""
    if not a or not b:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        value = bound()
        if value < at_least:
            return value
    return matcher.ratio()


# --- deciding -------------------------------------------------------------------------------------------


@dataclass
class VersionLinks:
    versions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other languages
    same_as: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other formats

    def versions_of(self, report_id: str) -> tuple[str, ...]:
        return self.versions.get(report_id, ())

    def same_as_of(self, report_id: str) -> tuple[str, ...]:
        return self.same_as.get(report_id, ())

    def group_of(self, report_id: str) -> tuple[str, ...]:
        """The report with its versions and copies, sorted: one meeting's document, whatever its form."""
        return tuple(sorted({report_id, *self.versions_of(report_id), *self.same_as_of(report_id)}))


def _compatible(a: Fingerprint, b: Fingerprint) -> bool:
    """No known metadata of the two contradicts one meeting."""
    return all(x is None or y is None or x == y for x, y in
               ((a.body_key, b.body_key), (a.date, b.date), (a.country, b.country)))


def _same_meeting(a: Fingerprint, b: Fingerprint) -> bool:
    return bool(a.body_key and a.date and a.body_key == b.body_key and a.date == b.date) and _compatible(a, b)


def are_same_text(a: Fingerprint, b: Fingerprint) -> bool:
    if a.digest == b.digest and a.words:
        return True
    if a.language != b.language or not _compatible(a, b) or a.kind != b.kind:
        return False
    return similarity(a.words, b.words, SAME_TEXT_RATIO) >= SAME_TEXT_RATIO


def version_score(a: Fingerprint, b: Fingerprint) -> float:
    """How well ``a`` and ``b`` are one document in two languages: 0 when they are not."""
    if not a.language or not b.language or a.language == b.language or not _compatible(a, b):
        return 0.0
    if a.kind and b.kind and a.kind != b.kind:
        return 0.0
    if not _same_meeting(a, b) and a.labels and b.labels and a.labels != b.labels:
        return 0.0  # not known to be one meeting, and unaligned structures: no content evidence can help
    content = similarity(a.evidence, b.evidence)
    aligned = bool(a.labels) and a.labels == b.labels
    if _same_meeting(a, b) and (a.kind == b.kind or not (a.kind and b.kind)):
        if content >= MEETING_CONTENT_RATIO or aligned or min(len(a.evidence), len(b.evidence)) < MIN_EVIDENCE:
            return 1.0 + content
    if min(len(a.evidence), len(b.evidence)) >= MIN_EVIDENCE and content >= CONTENT_RATIO and (
            aligned or not (a.labels and b.labels)):
        return content
    return 0.0


def link_versions(reports: Iterable[Report]) -> VersionLinks:
    """Language versions and format copies among ``reports`` (see the module docstring)."""
    prints = [fingerprint(r) for r in reports]
    by_id = {p.report_id: p for p in prints}
    copies: dict[str, set[str]] = defaultdict(set)

    # Format copies: equal digests, then near-equal texts of one meeting (or one structure).
    by_digest: dict[str, list[str]] = defaultdict(list)
    for p in prints:
        if p.words:
            by_digest[p.digest].append(p.report_id)
    for ids in by_digest.values():
        for x in ids:
            copies[x].update(i for i in ids if i != x)
    blocks: dict[tuple, list[Fingerprint]] = defaultdict(list)
    for p in prints:
        blocks[("meeting", p.body_key, p.date, p.language)].append(p)
        blocks[("labels", p.labels, p.language)].append(p)
    # Only texts of about the same length can be copies (difflib's ratio is at most 2*short/(short+long)):
    # each block is walked in length order, so a report meets the few of nearly its length, not all.
    longest = 2 / SAME_TEXT_RATIO - 1
    for block in blocks.values():
        block.sort(key=lambda p: len(p.words))
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if len(b.words) > len(a.words) * longest:
                    break
                if b.report_id not in copies[a.report_id] and are_same_text(a, b):
                    copies[a.report_id].add(b.report_id)
                    copies[b.report_id].add(a.report_id)
    groups = _closure(copies, [p.report_id for p in prints])

    # Language versions, between groups of copies (one representative each). Two dated reports can only
    # be versions with the same start date, so candidates are blocked by date; an undated one meets all.
    representative = {}
    for group in groups:
        representative[min(group)] = group
    reps = [by_id[r] for r in representative]
    best: dict[tuple[str, str], tuple[float, str]] = {}  # (report, other language) -> (score, other)
    by_date: dict[str, list[Fingerprint]] = defaultdict(list)
    for p in reps:
        by_date[p.date or ""].append(p)
    undated = by_date.pop("", [])
    pairs: set[tuple[str, str]] = set()
    for block in (*by_date.values(), undated):
        for i, p in enumerate(block):
            for q in block[i + 1:]:
                pairs.add((min(p.report_id, q.report_id), max(p.report_id, q.report_id)))
    for p in undated:
        for q in reps:
            if q.date:
                pairs.add((min(p.report_id, q.report_id), max(p.report_id, q.report_id)))
    for x, y in sorted(pairs):
        a, b = by_id[x], by_id[y]
        score = version_score(a, b)
        if score <= 0:
            continue
        for one, other in ((a, b), (b, a)):
            key = (one.report_id, other.language or "")
            if key not in best or score > best[key][0]:
                best[key] = (score, other.report_id)
    versions: dict[str, set[str]] = defaultdict(set)
    for (one, _lang), (_score, other) in best.items():
        # Mutual best only: two Spanish drafts never both claim one English text.
        if best.get((other, by_id[one].language or ""), (0, None))[1] != one:
            continue
        for x in representative[one]:
            versions[x].update(representative[other])
    links = VersionLinks()
    for report_id in by_id:
        if versions.get(report_id):
            links.versions[report_id] = tuple(sorted(versions[report_id]))
        if copies.get(report_id):
            links.same_as[report_id] = tuple(sorted(copies[report_id]))
    return links


def _closure(edges: dict[str, set[str]], ids: list[str]) -> list[set[str]]:
    """Connected groups of ``ids`` under ``edges`` (copies of copies are copies); ``edges`` is completed."""
    seen: set[str] = set()
    groups = []
    for start in ids:
        if start in seen:
            continue
        group, stack = set(), [start]
        while stack:
            x = stack.pop()
            if x in group:
                continue
            group.add(x)
            stack.extend(edges.get(x, ()))
        seen |= group
        groups.append(group)
        for x in group:
            edges[x] = group - {x}
    return groups


def aligned_labels(a: Report, b: Report) -> dict[str, str]:
    """The matching agreement of ``b`` for each agreement of ``a`` when their structures align (the same
    labels in the same order), else an empty mapping: a point is only linked where it surely corresponds."""
    left = [x.label for x in a.agreements]
    right = [x.label for x in b.agreements]
    if [x for x in left if x != PREAMBLE] != [x for x in right if x != PREAMBLE] or len(left) < 2:
        return {}
    return {label: label for label in left if label in set(right)}
