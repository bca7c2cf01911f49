"""Language of a report's text, with langdetect made deterministic.

langdetect is randomised (it samples n-grams); ``DetectorFactory.seed = 0`` fixes the sample so the
same text always gets the same answer — re-ingesting a report must not flip its language. The text is
sampled in a few bounded windows (start, middle, end): detection cost stays constant for a 200-page
report, and a Spanish report with an English annex is still judged by most of its text.
"""

from __future__ import annotations

import logging
import re

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

log = logging.getLogger(__name__)

DetectorFactory.seed = 0

_WINDOW = 2000  # characters per sample window; 3 windows are plenty for a stable answer
_MIN_LETTERS = 20  # below this langdetect answers at random ("Acta" -> "pt"?); say None instead

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
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return None
    DetectorFactory.seed = 0  # again: another caller may have changed the shared factory's seed
    try:
        ranked = detect_langs(sample)
    except LangDetectException as e:
        log.debug("language not detected: %s", e)
        return None
    return ranked[0].lang if ranked else None
