"""The customer page header names the segment and the lifecycle stage, not two bare words."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.models import Customer
from tests.conftest import sign_in, submit


async def test_it_labels_segment_and_stage(client, agent) -> None:
    assert (await submit(client)).status_code == 303
    customer = await Customer.get()
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/customers/{customer.id}")).text, "html.parser")
    assert page.find(id="customer-segment").text == "Segment: new"
    assert page.find(id="customer-stage").text == "Stage: New customer"
