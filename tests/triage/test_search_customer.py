"""Search finds a customer's items by their name, e-mail or phone, however it is typed."""

from __future__ import annotations

import pytest

from tests.triage.search_helpers import (
    both_strategies,  # noqa: F401 - a fixture
    find,
    found,
    make_item,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_finds_every_item_of_a_customer_by_e_mail(db) -> None:
    first = await make_item("Parcel late", "Late again.", email="jo.park@example.com")
    second = await make_item("Refund", "Still no refund.", email="jo.park@example.com")
    await make_item("Other", "Nothing to do with Jo.", email="kim@example.com", name="Kim Lee")

    results = await find("jo.park@example.com")

    assert {hit.item.id for hit in results.hits} == {first.id, second.id}
    assert {hit.source for hit in results.hits} == {"customer"}


async def test_it_finds_a_customer_by_part_of_their_name(db) -> None:
    item = await make_item("Noise", "Loud fan.", name="Priyanka Raman", email="pr@example.com")
    await make_item("Other", "Quiet fan.", name="Kim Lee", email="kim@example.com")

    assert await found("raman") == [item.reference]


async def test_it_finds_a_phone_number_typed_another_way(db) -> None:
    item = await make_item("Call me", "Please call.", phone="+44 20 7946-0958")
    await make_item("Other", "No phone.", email="kim@example.com", phone="+44 20 1234 5678")

    assert await found("7946-0958") == [item.reference]
    assert await found("79460958") == [item.reference]
    assert await found("(20) 7946 0958") == [item.reference]


async def test_it_searches_only_customer_details_when_asked(db) -> None:
    by_name = await make_item("Hello", "Hi.", name="Alex Fireman", email="alex@example.com")
    await make_item("Fire", "The blender caught fire.", email="kim@example.com")

    assert await found("fire", **{"in": "customer"}) == [by_name.reference]


async def test_it_finds_items_by_the_address_of_a_merged_record(db, agent) -> None:
    from datetime import UTC, datetime

    from feedback.customer_merge import merge_customers
    from feedback.models import Customer

    home = await make_item("Kettle leaks", "Leaks.", email="noor@home.example", name="Noor Ali")
    work = await make_item("Invoice", "Billed twice.", email="noor@work.example", name="N. Ali")
    source = await Customer.get(email="noor@work.example")
    target = await Customer.get(email="noor@home.example")
    now = datetime(2026, 11, 23, tzinfo=UTC)
    await merge_customers(source, target, staff=agent, now=now, segments=("key", "new"))

    assert set(await found("noor@work.example")) == {home.reference, work.reference}
