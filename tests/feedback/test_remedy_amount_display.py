"""A remedy's amount reads as money in the installation's currency wherever it is shown."""

from __future__ import annotations

import dataclasses

import pytest
from bs4 import BeautifulSoup

from feedback.models import FeedbackItem
from portal.app import create_app
from tests.conftest import csrf_from, sign_in, submit
from tests.feedback.test_resolve import resolve_form


def _text(response, selector: str) -> str:
    return " ".join(BeautifulSoup(response.text, "html.parser").select_one(selector).text.split())


@pytest.fixture
def euro_client(db):
    import httpx

    app = create_app(dataclasses.replace(db, currency="EUR"), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_it_writes_the_amount_in_the_currency_on_every_page(euro_client, agent) -> None:
    async with euro_client as client:
        tracking = "/t/" + (await submit(client)).headers["location"].rsplit("/", 1)[1]
        item = await FeedbackItem.all().order_by("-id").first()
        await sign_in(client, agent)
        page = await client.get(f"/staff/items/{item.id}/resolve")
        form = BeautifulSoup(page.text, "html.parser")
        assert form.find("label", attrs={"for": "resolve-remedy_amount"}).text.startswith(
            "Amount in EUR"
        )
        response = await client.post(
            f"/staff/items/{item.id}/resolve",
            data={"csrf_token": csrf_from(page.text), **resolve_form(remedy_amount="1200")},
        )
        assert response.status_code == 303
        staff_page = await client.get(f"/staff/items/{item.id}")
        assert _text(staff_page, "dd.remedy") == "Refunded the delivery fee (€1,200.00)"
        customer_page = await client.get(f"/staff/customers/{item.customer_id}")
        assert _text(customer_page, "dd.remedy") == "Refunded the delivery fee (€1,200.00)"
        public = await client.get(tracking)
        assert _text(public, "#remedy") == "Refunded the delivery fee (amount: €1,200.00)"
