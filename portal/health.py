"""Health of one app process, for uptime monitors and load balancers (`GET /healthz`).

A portal that is up but cannot reach its database, or whose sweeper has stopped (so no
target warnings or escalations go out), is a feedback channel gone dark without anyone
noticing. :func:`check_health` says which parts work; the handler answers 200 when all the
parts that decide serving do, 503 otherwise. The answer holds no customer data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise import connections

from feedback.models import MailStatus, OutboxMail

#: The sweeper counts as stalled when its last pass is older than this many intervals …
SWEEP_GRACE_INTERVALS = 3
#: … and never sooner than this after the process started (or after the last pass).
SWEEP_GRACE_MINIMUM = timedelta(minutes=2)


@dataclass
class Health:
    """Each check's state in words ("ok", "unreachable", …) and whether the process serves."""

    checks: dict[str, str] = field(default_factory=dict)
    healthy: bool = True

    @property
    def status(self) -> str:
        return "ok" if self.healthy else "failing"

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "checks": self.checks}


def sweeper_state(
    now: datetime,
    *,
    running_since: datetime | None,
    last_sweep: datetime | None,
    interval_seconds: int,
) -> str:
    """ "ok", "stalled", "starting", or "not running here" (a process without background work)."""
    if running_since is None:
        return "not running here"
    grace = max(SWEEP_GRACE_MINIMUM, timedelta(seconds=SWEEP_GRACE_INTERVALS * interval_seconds))
    reference = last_sweep or running_since
    if now - reference <= grace:
        return "ok" if last_sweep is not None else "starting"
    return "stalled"


async def check_health(
    now: datetime,
    *,
    running_since: datetime | None,
    last_sweep: datetime | None,
    interval_seconds: int,
    mail_configured: bool,
) -> Health:
    """Check the database, the sweeper and (for information) the customer mail outbox."""
    health = Health()
    try:
        await connections.get("default").execute_query("SELECT 1")
        health.checks["database"] = "ok"
    except Exception:  # any driver error means the same thing here: no database
        health.checks["database"] = "unreachable"
        health.healthy = False
    sweeper = sweeper_state(
        now, running_since=running_since, last_sweep=last_sweep, interval_seconds=interval_seconds
    )
    health.checks["sweeper"] = sweeper
    if sweeper == "stalled":
        health.healthy = False
    if not mail_configured:
        health.checks["mail"] = "not configured"
    elif health.checks["database"] == "ok":
        failed = await OutboxMail.filter(status=MailStatus.FAILED).count()
        health.checks["mail"] = f"{failed} failed" if failed else "ok"
    return health
