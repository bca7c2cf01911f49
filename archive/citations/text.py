"""The ready citation as a line of text: the page's citation, the permalink and the access date."""

from __future__ import annotations

from .item import CitationItem


def render(item: CitationItem) -> str:
    return f"{item.text}. {item.url} ({item.accessed_note}).\n"
