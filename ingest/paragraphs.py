"""Units of a report that numbers nothing: its preamble, then one unit per paragraph, bullets under headings.

Declarations, joint communiqués and many conclusions state their agreements as unnumbered paragraphs after a
formula ("acordaron:", "the Vice-Ministers agreed:", "ACUERDOS ADOPTADOS", "DECLARAN:"), and many reports list
bullets under headings that are not numbered points ("Capacitación" with three bullets). ``split_paragraphs``
returns the *starts* of their units; ``ingest.split`` turns them into Agreements exactly like numbered ones, so
the units still partition the text (the property tests check it for every kind of report).

Labels: ``p1``, ``p2``, ... for paragraphs (a "p" never occurs in a document's own numbering, it is URL-safe
and reads as "párrafo 3" / "paragraph 3" in a citation); bullets (or short lines) under paragraph 3 are
``p3-1``, ``p3-2``, with the hyphen that numbered reports also use for bullets.

Paragraphs are found from the lines as any extractor gives them: a blank line, a line ending a sentence
followed by a capitalised line, a heading line, or a bullet starts a new paragraph; a line that does not end
a sentence and is followed by a lowercase line, or that ends with a comma or a connective ("de", "the"), or
that runs to the full width of wrapped text, continues the paragraph, so a paragraph broken into lines by a
PDF (even with a blank line between every line) comes back whole. A text flattened into one line has no
paragraphs left: its body is cut into sentences instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.folding import fold_in_place
from ingest.bullets import SYMBOL_BULLETS, UNMAPPED_BULLETS

__all__ = ["ParagraphUnit", "agreement_formula_end", "agreement_formulas", "opening_formula_end", "paragraph_spans", "split_paragraphs"]


@dataclass(frozen=True)
class ParagraphUnit:
    start: int
    label: str
    parent: str | None


# --------------------------------------------------------------------------------------------------
# The formula that opens the agreements.
# --------------------------------------------------------------------------------------------------

# Spanish decision verbs as a pattern, not a list of phrasings: a stem, then a finite ending — third person
# past ("acordaron", "acordó" folded to "acordo") or present ("acuerdan", "resuelve") — so "acordaron",
# "ACUERDAN", "decidieron", "resolvieron", "recomiendan", "APROBARON", "declaran", "se comprometen" all
# match, while the nouns "acuerdo", "recomendaciones", "resolución" do not.
_ES_PAST_STEMS = (
    "acord decid resolv recomend aprob declar adopt reafirm exhort manifest expres coincid solicit suscrib "
    "proclam ratific reconoc comprometi concluy instruy convin determin establec dispus acept"
)
_ES_PRESENT_STEMS = (
    "acuerd decid resuelv recomiend aprueb declar adopt reafirm exhort manifiest expres coincid solicit "
    "suscrib proclam ratific reconoc compromet convien conclu instruy determin establec dispon acept"
)
_ES_VERB = (
    rf"(?:(?:{'|'.join(_ES_PAST_STEMS.split())})(?:aron|ieron|eron|io|o)"
    rf"|(?:{'|'.join(_ES_PRESENT_STEMS.split())})(?:an|en|yen|a|e))"
)
_EN_VERB = (
    r"(?:(?:hereby\s+)?(?:agree|decide|resolve|recommend|declare|adopt|conclude|approve|endorse|reaffirm|urge|"
    r"affirm|acknowledge|recogni[sz]e|commit|determine|state|accept)(?:d|s)?|committed\s+themselves)"
)
# What may stand between the verb and the colon: "lo siguiente", "los siguientes acuerdos", "to", "as follows".
_FORMULA_TAIL = (
    r"(?:\s+(?:(?:lo|los|las|el|la|en|por)\s+)?(?:siguientes?|unanimidad|consenso)(?:\s+(?:acuerdos|puntos|"
    r"recomendaciones|conclusiones|decisiones|compromisos|resoluciones|medidas|acciones))?"
    r"|\s+(?:to|on|upon|that|as\s+follows|the\s+following(?:\s+(?:agreements|points|recommendations|"
    r"conclusions|decisions|commitments|measures|actions))?))?"
)
_VERB_FORMULA_RX = re.compile(
    rf"\b(?:{_ES_VERB}|{_EN_VERB}){_FORMULA_TAIL}[ \t]*:"
    # "… presenta su informe contenido en los siguientes puntos:", "… in the following terms:"
    r"|\b(?:lo|los|las|the)\s+(?:siguientes?|following)(?:\s+(?:puntos|acuerdos|conclusiones|recomendaciones|decisiones|"
    r"compromisos|resoluciones|terminos|points|agreements|conclusions|recommendations|decisions|commitments|resolutions|terms))?[ \t]*:"
)
# A verb alone on its line: "ACUERDAN", "DECLARAN", "APROBARON".
_VERB_LINE_RX = re.compile(rf"(?m)^[ \t]*(?:{_ES_VERB}|{_EN_VERB}){_FORMULA_TAIL}[ \t]*[:.]?[ \t]*$")
# A heading that announces the agreements: "ACUERDOS ADOPTADOS", "Agreements reached:", "DECISIONES".
_HEADING_FORMULA_RX = re.compile(
    r"(?m)^[ \t]*(?:acuerdos|agreements|decisiones|decisions|resoluciones|resolutions|recomendaciones|"
    r"recommendations|conclusiones|conclusions|compromisos|commitments)"
    r"(?:[ \t]+(?:adoptad[oa]s|alcanzad[oa]s|aprobad[oa]s|reached|adopted|approved|y[ \t]+\w+|and[ \t]+\w+))?[ \t]*:?[ \t]*$"
)
# The same heading run into the text of a flattened report: "… 2016 ACUERDOS ADOPTADOS Reconocer …".
_INLINE_HEADING_FORMULA_RX = re.compile(
    r"(?<![\w])(?:ACUERDOS|AGREEMENTS|DECISIONES|DECISIONS)(?:[ \t]+(?:ADOPTAD[OA]S|ALCANZAD[OA]S|APROBAD[OA]S|REACHED|ADOPTED))?"
    r"[ \t]*:?(?=[ \t]+[A-ZÁÉÍÓÚÑ\"“«•\uf0b7])"
)

# The sentence that says who met where, when there is no formula.
_WHO_MET_RX = re.compile(
    r"\b(?:reunid[oa]s?|se\s+reunieron|se\s+reunio|celebrad[oa]|celebro|en\s+reunion|llevad[oa]\s+a\s+cabo|"
    r"tuvo\s+lugar|sostuv\w*\s+una\s+reunion|realiz\w*\s+(?:su|una)\s+reunion|reunion\s+virtual|videoconferencia|"
    r"met|meeting\s+(?:held|in)|held|gathered|convened|took\s+place|assembled|virtual\s+meeting|videoconference)\b"
)


def agreement_formulas(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_verb) of the first formula of each kind that opens the agreements: a decision verb
    ("acordaron:", "ACUERDAN", "they agreed:") or a heading ("ACUERDOS ADOPTADOS"). Case and accents ignored."""
    folded = fold_in_place(text)
    found = []
    for rx, is_verb in ((_VERB_FORMULA_RX, True), (_VERB_LINE_RX, True), (_HEADING_FORMULA_RX, False)):
        m = rx.search(folded)
        if m:
            found.append((m.start(), m.end(), is_verb))
    m = _INLINE_HEADING_FORMULA_RX.search(text)
    if m:
        found.append((m.start(), m.end(), False))
    return sorted(found)


def agreement_formula_end(text: str) -> int | None:
    """Offset just after the first formula that opens the agreements, or None."""
    found = agreement_formulas(text)
    return found[0][1] if found else None


# --------------------------------------------------------------------------------------------------
# Lines -> pieces -> paragraphs.
# --------------------------------------------------------------------------------------------------

# Bullets: symbol characters anywhere (flattened text keeps them), dash/asterisk/Word's "o" at a line start, and the
# Wingdings arrow and square of a font without a Unicode map ("Ø", "§") before a word (as ingest.split reads them).
# pdfminer writes a glyph it cannot map as "(cid:127)": at a line start that is a bullet.
_SYMBOL_BULLET_RX = re.compile(f"[{SYMBOL_BULLETS}]|\\(cid:\\d+\\)(?=\\s)")
_LINE_BULLET_RX = re.compile(
    r"[ \t\u00a0]*(?:[-–—*]|o(?=[ \t]+[A-ZÁÉÍÓÚÑ])|" f"[{UNMAPPED_BULLETS}]" r"(?=[ \t]+[^\W\d_])"
    # A lettered item of a list inside a declaration that numbers nothing ("a) Garantizar …", "(b) To ensure …"):
    # an item of the paragraph that introduces it, as a bullet is ("b) Eliminar" was read as the line going on).
    r"|\(?(?:[a-z]|[ivx]{1,4})\))[ \t\u00a0]+(?=\S)"
)
# A line that goes on with a list of names: "Rica, El Salvador, Guatemala …", "Dominican Republic and …".
_NAME_LIST_RX = re.compile(
    r"[A-ZÁÉÍÓÚÑ][\w.'’-]*(?:[ \t]+(?:(?:de|del|la|of|the)[ \t]+)?[A-ZÁÉÍÓÚÑ][\w.'’-]*){0,3}[ \t]*(?:,|[ \t](?:y|e|and)[ \t])"
)
_TERMINAL_RX = re.compile(r"[.:;!?][\"”»'’)\]]*$")
_CONNECTIVES = frozenset(
    """de del la las los el y e o u a al en con para por sobre entre su sus que como ante
    the of and or to in on for with by from at as an a its their""".split()
)
# Abbreviations after which a period does not end a sentence (flattened text is cut at sentence ends).
_ABBREVIATIONS = frozenset(
    """art arts no nos nº n núm num nro p pp pág págs pag párr parr inc cap lit sec secc vol res fig tel ej
    sr sra srta sres dr dra lic ing excmo excma sto sta etc ee uu us u.s mr mrs ms st av gral gob hon""".split()
)


@dataclass
class _Piece:
    start: int
    end: int  # offsets of the stripped text of one line (or of a bullet item inside a line)
    bullet: bool
    blank_before: bool

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def _pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    blank = False
    offset = 0
    for raw in text.splitlines(keepends=True):
        line_start, line_end = offset, offset + len(raw.rstrip("\r\n"))
        offset += len(raw)
        body = text[line_start:line_end]
        if not body.strip():
            blank = True
            continue
        cuts = [line_start + len(body) - len(body.lstrip())]
        bullet_flags = [bool(_LINE_BULLET_RX.match(body)) or bool(_SYMBOL_BULLET_RX.match(body.lstrip()))]
        for m in _SYMBOL_BULLET_RX.finditer(body):
            pos = line_start + m.start()
            if pos > cuts[0]:
                cuts.append(pos)
                bullet_flags.append(True)
        for i, cut in enumerate(cuts):
            stop = cuts[i + 1] if i + 1 < len(cuts) else line_end
            segment = text[cut:stop]
            if not segment.strip():
                continue
            start = cut + len(segment) - len(segment.lstrip())
            pieces.append(_Piece(start, cut + len(segment.rstrip()), bullet_flags[i], blank and i == 0))
        blank = False
    if len(pieces) >= 6 and sum(p.blank_before for p in pieces) > 0.7 * len(pieces):
        # Every line its own paragraph (a PDF with wide line spacing, one text box per line): the blank
        # lines say nothing, so only the lines themselves decide where a paragraph ends.
        for p in pieces:
            p.blank_before = False
    return pieces


def _wrap_width(pieces: list[_Piece]) -> int:
    """The width a wrapped text was set to; 0 when its lines are not wrapped (one paragraph per line).

    Wrapped text has many lines of nearly the same length, the full ones, and hardly any longer line; a
    text with a paragraph per line (Word, web) has lengths all over the place."""
    lengths = sorted(p.end - p.start for p in pieces if not p.bullet)
    if len(lengths) < 5:
        return 0
    width = lengths[int(len(lengths) * 0.8)]
    full = sum(1 for n in lengths if 0.8 * width <= n <= 1.05 * width)
    longer = sum(1 for n in lengths if n > 1.15 * width)
    if width > 200 or full < 0.35 * len(lengths) or longer > 0.1 * len(lengths):
        return 0
    return width


def _first_letter(s: str) -> str:
    for ch in s:
        if ch.isalpha():
            return ch
        if ch.isdigit():
            return "0"
        if ch not in "\"“«'‘¿¡([„ \t":
            return ch
    return ""


def _last_word(s: str) -> str:
    m = re.search(r"(\w+)\W*$", s)
    return m.group(1).lower() if m else ""


def _inside_a_name(prev: str) -> bool:
    """A sentence of prose (two or more lowercase words that are not connectives) broken off after a
    capitalised word, without terminal punctuation: the next line goes on with the name, whatever the
    blank lines a PDF put between them. A title ("Report of the … Network presented to the RCGM") has
    hardly any lowercase content words, a list item lacking its period ends in a lowercase word."""
    words = re.findall(r"[^\W\d_][\w'’-]*", prev[-300:])
    if len(words) < 6 or not words[-1][:1].isupper() or words[-1].isupper():
        return False
    content = [w for w in words if w[:1].islower() and w.lower() not in _CONNECTIVES]
    return len(content) >= 2


def _continues(prev: str, cur: _Piece, source: str, wrap: int) -> bool:
    """Whether piece ``cur`` continues the paragraph whose last line is ``prev``."""
    if cur.bullet:
        return False
    text = cur.text(source)
    first = _first_letter(text)
    lower_next = first.islower() or first in ",;)]"
    stripped = prev.rstrip()
    if _TERMINAL_RX.search(stripped):
        # "EE.UU.\ny Canadá" (an abbreviation) continues; after ":" / ";" a lowercase line is a list item.
        return stripped[-1:] == "." and lower_next and not cur.blank_before
    if lower_next or stripped.endswith((",", "-", "–", "(", "/")) or _last_word(stripped) in _CONNECTIVES:
        return True
    if _NAME_LIST_RX.match(text) and re.search(r"[A-ZÁÉÍÓÚÑ][\w.'’-]*$", stripped) and re.search(r",\s+[A-ZÁÉÍÓÚÑ]", stripped):
        return True  # a list of names broken between lines: "…, Canadá, Costa" + "Rica, El Salvador, …"
    if _inside_a_name(stripped):
        return True  # "… to host the Sixth Regional" + "Conference on Migration in 2001."
    if cur.blank_before:
        return False
    # Wrapped text: a line that runs to the wrap width goes on (a longer one is a heading set apart).
    last_line = len(stripped.rsplit("\n", 1)[-1].strip())
    return bool(wrap) and 0.7 * wrap <= last_line <= 1.15 * wrap


@dataclass
class _Paragraph:
    start: int
    end: int
    bullet: bool
    lines: int

    def is_heading(self, source: str) -> bool:
        """A title line, a place-and-date line or a heading: short, and not ending a sentence or an
        introduction ("CONCLUSIONES", "Managua, Nicaragua, 24 de noviembre de 2014", "Capacitación")."""
        text = source[self.start : self.end].strip()
        return (
            not self.bullet
            and self.lines <= 4
            and len(text) <= 250
            and len(text.split()) <= 40
            and not re.search(r"[.:;!?][\"”»'’)\]]*$", text)
        )


def _paragraphs(text: str) -> list[_Paragraph]:
    pieces = _pieces(text)
    wrap = _wrap_width(pieces)
    paragraphs: list[_Paragraph] = []
    for piece in pieces:
        if paragraphs and not paragraphs[-1].bullet and _continues(text[paragraphs[-1].start : paragraphs[-1].end], piece, text, wrap):
            paragraphs[-1].end = piece.end
            paragraphs[-1].lines += 1
        elif paragraphs and paragraphs[-1].bullet and not piece.bullet and _continues_bullet(text, paragraphs[-1], piece, wrap):
            paragraphs[-1].end = piece.end
            paragraphs[-1].lines += 1
        else:
            paragraphs.append(_Paragraph(piece.start, piece.end, piece.bullet, 1))
    return paragraphs


def paragraph_spans(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_heading) of each paragraph of ``text``, lines that continue a paragraph joined."""
    return [(p.start, p.end, p.is_heading(text)) for p in _paragraphs(text)]


def _continues_bullet(text: str, item: _Paragraph, piece: _Piece, wrap: int) -> bool:
    """A bullet item wrapped over lines: the next line continues it unless it starts a new sentence."""
    return _continues(text[item.start : item.end], piece, text, wrap)


# Sentence ends in flattened text: a period/semicolon/"!?" and space(s) before a capitalised word.
_SENTENCE_END_RX = re.compile(r"[.;!?][\"”»'’)\]]*[ \t\u00a0]+(?=[\"“«¿¡(]?[A-ZÁÉÍÓÚÑ])")


def _sentences(text: str, start: int, end: int) -> list[int]:
    """Starts of the sentences of ``text[start:end]`` (a flattened body), abbreviations excepted."""
    starts = [start]
    for m in _SENTENCE_END_RX.finditer(text, start, end):
        before = text[max(start, m.start() - 12) : m.start()]
        word = re.search(r"([\w.]+)$", before)
        token = word.group(1).lower().rstrip(".") if word else ""
        if text[m.start()] == "." and (token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
            continue
        if text[m.start()] == "." and re.search(r"\b[A-Z]\.$", before):
            continue  # initials "J. Pérez", "EE. UU."
        starts.append(m.end())
    return starts


# --------------------------------------------------------------------------------------------------
# The splitter.
# --------------------------------------------------------------------------------------------------


def opening_formula_end(text: str, paragraphs: list[_Paragraph] | None = None) -> int | None:
    """Offset just after the formula that opens the agreements, checked against the layout: a heading
    formula counts only after some prose ("CONCLUSIONES" at the top is the document's heading), and a
    formula with nearly nothing after it is inside an agreement, not its opening. None when there is none."""
    paragraphs = _paragraphs(text) if paragraphs is None else paragraphs
    first_prose = next((p for p in paragraphs if not p.is_heading(text)), None)
    for start, end, is_verb in agreement_formulas(text):
        if not is_verb and (first_prose is None or first_prose.start >= start):
            continue
        if not is_verb and any(
            p.bullet or p.is_heading(text) for p in paragraphs if first_prose.end <= p.start and p.end < start
        ):
            continue  # a "Conclusiones" section after other sections is one section among others
        after = [p for p in paragraphs if p.end > end and text[max(p.start, end) : p.end].strip()]
        if len(after) >= 2 or len(text) - end >= 0.2 * len(text):
            return end
    return None


def _preamble_end(text: str, paragraphs: list[_Paragraph]) -> int:
    """Where the units begin: after the formula that opens the agreements, else after the title block and
    the paragraph that says who met where, else at the first paragraph."""
    formula = opening_formula_end(text, paragraphs)
    if formula is not None:
        return formula
    end = 0
    for p in paragraphs:
        if p.is_heading(text):
            end = p.end  # title block: titles, place and date lines
            continue
        if _WHO_MET_RX.search(fold_in_place(text[p.start : p.end])):
            end = p.end
        break
    return end


def split_paragraphs(text: str) -> list[ParagraphUnit]:
    """Unit starts and labels of a report without numbered points; [] when it is a single paragraph."""
    paragraphs = _paragraphs(text)
    if len(paragraphs) <= 1 and (not paragraphs or "\n" in text.strip() or len(text) < 400):
        return []
    body_start = _preamble_end(text, paragraphs)
    body = [p for p in paragraphs if p.end > body_start]
    if body and body[0].start < body_start:
        # The formula ends inside a paragraph ("…, acordaron: Reconocer …"): the unit starts after it.
        rest = text[body_start : body[0].end]
        lead = len(rest) - len(rest.lstrip())
        if rest.strip():
            body[0] = _Paragraph(body_start + lead, body[0].end, False, body[0].lines)
        else:
            body = body[1:]
    flattened = "\n" not in text.strip()
    if len(body) == 1 and not body[0].bullet and (flattened or body[0].end - body[0].start > 300):
        # A flattened body: one unit per sentence.
        p = body[0]
        body = [_Paragraph(s, s, False, 1) for s in _sentences(text, p.start, p.end)]
        for item, nxt in zip(body, body[1:] + [None]):
            item.end = (nxt.start if nxt else p.end)
    units: list[ParagraphUnit] = []
    number = 0
    children = 0
    parent: str | None = None  # the paragraph or heading that bullets belong to
    for p in body:
        if p.bullet and parent is not None:
            children += 1
            units.append(ParagraphUnit(p.start, f"{parent}-{children}", parent))
            continue
        number += 1
        children = 0
        label = f"p{number}"
        units.append(ParagraphUnit(p.start, label, None))
        # Bullets right after the formula are the agreements themselves (siblings, not children).
        parent = None if p.bullet else label
    return units
