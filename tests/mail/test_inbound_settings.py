"""Inbound mail settings come from the environment and fail loudly on a bad value."""

from __future__ import annotations

import pytest

from feedback.models import OutboxMail
from feedback.outbox import MailServer, build_message
from portal.clock import utcnow
from portal.settings import load_settings


def _load(monkeypatch, tmp_path, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_settings(env_file=tmp_path / "none.env", var_dir=tmp_path, secret_key="k")


def test_it_is_off_without_an_address(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PORTAL_MAIL_IN_ADDRESS", raising=False)
    settings = _load(monkeypatch, tmp_path)
    assert not settings.mail_in_configured and settings.mail_in_max_bytes == 10 * 1024 * 1024


def test_it_reads_the_address_and_limit(monkeypatch, tmp_path) -> None:
    settings = _load(
        monkeypatch,
        tmp_path,
        PORTAL_MAIL_IN_ADDRESS="Support@Example.com",
        PORTAL_MAIL_IN_MAX_BYTES="2097152",
    )
    assert settings.mail_in_address == "support@example.com"
    assert settings.mail_in_max_bytes == 2 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORTAL_MAIL_IN_ADDRESS", "Support <support@example.com>"),
        ("PORTAL_MAIL_IN_ADDRESS", "support+x@example.com"),
        ("PORTAL_MAIL_IN_ADDRESS", "support@example.com\nBcc: x@example.net"),
        ("PORTAL_MAIL_IN_ADDRESS", "no-at-sign"),
        ("PORTAL_MAIL_IN_ADDRESS", "a-very-long-local-part-for-support@example.com"),
        ("PORTAL_MAIL_IN_MAX_BYTES", "10"),
        ("PORTAL_MAIL_IN_MAX_BYTES", "lots"),
    ],
)
def test_it_refuses_a_bad_value(monkeypatch, tmp_path, name: str, value: str) -> None:
    with pytest.raises(ValueError):
        _load(monkeypatch, tmp_path, **{name: value})


def test_it_adds_reply_to_only_to_customer_mail(monkeypatch, tmp_path, db) -> None:
    settings = _load(
        monkeypatch,
        tmp_path,
        PORTAL_SMTP_HOST="smtp.example.com",
        PORTAL_MAIL_FROM="Care <care@example.com>",
        PORTAL_MAIL_IN_ADDRESS="support@example.com",
    )
    server = MailServer.from_settings(settings)
    assert server is not None and server.reply_address is not None
    now = utcnow()

    def mail(kind: str) -> OutboxMail:
        return OutboxMail(
            id=7,
            kind=kind,
            item_id=42,
            to_address="kim@example.org",
            subject="S",
            body_text="T",
            created_at=now,
            next_attempt_at=now,
            message_id="<m.7@example.com>",
        )

    reply = build_message(mail("staff_reply"), server.sender, server.reply_address)
    assert reply["Reply-To"] == server.reply_address.for_item(42)
    assert reply["Message-ID"] == "<m.7@example.com>" and reply["Auto-Submitted"] is None
    confirmation = build_message(mail("confirmation"), server.sender, server.reply_address)
    assert confirmation["Auto-Submitted"] == "auto-replied"
    alert = build_message(mail("staff_warning"), server.sender, server.reply_address)
    assert alert["Reply-To"] is None and alert["Auto-Submitted"] == "auto-generated"
