"""`GET /healthz`: uptime monitors learn whether this process can serve."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from feedback.models import MailStatus, OutboxMail
from portal.health import sweeper_state

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("running_since", "last_sweep", "expected"),
    [
        (None, None, "not running here"),  # no background work in this process (tests)
        (NOW - timedelta(seconds=10), None, "starting"),
        (NOW - timedelta(minutes=5), None, "stalled"),  # started, never finished a pass
        (NOW - timedelta(hours=1), NOW - timedelta(seconds=40), "ok"),
        (NOW - timedelta(hours=1), NOW - timedelta(seconds=90), "ok"),  # within 3 x 30 s
        (NOW - timedelta(hours=1), NOW - timedelta(minutes=3), "stalled"),
    ],
)
def test_it_tells_a_stalled_sweeper(running_since, last_sweep, expected) -> None:  # noqa: ANN001
    state = sweeper_state(
        NOW, running_since=running_since, last_sweep=last_sweep, interval_seconds=30
    )
    assert state == expected


def test_it_allows_slow_sweep_intervals() -> None:
    last = NOW - timedelta(minutes=20)
    assert sweeper_state(NOW, running_since=last, last_sweep=last, interval_seconds=600) == "ok"


async def test_it_answers_ok_without_signing_in(client) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "sweeper": "not running here", "mail": "not configured"},
    }
    assert "set-cookie" not in response.headers


async def test_it_answers_503_when_the_sweeper_has_stalled(client, app) -> None:
    app.state.background_since = datetime.now(UTC) - timedelta(hours=1)
    app.state.last_sweep_at = datetime.now(UTC) - timedelta(minutes=30)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["checks"]["sweeper"] == "stalled"


async def test_it_reports_failed_customer_mail_without_failing(client, app) -> None:
    app.state.settings = replace(app.state.settings, smtp_host="127.0.0.1")
    await OutboxMail.create(
        to_address="jo@example.com",
        subject="Your feedback",
        body_text="Thanks",
        kind="confirmation",
        status=MailStatus.FAILED,
        next_attempt_at=NOW,
        created_at=NOW,
    )
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["mail"] == "1 failed"
