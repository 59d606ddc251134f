"""Staff search: one page, live results as you type (htmx) or a plain GET form.

The rules live in `triage.search`; this handler authorises, parses, runs and renders. An
htmx request gets the results fragment (or, for "More results", just the next rows); a
plain request gets the whole page. Both send `Vary: HX-Request`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from feedback.models import Kind
from portal.auth import require_role
from portal.models import Role
from portal.templating import render
from triage.search import (
    MAX_QUERY_LENGTH,
    MIN_INDEXED_LENGTH,
    SCOPE_LABELS,
    SOURCE_LABELS,
    STATUS_FILTERS,
    parse_search,
    search,
)

SEARCH_PAGE = "staff/search.html"
RESULTS_FRAGMENT = "staff/partials/_search_results.html"
ROWS_FRAGMENT = "staff/partials/_search_rows.html"


async def search_page(request: Request) -> Response:
    # Every staff role may search: agents open every item today (portal.access).
    await require_role(request, Role.AGENT)
    query = parse_search(request.query_params)
    results = await search(query)
    return render(
        request,
        SEARCH_PAGE,
        {
            "query": query,
            "results": results,
            "kinds": list(Kind),
            "statuses": STATUS_FILTERS,
            "scopes": SCOPE_LABELS,
            "sources": SOURCE_LABELS,
            "max_length": MAX_QUERY_LENGTH,
            "min_indexed": MIN_INDEXED_LENGTH,
        },
        fragment=ROWS_FRAGMENT if query.after is not None else RESULTS_FRAGMENT,
        status_code=422 if query.error else 200,
    )
