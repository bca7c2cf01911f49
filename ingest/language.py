"""Language of a report's text, with langdetect made deterministic.

langdetect is randomised (it samples n-grams); ``DetectorFactory.seed = 0`` fixes the sample so the
same text always gets the same answer — re-ingesting a report must not flip its language. The text is
sampled in a few bounded windows (start, middle, end): detection cost stays constant for a 200-page
report, and a Spanish report with an English annex is still judged by most of its text.

On a short text (a one-page acta, a few bullets) langdetect's character n-grams mistake Spanish for its
neighbours ("Aprobar la agenda. Agradecer a Costa Rica." -> Catalan, a 20-word acta -> Portuguese). There
the words decide: among langdetect's candidates and the CRM's two languages, the one whose word-frequency
list (wordfreq, already a dependency) knows the text's words best.
"""

from __future__ import annotations

import logging
import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from archive.thesaurus import LANGUAGES as CRM_LANGUAGES  # the two languages the CRM writes in

log = logging.getLogger(__name__)

DetectorFactory.seed = 0

_WINDOW = 2000  # characters per sample window; 3 windows are plenty for a stable answer
_MIN_LETTERS = 20  # below this langdetect answers at random ("Acta" -> "pt"?); say None instead
_SHORT_LETTERS = 300  # up to this many letters the words decide between langdetect's candidates

# Numbers, URLs and e-mail addresses say nothing about the language and confuse short samples.
_NOISE_RX = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+")


def language_sample(text: str, window: int = _WINDOW) -> str:
    """At most three windows of ``text`` (start, middle, end), noise removed."""
    cleaned = _NOISE_RX.sub(" ", text)
    if len(cleaned) <= 3 * window:
        return cleaned
    middle = len(cleaned) // 2 - window // 2
    return " ".join((cleaned[:window], cleaned[middle : middle + window], cleaned[-window:]))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language ("es", "en", ...), or None when there is too little text.

    Deterministic and never raises: a text langdetect cannot judge gives None.
    """
    sample = language_sample(text or "")
    letters = sum(ch.isalpha() for ch in sample)
    if letters < _MIN_LETTERS:
        return None
    DetectorFactory.seed = 0  # again: another caller may have changed the shared factory's seed
    try:
        ranked = detect_langs(sample)
    except LangDetectException as e:
        log.debug("language not detected: %s", e)
        return None
    if not ranked:
        return None
    if letters > _SHORT_LETTERS or ranked[0].lang in CRM_LANGUAGES:
        return ranked[0].lang
    return _best_known_words(sample, [r.lang for r in ranked])


def _best_known_words(sample: str, candidates: list[str]) -> str:
    """Of ``candidates`` (langdetect's, best first) and the CRM's languages, the language whose words the
    sample's are most often (mean Zipf frequency, 0 for a word the list lacks). langdetect's first stands on
    a tie, when no word is known, and when wordfreq cannot judge it (no list: "zh-cn"; a tokenizer it lacks:
    Japanese, Korean), so a text in another script is never made Spanish for want of a judge."""
    from wordfreq import available_languages  # imported lazily: ~1 s

    top, listed = candidates[0], available_languages()  # a scan of wordfreq's data folder: once
    scores = {language: _known_words_score(sample, language) if language in listed else None
              for language in dict.fromkeys([*candidates, *CRM_LANGUAGES])}
    if scores[top] is None:
        return top
    best = max(scores, key=lambda language: -1.0 if scores[language] is None else scores[language])
    return best if scores[best] > scores[top] else top


def _known_words_score(sample: str, language: str) -> float | None:
    """The mean Zipf frequency in ``language`` (one wordfreq lists) of the sample's words; None where it cannot tell."""
    from wordfreq import tokenize, zipf_frequency

    try:
        words = tokenize(sample, language)
        return sum(zipf_frequency(w, language) for w in words) / len(words) if words else None
    except (ImportError, LookupError, ValueError) as e:  # a tokenizer of an optional package (MeCab, jieba)
        log.debug("no word list judges %s: %s", language, e)
        return None
