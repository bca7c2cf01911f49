"""The read-only web UI and JSON API of the CRM archive (Flask).

``create_app`` is found by name, so ``flask --app web run`` works; ``crm-archive serve`` runs it under waitress.
Nothing is opened at import time: each request opens the archive on ``g`` and ``teardown_appcontext``
closes it, so a re-ingest in another process is seen by the next request.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from . import delivery, i18n

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = "./crm-data"
LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# No script at all, styles only from our stylesheet (so no style="" attributes), no framing, no plugins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
READ_ONLY_METHODS = ("GET", "HEAD")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Data directory: ``DATA_DIR`` in ``test_config``, else env ``CRM_ARCHIVE_DATA``;
    catalog: ``CATALOG``, else env ``CRM_ARCHIVE_CATALOG``, else the SQLite file in the data directory."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATA_DIR=os.environ.get("CRM_ARCHIVE_DATA", DEFAULT_DATA_DIR),
        # The catalog URL (sqlite:///… or postgresql://…); None: DATA_DIR/catalog.sqlite3.
        CATALOG=os.environ.get("CRM_ARCHIVE_CATALOG") or None,
        # A read-only app takes no bodies; anything bigger than a few KB is not for us.
        MAX_CONTENT_LENGTH=16 * 1024,
        MAX_FORM_MEMORY_SIZE=16 * 1024,
        ARCHIVE_PER_REQUEST=False,
        PER_PAGE=20,
        CSV_MAX_ROWS=10_000,
        JSON_PER_PAGE_MAX=100,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"]))
    # JSON as people read it: accents unescaped, fields in the order serialize.py defines them.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from . import api, glossary, research, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(research.bp)  # commitments, participation, countries, citations
    app.register_blueprint(glossary.bp)  # /glosario and /api/glossary

    app.before_request(_refuse_writes)
    app.before_request(_choose_language)
    app.before_request(_refuse_bad_encoding)
    app.after_request(_remember_language)
    app.after_request(_add_security_headers)
    delivery.init_app(app)  # fingerprinted static URLs, their caching, and gzip (the last step)
    app.teardown_appcontext(views.close_archive)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.context_processor(views.template_helpers)
    return app


def _refuse_writes() -> ResponseReturnValue | None:
    # Every route is GET; this also closes OPTIONS and anything else a client may try on static files.
    if request.method not in READ_ONLY_METHODS:
        return _error_response(405, allow=", ".join(READ_ONLY_METHODS))
    return None


def _choose_language() -> None:
    """UI language: ``?lang=`` in the URL wins, then the cookie, then Spanish."""
    from_url = i18n.normalize_language(request.args.get("lang"))
    g.lang_from_url = from_url
    g.lang = from_url or i18n.normalize_language(request.cookies.get(LANGUAGE_COOKIE)) or i18n.DEFAULT_LANGUAGE


def _refuse_bad_encoding() -> ResponseReturnValue | None:
    """A query string whose percent-encoded bytes are not UTF-8 (``?q=%FF``) is refused: Werkzeug
    would hand the views the text with its ``%FF`` kept literally, and it would be searched as "FF"."""
    try:
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        if _wants_json():
            return _error_response(400, "the query string is not valid UTF-8 (percent-encoded bytes such as %FF "
                                        "must spell UTF-8 text)")
        return _error_response(400, i18n.translate(g.get("lang", i18n.DEFAULT_LANGUAGE), "error_bad_encoding"))
    return None


def _remember_language(response: Response) -> Response:
    chosen = g.get("lang_from_url")
    if chosen and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_AGE, samesite="Lax", httponly=True)
    return response


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".csv")


def _error_response(status: int, message: str | None = None, allow: str | None = None) -> Response:
    """The error in the form the client reads: JSON under /api/, a page in the UI language elsewhere."""
    lang = g.get("lang", i18n.DEFAULT_LANGUAGE)
    titles = {404: "not_found_title", 405: "method_not_allowed_title", 500: "server_error_title"}
    texts = {404: "not_found_text", 405: "method_not_allowed_text", 500: "server_error_text"}
    if _wants_json():
        response = jsonify(error=message or i18n.translate("en", texts.get(status, "bad_request_title")))
    else:
        if "lang" not in g:
            g.lang = lang
        title = i18n.translate(lang, titles.get(status, "bad_request_title"))
        text = message or i18n.translate(lang, texts.get(status, "bad_request_title"))
        response = Response(render_template("error.html", status=status, title=title, text=text),
                            mimetype="text/html")
    response.status_code = status
    if allow:
        response.headers["Allow"] = allow
    return response


def _http_error(error: HTTPException) -> Response:
    if error.code is None or error.code < 400:
        return error.get_response()
    allow = ", ".join(READ_ONLY_METHODS) if error.code == 405 else None
    # Werkzeug's own descriptions are English prose about the request; our pages carry our strings instead.
    return _error_response(error.code, None if error.code in (404, 405, 500) else error.description, allow)


def _unexpected_error(error: Exception) -> Response:
    log.exception("unhandled error on %s", request.path)
    return _error_response(500)
