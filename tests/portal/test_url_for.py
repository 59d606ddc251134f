"""Templates' url_for: the same absolute URLs as Starlette's, found by name without a walk."""

from __future__ import annotations

import pytest
from starlette.requests import Request
from starlette.routing import NoMatchFound

from portal.templating import url_for


def _request(app, root_path: str = "") -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "server": ("portal.example.com", 443),
        "root_path": root_path,
        "path": f"{root_path}/staff/board",
        "query_string": b"",
        "headers": [(b"host", b"portal.example.com")],
        "app": app,
        "router": app.router,
    }
    return Request(scope)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("staff_item", {"item_id": 42}),
        ("staff_customer", {"customer_id": 7}),
        ("tracking", {"token": "abc.def"}),
        ("board", {}),
        ("static", {"path": "app.css"}),
    ],
)
@pytest.mark.parametrize("root_path", ["", "/portal"])
def test_it_gives_starlettes_url(app, name: str, params: dict, root_path: str) -> None:
    request = _request(app, root_path)
    ours = url_for({"request": request}, name, **params)
    assert str(ours) == str(request.url_for(name, **params))
    assert ours.path == request.url_for(name, **params).path


def test_it_refuses_an_unknown_name_like_starlette(app) -> None:
    with pytest.raises(NoMatchFound):
        url_for({"request": _request(app)}, "no_such_route")
