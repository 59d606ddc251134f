"""Shared fixtures: a real database (SQLite file, or PostgreSQL via DATABASE_URL), the app
over HTTP (httpx's ASGI transport), and personas with different rights.

Pure tests (sentiment, calendars, priority) use none of these and need no database.
"""

from __future__ import annotations

import dataclasses
import os

# Cheap Argon2 parameters for the hundreds of test accounts (set before portal.auth loads).
os.environ["PORTAL_PASSWORD_HASH_PROFILE"] = "test"
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from tortoise import Tortoise
from tortoise.contrib.test import truncate_all_models

from portal.app import create_app
from portal.auth import create_staff
from portal.cli import migrate_database
from portal.models import Role, StaffUser
from portal.settings import Settings, load_settings, tortoise_config

PASSWORD = "correct horse battery"
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    var_dir = tmp_path_factory.mktemp("var")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite://{var_dir / 'test.db'}"
    os.environ["PORTAL_VAR_DIR"] = str(var_dir)
    return load_settings(
        database_url=database_url,
        var_dir=var_dir,
        secret_key="test-secret-key-not-for-production",
        submissions_per_hour=1000,
        form_min_seconds=0,  # tests post at once; tests/feedback/test_form_timing.py checks it
    )


async def _admin_execute(url: str, sql: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        await Tortoise.get_connection("default").execute_script(sql)
    finally:
        await Tortoise.close_connections()


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Settings]:
    """Migrate a fresh database once per session, with the real migrations.

    On PostgreSQL each session gets its own throw-away database next to the one in
    DATABASE_URL, so parallel runs never see each other's rows.
    """
    if not settings.is_sqlite:
        base_url = settings.database_url
        name = f"portal_test_{os.getpid()}"
        await _admin_execute(base_url, f'DROP DATABASE IF EXISTS "{name}"')
        await _admin_execute(base_url, f'CREATE DATABASE "{name}"')
        settings = dataclasses.replace(
            settings, database_url=base_url.rsplit("/", 1)[0] + "/" + name
        )
        os.environ["DATABASE_URL"] = settings.database_url
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config(), _enable_global_fallback=True)
    yield settings
    await Tortoise.close_connections()
    if not settings.is_sqlite:
        await _admin_execute(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def db(database: Settings) -> AsyncIterator[Settings]:
    """A database emptied after each test."""
    yield database
    await truncate_all_models()


@pytest.fixture
def store_dir(db: Settings) -> Iterator[Path]:
    """The installation's attachment folder, empty at the start and end of the test."""
    shutil.rmtree(db.attachment_dir, ignore_errors=True)
    yield db.attachment_dir
    shutil.rmtree(db.attachment_dir, ignore_errors=True)


@pytest.fixture
def app(db: Settings):
    return create_app(db, manage_database=False)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
async def agent(db: Settings) -> StaffUser:
    return await create_staff("ana@example.test", "Ana Costa", PASSWORD, Role.AGENT)


@pytest.fixture
async def teammate(db: Settings) -> StaffUser:
    return await create_staff("ben@example.test", "Ben Okafor", PASSWORD, Role.AGENT)


@pytest.fixture
async def manager(db: Settings) -> StaffUser:
    return await create_staff("mia@example.test", "Mia Chen", PASSWORD, Role.MANAGER)


@pytest.fixture
async def admin(db: Settings) -> StaffUser:
    return await create_staff("sam@example.test", "Sam Admin", PASSWORD, Role.ADMIN)


def csrf_from(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def get_csrf(client: httpx.AsyncClient, path: str = "/feedback/new") -> str:
    response = await client.get(path)
    return csrf_from(response.text)


async def sign_in(client: httpx.AsyncClient, user: StaffUser) -> None:
    token = await get_csrf(client, "/staff/sign-in")
    response = await client.post(
        "/staff/sign-in",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/staff/items",
        },
    )
    assert response.status_code == 303, response.text


def form_data(**overrides: str) -> dict[str, str]:
    """A valid feedback form submission, with fields overridden."""
    data = {
        "kind": "complaint",
        "category": "Delivery",
        "name": "Jo Park",
        "email": "Jo.Park@Example.com ",
        "phone": "",
        "order_reference": "A-1001",
        "touchpoint": "Website",
        "subject": "Parcel late",
        "message": "My parcel is two weeks late and nobody answers. I want a refund.",
        "submission_token": "tok-" + os.urandom(6).hex(),
    }
    data.update(overrides)
    return data


async def submit(client: httpx.AsyncClient, **overrides: str) -> httpx.Response:
    token = await get_csrf(client)
    return await client.post("/feedback", data={"csrf_token": token, **form_data(**overrides)})


@pytest.fixture
def data_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"
