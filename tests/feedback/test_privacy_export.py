"""Downloading everything held about a customer: managers and admins, one JSON file, audited,
a fixed number of queries however many items the customer has."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from feedback.conversation import add_staff_reply
from feedback.models import Event, FeedbackItem
from portal.auth import create_staff
from portal.models import Role
from tests.conftest import PASSWORD, get_csrf, sign_in, submit
from tests.feedback.privacy_helpers import EMAIL, SECRETS, build_customer
from tests.portal.test_query_counts import counting


async def _export(client, customer_id: int, **headers: str):
    token = await get_csrf(client, f"/staff/customers/{customer_id}")
    return await client.post(
        f"/staff/customers/{customer_id}/export", data={"csrf_token": token}, headers=headers
    )


async def test_it_downloads_everything_held_about_the_customer(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)

    response = await _export(client, built.customer.id)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="customer-{built.customer.id}-' in disposition and EMAIL not in disposition
    assert response.headers["cache-control"] == "no-store"
    data = json.loads(response.text)
    assert data["customer"] == {
        "id": built.customer.id,
        "name": SECRETS["name"],
        "email": EMAIL,
        "other_addresses": [],
        "phone": SECRETS["phone"],
        "company": SECRETS["company"],
        "segment": built.customer.segment,
        "customer_since": built.customer.created_at.isoformat(),
        "staff_notes": SECRETS["notes"],
        "erased_at": None,
    }
    first, second = data["items"]
    assert (first["reference"], first["subject"], first["order_reference"]) == (
        built.item.reference,
        SECRETS["subject"],
        SECRETS["order"],
    )
    texts = [(m["from"], m["internal_note"], m["text"]) for m in first["messages"]]
    assert texts[0] == ("customer", False, SECRETS["message"])
    assert ("staff", False, SECRETS["reply"]) in texts
    assert ("staff", True, SECRETS["note"]) in texts  # internal notes are included, marked
    assert ("customer", False, SECRETS["customer_reply"]) in texts
    assert [r["message_to_customer"] for r in first["resolutions"]] == [SECRETS["resolution"]]
    assert first["resolutions"][0]["outcome"] == "resolved"
    assert "root_cause" not in first["resolutions"][0]  # what the customer was told, only
    assert first["survey"]["comment"] == SECRETS["survey"]
    assert (first["survey"]["satisfaction_1_to_5"], first["survey"]["recommend_0_to_10"]) == (4, 9)
    assert second["reference"] == built.mail_item.reference
    assert second["messages"][0]["text"].startswith(SECRETS["mail_body"])
    assert {m["kind"] for m in data["mails_sent"]} == {"confirmation", "staff_reply", "resolution"}
    assert all(m["to"] == EMAIL for m in data["mails_sent"])
    [received] = data["mails_received"]
    assert (received["from"], received["subject"], received["item"]) == (
        EMAIL,
        SECRETS["mail_subject"],
        built.mail_item.reference,
    )
    [follow_up] = data["follow_ups"]
    assert (follow_up["item"], follow_up["note"]) == (
        built.item.reference,
        "Ask Jo about the wombat hotline",
    )
    assert "Ana Costa" not in response.text  # staff are named by role, not by name


async def test_it_records_the_export_on_the_audit_trail(client, db, agent, manager) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, manager)

    assert (await _export(client, built.customer.id)).status_code == 200

    events = await Event.filter(action="exported").order_by("item_id")
    assert [e.item_id for e in events] == sorted([built.item.id, built.mail_item.id])  # type: ignore[attr-defined]
    assert {(e.actor_id, e.detail) for e in events} == {  # type: ignore[attr-defined]
        (manager.id, "personal data exported by Mia Chen")
    }


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
async def test_it_offers_the_download_to_managers_and_admins(client, db, role: Role) -> None:
    user = await create_staff(f"{role}@example.test", f"A {role}", PASSWORD, role)
    await submit(client, email=EMAIL)
    item = await FeedbackItem.get()
    await sign_in(client, user)

    page = BeautifulSoup(
        (await client.get(f"/staff/customers/{item.customer_id}")).text,  # type: ignore[attr-defined]
        "html.parser",
    )
    form = page.select_one("#personal-data form#export-form")
    assert form is not None and form["method"] == "post"
    assert (page.select_one("#erase-link") is not None) == (role == Role.ADMIN)


async def test_it_returns_403_to_an_agent(client, db, agent) -> None:
    await submit(client, email=EMAIL)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    page = BeautifulSoup(
        (await client.get(f"/staff/customers/{item.customer_id}")).text,  # type: ignore[attr-defined]
        "html.parser",
    )
    assert page.select_one("#export-form") is None and page.select_one("#erase-link") is None

    response = await _export(client, item.customer_id)  # type: ignore[attr-defined]

    assert response.status_code == 403
    assert await Event.filter(action="exported").count() == 0


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    await submit(client, email=EMAIL)
    item = await FeedbackItem.get()
    token = await get_csrf(client)

    response = await client.post(
        f"/staff/customers/{item.customer_id}/export",  # type: ignore[attr-defined]
        data={"csrf_token": token},
    )

    assert response.status_code in (303, 403)
    if response.status_code == 303:
        assert urlsplit(response.headers["location"]).path == "/staff/sign-in"
    assert await Event.filter(action="exported").count() == 0


async def test_it_refuses_a_post_without_the_csrf_token(client, db, admin) -> None:
    await submit(client, email=EMAIL)
    item = await FeedbackItem.get()
    await sign_in(client, admin)

    response = await client.post(f"/staff/customers/{item.customer_id}/export")  # type: ignore[attr-defined]

    assert response.status_code == 403
    assert await Event.filter(action="exported").count() == 0


async def test_it_answers_404_for_an_unknown_customer(client, db, admin) -> None:
    await sign_in(client, admin)
    assert (await _export(client, 999_999)).status_code == 404


async def _add_items(client, agent, start: int, count: int) -> None:
    for n in range(start, start + count):
        response = await submit(client, email=EMAIL, subject=f"Complaint number {n}")
        assert response.status_code == 303
        item = await FeedbackItem.get(subject=f"Complaint number {n}")
        await add_staff_reply(item, agent, f"Looking into number {n}.", now=item.created_at)


async def test_it_runs_as_many_queries_for_many_items_as_for_a_few(
    client, db, agent, admin
) -> None:
    await _add_items(client, agent, 0, 2)
    customer_id = (await FeedbackItem.first()).customer_id  # type: ignore[union-attr]
    await sign_in(client, admin)
    token = await get_csrf(client, f"/staff/customers/{customer_id}")

    async def statements() -> list[str]:
        with counting() as counter:
            response = await client.post(
                f"/staff/customers/{customer_id}/export", data={"csrf_token": token}
            )
        assert response.status_code == 200
        return [statement.split(": [")[0] for statement in counter.statements]

    few = await statements()
    await _add_items(client, agent, 2, 25)
    many = await statements()

    assert len(json.loads((await _export(client, customer_id)).text)["items"]) == 27
    assert len(many) == len(few), "\n".join(many)
