"""The customer's private tracking page and replies from it."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.conversation import add_staff_reply, change_status
from feedback.models import Event, FeedbackItem, Message, Status
from portal.clock import utcnow
from tests.conftest import csrf_from, submit


async def _tracking_path(client) -> str:
    response = await submit(client)
    thanks = await client.get(response.headers["location"])
    href = BeautifulSoup(thanks.text, "html.parser").find(id="tracking-link")["href"]
    return href.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


async def test_it_shows_status_in_plain_words_and_who_handles_it(client, agent) -> None:
    path = await _tracking_path(client)
    page = BeautifulSoup((await client.get(path)).text, "html.parser")
    assert page.find(id="status").text == "Received — waiting for a team member"
    assert "Not assigned yet" in page.find(id="handler").text

    item = await FeedbackItem.get()
    await add_staff_reply(item, agent, "We're on it.", now=utcnow())
    page = BeautifulSoup((await client.get(path)).text, "html.parser")
    assert page.find(id="handler").text == "Ana"  # first name only
    assert page.find(id="status").text == "We are working on it"


async def test_it_never_shows_internal_notes(client, agent) -> None:
    path = await _tracking_path(client)
    item = await FeedbackItem.get()
    await add_staff_reply(item, agent, "SECRET: customer is difficult", now=utcnow(), internal=True)
    await add_staff_reply(item, agent, "Hello Jo, sorry about this.", now=utcnow())
    page = BeautifulSoup((await client.get(path)).text, "html.parser")
    bodies = [li.find(class_="body").text for li in page.select("#conversation li")]
    assert bodies == [
        "My parcel is two weeks late and nobody answers. I want a refund.",
        "Hello Jo, sorry about this.",
    ]
    assert "SECRET" not in page.text


async def test_it_answers_404_for_a_tampered_or_unknown_token(client) -> None:
    path = await _tracking_path(client)
    for bad in (path[:-2] + "xx", "/t/not-a-token", "/t/" + "A" * 300):
        response = await client.get(bad)
        assert response.status_code == 404
        assert "We could not find that page" in response.text
        assert "Traceback" not in response.text
    # a validly signed id for an item that does not exist
    from portal.security import Signer

    signer = Signer("test-secret-key-not-for-production")
    response = await client.get("/t/" + signer.sign(999999, purpose="tracking-link"))
    assert response.status_code == 404
    # a token signed for another purpose is refused
    response = await client.get("/t/" + signer.sign(1, purpose="csrf"))
    assert response.status_code == 404


async def test_it_takes_a_reply_scores_it_and_resumes_a_waiting_item(client, agent) -> None:
    path = await _tracking_path(client)
    item = await FeedbackItem.get()
    await add_staff_reply(item, agent, "Which address was it sent to?", now=utcnow())
    await change_status(item, Status.WAITING_ON_CUSTOMER, now=utcnow(), actor=agent)

    token = csrf_from((await client.get(path)).text)
    response = await client.post(
        f"{path}/reply", data={"csrf_token": token, "body": "12 High St. Still no parcel, awful."}
    )
    assert response.status_code == 303
    item = await FeedbackItem.get()
    assert item.status == Status.IN_PROGRESS
    reply = await Message.filter(item_id=item.id).order_by("-id").first()
    assert reply.author_kind == "customer" and reply.sentiment_label == "negative"
    actions = [e.action for e in await Event.filter(item_id=item.id)]
    assert actions[-2:] == ["customer_reply", "status"]


async def test_it_keeps_an_empty_or_rejected_reply_on_the_page(client) -> None:
    path = await _tracking_path(client)
    token = csrf_from((await client.get(path)).text)
    response = await client.post(f"{path}/reply", data={"csrf_token": token, "body": "   "})
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find(id="body-error").text == "Write a message first."
    assert await Message.all().count() == 1

    response = await client.post(f"{path}/reply", data={"body": "no token but keep me"})
    assert response.status_code == 403
    assert (
        BeautifulSoup(response.text, "html.parser").find(id="body").text == "no token but keep me"
    )
    assert await Message.all().count() == 1
