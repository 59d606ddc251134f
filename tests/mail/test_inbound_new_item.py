"""A mail from a new sender becomes a new item through the same intake as the form."""

from __future__ import annotations

from feedback.models import (
    Channel,
    Customer,
    Event,
    FeedbackItem,
    InboundMail,
    InboundOutcome,
    Kind,
    Message,
    OutboxMail,
)
from portal.mail_links import TRACKING
from portal.security import Signer
from tests.mail.conftest import compose, send_to
from triage.models import RoutingRule, Team


async def test_it_makes_a_routed_scored_item_for_a_new_sender(
    mail_server, inbound_settings, teammate
) -> None:
    parcels = await Team.create(name="Parcels")
    await parcels.members.add(teammate)
    await RoutingRule.create(name="parcels", keywords="parcel", team=parcels)

    errors, reply = await send_to(
        mail_server,
        compose(
            "Re: Parcel late",
            "My parcel is two weeks late and nobody answers. This is terrible, I want a refund.",
        ),
    )
    assert errors == {} and reply.startswith("2.0.0 OK: new item FB-")

    customer = await Customer.get()
    assert (customer.email, customer.name, customer.segment) == (
        "kim.lee@example.org",
        "Kim Lee",
        inbound_settings.segments[-1],
    )
    item = await FeedbackItem.get()
    assert item.customer_id == customer.id  # type: ignore[attr-defined]
    assert item.channel == Channel.EMAIL
    assert item.subject == "Parcel late"  # the Re: prefix is not part of the subject
    assert item.sentiment_label == "negative" and item.sentiment_score < 0
    assert item.kind == Kind.COMPLAINT  # unhappy mail: the complaint's targets
    assert item.team_id == parcels.id and item.owner_id == teammate.id  # type: ignore[attr-defined]
    assert item.first_response_due is not None and item.resolution_due is not None
    [message] = await Message.all()
    assert message.body.startswith("My parcel is two weeks late")
    assert message.sentiment_label == "negative"

    actions = [e.action for e in await Event.filter(item_id=item.id)]
    assert actions[0] == "created" and "mail_received" in actions and "scored" in actions
    created = await Event.get(item_id=item.id, action="created")
    assert created.detail == "received via email"

    row = await InboundMail.get()
    assert row.outcome == InboundOutcome.NEW and row.item_id == item.id  # type: ignore[attr-defined]
    assert row.added_message_id == message.id  # type: ignore[attr-defined]
    assert row.from_address == "kim.lee@example.org"

    confirmation = await OutboxMail.get()
    assert confirmation.kind == "confirmation" and confirmation.to_address == customer.email
    token = Signer(str(inbound_settings.secret_key)).sign(item.id, purpose=TRACKING)
    assert f"{inbound_settings.base_url}/t/{token}" in confirmation.body_text


async def test_it_reuses_the_customer_of_the_same_address(mail_server) -> None:
    await Customer.create(email="kim.lee@example.org", name="Kim Lee", segment="key")
    await send_to(
        mail_server,
        compose(
            "Thanks!", "The new shop is lovely, great service.", sender="KIM <Kim.Lee@Example.ORG>"
        ),
    )
    item = await FeedbackItem.get().select_related("customer")
    assert await Customer.all().count() == 1
    assert item.customer.segment == "key" and item.kind == Kind.PRAISE


async def test_it_gives_a_mail_without_subject_its_first_line(mail_server) -> None:
    await send_to(mail_server, compose("", "Where is my order A-1001?\nIt was due Monday."))
    item = await FeedbackItem.get()
    assert item.subject == "Where is my order A-1001?"
    assert item.kind in (Kind.QUESTION, Kind.COMPLAINT)


async def test_it_answers_a_chinese_mail_in_chinese(mail_server) -> None:
    await send_to(mail_server, compose("包裹", "我的包裹晚了两个星期，没有人回答我。"))
    item = await FeedbackItem.get()
    assert item.language == "zh_CN"
    confirmation = await OutboxMail.get(item_id=item.id)
    assert confirmation.language == "zh_CN"


async def test_it_takes_the_content_language_header(mail_server) -> None:
    await send_to(
        mail_server, compose("Hello", "Short note.", headers={"Content-Language": "zh-CN"})
    )
    assert (await FeedbackItem.get()).language == "zh_CN"
