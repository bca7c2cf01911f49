"""CSL-JSON (Citation Style Language), the format citeproc processors, Zotero and Mendeley read.

A list holding one item of type ``report``; the institution is a ``literal`` name so no style splits it
into given and family names. Schema: https://github.com/citation-style-language/schema (csl-data.json).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from .item import CitationItem


def _date_parts(value: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[value.year, value.month, value.day]]}


def to_csl(item: CitationItem) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.key,
        "type": "report",
        "title": item.title,
        "author": [{"literal": item.author}],
        "publisher": item.author,
        "genre": item.genre,
        "URL": item.url,
        "accessed": _date_parts(item.accessed),
    }
    if item.issued:
        data["issued"] = _date_parts(item.issued)
        # The meeting's days as a range go in event-date: a range in "issued" makes citeproc-py drop the year.
        data["event-date"] = _date_parts(item.issued)
        if item.issued_end:
            data["event-date"]["date-parts"].append([item.issued_end.year, item.issued_end.month, item.issued_end.day])
    if item.place:
        data["publisher-place"] = item.place
        data["event-place"] = item.place
    if item.language:
        data["language"] = item.language
    if item.number:
        data["number"] = str(item.number)
    if item.label:
        data["section"] = item.label
    return data


def render(item: CitationItem) -> str:
    return json.dumps([to_csl(item)], ensure_ascii=False, indent=2) + "\n"
