"""Citations of reports and agreements: one small module per format, one contract, one registry.

Every format is ``render(item: CitationItem) -> str``. Adding a format = one module and one line in
``FORMATS``; the web serves each at ``/r/<id>/cita.<extension>`` (and per agreement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import bibtex, csl, ris, text
from .item import CitationItem

__all__ = ["CitationFormat", "CitationItem", "FORMATS", "by_extension"]


@dataclass(frozen=True)
class CitationFormat:
    key: str  # the name in the API ("bibtex")
    name: str  # what a person calls it
    extension: str  # of the download, also the URL suffix
    media_type: str
    render: Callable[[CitationItem], str]


FORMATS: dict[str, CitationFormat] = {
    "csl-json": CitationFormat("csl-json", "CSL-JSON", "csl.json", "application/vnd.citationstyles.csl+json", csl.render),
    "bibtex": CitationFormat("bibtex", "BibTeX", "bib", "application/x-bibtex", bibtex.render),
    "ris": CitationFormat("ris", "RIS", "ris", "application/x-research-info-systems", ris.render),
    "text": CitationFormat("text", "Text", "txt", "text/plain", text.render),
}


def by_extension(extension: str) -> CitationFormat | None:
    return next((f for f in FORMATS.values() if f.extension == extension), None)
