"""Schemathesis hooks for the OpenAPI fuzz run (loaded through SCHEMATHESIS_HOOKS by test_openapi_fuzz.py).

A query value that is an object or an array of at most one item does not reach the API as generated:
schemathesis sends ``{}`` as ``page=`` (transport/requests.py: "Empty objects are sent as empty strings"),
``["5"]`` as ``page=5`` and ``[]`` not at all. When such a value stands for a schema-violating one (a
"negative" case), the request on the wire is one the document accepts -- an empty value is the default --
and the run reports "Schema-violating request accepted" for a request that violates nothing (seed 27:
``page={}`` sent as ``/api/search?...&page=``). Those cases are dropped; arrays of two or more items
stay (they are sent as a repeated parameter, which the API refuses, and the run checks that).
"""

from __future__ import annotations

from typing import Any

import schemathesis


def collapses_on_the_wire(value: Any) -> bool:
    return value == {} or (isinstance(value, list) and len(value) <= 1)


@schemathesis.hook
def filter_query(context: schemathesis.HookContext, query: dict[str, Any] | None) -> bool:
    return not query or not any(collapses_on_the_wire(v) for v in query.values())
