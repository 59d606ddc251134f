"""An HTML-only mail is turned into text (quoted part dropped), and shown escaped."""

from __future__ import annotations

from email.message import EmailMessage

from bs4 import BeautifulSoup

from feedback.mail_parsing import html_to_text
from feedback.models import FeedbackItem, Message
from tests.conftest import sign_in
from tests.mail.conftest import CUSTOMER, INBOUND, send_to

HTML = """<html><head><style>p {color: red}</style><script>alert(1)</script></head>
<body><div dir="ltr"><p>The box was <b>crushed</b> &amp; the mug broke.</p>
<p>Photo: &lt;img src=x onerror=alert(1)&gt;<br>Kim</p></div>
<div class="gmail_quote"><div>On Mon, Customer care wrote:</div>
<blockquote>Hello Kim, we answered FB-ABC123</blockquote></div></body></html>"""


def test_it_turns_html_into_text_without_the_quote() -> None:
    assert html_to_text(HTML) == (
        "The box was crushed & the mug broke.\n\nPhoto: <img src=x onerror=alert(1)>\nKim"
    )


async def test_it_stores_an_html_only_mail_and_shows_it_escaped(mail_server, client, agent) -> None:
    message = EmailMessage()
    message["From"] = CUSTOMER
    message["To"] = INBOUND
    message["Subject"] = "Broken <mug>"
    message.set_content(HTML, subtype="html")
    await send_to(mail_server, message)

    item = await FeedbackItem.get()
    stored = await Message.get(item_id=item.id)
    assert stored.body.startswith("The box was crushed & the mug broke.")
    assert "gmail_quote" not in stored.body and "we answered" not in stored.body
    assert item.subject == "Broken <mug>"

    await sign_in(client, agent)
    page = await client.get(f"/staff/items/{item.id}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find("img", src="x") is None  # the customer's text is never markup
    assert "<img src=x onerror=alert(1)>" in soup.get_text()
    assert soup.select_one(".channel").get_text() == "by e-mail"
