"""A customer with something in every table that holds personal data, built through the app's
own paths (the form, replies, a resolution, a survey, a correction, a mail received)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import time_machine

from feedback.conversation import add_customer_reply, add_staff_reply
from feedback.customer_mail import CustomerLinks
from feedback.followups import schedule_follow_up
from feedback.inbound_mail import receive_mail
from feedback.models import Customer, FeedbackItem
from feedback.resolution import resolve_item, save_survey, validate_resolution, validate_survey
from portal.mail_server import inbound_config
from portal.models import StaffUser
from portal.settings import Settings
from tests.conftest import submit
from triage.actions import set_sentiment

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EMAIL = "jo.park@example.com"
#: Words that appear only in the customer's data, so a search or a table scan finds leftovers.
SECRETS = {
    "name": "Jo Parkinson",
    "phone": "+44 20 7946 0958",
    "company": "Zebrafish Ltd",
    "order": "ORD-QUOKKA-77",
    "subject": "Axolotl blender broke",
    "message": "The axolotl blender caught fire on the second day, please refund me.",
    "note": "Internal: called Jo about the pangolin voucher.",
    "reply": "Hi Jo, sorry about the axolotl blender. A refund is on its way.",
    "customer_reply": "Thank you, the narwhal refund arrived.",
    "resolution": "Hi Jo, we refunded the axolotl blender in full and sent a voucher.",
    "survey": "Ocelot service, thank you",
    "notes": "Prefers the wombat hotline",
    "mail_subject": "Capybara question",
    "mail_body": "Is the capybara kettle back in stock?",
}
WORDS = ("Parkinson", "Zebrafish", "QUOKKA", "axolotl", "pangolin", "narwhal", "Ocelot", "wombat")
LINKS = CustomerLinks(tracking=lambda item: f"https://portal.example/t/{item.id}")
RESOLUTION = {
    "outcome": "resolved",
    "outcome_detail": "Refunded the axolotl blender",
    "root_cause": "Product defect",
    "remedy": "Full refund to Jo's card",
    "remedy_amount": "49.99",
    "effort_minutes": "25",
    "message": SECRETS["resolution"],
}


@dataclass(frozen=True)
class Built:
    customer: Customer
    item: FeedbackItem  # the form submission (resolved, surveyed)
    mail_item: FeedbackItem  # the item a mail from the same address opened
    tracking_path: str


def _mail(sender: str, subject: str, body: str) -> bytes:
    return (
        f"From: Jo Parkinson <{sender}>\r\nTo: support@example.test\r\n"
        f"Subject: {subject}\r\nMessage-ID: <m-{abs(hash(body))}@example.com>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


async def build_customer(
    client: httpx.AsyncClient, settings: Settings, agent: StaffUser, *, email: str = EMAIL
) -> Built:
    """A customer with an item carried through to a survey answer, and a mail item."""
    with time_machine.travel(NOW, tick=False):
        response = await submit(
            client,
            email=email,
            name=SECRETS["name"],
            phone=SECRETS["phone"],
            order_reference=SECRETS["order"],
            subject=SECRETS["subject"],
            message=SECRETS["message"],
        )
    assert response.status_code == 303, response.text
    tracking_path = "/t/" + response.headers["location"].rsplit("/", 1)[1]
    item = await FeedbackItem.get(subject=SECRETS["subject"]).select_related("customer")
    customer = item.customer
    customer.company, customer.notes = SECRETS["company"], SECRETS["notes"]
    await customer.save(update_fields=["company", "notes"])

    await add_staff_reply(
        item, agent, SECRETS["reply"], now=NOW + timedelta(minutes=5), links=LINKS
    )
    item = await FeedbackItem.get(id=item.id)
    await add_staff_reply(
        item, agent, SECRETS["note"], now=NOW + timedelta(minutes=6), internal=True
    )
    item = await FeedbackItem.get(id=item.id)
    await add_customer_reply(item, SECRETS["customer_reply"], now=NOW + timedelta(minutes=30))
    item = await FeedbackItem.get(id=item.id)
    await set_sentiment(item, "negative", actor=agent, now=NOW + timedelta(minutes=31))
    item = await FeedbackItem.get(id=item.id).select_related("customer")
    data, errors = validate_resolution(RESOLUTION, settings.root_causes)
    assert not errors, errors
    await resolve_item(item, agent, data, NOW + timedelta(hours=1), links=LINKS)
    item = await FeedbackItem.get(id=item.id)
    await schedule_follow_up(
        item,
        owner_id=agent.id,
        due_at=NOW + timedelta(days=7),
        now=NOW + timedelta(hours=1),
        note="Ask Jo about the wombat hotline",
        actor=agent,
    )
    answer, errors = validate_survey(
        {"satisfaction": "4", "recommend": "9", "comment": SECRETS["survey"]}
    )
    assert answer is not None, errors
    await save_survey(item, answer, now=NOW + timedelta(hours=2), change_days=7)

    config = inbound_config(dataclasses.replace(settings, mail_in_address="support@example.test"))
    receipt = await receive_mail(
        _mail(email, SECRETS["mail_subject"], SECRETS["mail_body"]),
        now=NOW + timedelta(hours=3),
        config=config,
    )
    mail_item = await FeedbackItem.get(id=receipt.item_id)
    assert mail_item.customer_id == customer.id  # type: ignore[attr-defined]
    return Built(
        await Customer.get(id=customer.id),
        await FeedbackItem.get(id=item.id),
        mail_item,
        tracking_path,
    )
