"""Staff merge a second customer record of the same person into the one on the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup

from feedback.at_risk import customers_at_risk
from feedback.customer_merge import merge_customers, merged_segment, possible_duplicates
from feedback.models import Customer, Event, FeedbackItem, FollowUp
from tests.conftest import csrf_from, sign_in, submit

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SEGMENTS = ("key", "regular", "new")


async def _two_records(client) -> tuple[Customer, Customer]:
    """Jo Park wrote from home, then from work: two records, one person."""
    await submit(client, email="jo@home.example", subject="Parcel late")
    await submit(client, email="jo@work.example", subject="Invoice wrong", name="J. Park")
    home = await Customer.get(email="jo@home.example")
    work = await Customer.get(email="jo@work.example")
    return home, work


async def _post_merge(client, customer: Customer, htmx: bool = False, **data: str):
    page = await client.get(f"/staff/customers/{customer.id}")
    headers = {"HX-Request": "true"} if htmx else {}
    return await client.post(
        f"/staff/customers/{customer.id}/merge",
        data={"csrf_token": csrf_from(page.text), **data},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("new", "key", "key"),
        ("key", "new", "key"),
        ("regular", "new", "regular"),
        ("new", "new", "new"),
        ("gold", "new", "new"),  # a segment no longer configured ranks last
    ],
)
def test_it_keeps_the_more_valuable_segment(target: str, source: str, expected: str) -> None:
    assert merged_segment(target, source, SEGMENTS) == expected


async def test_it_moves_items_follow_ups_and_details(client, agent, teammate) -> None:
    home, work = await _two_records(client)
    await Customer.filter(id=work.id).update(
        phone="+44 20 7946 0000",
        company="Acme",
        segment="key",
        owner_id=teammate.id,
        notes="Prefers phone calls.",
    )
    await Customer.filter(id=home.id).update(owner_id=agent.id, notes="Long-time customer.")
    work_item = await FeedbackItem.get(customer_id=work.id)
    await FollowUp.create(
        item=work_item, customer=work, due_at=NOW + timedelta(days=3), created_at=NOW
    )

    moved = await merge_customers(
        await Customer.get(id=work.id),
        await Customer.get(id=home.id),
        staff=agent,
        now=NOW,
        segments=SEGMENTS,
    )

    assert moved == 1
    home = await Customer.get(id=home.id)
    work = await Customer.get(id=work.id)
    assert await FeedbackItem.filter(customer_id=home.id).count() == 2
    assert await FeedbackItem.filter(customer_id=work.id).count() == 0
    assert await FollowUp.filter(customer_id=home.id).count() == 1
    assert (home.phone, home.company, home.segment) == ("+44 20 7946 0000", "Acme", "key")
    assert home.owner_id == agent.id  # the target's owner stays the one responsible rep
    assert home.notes == "Long-time customer.\n\nFrom jo@work.example:\nPrefers phone calls."
    assert work.merged_into_id == home.id and work.merged_at == NOW
    event = await Event.get(item_id=work_item.id, action="customer_merged")
    assert (event.old_value, event.new_value, event.actor_id) == (
        "jo@work.example",
        "jo@home.example",
        agent.id,
    )


async def test_it_takes_the_sources_owner_when_the_target_has_none(client, agent) -> None:
    home, work = await _two_records(client)
    await Customer.filter(id=work.id).update(owner_id=agent.id)
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    assert (await Customer.get(id=home.id)).owner_id == agent.id


async def test_it_sends_new_feedback_from_the_merged_address_to_the_target(client, agent) -> None:
    home, work = await _two_records(client)
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    await submit(client, email="JO@work.example", subject="Another one")
    item = await FeedbackItem.get(subject="Another one")
    assert item.customer_id == home.id
    assert await Customer.filter(email__in=["jo@home.example", "jo@work.example"]).count() == 2


async def test_it_follows_a_chain_of_merges(client, agent) -> None:
    home, work = await _two_records(client)
    await submit(client, email="jo@phone.example", subject="Third")
    phone = await Customer.get(email="jo@phone.example")
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    await merge_customers(
        await Customer.get(id=home.id), phone, staff=agent, now=NOW, segments=SEGMENTS
    )
    await submit(client, email="jo@work.example", subject="Fourth")
    assert (await FeedbackItem.get(subject="Fourth")).customer_id == phone.id
    assert await FeedbackItem.filter(customer_id=phone.id).count() == 4


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_shows_what_will_happen_before_merging(client, agent, htmx) -> None:
    home, work = await _two_records(client)
    await sign_in(client, agent)
    response = await _post_merge(client, home, htmx=htmx, email="Jo@Work.example")
    assert response.status_code == 200
    assert ("<html" in response.text) is not htmx
    preview = BeautifulSoup(response.text, "html.parser").find(id="merge-preview")
    assert "J. Park" in preview.text and "1 item moves" in preview.text
    assert preview.find("input", attrs={"name": "confirm"})["value"] == "yes"
    assert (await Customer.get(id=work.id)).merged_into_id is None  # nothing changed yet


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_merges_on_confirmation(client, agent, htmx) -> None:
    home, work = await _two_records(client)
    await sign_in(client, agent)
    response = await _post_merge(client, home, htmx=htmx, email="jo@work.example", confirm="yes")
    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Redirect"].endswith(f"/staff/customers/{home.id}#history")
    else:
        assert response.status_code == 303
        assert response.headers["location"].endswith(f"/staff/customers/{home.id}#history")
    assert (await Customer.get(id=work.id)).merged_into_id == home.id
    page = BeautifulSoup((await client.get(f"/staff/customers/{home.id}")).text, "html.parser")
    assert len(page.select("#history > li")) == 2


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Type the e-mail address"),
        ("nobody@nowhere.example", "No customer has the address nobody@nowhere.example"),
        ("jo@home.example", "this customer's own address"),
    ],
)
async def test_it_refuses_with_a_message_next_to_the_field(client, agent, email, message) -> None:
    home, _ = await _two_records(client)
    await sign_in(client, agent)
    response = await _post_merge(client, home, email=email, confirm="yes")
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert message in page.find(id="merge-error").text
    field = page.find("input", id="merge-email")
    assert field["value"] == email and field["aria-invalid"] == "true"
    assert await Customer.filter(merged_into_id__isnull=False).count() == 0


async def test_it_refuses_a_record_already_merged(client, agent) -> None:
    home, work = await _two_records(client)
    await submit(client, email="jo@phone.example", subject="Third")
    phone = await Customer.get(email="jo@phone.example")
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    await sign_in(client, agent)
    response = await _post_merge(client, phone, email="jo@work.example", confirm="yes")
    assert response.status_code == 422
    assert (
        "already merged" in BeautifulSoup(response.text, "html.parser").find(id="merge-error").text
    )
    assert (await Customer.get(id=work.id)).merged_into_id == home.id


async def test_it_leads_from_a_merged_record_to_the_target(client, agent) -> None:
    home, work = await _two_records(client)
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    await sign_in(client, agent)
    response = await client.get(f"/staff/customers/{work.id}")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/staff/customers/{home.id}")


async def test_it_needs_sign_in_and_a_csrf_token(client, agent) -> None:
    home, work = await _two_records(client)
    anonymous = await client.post(
        f"/staff/customers/{home.id}/merge", data={"email": "jo@work.example", "confirm": "yes"}
    )
    assert anonymous.status_code in (303, 403)
    await sign_in(client, agent)
    forged = await client.post(
        f"/staff/customers/{home.id}/merge", data={"email": "jo@work.example", "confirm": "yes"}
    )
    assert forged.status_code == 403
    assert (await Customer.get(id=work.id)).merged_into_id is None


async def test_it_leaves_merged_records_off_the_at_risk_list(client, agent) -> None:
    home, work = await _two_records(client)
    old = NOW - timedelta(days=200)
    await Customer.filter(id__in=[home.id, work.id]).update(
        owner_id=agent.id, created_at=old, last_owner_contact_at=old
    )
    await merge_customers(
        await Customer.get(id=work.id),
        await Customer.get(id=home.id),
        staff=agent,
        now=NOW,
        segments=SEGMENTS,
    )
    found = await customers_at_risk(NOW, no_contact_days=90)
    assert [row.customer.id for row in found] == [home.id]


async def test_it_points_earlier_aliases_at_the_new_target(client, agent) -> None:
    home, work = await _two_records(client)
    await submit(client, email="jo@phone.example", subject="Third")
    phone = await Customer.get(email="jo@phone.example")
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    await merge_customers(
        await Customer.get(id=home.id), phone, staff=agent, now=NOW, segments=SEGMENTS
    )
    assert (await Customer.get(id=work.id)).merged_into_id == phone.id
    assert (await Customer.get(id=home.id)).merged_into_id == phone.id


async def test_it_suggests_records_that_may_be_the_same_person(client, agent) -> None:
    home, work = await _two_records(client)  # "Jo Park" at home, "J. Park" at work
    await submit(client, email="kim@example.com", name="Kim Lee", subject="Other")
    await submit(client, email="jo@park-lane.example", name="Ann Other", subject="Street")

    assert [c.id for c in await possible_duplicates(home)] == [work.id]
    assert [c.id for c in await possible_duplicates(work)] == [home.id]


async def test_it_suggests_nothing_once_merged_or_for_merged_records(client, agent) -> None:
    home, work = await _two_records(client)
    await merge_customers(work, home, staff=agent, now=NOW, segments=SEGMENTS)
    assert await possible_duplicates(await Customer.get(id=home.id)) == []
    assert await possible_duplicates(await Customer.get(id=work.id)) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_a_suggestion_leads_to_the_merge_check(client, agent, htmx) -> None:
    home, work = await _two_records(client)
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/customers/{home.id}")).text, "html.parser")
    suggestion = page.find(id=f"merge-suggestion-{work.id}")
    form = {i["name"]: i["value"] for i in suggestion.find_all("input")}
    assert form["email"] == "jo@work.example"

    headers = {"HX-Request": "true"} if htmx else {}
    response = await client.post(f"/staff/customers/{home.id}/merge", data=form, headers=headers)

    preview = BeautifulSoup(response.text, "html.parser").find(id="merge-preview")
    assert response.status_code == 200 and "Merge J. Park" in preview.text
    assert (await Customer.get(id=work.id)).merged_into_id is None


async def test_it_suggests_the_same_address_at_another_domain(client, agent) -> None:
    await submit(client, email="noor.ali@home.example", name="Noor Ali", subject="One")
    await submit(client, email="noor.ali@work.example", name="Accounts", subject="Two")
    await submit(client, email="me@home.example", name="Someone Else", subject="Three")
    await submit(client, email="me@other.example", name="Another Person", subject="Four")
    home = await Customer.get(email="noor.ali@home.example")
    work = await Customer.get(email="noor.ali@work.example")
    me = await Customer.get(email="me@home.example")
    assert [c.id for c in await possible_duplicates(home)] == [work.id]
    assert await possible_duplicates(me) == []  # "me@" is shared by strangers
