"""Customers, feedback items, their messages and the append-only audit trail."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Kind(StrEnum):
    COMPLAINT = "complaint"
    COMMENT = "comment"
    PRAISE = "praise"
    SUGGESTION = "suggestion"
    QUESTION = "question"


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    IN_PERSON = "in_person"


class Status(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER)
#: Answered for good: resolved, then maybe closed.
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


class Lifecycle(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    INACTIVE = "inactive"


class Customer(Model):
    """A person who gives feedback, found by normalised e-mail and owned by one rep."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120)
    phone = fields.CharField(max_length=40, default="")
    company = fields.CharField(max_length=120, default="")
    segment = fields.CharField(max_length=40, default="new")
    owner: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="owned_customers", null=True, on_delete=fields.SET_NULL
    )
    lifecycle = fields.CharEnumField(Lifecycle, max_length=16, default=Lifecycle.NEW)
    notes = fields.TextField(default="")
    needs_review = fields.BooleanField(default=False, db_default=False)
    review_reason = fields.CharField(max_length=200, default="", db_default="")
    last_owner_contact_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set when staff merged this record into another one (the same person, another address):
    # its items moved there, and mail or feedback from this address goes there too.
    merged_into: fields.ForeignKeyNullableRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="merged_customers", null=True, on_delete=fields.SET_NULL
    )
    merged_at = fields.DatetimeField(null=True)
    # Set when the personal data was erased (feedback.privacy): by whom (None for the
    # retention purge) and when. An erased record is never found by e-mail again.
    erased_at = fields.DatetimeField(null=True)
    erased_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="erased_customers", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "customer"
        indexes = (("owner_id", "name"),)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class FeedbackItem(Model):
    """One piece of feedback: a complaint, comment, praise, suggestion or question."""

    id = fields.IntField(primary_key=True)
    reference = fields.CharField(max_length=16, unique=True)
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="items", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(Kind, max_length=16)
    category = fields.CharField(max_length=60)
    channel = fields.CharEnumField(Channel, max_length=16, default=Channel.WEB)
    touchpoint = fields.CharField(max_length=60, default="")
    order_reference = fields.CharField(max_length=60, default="")
    subject = fields.CharField(max_length=200)
    status = fields.CharEnumField(Status, max_length=24, default=Status.NEW)
    priority = fields.CharEnumField(Priority, max_length=16, default=Priority.NORMAL)
    sentiment_score = fields.FloatField(default=0.0)
    sentiment_label = fields.CharField(max_length=16, default="neutral")
    sentiment_confidence = fields.FloatField(default=0.0)
    sentiment_scorer = fields.CharField(max_length=64, default="")
    # Set when staff confirmed or corrected the sentiment (then the scorer reads "staff").
    sentiment_confirmed = fields.BooleanField(default=False, db_default=False)
    # The learned model's category suggestion and its probability (None: no suggestion made,
    # or staff have since set the category themselves).
    suggested_category = fields.CharField(max_length=100, default="", db_default="")
    category_confidence = fields.FloatField(null=True)
    owner: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="owned_items", null=True, on_delete=fields.SET_NULL
    )
    team: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.Team", related_name="items", null=True, on_delete=fields.SET_NULL
    )
    collaborators: fields.ManyToManyRelation[Any] = fields.ManyToManyField(
        "models.StaffUser", related_name="collaborations", through="item_collaborator"
    )
    needs_triage = fields.BooleanField(default=False)
    # Response-time targets, recomputed from the audit trail on every change and by the
    # sweeper (triage.sla); stored so the board can sort and filter in the database.
    first_response_due = fields.DatetimeField(null=True)
    resolution_due = fields.DatetimeField(null=True)
    next_due = fields.DatetimeField(null=True)
    next_due_kind = fields.CharField(max_length=16, default="")
    warn_at = fields.DatetimeField(null=True)
    sla_state = fields.CharField(max_length=16, default="ok")
    paused_seconds = fields.IntField(default=0)
    # Claim columns for the sweeper: set with a conditional UPDATE so that two processes
    # never warn or escalate the same target twice.
    warned_for = fields.CharField(max_length=16, default="")
    escalated_for = fields.CharField(max_length=16, default="")
    language = fields.CharField(max_length=16, default="en")
    # Outcome figures, stored when the clock stops so reports aggregate in the database.
    reopen_count = fields.IntField(default=0, db_default=0)
    first_response_business_seconds = fields.IntField(null=True)
    resolution_business_seconds = fields.IntField(null=True)
    first_response_met = fields.BooleanField(null=True)
    resolution_met = fields.BooleanField(null=True)
    created_week = fields.DateField(null=True)  # Monday of the week received (UTC)
    merged_into: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="merged_items", null=True, on_delete=fields.SET_NULL
    )
    submission_token = fields.CharField(max_length=64, unique=True, null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "feedback_item"
        ordering = ["-created_at"]
        indexes = (
            ("status", "created_at"),
            ("customer_id", "created_at"),
            ("owner_id", "status"),
            ("team_id", "status"),
            ("created_at",),
            ("sla_state", "next_due"),
            ("next_due",),
            ("updated_at",),
            ("created_week",),
            ("resolved_at",),
            ("category", "created_at"),
            # Dashboard figures filtered by team or rep over a period.
            ("team_id", "created_at"),
            ("owner_id", "created_at"),
            # Dashboard medians and p90s over long periods, read in value order.
            ("first_response_business_seconds", "created_at", "merged_into_id"),
            ("resolution_business_seconds", "created_at", "merged_into_id"),
        )

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class Message(Model):
    """One message in an item conversation. Internal notes are never shown to the customer."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="messages", on_delete=fields.CASCADE
    )
    author_kind = fields.CharEnumField(AuthorKind, max_length=16)
    author_staff: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    is_internal = fields.BooleanField(default=False)
    sentiment_score = fields.FloatField(null=True)
    sentiment_label = fields.CharField(max_length=16, default="")
    sentiment_confidence = fields.FloatField(null=True)
    sentiment_scorer = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "message"
        ordering = ["created_at", "id"]
        indexes = (("item_id", "created_at"),)


class Attachment(Model):
    """A file that came with a message (rules and storage: feedback.attachments).

    The bytes live once per content under the installation's var dir, at a path made from
    `sha256` alone (never from a name a client sent), so two rows may share one file.
    `content_type` is what the bytes were sniffed as, not what the client claimed.
    """

    id = fields.IntField(primary_key=True)
    message: fields.ForeignKeyRelation[Message] = fields.ForeignKeyField(
        "models.Message", related_name="attachments", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="attachments", on_delete=fields.CASCADE
    )
    filename = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "attachment"
        ordering = ["id"]
        indexes = (("item_id", "message_id"),)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit-trail event."""


class Event(Model):
    """Append-only audit trail: every change to an item, who made it, old -> new, when."""

    id = fields.BigIntField(primary_key=True)
    item: fields.ForeignKeyRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="events", on_delete=fields.CASCADE
    )
    actor_kind = fields.CharEnumField(AuthorKind, max_length=16)
    actor: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=32)
    field = fields.CharField(max_length=32, default="")
    old_value = fields.CharField(max_length=200, default="")
    new_value = fields.CharField(max_length=200, default="")
    detail = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "event"
        ordering = ["created_at", "id"]
        indexes = (("item_id", "created_at"), ("action", "created_at"))

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_insert_with_pk", False):
            raise AppendOnlyError("audit-trail events are never changed")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise AppendOnlyError("audit-trail events are never deleted")


class Outcome(StrEnum):
    RESOLVED = "resolved"
    PARTLY_RESOLVED = "partly_resolved"
    NOT_RESOLVED = "not_resolved"
    NOT_A_PROBLEM = "not_a_problem"


class Resolution(Model):
    """How an item was resolved: outcome, root cause, remedy and the message to the customer.

    One row per resolution. A reopened and re-resolved item gets another row, so the history
    keeps both.
    """

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="resolutions", on_delete=fields.CASCADE
    )
    outcome = fields.CharEnumField(Outcome, max_length=20)
    outcome_detail = fields.TextField(default="")
    root_cause = fields.CharField(max_length=60)
    remedy = fields.TextField(default="")
    remedy_amount = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    message_to_customer = fields.TextField()
    effort_minutes = fields.IntField(default=0)
    resolved_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="resolutions", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "resolution"
        ordering = ["created_at", "id"]
        indexes = (("root_cause", "created_at"), ("item_id", "created_at"))


class SurveyResponse(Model):
    """The customer's rating of a resolved item: one per item, changeable for a week.

    Owner, team and category are copied at answer time so results can be grouped by them.
    """

    id = fields.IntField(primary_key=True)
    item: fields.OneToOneRelation[FeedbackItem] = fields.OneToOneField(
        "models.FeedbackItem", related_name="survey", on_delete=fields.CASCADE
    )
    satisfaction = fields.SmallIntField()  # 1..5
    recommend = fields.SmallIntField()  # 0..10
    comment = fields.TextField(default="")
    owner_id_at_answer = fields.IntField(null=True)
    team_id_at_answer = fields.IntField(null=True)
    category = fields.CharField(max_length=60, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "survey_response"
        indexes = (("created_at",), ("owner_id_at_answer", "created_at"))


class FollowUp(Model):
    """A task for the owner to get back to a customer after a resolution."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="follow_ups", on_delete=fields.CASCADE
    )
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "models.Customer", related_name="follow_ups", on_delete=fields.CASCADE
    )
    owner: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="follow_ups", null=True, on_delete=fields.SET_NULL
    )
    due_at = fields.DatetimeField()
    note = fields.CharField(max_length=500, default="")
    done_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "follow_up"
        ordering = ["due_at", "id"]
        # customer_id: erasing a customer's notes (feedback.privacy).
        indexes = (("owner_id", "done_at", "due_at"), ("customer_id",))


class TrainingSource(StrEnum):
    IMPORT = "import"
    STAFF = "staff"


class TrainingExample(Model):
    """A labelled message the installation learns from: imported history or a staff label.

    One row per source_key ("import:" and a hash of the row's creation time, customer and
    text, or "item:" and the item id), so a re-import or a second correction updates the row
    instead of adding one. labelled_at is when its labels last changed: automatic retraining
    counts the rows labelled since the last attempt.
    """

    id = fields.IntField(primary_key=True)
    text = fields.TextField()
    sentiment = fields.CharField(max_length=16, null=True)
    category = fields.CharField(max_length=100, null=True)
    source = fields.CharEnumField(TrainingSource, max_length=16)
    source_key = fields.CharField(max_length=80, unique=True)
    customer_key = fields.CharField(max_length=254, null=True)
    item: fields.ForeignKeyNullableRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem",
        related_name="training_examples",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField()
    labelled_at = fields.DatetimeField()

    class Meta:
        table = "training_example"
        # item_id and customer_key: finding a customer's examples to erase (feedback.privacy).
        indexes = (("labelled_at",), ("source", "labelled_at"), ("item_id",), ("customer_key",))


class ScorerModel(Model):
    """A sentiment model trained for this installation: its file, report and whether it is used.

    The file (path, relative to var/models) is written before the row. At most one row is
    active, and only a model that was good enough on its held-back slice is ever activated.
    """

    id = fields.IntField(primary_key=True)
    version = fields.CharField(max_length=64, unique=True)
    path = fields.CharField(max_length=255)
    trained_at = fields.DatetimeField()
    n_examples = fields.IntField()
    report: Any = fields.JSONField(default=dict)
    good_enough = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=False)
    activated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "scorer_model"
        ordering = ["-trained_at", "-id"]
        indexes = (("is_active",),)


class RetrainState(Model):
    """A single row: who is retraining now (a claim that expires) and how the last attempt went.

    Processes claim it with a conditional UPDATE, so two app processes never train at once.
    """

    id = fields.IntField(primary_key=True)
    claimed_by = fields.CharField(max_length=120, default="")
    claimed_until = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_outcome = fields.CharField(max_length=500, default="")

    class Meta:
        table = "retrain_state"


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMail(Model):
    """An e-mail to a customer, written with the action that causes it and sent afterwards.

    Rows are added in the same transaction as the reply, resolution or submission, so a crash
    never loses one or sends one for an action that was rolled back. Senders (every app
    process, `portal send-mail`) claim a row with a conditional UPDATE on the claim columns
    before sending it, so two processes never send the same mail.
    """

    id = fields.BigIntField(primary_key=True)
    # confirmation, staff_reply, resolution (customers), staff_warning, staff_escalation,
    # staff_channel (staff: triage.staff_mail)
    kind = fields.CharField(max_length=24)
    item: fields.ForeignKeyNullableRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="mails", null=True, on_delete=fields.SET_NULL
    )
    to_address = fields.CharField(max_length=254)
    to_name = fields.CharField(max_length=120, default="")
    subject = fields.CharField(max_length=255)
    body_text = fields.TextField()
    body_html = fields.TextField(null=True)
    language = fields.CharField(max_length=16, default="en")
    status = fields.CharEnumField(MailStatus, max_length=16, default=MailStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=500, default="")
    next_attempt_at = fields.DatetimeField()
    last_attempt_at = fields.DatetimeField(null=True)
    # Claim columns: who is sending it and until when the claim holds (a crashed sender's
    # claim expires and the mail is tried again).
    claimed_by = fields.CharField(max_length=80, null=True)
    claimed_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    # The Message-ID it is sent with: set before the first attempt and kept for retries, so a
    # customer's reply (In-Reply-To / References) finds its item (feedback.inbound_mail).
    message_id = fields.CharField(max_length=255, null=True, unique=True)

    class Meta:
        table = "outbox_mail"
        # item_id and to_address: a customer's mails, to export or erase (feedback.privacy).
        indexes = (
            ("status", "next_attempt_at"),
            ("status", "last_attempt_at"),
            ("item_id",),
            ("to_address",),
        )

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_address} ({self.status})"


class InboundOutcome(StrEnum):
    THREADED = "threaded"  # a reply, added to an existing item
    NEW = "new"  # a new item through the same intake as the form
    IGNORED = "ignored"  # an auto-reply or a bounce: accepted and dropped
    REFUSED = "refused"  # malformed or too large: the sending server was told


class InboundMail(Model):
    """One e-mail received (feedback.inbound_mail): what became of it, never its files.

    The unique Message-ID makes a second delivery of the same mail fail in the database, so
    it is stored once however often a server hands it over. Refused mails carry no
    Message-ID (nothing was stored for them) and are counted all the same.
    """

    id = fields.BigIntField(primary_key=True)
    message_id = fields.CharField(max_length=255, null=True, unique=True)
    outcome = fields.CharEnumField(InboundOutcome, max_length=16)
    reason = fields.CharField(max_length=200, default="")
    from_address = fields.CharField(max_length=254, default="")
    subject = fields.CharField(max_length=200, default="")
    size_bytes = fields.IntField(default=0)
    attachment_count = fields.IntField(default=0)
    attachment_names = fields.CharField(max_length=500, default="")
    item: fields.ForeignKeyNullableRelation[FeedbackItem] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="inbound_mails", null=True, on_delete=fields.SET_NULL
    )
    # The conversation message it became (`message_id` is the mail's Message-ID header).
    added_message: fields.ForeignKeyNullableRelation[Message] = fields.ForeignKeyField(
        "models.Message", related_name="inbound_mails", null=True, on_delete=fields.SET_NULL
    )
    received_at = fields.DatetimeField()
    received_on = fields.DateField()  # the UTC day, so /manage/mail groups in the database

    class Meta:
        table = "inbound_mail"
        # item_id and from_address: a customer's mails, to export or erase (feedback.privacy).
        indexes = (("received_on", "outcome"), ("received_at",), ("item_id",), ("from_address",))

    def __str__(self) -> str:
        return f"{self.outcome} mail from {self.from_address}"


class SavedReply(Model):
    """A text reps insert into a reply and edit before sending (rules: feedback.saved_replies).

    `scope_key` is "all" or "team:<id>" and `title_key` the casefolded title: unique together,
    so two replies in one scope never share a title (NULL team ids would not collide in SQL).
    `language` "" means any language. Usage is counted when a reply that used it is sent.
    """

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=80)
    title_key = fields.CharField(max_length=80)
    scope_key = fields.CharField(max_length=24, default="all")
    body = fields.TextField()
    language = fields.CharField(max_length=16, default="")
    team: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.Team", related_name="saved_replies", null=True, on_delete=fields.CASCADE
    )
    is_active = fields.BooleanField(default=True)
    created_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser",
        related_name="saved_replies_created",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_at = fields.DatetimeField()
    updated_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser",
        related_name="saved_replies_updated",
        null=True,
        on_delete=fields.SET_NULL,
    )
    updated_at = fields.DatetimeField()
    use_count = fields.IntField(default=0)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "saved_reply"
        ordering = ["title", "id"]
        unique_together = (("scope_key", "title_key"),)
        indexes = (("is_active", "language"),)

    def __str__(self) -> str:
        return self.title
