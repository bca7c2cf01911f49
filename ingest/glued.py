"""Words glued by a lost space ("inTelaand", "Canadaattended", "Statesagreed"), split back into words.

Web and PDF conversions drop spaces; the glued token then hides a city from search and a country from the
participants. ``split_glued`` cuts a word at a lowercase→uppercase boundary ("in|Tela") and, where a piece is
not a known word, into known words ("Tela|and", "Canada|attended") — known from the word-frequency lists of
``wordfreq`` (Spanish and English, shipped inside the package, read offline) plus every name in the glossary
and the venue table. A piece must be a common word (Zipf frequency ≥ 3, i.e. at least once per million words)
or a name, so a rare name ("Tapachula", "Guanacaste") is never cut into "Tapa|chula".

The catalog keeps the text as extracted; ``repair_glued`` gives the metadata readers a copy with spaces put
back, and the index tokenizer calls ``split_glued`` on each word (keeping character offsets, so highlighting
marks the parts inside the glued word).
"""

from __future__ import annotations

import os
import re
from functools import cache, lru_cache
from pathlib import Path

from archive.folding import fold

__all__ = ["glued_parts", "repair_glued", "split_glued"]

_MIN_ZIPF = 3.0
_MIN_GLUED = 7  # shorter tokens are words, acronyms or names, not two words
_MIN_DICTIONARY = 7  # a part without a case boundary is cut only from this length
# Function words that may be a piece of a glued token although they are short ("de|personas", "los|días"), per
# language: such a piece is glued only to a word of its own language ("observador|as" is not a split of the
# Spanish "observadoras", nor "informes|on" of "informeson").
_SHORT_WORDS_BY_LANGUAGE = {
    "es": frozenset("a y e o u de la el en al lo los las del por con sin una un su sus que se le les nos".split()),
    "en": frozenset("a of in on to an as at by the and or for its with from was are has".split()),
}
_SHORT_WORDS = frozenset().union(*_SHORT_WORDS_BY_LANGUAGE.values())
_LANGUAGES = tuple(_SHORT_WORDS_BY_LANGUAGE)  # the order of a vocabulary entry's frequencies
# A lowercase letter followed by a capitalised word ("in|Tela") or by an acronym that ends the token ("la|OIM").
_CAMEL_RX = re.compile(r"(?<=[a-záéíóúñü])(?=[A-ZÁÉÍÓÚÑ][a-záéíóúñü]|[A-ZÁÉÍÓÚÑ]{2,6}$)")
_WORD_RX = re.compile(r"[^\W\d_]+")


@cache
def _vocabulary() -> dict[str, tuple[float, ...]]:
    """Folded word -> its Zipf frequencies in Spanish and English (0 where a list lacks it); names get 4 in both.

    Building it reads wordfreq's lists (~1.3 s); a one-shot ``crm-archive search`` needs it for its query's
    words, so the built table is kept in the user's cache folder (``marshal``, ~0.1 s to read), under a key
    of everything it is made from: a new wordfreq, glossary or venue table makes a new one."""
    names = _names()
    path = _cache_path(names)
    vocab = _read_cached(path) if path is not None else None
    if vocab is None:
        vocab = _built_vocabulary(names)
        if path is not None:
            _write_cached(path, vocab)
    return vocab


def _built_vocabulary(names: list[str]) -> dict[str, tuple[float, ...]]:
    from wordfreq import get_frequency_dict  # imported lazily: ~1 s, 60 MB

    vocab: dict[str, list[float]] = {}
    for i, lang in enumerate(_LANGUAGES):
        for word, freq in get_frequency_dict(lang, wordlist="best").items():
            if freq < 1e-7 or not word.isalpha():
                continue
            zipfs = vocab.setdefault(fold(word), [0.0] * len(_LANGUAGES))
            zipfs[i] = max(zipfs[i], 9 + _log10(freq))
    for name in names:
        for word in _WORD_RX.findall(fold(name)):
            if len(word) >= 3:
                zipfs = vocab.setdefault(word, [0.0] * len(_LANGUAGES))
                zipfs[:] = [max(z, 4.0) for z in zipfs]
    return {word: tuple(zipfs) for word, zipfs in vocab.items()}


_CACHE_FORMAT = "2"  # bump when _built_vocabulary changes what it makes of the same inputs


def _cache_path(names: list[str]) -> Path | None:
    """Where the vocabulary of these names, this wordfreq and this Python's marshal format is kept (XDG
    cache folder); None when there is no home to keep it in."""
    import hashlib
    import marshal
    from importlib.metadata import PackageNotFoundError, version

    try:
        wordfreq = version("wordfreq")
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except (PackageNotFoundError, RuntimeError):
        return None
    digest = hashlib.sha256("\n".join([_CACHE_FORMAT, wordfreq, str(marshal.version), str(_MIN_ZIPF), *names])
                            .encode()).hexdigest()[:16]
    return root / "crm-archive" / f"glued-vocabulary-{digest}.marshal"


def _read_cached(path: Path) -> dict[str, tuple[float, ...]] | None:
    """The cached vocabulary, or None when it is missing or unreadable (it is then built again)."""
    import marshal

    try:
        vocab = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return vocab if isinstance(vocab, dict) else None


def _write_cached(path: Path, vocab: dict[str, tuple[float, ...]]) -> None:
    """Keep the vocabulary for the next process: written aside and renamed, so a reader never sees half a
    file; a cache that cannot be written is no error (the next process builds it again)."""
    import marshal
    import tempfile

    aside = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".vocabulary-", delete=False) as out:
            aside = Path(out.name)
            out.write(marshal.dumps(vocab))
        os.replace(aside, path)
    except OSError:
        if aside is not None:
            aside.unlink(missing_ok=True)


def _log10(x: float) -> float:
    import math

    return math.log10(x)


def _names() -> list[str]:
    from archive.glossary import glossary
    from ingest.places import VENUES

    names = [form for e in glossary().entities for form in e.forms]
    names += [v.city for v in VENUES.values()]
    return names


def _known(word: str) -> float:
    """Zipf frequency of a folded word (the higher of its languages'); 0 when unknown."""
    return max(_vocabulary().get(word, (0.0,)))


def _same_language(left: str, right: str) -> bool:
    """Whether a function word among the two pieces is glued to a common word of its own language."""
    for short, other in ((left, right), (right, left)):
        if short in _SHORT_WORDS and other not in _SHORT_WORDS:
            zipfs = _vocabulary().get(other, ())
            return any(short in _SHORT_WORDS_BY_LANGUAGE[lang] and zipf >= _MIN_ZIPF
                       for lang, zipf in zip(_LANGUAGES, zipfs))
    return True


def _good_piece(word: str) -> float:
    if word in _SHORT_WORDS:
        return 5.0
    if len(word) < 4:
        return 0.0
    zipf = _known(word)
    return zipf if zipf >= _MIN_ZIPF else 0.0


@lru_cache(maxsize=50_000)
def _dictionary_split(word: str) -> tuple[int, ...]:
    """The cut offset that splits a folded unknown word into two known words, the split whose rarer word is
    most common ("canada|attended"); () if none. Two words only, of four letters or more unless a function
    word: a misspelling ("migrantez") must stay one word for the speller, not become "mig|ran|tez"."""
    best: tuple[float, tuple[int, ...]] = (0.0, ())
    for i in range(2, len(word) - 1):
        score = min(_good_piece(word[:i]), _good_piece(word[i:]))
        if score > best[0] and _same_language(word[:i], word[i:]):
            best = (score, (i,))
    return best[1]


def _is_acronym(piece: str) -> bool:
    return 2 <= len(piece) <= 6 and piece.isupper()


def split_glued(word: str) -> list[tuple[int, str]]:
    """(offset, piece) of the words glued in ``word``; ``[(0, word)]`` when it is one word."""
    if len(word) < _MIN_GLUED - 2 or not word.isalpha():
        return [(0, word)]
    folded = fold(word)
    if len(folded) != len(word):
        return [(0, word)]
    cuts = [m.start() for m in _CAMEL_RX.finditer(word)]
    # A known word is left alone, unless a case boundary shows two words: web text puts "estadosunidos"
    # in the frequency lists, but "EstadosUnidos" is still "Estados Unidos".
    if _known(folded) and not cuts:
        return [(0, word)]
    pieces: list[tuple[int, str]] = []
    bounds = [0, *cuts, len(word)]
    for a, b in zip(bounds, bounds[1:]):
        part = folded[a:b]
        if len(part) >= _MIN_DICTIONARY and not _known(part):
            inner = _dictionary_split(part)
            if inner:
                edges = [a, *(a + c for c in inner), b]
                pieces += [(x, word[x:y]) for x, y in zip(edges, edges[1:])]
                continue
        pieces.append((a, word[a:b]))
    if len(pieces) == 1:
        return [(0, word)]
    # Case cuts are believed only between known words or an acronym ("inTela", "laOIM"; not "McAllen").
    if not all(_good_piece(fold(p)) or _is_acronym(p) for _, p in pieces):
        return [(0, word)]
    return pieces


@lru_cache(maxsize=200_000)
def glued_parts(word: str) -> tuple[tuple[int, str], ...]:
    """``split_glued`` for the index tokenizer, cached per word; () when the word is not glued."""
    pieces = split_glued(word)
    return tuple(pieces) if len(pieces) > 1 else ()


def repair_glued(text: str) -> str:
    """``text`` with a space put back between glued words; everything else unchanged."""
    out: list[str] = []
    last = 0
    for m in _WORD_RX.finditer(text):
        word = m.group()
        if len(word) < _MIN_GLUED - 2:
            continue
        pieces = split_glued(word)
        if len(pieces) > 1:
            out.append(text[last : m.start()])
            out.append(" ".join(p for _, p in pieces))
            last = m.end()
    out.append(text[last:])
    return "".join(out)
