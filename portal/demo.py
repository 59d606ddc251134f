"""A small demo data set: staff (with generated passwords), teams, customers, items, replies."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from feedback.conversation import add_customer_reply, add_staff_reply, change_status
from feedback.intake import Submission, submit_feedback
from feedback.models import Channel, Customer, Kind, SavedReply, Status
from feedback.saved_replies import save_saved_reply, validate_saved_reply
from portal.auth import create_staff
from portal.clock import utcnow
from portal.models import Role, StaffUser
from portal.settings import Settings
from triage.defaults import ensure_defaults
from triage.models import RoutingRule, Team

STAFF = [
    ("ana@demo.example", "Ana Costa", Role.AGENT),
    ("ben@demo.example", "Ben Okafor", Role.AGENT),
    ("lea@demo.example", "Lea Novak", Role.AGENT),
    ("mia@demo.example", "Mia Chen", Role.MANAGER),
    ("admin@demo.example", "Sam Admin", Role.ADMIN),
]

ITEMS = [
    (
        Kind.COMPLAINT,
        "Delivery",
        "Jo Park",
        "jo.park@example.com",
        "Parcel two weeks late",
        "I ordered on the 2nd and I am still waiting. Nobody answers the phone. "
        "I want a refund now.",
        "Store",
    ),
    (
        Kind.PRAISE,
        "Staff",
        "Lena Vogel",
        "lena@example.com",
        "Thank you to the Leeds store team",
        "Priya at the Leeds store was wonderful and sorted out my exchange in five minutes.",
        "Store",
    ),
    (
        Kind.QUESTION,
        "Billing",
        "Omar Haddad",
        "omar@example.com",
        "Two charges on my card",
        "Why was I charged twice for order 55102? Please fix this.",
        "Website",
    ),
    (
        Kind.SUGGESTION,
        "Website",
        "Jo Park",
        "jo.park@example.com",
        "Save my address",
        "It would be nice if the checkout remembered my delivery address.",
        "Website",
    ),
    (
        # Jo Park again, from work: a second record of the same person, to try "merge" on.
        Kind.QUESTION,
        "Billing",
        "J. Park",
        "jo.park@work.example",
        "VAT invoice for my order",
        "Could you send a VAT invoice for the order I placed on the 2nd? It is for my company.",
        "Website",
    ),
    (
        Kind.COMMENT,
        "Product",
        "Wei Zhang",
        "wei@example.com",
        "Kettle lid",
        "The kettle works well but the lid is a little stiff.",
        "",
    ),
]


async def load_demo(settings: Settings, credentials_file: Path, *, only_if_empty: bool) -> bool:
    """Create the demo set; returns False when skipped because staff already exist."""
    if only_if_empty and await StaffUser.exists():
        return False
    lines = []
    staff = {}
    for email, name, role in STAFF:
        password = secrets.token_urlsafe(9)
        staff[email] = await create_staff(email, name, password, role)
        lines.append(f"  {role.value:<8} {email:<22} password: {password}\n")
    await ensure_defaults(settings.default_timezone)
    team = await Team.get(is_default=True)
    team.manager = staff["mia@demo.example"]
    await team.save()
    await team.members.add(staff["ana@demo.example"], staff["ben@demo.example"])
    billing = await Team.create(name="Billing", manager=staff["mia@demo.example"])
    await billing.members.add(staff["ben@demo.example"], staff["lea@demo.example"])
    await RoutingRule.create(
        name="Billing questions and complaints", position=10, categories="Billing", team=billing
    )
    await RoutingRule.create(
        name="Delivery and store complaints",
        position=20,
        categories="Delivery,Service",
        kinds="complaint",
        team=team,
    )

    # The newest item arrives an hour ago, so that the replies and changes made on it below
    # (up to 55 minutes later) are in the past too.
    now = utcnow() - timedelta(hours=len(ITEMS) * 3 + 1)
    items = []
    for kind, category, name, email, subject, message, touchpoint in ITEMS:
        now += timedelta(hours=3)
        item, _ = await submit_feedback(
            Submission(
                kind=kind,
                category=category,
                name=name,
                email=email,
                subject=subject,
                message=message,
                touchpoint=touchpoint,
            ),
            now=now,
            new_customer_segment=settings.segments[-1],
        )
        items.append(item)
    await Customer.filter(email="lena@example.com").update(segment=settings.segments[0])

    ana = staff["ana@demo.example"]
    await add_staff_reply(
        items[0],
        ana,
        "Internal: courier confirms the parcel is in the depot.",
        now=now + timedelta(minutes=5),
        internal=True,
    )
    await add_staff_reply(
        items[0],
        ana,
        "I'm sorry about the wait, Jo. Your parcel is at our "
        "depot and goes out tomorrow morning. Shall I refund the delivery fee?",
        now=now + timedelta(minutes=10),
    )
    await change_status(
        items[0], Status.WAITING_ON_CUSTOMER, now=now + timedelta(minutes=11), actor=ana
    )
    await add_customer_reply(
        items[0], "Yes please, refund the delivery fee.", now=now + timedelta(minutes=40)
    )
    await submit_feedback(
        Submission(
            kind=Kind.COMPLAINT,
            category="Service",
            name="Omar Haddad",
            email="omar@example.com",
            subject="Rude phone call",
            message="The person on the phone hung up on me.",
        ),
        now=now + timedelta(minutes=50),
        channel=Channel.PHONE,
        logged_by=staff["ben@demo.example"],
    )
    await submit_feedback(
        Submission(
            kind=Kind.QUESTION,
            category="Billing",
            name="王芳",
            email="wang.fang@example.com",
            subject="退款什么时候到账？",
            message="我上周退回了订单 88231 的水壶，退款什么时候能到账？",
            order_reference="88231",
            touchpoint="Website",
        ),
        now=now + timedelta(minutes=55),
        language="zh_CN",
        new_customer_segment=settings.segments[-1],
    )
    await load_saved_replies(staff["mia@demo.example"], billing)
    await load_history(settings, list(staff.values()))
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text("".join(lines))
    credentials_file.chmod(0o600)
    return True


# (title, language, for the Billing team only, body, times used): answers reps give every day.
SAVED_REPLIES = [
    (
        "Refund timing",
        "en",
        False,
        "Hi {customer_first_name},\n\nI have asked for the refund on order {order_reference}. "
        "It reaches the card or account you paid with within 5 working days; your bank may take "
        "a day or two more to show it.\n\nIf it has not arrived by then, reply here (your "
        "reference is {reference}) and I will chase it for you.\n\n{my_first_name}",
        12,
    ),
    (
        "Where is my parcel",
        "en",
        False,
        "Hi {customer_first_name},\n\nI have checked order {order_reference} with the courier: "
        "the parcel has left our warehouse and is on its way. I have asked them for a delivery "
        "date and will write again as soon as I hear back, so you do not need to chase us.\n\n"
        "{my_first_name}",
        7,
    ),
    (
        "We have escalated this",
        "en",
        False,
        "Hi {customer_first_name},\n\nI have passed {reference} to the {team_name} team lead, "
        "who can decide things I cannot. You will hear from them within one working day, and I "
        "am keeping an eye on it too.\n\n{my_first_name}",
        3,
    ),
    (
        "Charged twice",
        "en",
        True,
        "Hi {customer_first_name},\n\nA second charge for the same order is usually a "
        "pending authorisation that your bank releases by itself within 3 to 5 working days. "
        "If it is still there after that, reply with the date of both charges and I will "
        "refund one straight away.\n\n{my_first_name}",
        0,
    ),
    (
        "退款时间",
        "zh_CN",
        False,
        "{customer_name}，您好：\n\n我们已为订单 {order_reference} 办理退款，款项会在 5 个工作日内"
        "退回您付款时使用的银行卡或账户，银行入账可能还需要一两天。\n\n如届时仍未收到，请直接回复"
        "本邮件（编号 {reference}），我会为您跟进。\n\n{my_name}",
        4,
    ),
    (
        "包裹查询",
        "zh_CN",
        False,
        "{customer_name}，您好：\n\n我已就订单 {order_reference} 联系快递公司，包裹已经发出，正在"
        "运输途中。一收到派送日期我就会告诉您，您无需再次催促。\n\n{my_name}",
        1,
    ),
    (
        "已升级处理",
        "zh_CN",
        False,
        "{customer_name}，您好：\n\n我已将您的反馈（编号 {reference}）转交给{team_name}团队负责人"
        "处理，我们会在一个工作日内答复您。\n\n{my_name}",
        0,
    ),
]


async def load_saved_replies(manager: StaffUser, billing: Team) -> None:
    """The demo's saved replies, stored through the same checks as the manage page."""
    now = utcnow()
    for title, language, billing_only, body, used in SAVED_REPLIES:
        form = {
            "title": title,
            "body": body,
            "language": language,
            "team": str(billing.id) if billing_only else "",
        }
        values, errors = validate_saved_reply(form, team_ids={billing.id})
        if values is None:
            raise ValueError(f"demo saved reply {title!r}: {errors}")
        reply, errors = await save_saved_reply(None, values, actor=manager, now=now)
        if reply is None:
            raise ValueError(f"demo saved reply {title!r}: {errors}")
        if used:
            last = now - timedelta(hours=used * 5)
            await SavedReply.filter(id=reply.id).update(use_count=used, last_used_at=last)


HISTORY_TEXTS = [
    (Kind.COMPLAINT, "Delivery", "Late delivery", "My order is a week late and still not here."),
    (Kind.COMPLAINT, "Billing", "Charged twice", "I was charged twice for the same order."),
    (Kind.COMPLAINT, "Product", "Broken on arrival", "The lamp arrived broken. Very disappointed."),
    (Kind.COMPLAINT, "Service", "No answer", "Nobody answered my emails for days."),
    (Kind.QUESTION, "Billing", "Invoice copy", "Could you send me a copy of my invoice?"),
    (Kind.PRAISE, "Staff", "Great help", "Thanks, the team was really helpful and quick."),
    (Kind.SUGGESTION, "Website", "Dark mode", "A dark mode for the app would be lovely."),
    (Kind.COMMENT, "Product", "Colour", "The colour is a bit lighter than on the photos."),
]
HISTORY_CAUSES = [
    "Our own policy or process",
    "Delivery",
    "Product defect",
    "Our own policy or process",
    "Customer misunderstanding",
    "Staff behaviour",
    "Other",
]


#: Reply (30 h) + the customer's answer (30 h) + resolution (70 h) + survey (5 h), at most.
HISTORY_LONGEST_HOURS = 30 + 30 + 70 + 5


async def load_history(settings: Settings, staff: list[StaffUser]) -> None:
    """Eight weeks of handled feedback, so the dashboard has something to show.

    Seeded, so every demo looks the same; timings vary so some targets are missed.
    """
    import random

    from feedback.conversation import change_status as set_status
    from feedback.models import FeedbackItem, Outcome
    from feedback.resolution import ResolutionInput, SurveyInput, resolve_item, save_survey
    from triage.escalation import sweep

    rng = random.Random(7)
    agents = [member for member in staff if member.role == Role.AGENT]
    start = utcnow() - timedelta(weeks=8)
    for n in range(48):
        kind, category, subject, message = rng.choice(HISTORY_TEXTS)
        # Early enough for the longest chain below to be in the past by now.
        created = start + timedelta(hours=rng.randint(0, 8 * 7 * 24 - HISTORY_LONGEST_HOURS))
        item, _ = await submit_feedback(
            Submission(
                kind=kind,
                category=category,
                name=f"Customer {n % 30 + 1}",
                email=f"customer{n % 30 + 1}@example.com",
                subject=subject,
                message=message,
            ),
            now=created,
            new_customer_segment=rng.choice(settings.segments),
        )
        item = await FeedbackItem.get(id=item.id)
        rep = next((a for a in agents if a.id == item.owner_id), rng.choice(agents))
        replied = created + timedelta(hours=rng.choice([0.5, 1, 2, 3, 5, 9, 20, 30]))
        await add_staff_reply(
            item,
            rep,
            "Thanks for telling us — I am looking into it now and will come back to you today.",
            now=replied,
        )
        if rng.random() < 0.2:
            continue  # still open
        last_word = replied
        if rng.random() < 0.3:
            await set_status(item, Status.WAITING_ON_CUSTOMER, now=replied, actor=rep)
            last_word = replied + timedelta(hours=rng.randint(2, 30))
            await add_customer_reply(item, "Here are the details you asked for.", now=last_word)
        resolved = last_word + timedelta(hours=rng.choice([2, 6, 20, 40, 70]))
        await resolve_item(
            item,
            rep,
            ResolutionInput(
                outcome=rng.choice([Outcome.RESOLVED, Outcome.RESOLVED, Outcome.NOT_A_PROBLEM]),
                root_cause=rng.choice(HISTORY_CAUSES),
                remedy="Replacement sent",
                effort_minutes=rng.choice([10, 15, 25, 40, 60]),
                message="We have sent a replacement by express delivery; it arrives within two "
                "working days and you do not need to return the old one.",
            ),
            resolved,
        )
        if rng.random() < 0.6:
            satisfaction = rng.choice([2, 3, 4, 4, 5, 5])
            await save_survey(
                item,
                SurveyInput(
                    satisfaction=satisfaction,
                    recommend=min(10, satisfaction * 2 + rng.randint(-1, 1)),
                ),
                now=resolved + timedelta(hours=5),
                change_days=settings.survey_change_days,
            )
    # In-app only: the demo's made-up history should not mail the demo accounts.
    await sweep(utcnow(), settings.default_timezone)
