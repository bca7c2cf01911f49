"""Who must act: the actors of a sentence of a report, found through the glossary (pure functions).

In the sentence holding a deadline, the actor is the glossary entity (``archive.glossary``) someone is
urged or asked to act ("Instar a los Países Miembros ...", "se exhorta a ...", "Requests the TS to ..."),
the subject of the clause ("La ST enviará ...", "Member States will ..."), or the agent of a passive
("... será enviado por la ST"); an entity after a preposition ("enviar a la ST", "en coordinación con la
OIM") receives or helps and is not an actor. A sentence that names no actor ("El estudio será enviado ...")
takes those of the sentence before it in the same unit, then of its parent unit (``ingest.commitments``
does that walk) — who the text already said would act.
"""

from __future__ import annotations

import re

from archive.folding import fold_in_place
from archive.glossary import glossary

ACTOR_KINDS = ("role", "organisation", "country", "body")

# A sentence ends at ". ", "; " or a blank line, unless the word before the stop is one or two letters
# ("EE. UU.", "Sr.", "ST." is rare at a sentence end but common inside acronyms).
SENTENCE_END_RX = re.compile(r"(?<![\s.][^\s.])(?<![\s.][^\s.][^\s.])[.;](?=\s+\S)|\n\s*\n")
_MARKER_RX = re.compile(r"^\s*(?:\(?(?:\d{1,3}|[a-z]{1,2}|[ivxlc]{1,6})[.)]|[-•*–·▪◦])\s+", re.I)

_EXHORT = (
    r"(?:insta[rn]?|exhorta[rn]?|solicita[rn]?|pide[n]?|pedir|invita[rn]?|encarga[rn]?|encomienda[n]?|encomendar|"
    r"recomienda[n]?|recomendar|recuerda[n]?|recordar|urge[n]?|instruye[n]?|instruir|mandata[rn]?|convoca[rn]?|"
    r"alienta[n]?|alentar|anima[rn]?|requests?|requested|urges?|urged|invites?|invited|asks?|asked|"
    r"calls?\s+(?:up)?on|called\s+(?:up)?on|encourages?|encouraged|instructs?|instructed|mandates?|mandated|"
    r"reminds?|reminded|tasks?|tasked|entrusts?|entrusted|directs?|directed)"
)
_DETERMINERS = r"(?:(?:los|las|la|el|lo|the|all|todos\s+los|todas\s+las|cada|each|su|sus|their|its)\s+)*"
_EXHORTED_RX = re.compile(rf"(?<![\w])(?:se\s+)?{_EXHORT}(?:\s+(?:a|al))?\s+{_DETERMINERS}$")
_AGENT_RX = re.compile(rf"(?<![\w])(?:por(?:\s+parte\s+de)?|by)\s+{_DETERMINERS}$")
_PASSIVE_RX = re.compile(r"(?<![\w])(?:sera|seran|es|son|fue|fueron|sea|sean|is|are|was|were|be|been)\s+\w+(?:do|da|dos|das|ed|en|ent|sent)(?![\w])")
_SUBJECT_RX = re.compile(rf"(?:^|[,;:(]|(?<![\w])(?:que|which|that|who|donde|where|y|e|and|asimismo|also|further))\s*{_DETERMINERS}$")
_LIST_SEPARATOR_RX = re.compile(rf"^\s*,?\s*(?:(?:y|e|and|&|o|or|u)\s+)?(?:(?:a|al|to)\s+)?{_DETERMINERS}$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a unit's text, its list marker ("a.", "4.", "•") left out."""
    marker = _MARKER_RX.match(text)
    position = marker.end() if marker else 0
    spans = []
    for m in SENTENCE_END_RX.finditer(text, position):
        spans.append((position, m.end()))
        position = m.end()
    if text[position:].strip():
        spans.append((position, len(text)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans if text[s:e].strip()]


def actors_in(sentence: str) -> list[str]:
    """Glossary keys of who must act in one sentence, in order (see the module doc for the rules)."""
    folded = fold_in_place(sentence)
    passive = bool(_PASSIVE_RX.search(folded))
    actors: list[str] = []
    previous_end, previous_actor = -1, False
    for mention in glossary().find(sentence, kinds=ACTOR_KINDS):
        tail = folded[:mention.start]
        if previous_end >= 0 and _LIST_SEPARATOR_RX.match(folded[previous_end:mention.start]):
            is_actor = previous_actor  # "Belice, Canadá y Costa Rica enviarán": one list, one role
        elif _EXHORTED_RX.search(tail):
            is_actor = True
        elif _AGENT_RX.search(tail):
            is_actor = passive
        else:
            is_actor = bool(_SUBJECT_RX.search(tail))
        if is_actor and mention.key not in actors:
            actors.append(mention.key)
        previous_end, previous_actor = mention.end, is_actor
    return actors


def unit_actors(text: str, before: int | None = None) -> list[str]:
    """Actors of the sentences of ``text`` (ending before offset ``before``), the nearest sentence first."""
    for start, end in reversed(split_sentences(text)):
        if before is not None and start >= before:
            continue
        found = actors_in(text[start:end])
        if found:
            return found
    return []
