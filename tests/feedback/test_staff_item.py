"""Staff work an item: reply, add an internal note, change status; see the customer history."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.models import Customer, Event, FeedbackItem, Message, Status
from tests.conftest import get_csrf, sign_in, submit


async def test_it_lists_items_newest_first(client, agent) -> None:
    await submit(client, subject="First")
    await submit(client, subject="Second", email="other@example.com")
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get("/staff/items")).text, "html.parser")
    subjects = [row.find_all("td")[1].text for row in page.select("table.items tbody tr")]
    assert subjects == ["Second", "First"]


async def test_it_shows_a_useful_empty_state(client, agent) -> None:
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get("/staff/items")).text, "html.parser")
    assert page.find(class_="empty") is not None


async def test_it_sends_only_the_rows_to_htmx(client, agent) -> None:
    await submit(client)
    await sign_in(client, agent)
    full = await client.get("/staff/items")
    fragment = await client.get("/staff/items", headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    assert BeautifulSoup(fragment.text, "html.parser").select("table.items tbody tr")


async def test_it_records_the_first_public_reply_as_first_response(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    response = await client.post(
        f"/staff/items/{item.id}/reply",
        data={"csrf_token": token, "body": "Only a note", "internal": "on"},
    )
    assert response.status_code == 303
    item = await FeedbackItem.get()
    assert item.first_response_at is None and item.owner_id is None  # a note is not a response

    await client.post(
        f"/staff/items/{item.id}/reply",
        data={"csrf_token": token, "body": "Sorry, Jo — refund on its way."},
    )
    item = await FeedbackItem.get().select_related("customer")
    assert item.first_response_at is not None
    assert item.owner_id == agent.id and item.customer.owner_id == agent.id
    assert item.status == Status.IN_PROGRESS
    actions = [e.action for e in await Event.filter(item_id=item.id)]
    assert actions[-6:] == ["note", "reply", "first_response", "owner", "status", "customer_owner"]


async def test_it_keeps_an_empty_reply_with_an_error(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    response = await client.post(
        f"/staff/items/{item.id}/reply", data={"csrf_token": token, "body": ""}
    )
    assert response.status_code == 422
    assert await Message.all().count() == 1
    # The keyboard and the screen reader land on the box, which names its mistake.
    box = BeautifulSoup(response.text, "html.parser").find("textarea", id="body")
    assert box.has_attr("autofocus") and box["aria-describedby"] == "body-error"


async def test_it_changes_status_with_an_audit_event(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    response = await client.post(
        f"/staff/items/{item.id}/status", data={"csrf_token": token, "status": "in_progress"}
    )
    assert response.status_code == 303
    item = await FeedbackItem.get()
    assert item.status == Status.IN_PROGRESS
    event = await Event.filter(item_id=item.id, action="status").order_by("-id").first()
    assert (event.new_value, event.actor_id) == ("in_progress", agent.id)

    bad = await client.post(
        f"/staff/items/{item.id}/status", data={"csrf_token": token, "status": "vanished"}
    )
    assert bad.status_code == 422


async def test_it_sends_resolving_to_the_resolution_form(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    response = await client.post(
        f"/staff/items/{item.id}/status", data={"csrf_token": token, "status": "resolved"}
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/staff/items/{item.id}/resolve")
    item = await FeedbackItem.get()
    assert item.status != Status.RESOLVED and item.resolved_at is None


async def test_it_shows_the_full_conversation_and_trail_to_staff(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    await client.post(
        f"/staff/items/{item.id}/reply",
        data={"csrf_token": token, "body": "internal thought", "internal": "on"},
    )
    page = BeautifulSoup((await client.get(f"/staff/items/{item.id}")).text, "html.parser")
    assert page.select_one(".message.internal .body").text == "internal thought"
    events = [li.select_one(".what").text for li in page.select("#events li")]
    assert events[0].startswith("New feedback")
    assert any(e.startswith("Routed to") for e in events)
    assert events[-1] == "Internal note added"


async def test_it_shows_the_customer_history_oldest_first(client, agent) -> None:
    await submit(client, subject="Older")
    await submit(client, subject="Newer")
    customer = await Customer.get()
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/customers/{customer.id}")).text, "html.parser")
    entries = [li.find("a").find_next_sibling(string=True) for li in page.select("#history li")]
    assert [e.split(":", 1)[1].strip() for e in entries] == ["Older", "Newer"]

    token = await get_csrf(client, f"/staff/customers/{customer.id}")
    await client.post(
        f"/staff/customers/{customer.id}/notes",
        data={"csrf_token": token, "notes": "Prefers phone calls after 5pm."},
    )
    assert (await Customer.get()).notes == "Prefers phone calls after 5pm."


async def test_it_answers_404_for_an_unknown_item(client, agent) -> None:
    await sign_in(client, agent)
    assert (await client.get("/staff/items/999999")).status_code == 404
    assert (await client.get("/staff/customers/999999")).status_code == 404


async def test_it_explains_the_response_targets(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/items/{item.id}")).text, "html.parser")
    lines = [li.text for li in page.select("#target-explanation li")]
    assert lines[0].startswith("Target: high (default). Calendar: Office hours")
    assert page.find(id="first-response-due").text.strip()


async def test_it_adds_and_removes_a_collaborator(client, agent, teammate) -> None:
    from triage.models import Notification

    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    url = f"/staff/items/{item.id}/collaborators"
    response = await client.post(url, data={"csrf_token": token, "staff_id": str(teammate.id)})
    assert response.status_code == 303
    item = await FeedbackItem.get()
    assert [c.id for c in await item.collaborators.all()] == [teammate.id]
    event = await Event.filter(item_id=item.id, action="collaborator").first()
    assert (event.new_value, event.actor_id) == ("Ben Okafor", agent.id)

    # collaborators are told when the customer replies
    from feedback.conversation import add_customer_reply
    from portal.clock import utcnow

    await add_customer_reply(item, "Any news?", now=utcnow())
    assert await Notification.filter(recipient_id=teammate.id, kind="customer_reply").count() == 1

    bad = await client.post(url, data={"csrf_token": token, "staff_id": "nope"})
    assert bad.status_code == 422
    await client.post(
        url, data={"csrf_token": token, "staff_id": str(teammate.id), "action": "remove"}
    )
    assert await item.collaborators.all().count() == 0


async def test_it_names_a_change_once_on_the_audit_trail(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/items/{item.id}")).text, "html.parser")
    lines = [" ".join(li.get_text().split()) for li in page.select("ol li")]
    priority = [line for line in lines if "System · Priority: Normal → High" in line]
    assert priority, lines
    assert not any("Priority: Priority" in line for line in priority)
