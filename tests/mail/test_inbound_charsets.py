"""Charsets and transfer encodings are decoded: ISO-8859-1 quoted-printable, base64 UTF-8."""

from __future__ import annotations

import base64

from feedback.models import Customer, FeedbackItem, Message
from tests.mail.conftest import send_to

LATIN1_QP = (
    b"From: =?iso-8859-1?q?Ren=E9e_M=FCller?= <renee@example.org>\r\n"
    b"To: support@example.test\r\n"
    b"Subject: =?iso-8859-1?q?R=E9clamation_caf=E9?=\r\n"
    b"Message-ID: <latin1.1@example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Le caf=E9 =E9tait froid et tr=E8s cher. Gr=FC=DFe aus M=FCnchen.\r\n"
)


def _base64_utf8() -> bytes:
    body = base64.encodebytes("Die Lieferung kam zu spät. Ärgerlich! 配送太慢了。\n".encode())
    return (
        b"From: Kim Lee <kim.lee@example.org>\r\n"
        b"To: support@example.test\r\n"
        b"Subject: =?utf-8?b?" + base64.b64encode("Verspätung".encode()) + b"?=\r\n"
        b"Message-ID: <b64.1@example.org>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n" + body.replace(b"\n", b"\r\n")
    )


async def test_it_decodes_latin1_quoted_printable(mail_server) -> None:
    await send_to(mail_server, LATIN1_QP, sender="renee@example.org")
    item = await FeedbackItem.get().select_related("customer")
    assert item.subject == "Réclamation café"
    assert item.customer.name == "Renée Müller"
    message = await Message.get(item_id=item.id)
    assert message.body == "Le café était froid et très cher. Grüße aus München."


async def test_it_decodes_base64_utf8(mail_server) -> None:
    await send_to(mail_server, _base64_utf8())
    item = await FeedbackItem.get()
    assert item.subject == "Verspätung"
    message = await Message.get(item_id=item.id)
    assert message.body == "Die Lieferung kam zu spät. Ärgerlich! 配送太慢了。"
    assert await Customer.filter(email="kim.lee@example.org").exists()
