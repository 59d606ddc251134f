"""Items that came by mail say so on the board card; others do not."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.models import Channel, FeedbackItem
from tests.conftest import sign_in, submit
from tests.mail.conftest import compose, send_to


async def test_it_marks_mail_items_on_the_board(client, agent, mail_server) -> None:
    await submit(client)
    await send_to(mail_server, compose("Broken mug", "The mug arrived broken."))
    by_mail = await FeedbackItem.get(channel=Channel.EMAIL)
    by_form = await FeedbackItem.get(channel=Channel.WEB)

    await sign_in(client, agent)
    response = await client.get("/staff/board")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    mail_card = page.select_one(f"#card-{by_mail.id}")
    form_card = page.select_one(f"#card-{by_form.id}")
    assert mail_card is not None and form_card is not None
    assert mail_card.select_one(".channel").get_text() == "by e-mail"
    assert form_card.select_one(".channel") is None
