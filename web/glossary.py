"""The glossary page (/glosario) and its JSON (GET /api/glossary): every entity the archive knows, by kind,
with its forms and its mentions per year, each year linking to the search and the whole to the timeline.

One blueprint for both, registered in ``create_app``; the data is ``archive.glossary`` and the counts come
from the index through ``Archive.entity_mentions`` (cached until the catalog changes).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from werkzeug.wrappers import Response

from archive import serialize
from archive.glossary import KINDS, glossary
from index.expansion import entity_search_text

from .views import get_archive

bp = Blueprint("glossary", __name__)


@bp.get("/glossary")
@bp.get("/glosario")  # registered first: the URL links use
def glossary_page() -> str:
    data = serialize.glossary_to_dict(glossary(), get_archive().entity_mentions())
    by_kind = {kind: [e for e in data["entities"] if e["kind"] == kind] for kind in KINDS}
    search_text = {e.key: entity_search_text(e) for e in glossary().entities}
    return render_template("glossary.html", by_kind=by_kind, total=data["total"], search_text=search_text)


@bp.get("/api/glossary")
def glossary_json() -> Response:
    return jsonify(serialize.glossary_to_dict(glossary(), get_archive().entity_mentions()))
