"""The `portal` console command: serve, migrate, create-user, demo and maintenance tasks.

Importing history, retraining and batch scoring live in `portal.cli_learning`.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from tortoise import Tortoise

from portal.settings import Settings, load_settings, tortoise_config


async def _with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    from feedback import model_store

    # Items created from the console (demo data) are scored like the app's.
    model_store.configure(settings.var_dir, settings.categories)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


async def migrate_database(settings: Settings) -> None:
    """Create or upgrade the schema with Tortoise's migrations (never generate_schemas)."""
    from tortoise.migrations.api import migrate

    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        db_path = settings.database_url.removeprefix("sqlite://")
        if db_path and db_path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(db_path)), exist_ok=True)
    try:
        await migrate(config=settings.tortoise_config())
    finally:
        await Tortoise.close_connections()


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    asyncio.run(migrate_database(settings))

    async def defaults() -> None:
        from triage.defaults import ensure_defaults

        await ensure_defaults(settings.default_timezone)

    asyncio.run(_with_db(settings, defaults))
    print(f"database ready: {_describe(settings.database_url)}")
    return 0


def _describe(url: str) -> str:
    if "@" in url:  # hide credentials
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = load_settings()
    print(
        f"Serving the portal at http://{args.host}:{args.port}  (database: "
        f"{_describe(settings.database_url)})",
        flush=True,
    )
    uvicorn.run(
        "portal.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=False,
        log_level="info",
    )
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from portal.auth import create_staff
    from portal.models import Role

    password = args.password or os.environ.get("PORTAL_NEW_PASSWORD") or getpass.getpass()
    settings = load_settings()

    async def work() -> None:
        user = await create_staff(args.email, args.name, password, Role(args.role))
        print(f"created {user.role} {user.email}")

    try:
        asyncio.run(_with_db(settings, work))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from portal.demo import load_demo

    settings = load_settings()
    credentials_file = settings.var_dir / "demo-sign-ins.txt"

    async def work() -> bool:
        return await load_demo(settings, credentials_file, only_if_empty=args.if_empty)

    created = asyncio.run(_with_db(settings, work))
    if created:
        print("Demo data loaded.")
    if credentials_file.exists():
        print(f"Demo sign-ins (also in {credentials_file}):")
        print(credentials_file.read_text(), end="")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """One sweeper pass: refresh clocks, warn before breaches, escalate breaches."""
    from feedback.attachments import AttachmentStore
    from portal.clock import utcnow
    from portal.staff_links import staff_mail_for
    from triage.escalation import sweep

    settings = load_settings()
    staff_mail = staff_mail_for(settings)
    report = asyncio.run(
        _with_db(
            settings,
            lambda: sweep(
                utcnow(),
                settings.default_timezone,
                staff_mail=staff_mail,
                no_contact_days=settings.at_risk_no_contact_days,
                retention_days=settings.retention_days,
                attachment_store=AttachmentStore(settings.attachment_dir),
            ),
        )
    )
    print(
        f"refreshed {report.refreshed}, warned {len(report.warned)}, "
        f"escalated {len(report.escalated)}"
        + (f", erased {len(report.purged)} (retention)" if settings.retention_days else "")
    )
    return 0


async def purge_command(
    settings: Settings, older_than: int | None, dry_run: bool
) -> tuple[int, str]:
    """`portal purge-personal-data` once the database is open: (exit status, what to print)."""
    from feedback.attachments import AttachmentStore
    from feedback.privacy import purge_personal_data
    from portal.clock import utcnow

    days = older_than if older_than is not None else settings.retention_days
    if days is None:
        return 2, "no retention limit: set PORTAL_RETENTION_DAYS or pass --older-than DAYS"
    try:
        report = await purge_personal_data(
            now=utcnow(),
            older_than_days=days,
            store=AttachmentStore(settings.attachment_dir),
            dry_run=dry_run,
        )
    except ValueError as exc:
        return 2, str(exc)
    return 0, report.describe()


def cmd_purge(args: argparse.Namespace) -> int:
    """Erase the personal data of customers inactive for longer than the retention limit."""
    settings = load_settings()
    status, text = asyncio.run(
        _with_db(settings, lambda: purge_command(settings, args.older_than, args.dry_run))
    )
    print(text, file=sys.stderr if status else sys.stdout)
    return status


def cmd_send_mail(args: argparse.Namespace) -> int:
    """Send the outbox's due mails once (the app's sender does this every few seconds)."""
    from feedback.models import MailStatus, OutboxMail
    from feedback.outbox import MailServer, send_due
    from feedback.retraining import holder_name
    from portal.clock import utcnow

    settings = load_settings()
    server = MailServer.from_settings(settings)

    async def work() -> tuple[int, int, int, int]:
        sent = retrying = failed = 0
        while True:  # batch after batch until nothing due is left
            report = await send_due(server, now=utcnow(), holder=holder_name())
            sent, retrying, failed = (
                sent + report.sent,
                retrying + report.retrying,
                failed + report.failed,
            )
            if not (report.sent or report.retrying or report.failed):
                break
        waiting = await OutboxMail.filter(status=MailStatus.PENDING).count()
        return sent, retrying, failed, waiting

    sent, retrying, failed, waiting = asyncio.run(_with_db(settings, work))
    if server is None:
        print(
            f"mail is not configured (PORTAL_SMTP_HOST is empty): {waiting} mail(s) waiting",
            file=sys.stderr,
        )
        return 1
    print(f"sent {sent}, will retry {retrying}, failed {failed}, still waiting {waiting}")
    return 0 if not (retrying or failed) else 1


# sysexits.h: what an MTA's pipe transport understands.
EX_OK, EX_DATAERR, EX_TEMPFAIL, EX_CONFIG = 0, 65, 75, 78


def _read_limited(stream: Any, limit: int) -> bytes:
    """Up to `limit + 1` bytes (so "too large" shows); the rest is read and dropped."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        while stream.read(1 << 16):
            pass
    return data


def cmd_receive_mail(args: argparse.Namespace) -> int:
    """Read one mail from stdin (an MTA pipe) and store it: exit 0, 65 refused, 75 retry."""
    from feedback.inbound_mail import MailRefused, TemporaryFailure, receive_mail
    from portal.clock import utcnow
    from portal.mail_server import inbound_config

    try:
        settings = load_settings()
    except (ValueError, OSError) as exc:
        print(f"portal receive-mail: bad configuration: {exc}", file=sys.stderr)
        return EX_TEMPFAIL  # a configuration mistake is fixed, then the MTA retries
    raw = _read_limited(sys.stdin.buffer, settings.mail_in_max_bytes)
    config = inbound_config(settings)

    async def work() -> str:
        receipt = await receive_mail(
            raw,
            now=utcnow(),
            config=config,
            envelope_sender=args.sender,
            envelope_recipients=args.recipient or (),
        )
        return receipt.describe()

    try:
        outcome = asyncio.run(_with_db(settings, work))
    except MailRefused as exc:
        print(f"portal receive-mail: refused: {exc.reason}", file=sys.stderr)
        return EX_DATAERR
    except TemporaryFailure as exc:
        print(f"portal receive-mail: try again later: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    except Exception as exc:  # noqa: BLE001 - e.g. the database is unreachable at start
        print(
            f"portal receive-mail: try again later: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EX_TEMPFAIL
    print(outcome)
    return EX_OK


def cmd_mail_server(args: argparse.Namespace) -> int:
    """Listen for SMTP from the MTA on HOST:PORT (loopback by default) until stopped."""
    import logging

    from portal.mail_server import serve_mail

    settings = load_settings()
    if not settings.mail_in_configured:
        print(
            "portal mail-server: PORTAL_MAIL_IN_ADDRESS is not set: no address to receive for",
            file=sys.stderr,
        )
        return EX_CONFIG
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    print(
        f"Receiving mail for {settings.mail_in_address} on {args.host}:{args.port} "
        f"(database: {_describe(settings.database_url)})",
        flush=True,
    )
    try:
        asyncio.run(_with_db(settings, lambda: serve_mail(settings, args.host, args.port)))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_recompute(args: argparse.Namespace) -> int:
    """Recompute every open item's due times from its audit trail (after a policy change)."""
    from feedback.models import OPEN_STATUSES, FeedbackItem
    from portal.clock import utcnow
    from triage.sla import refresh_targets

    settings = load_settings()

    async def work() -> int:
        now = utcnow()
        count = 0
        for item in await FeedbackItem.filter(status__in=list(OPEN_STATUSES)):
            await refresh_targets(item, now, settings.default_timezone)
            count += 1
        return count

    print(f"recomputed {asyncio.run(_with_db(settings, work))} open items")
    return 0


def cmd_check_db(args: argparse.Namespace) -> int:
    """Exit 0 when the database at URL answers (used by `make test` to decide on PostgreSQL)."""

    async def probe() -> None:
        await Tortoise.init(config=tortoise_config(args.url))
        try:
            await Tortoise.get_connection("default").execute_query("SELECT 1")
        finally:
            await Tortoise.close_connections()

    try:
        asyncio.run(asyncio.wait_for(probe(), timeout=5))
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        print(f"not reachable: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the portal with uvicorn")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    for name in ("migrate", "init-db"):
        sub.add_parser(name, help="create or upgrade the database schema").set_defaults(
            func=cmd_migrate
        )

    create = sub.add_parser("create-user", help="create a staff account")
    create.add_argument("email")
    create.add_argument("name")
    create.add_argument("--role", choices=["agent", "manager", "admin"], default="agent")
    create.add_argument("--password", help="prompted for when omitted (or PORTAL_NEW_PASSWORD)")
    create.set_defaults(func=cmd_create_user)

    demo = sub.add_parser("demo", help="load a small demo data set")
    demo.add_argument("--if-empty", action="store_true", help="only when there are no staff yet")
    demo.set_defaults(func=cmd_demo)

    sub.add_parser("sweep", help="one sweeper pass (warn, escalate)").set_defaults(func=cmd_sweep)
    purge = sub.add_parser(
        "purge-personal-data",
        help="erase customers inactive for longer than the retention limit (no open item)",
    )
    purge.add_argument(
        "--older-than",
        type=int,
        metavar="DAYS",
        help="days without activity (default PORTAL_RETENTION_DAYS)",
    )
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    purge.set_defaults(func=cmd_purge)
    sub.add_parser("send-mail", help="send the due mails of the outbox once").set_defaults(
        func=cmd_send_mail
    )
    receive = sub.add_parser(
        "receive-mail",
        help="store one e-mail read from stdin (an MTA pipe): exit 0, 65 refused, 75 retry",
    )
    receive.add_argument(
        "--recipient",
        action="append",
        help="the envelope recipient (e.g. Postfix ${original_recipient}); repeatable",
    )
    receive.add_argument("--sender", help="the envelope sender (e.g. Postfix ${sender})")
    receive.set_defaults(func=cmd_receive_mail)

    mail_server = sub.add_parser(
        "mail-server", help="receive e-mail over SMTP from the MTA (loopback by default)"
    )
    mail_server.add_argument("--host", default="127.0.0.1")
    mail_server.add_argument("--port", type=int, default=2525)
    mail_server.set_defaults(func=cmd_mail_server)

    sub.add_parser(
        "recompute-targets", help="recompute due times of open items from their audit trails"
    ).set_defaults(func=cmd_recompute)

    check = sub.add_parser("check-db", help="exit 0 if the database URL answers")
    check.add_argument("url")
    check.set_defaults(func=cmd_check_db)

    from portal import cli_learning

    cli_learning.add_parsers(sub, cli_learning.run_with_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
