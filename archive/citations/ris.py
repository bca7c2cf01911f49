"""RIS, the tagged format EndNote, Zotero and most reference managers import: one ``RPRT`` record.

Each line is ``TAG  - value`` (two spaces, a hyphen, a space) ending in CRLF; values are one line each.
``Y2`` carries the access date, as Zotero and EndNote read it.
"""

from __future__ import annotations

from datetime import date

from .item import CitationItem


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}\r\n"


def _ris_date(value: date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}/"


def render(item: CitationItem) -> str:
    lines = [_line("TY", "RPRT"), _line("ID", item.key), _line("AU", item.author), _line("TI", item.title),
             _line("M3", item.genre), _line("PB", item.author)]
    if item.issued:
        lines += [_line("PY", str(item.issued.year)), _line("DA", _ris_date(item.issued))]
    if item.place:
        lines.append(_line("CY", item.place))
    if item.number:
        lines.append(_line("IS", str(item.number)))
    if item.language:
        lines.append(_line("LA", item.language))
    lines += [_line("UR", item.url), _line("Y2", _ris_date(item.accessed)), _line("N1", item.text)]
    lines.append("ER  - \r\n")
    return "".join(lines)
