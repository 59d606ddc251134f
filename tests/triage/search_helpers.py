"""Shared set-up for the search tests: items through the real intake, and reading results."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup, Tag

from feedback.intake import Submission, submit_feedback
from feedback.models import FeedbackItem, Kind
from triage import search as search_module
from triage.search import SearchResults, parse_search, search

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


async def make_item(
    subject: str = "Parcel late",
    message: str = "My parcel is two weeks late.",
    *,
    name: str = "Jo Park",
    email: str = "jo.park@example.com",
    phone: str = "",
    order_reference: str = "",
    kind: str = "complaint",
    now: datetime = NOW,
) -> FeedbackItem:
    item, _ = await submit_feedback(
        Submission(
            kind=Kind(kind),
            category="Product",
            name=name,
            email=email,
            subject=subject,
            message=message,
            phone=phone,
            order_reference=order_reference,
            submission_token="tok-" + os.urandom(6).hex(),
        ),
        now=now,
    )
    return item


async def find(q: str, **params: Any) -> SearchResults:
    return await search(parse_search({"q": q, **{k: str(v) for k, v in params.items()}}))


async def found(q: str, **params: Any) -> list[str]:
    """The references found for `q`, in result order."""
    return [hit.item.reference for hit in (await find(q, **params)).hits]


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def hit_rows(html: str) -> list[Tag]:
    return soup(html).select("li.search-hit")


def hit_references(html: str) -> list[str]:
    return [row.select_one("a.reference").get_text(strip=True) for row in hit_rows(html)]


async def search_page(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get("/staff/search", params=params)


@pytest.fixture(params=["index", "walk"])
def both_strategies(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once collecting every index hit, once walking the items newest first:
    `triage.search.search` picks one by the number of hits, and both must agree."""
    monkeypatch.setattr(search_module, "STRATEGY", request.param)
    return str(request.param)
