"""A board card says how many files came with the item (a photo of the damage, a receipt)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.models import FeedbackItem
from tests.conftest import sign_in
from tests.feedback.attachment_helpers import PDF, PNG, submit_with_files


async def test_it_shows_how_many_files_an_item_has(client, agent) -> None:
    await submit_with_files(
        client, ("photo.png", PNG, "image/png"), ("receipt.pdf", PDF, "application/pdf")
    )
    await submit_with_files(client, email="kim@example.com", name="Kim Lee", subject="No files")
    with_files = await FeedbackItem.get(subject="Parcel late")
    without = await FeedbackItem.get(subject="No files")
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get("/staff/board")).text, "html.parser")
    assert page.find(id=f"card-{with_files.id}-files").text == "2 files"
    assert page.find(id=f"card-{without.id}-files") is None
    # A card re-rendered after an action keeps it.
    take = page.select_one(f"#card-{with_files.id} form.take")
    fields = {i["name"]: i.get("value", "") for i in take.find_all("input") if i.get("name")}
    card = await client.post(
        f"/staff/items/{with_files.id}/take", data=fields, headers={"HX-Request": "true"}
    )
    assert card.status_code == 200
    assert BeautifulSoup(card.text, "html.parser").find(id=f"card-{with_files.id}-files")
