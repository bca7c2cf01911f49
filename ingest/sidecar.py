"""The archivist's override: ``<file>.meta.json`` beside a report corrects what was read from its text.

Example ``informe-2014.pdf.meta.json``::

    {"title": "Informe de la Reunión del GRCM", "body": "Grupo Regional de Consulta sobre Migración",
     "number": 19, "city": "Managua", "country": "Nicaragua", "date": "2014-11-24", "date_end": "2014-11-25",
     "participants": ["Belice", "Canadá"], "observers": ["OIM"], "language": "es"}

Every key is optional; a key given as ``null`` clears the field. ``apply_sidecar`` handles the Meeting
fields only; ``language`` belongs to the Report, so the pipeline reads it with ``sidecar_language``.
A wrong key or value raises ValueError naming the key and the reason, so the archivist can fix the file.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from archive.models import Country, Meeting
from ingest.bodies import BODIES, body_key_of
from ingest.places import country_key, country_name, normalize_space

SIDECAR_SUFFIX = ".meta.json"

_TEXT_FIELDS = ("title", "body", "city")
_MEETING_KEYS = {"title", "body", "body_key", "number", "city", "country", "date", "date_end", "participants", "observers"}
ALLOWED_KEYS = frozenset(_MEETING_KEYS | {"language"})
_LANGUAGE_RX = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$")


def sidecar_path(source: Path) -> Path:
    """Where the sidecar of ``source`` lives: ``report.pdf`` -> ``report.pdf.meta.json``."""
    return source.with_name(source.name + SIDECAR_SUFFIX)


def read_sidecar(source: Path) -> dict[str, Any] | None:
    """The parsed sidecar of ``source`` (the report's path), None when there is none.

    Raises ValueError when the file is not a JSON object, naming the file.
    """
    path = sidecar_path(source)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # -sig: Windows editors add a BOM
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"{path.name}: not valid JSON ({e})") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a JSON object of fields, got {type(data).__name__}")
    return data


def _text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"sidecar field {key!r}: expected a non-empty string, got {value!r}")
    return normalize_space(value)


def _iso_date(key: str, value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"sidecar field {key!r}: expected an ISO date string like '2014-11-24', got {value!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as e:
        raise ValueError(f"sidecar field {key!r}: {value!r} is not an ISO date (YYYY-MM-DD)") from e


def _country(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"sidecar field {key!r}: expected a country name, got {value!r}")
    found = country_key(value)
    if found is None:
        raise ValueError(f"sidecar field {key!r}: unknown country {value!r}")
    return found


def _names(key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"sidecar field {key!r}: expected a list of names, got {value!r}")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"sidecar field {key!r}: expected names (strings), got {item!r}")
    return [normalize_space(item) for item in value]


def apply_sidecar(meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """``meeting`` with the fields given in ``data`` replaced; raises ValueError on an unknown key or bad value.

    ``body`` is as written; its ``body_key`` is recomputed from it (``other`` for a body not in the table)
    unless ``body_key`` is given too. ``country`` and ``participants`` are canonicalised (an unknown country
    is an error); ``date`` alone sets a one-day meeting (``date_end`` = ``date``).
    """
    if not isinstance(data, dict):
        raise ValueError(f"sidecar: expected an object of fields, got {type(data).__name__}")
    unknown = sorted(set(data) - ALLOWED_KEYS)
    if unknown:
        raise ValueError(f"sidecar field {unknown[0]!r}: unknown key (allowed: {', '.join(sorted(ALLOWED_KEYS))})")
    changes: dict[str, Any] = {}
    for key in _TEXT_FIELDS:
        if key in data:
            changes[key] = _text(key, data[key])
    if "body" in data:
        changes["body_key"] = body_key_of(changes["body"]) if changes["body"] else None
    if "body_key" in data:
        value = data["body_key"]
        if value is not None and value not in BODIES:
            raise ValueError(f"sidecar field 'body_key': unknown body {value!r} (known: {', '.join(BODIES)})")
        changes["body_key"] = value
    if "number" in data:
        value = data["number"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise ValueError(f"sidecar field 'number': expected a positive integer, got {value!r}")
        changes["number"] = value
    if "country" in data:
        changes["country"] = country_name(_country("country", data["country"])) if data["country"] is not None else None
        changes["country_inferred"] = False  # the archivist said it
    if "date" in data:
        changes["date"] = _iso_date("date", data["date"])
        changes["date_end"] = changes["date"]
    if "date_end" in data:
        changes["date_end"] = _iso_date("date_end", data["date_end"])
    if "participants" in data:
        participants: dict[str, Country] = {}
        for name in _names("participants", data["participants"]):
            participants.setdefault(_country("participants", name), Country(name, _country("participants", name)))
        changes["participants"] = tuple(participants.values())
    if "observers" in data:
        changes["observers"] = tuple(dict.fromkeys(_names("observers", data["observers"])))
    result = dataclasses.replace(meeting, **changes)
    if result.date_end and not result.date:
        raise ValueError("sidecar field 'date_end': given without a 'date'")
    if result.date and result.date_end and result.date_end < result.date:
        raise ValueError(f"sidecar field 'date_end': {result.date_end} is before the date {result.date}")
    return result


def sidecar_language(data: dict[str, Any]) -> str | None:
    """The ``language`` a sidecar sets (e.g. "es"), None when it sets none; ValueError when it is not a code."""
    value = data.get("language")
    if value is None:
        return None
    if not isinstance(value, str) or not _LANGUAGE_RX.match(value.strip()):
        raise ValueError(f"sidecar field 'language': expected a language code like 'es' or 'en', got {value!r}")
    return value.strip()
