"""Shared set-up for the saved-reply tests: a team, an item, replies, and posting forms."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.models import FeedbackItem, SavedReply
from portal.clock import utcnow
from tests.conftest import get_csrf, submit
from triage.models import Team

REFUND = (
    "Hi {customer_first_name}, refunds for {order_reference} reach your card in 5 working days."
    " {my_first_name}"
)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def make_reply(
    title: str = "Refund timing",
    body: str = REFUND,
    *,
    language: str = "",
    team: Team | None = None,
    is_active: bool = True,
    author=None,
) -> SavedReply:
    """A saved reply stored directly (what the manage page would store)."""
    now = utcnow()
    return await SavedReply.create(
        title=title,
        title_key=" ".join(title.casefold().split()),
        scope_key="all" if team is None else f"team:{team.id}",
        body=body,
        language=language,
        team=team,
        is_active=is_active,
        created_by=author,
        updated_by=author,
        created_at=now,
        updated_at=now,
    )


async def make_item(client, **overrides: str) -> FeedbackItem:
    """An item sent through the public form (customer Jo Park, order A-1001 by default)."""
    await submit(client, **overrides)
    return await FeedbackItem.all().order_by("-id").select_related("customer", "team").first()


def reply_form(**overrides: str) -> dict[str, str]:
    data = {"title": "Refund timing", "body": REFUND, "language": "en", "team": ""}
    data.update(overrides)
    return data


async def post_form(client, path: str, data: dict, *, page: str = "/manage/replies", htmx=False):
    token = await get_csrf(client, page)
    headers = {"HX-Request": "true"} if htmx else {}
    return await client.post(path, data={"csrf_token": token, **data}, headers=headers)


async def insert(client, item: FeedbackItem, reply_id: object, body: str = "", *, csrf=True):
    """What the picker does with htmx: POST the choice and the draft, get the reply box."""
    token = await get_csrf(client, f"/staff/items/{item.id}")
    data = {"insert_reply": str(reply_id), "body": body}
    if csrf:
        data["csrf_token"] = token
    return await client.post(
        f"/staff/items/{item.id}/saved-reply", data=data, headers={"HX-Request": "true"}
    )
