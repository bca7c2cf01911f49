"""BibTeX / biblatex: one ``@techreport`` entry (a report issued by an institution).

Values are UTF-8 (biblatex and Zotero read it); the characters TeX treats specially are escaped, and the
institution and title are braced so no style re-cases or splits them.
"""

from __future__ import annotations

import re

from .item import CitationItem

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
            "_": r"\_", "^": r"\^{}", "~": r"\~{}"}
_SPECIAL_RX = re.compile("|".join(re.escape(c) for c in _SPECIAL))


def escape(value: str) -> str:
    """``value`` safe inside a braced BibTeX field: TeX specials escaped, whitespace on one line."""
    return _SPECIAL_RX.sub(lambda m: _SPECIAL[m.group()], " ".join(value.split()))


def entry_key(key: str) -> str:
    """A citation key BibTeX accepts: letters, digits and ``-_.:`` only."""
    return re.sub(r"[^A-Za-z0-9_.:-]", "_", key)


def render(item: CitationItem) -> str:
    fields: list[tuple[str, str]] = [
        ("author", "{" + escape(item.author) + "}"),
        ("title", "{" + escape(item.title) + "}"),
        ("institution", escape(item.author)),
        ("type", escape(item.genre)),
    ]
    if item.place:
        fields.append(("address", escape(item.place)))
    if item.issued:
        when = item.issued.isoformat() + (f"/{item.issued_end.isoformat()}" if item.issued_end else "")
        fields += [("year", str(item.issued.year)), ("month", str(item.issued.month)), ("date", when)]
    if item.number:
        fields.append(("number", str(item.number)))
    fields += [("url", item.url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")),
               ("urldate", item.accessed.isoformat())]
    if item.language:
        fields.append(("language", escape(item.language)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@techreport{{{entry_key(item.key)},\n{body}\n}}\n"
