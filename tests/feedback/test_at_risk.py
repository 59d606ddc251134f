"""Customers at risk: each rule on hand-built data, the managers' page, and query counts."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.at_risk import customers_at_risk
from feedback.models import Customer, FeedbackItem, Kind, SurveyResponse
from tests.conftest import sign_in

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_refs = itertools.count(1)


async def make_customer(name: str = "Jo Park", *, owner=None, age_days: int = 10, **fields):
    customer = await Customer.create(
        email=f"{name.lower().replace(' ', '.')}.{next(_refs)}@example.com",
        name=name,
        owner=owner,
        **fields,
    )
    await Customer.filter(id=customer.id).update(created_at=NOW - timedelta(days=age_days))
    return customer


async def make_item(customer: Customer, *, days_ago: int = 5, **fields) -> FeedbackItem:
    when = NOW - timedelta(days=days_ago)
    return await FeedbackItem.create(
        reference=f"FB-T{next(_refs):05d}",
        customer=customer,
        kind=fields.pop("kind", Kind.COMPLAINT),
        category="Delivery",
        subject="Something",
        created_at=when,
        updated_at=when,
        **fields,
    )


async def answer(item: FeedbackItem, satisfaction: int, recommend: int, days_ago: int = 3):
    when = NOW - timedelta(days=days_ago)
    await SurveyResponse.create(
        item=item, satisfaction=satisfaction, recommend=recommend, created_at=when, updated_at=when
    )


async def _two_negative(customer, agent):
    await make_item(customer, sentiment_label="negative")
    await make_item(customer, sentiment_label="negative", days_ago=80)


async def _one_negative(customer, agent):
    await make_item(customer, sentiment_label="negative")
    await make_item(customer, sentiment_label="neutral")


async def _negative_but_old(customer, agent):
    await make_item(customer, sentiment_label="negative")
    await make_item(customer, sentiment_label="negative", days_ago=95)


async def _negative_but_merged(customer, agent):
    first = await make_item(customer, sentiment_label="negative")
    await make_item(customer, sentiment_label="negative", merged_into=first)


async def _breached(customer, agent):
    await make_item(customer, sla_state="breached")


async def _missed_first_response(customer, agent):
    await make_item(customer, first_response_met=False, sla_state="missed")


async def _met(customer, agent):
    await make_item(customer, first_response_met=True, resolution_met=True, sla_state="met")


async def _reopened(customer, agent):
    await make_item(customer, reopen_count=2)


async def _low_satisfaction(customer, agent):
    await answer(await make_item(customer), satisfaction=2, recommend=8)


async def _detractor(customer, agent):
    await answer(await make_item(customer), satisfaction=4, recommend=6)


async def _happy(customer, agent):
    await answer(await make_item(customer), satisfaction=3, recommend=7)


async def _old_low_score(customer, agent):
    await answer(await make_item(customer, days_ago=120), satisfaction=1, recommend=0, days_ago=100)


async def _owner_silent(customer, agent):
    await Customer.filter(id=customer.id).update(
        owner_id=agent.id, last_owner_contact_at=NOW - timedelta(days=100)
    )


async def _owner_recent(customer, agent):
    await Customer.filter(id=customer.id).update(
        owner_id=agent.id, last_owner_contact_at=NOW - timedelta(days=10)
    )


async def _owner_never(customer, agent):
    await Customer.filter(id=customer.id).update(
        owner_id=agent.id, created_at=NOW - timedelta(days=91)
    )


async def _unowned_old(customer, agent):
    await Customer.filter(id=customer.id).update(created_at=NOW - timedelta(days=200))


@pytest.mark.parametrize(
    ("setup", "reasons"),
    [
        (_two_negative, ["Negative sentiment on 2 items in 90 days"]),
        (_one_negative, []),
        (_negative_but_old, []),
        (_negative_but_merged, []),
        (_breached, ["1 item breached a response target in 90 days"]),
        (_missed_first_response, ["1 item breached a response target in 90 days"]),
        (_met, []),
        (_reopened, ["1 item reopened by the customer in 90 days"]),
        (
            _low_satisfaction,
            ["Low survey score in 90 days (lowest: satisfaction 2/5, recommend 8/10)"],
        ),
        (_detractor, ["Low survey score in 90 days (lowest: satisfaction 4/5, recommend 6/10)"]),
        (_happy, []),
        (_old_low_score, []),
        (_owner_silent, ["No contact from their owner for 100 days"]),
        (_owner_recent, []),
        (_owner_never, ["No contact from their owner since they became a customer (91 days)"]),
        (_unowned_old, []),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
async def test_it_gives_the_reason_a_customer_is_at_risk(db, agent, setup, reasons) -> None:
    customer = await make_customer()
    await setup(customer, agent)
    found = await customers_at_risk(NOW, no_contact_days=90)
    assert [(r.customer.id, r.reasons) for r in found] == (
        [(customer.id, reasons)] if reasons else []
    )


async def test_it_lists_customers_with_most_reasons_first(db, agent) -> None:
    calm = await make_customer("Ann Calm")
    await _breached(calm, agent)
    stormy = await make_customer("Zed Stormy")
    await _two_negative(stormy, agent)
    await _reopened(stormy, agent)
    await _owner_silent(stormy, agent)
    found = await customers_at_risk(NOW, no_contact_days=90)
    assert [(r.customer.name, len(r.reasons)) for r in found] == [
        ("Zed Stormy", 3),
        ("Ann Calm", 1),
    ]
    assert found[0].customer.owner.name == "Ana Costa"  # loaded for the page


async def test_it_puts_the_most_valuable_segment_first_among_equals(db, agent) -> None:
    for name, segment in [("Ann New", "new"), ("Bo Key", "key"), ("Cy Regular", "regular")]:
        await _breached(await make_customer(name, segment=segment), agent)
    found = await customers_at_risk(NOW, no_contact_days=90, segments=("key", "regular", "new"))
    assert [r.customer.name for r in found] == ["Bo Key", "Cy Regular", "Ann New"]


async def test_it_lists_one_owners_customers(db, agent, teammate) -> None:
    mine = await make_customer("Mine", owner=agent)
    theirs = await make_customer("Theirs", owner=teammate)
    nobodys = await make_customer("Nobody's")
    for customer in (mine, theirs, nobodys):
        await _breached(customer, agent)

    async def names(owner_id):
        found = await customers_at_risk(NOW, no_contact_days=90, owner_id=owner_id)
        return [r.customer.name for r in found]

    assert await names(agent.id) == ["Mine"]
    assert await names(0) == ["Nobody's"]
    assert sorted(await names(None)) == ["Mine", "Nobody's", "Theirs"]


async def test_it_filters_the_page_by_owner(client, agent, teammate, manager) -> None:
    await _breached(await make_customer("Mine", owner=agent), agent)
    await _breached(await make_customer("Theirs", owner=teammate), agent)
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, manager)
        everyone = BeautifulSoup((await client.get("/staff/at-risk")).text, "html.parser")
        one = BeautifulSoup(
            (await client.get(f"/staff/at-risk?owner={agent.id}")).text, "html.parser"
        )
        bad = await client.get("/staff/at-risk?owner=x'--")
    assert everyone.find(id="at-risk-count").text.startswith("2 customers")
    assert [th.text for th in one.select("#at-risk tbody th a")] == ["Mine"]
    assert one.find("select", id="at-risk-owner").find("option", selected=True)["value"] == str(
        agent.id
    )
    assert bad.status_code == 200  # an unknown filter value shows everyone


async def test_it_uses_the_same_number_of_queries_for_many_customers(db, agent, caplog) -> None:
    async def count_queries() -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            await customers_at_risk(NOW, no_contact_days=90)
        return len([r for r in caplog.records if r.name == "tortoise.db_client"])

    for _ in range(2):
        customer = await make_customer()
        await _two_negative(customer, agent)
        await _low_satisfaction(customer, agent)
    few = await count_queries()
    for _ in range(20):
        customer = await make_customer()
        await _two_negative(customer, agent)
        await _low_satisfaction(customer, agent)
        await _owner_silent(customer, agent)
    assert few >= 5  # one per rule, then the customers
    assert await count_queries() == few


async def test_it_shows_managers_the_list_and_refuses_agents(client, agent, manager) -> None:
    customer = await make_customer("Jo Park")
    await _two_negative(customer, agent)
    await _owner_silent(customer, agent)
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, agent)
        assert (await client.get("/staff/at-risk")).status_code == 403
        nav = BeautifulSoup((await client.get("/staff/follow-ups")).text, "html.parser")
        links = [a.text for a in nav.select("header nav a")]
        assert "Follow-ups" in links and "At risk" not in links
        await sign_in(client, manager)
        response = await client.get("/staff/at-risk")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert "At risk" in [a.text for a in page.select("header nav a")]
    row = page.find(id=f"at-risk-{customer.id}")
    assert row.find("a")["href"].endswith(f"/staff/customers/{customer.id}")
    assert [li.text for li in row.select("ul.reasons li")] == [
        "Negative sentiment on 2 items in 90 days",
        "No contact from their owner for 100 days",
    ]
    assert row.find_all("td")[1].text == "Ana Costa"


async def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = await client.get("/staff/at-risk")
    assert response.status_code == 303 and "/staff/sign-in" in response.headers["location"]
