"""The limits: files per message, bytes per file, the sniffed types, the body size per route."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from feedback.attachments import AttachmentLimits, Upload, screen_uploads, sniff_type
from feedback.models import Attachment, FeedbackItem
from portal.app import create_app
from portal.settings import Settings, load_settings
from tests.conftest import form_data, get_csrf, sign_in
from tests.feedback.attachment_helpers import (
    EXE,
    GIF,
    HTML,
    JPEG,
    PDF,
    PNG,
    SVG,
    TEXT,
    WEBP,
    ZIP,
    make_item,
    soup,
    stored_files,
    submit_with_files,
)


@pytest.fixture
async def small_client(db: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An installation that takes two files of at most 2 KiB each."""
    settings = dataclasses.replace(db, attachment_max_files=2, attachment_max_bytes=2048)
    app = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (TEXT, "text/plain"),
        (HTML, None),
        (SVG, None),
        (b"  <script>alert(1)</script>", None),
        (ZIP, None),
        (EXE, None),
        (b"\x00\x01\x02binary", None),
        (b"", None),
    ],
)
def test_it_sniffs_the_type_from_the_bytes(data: bytes, expected: str | None) -> None:
    assert sniff_type(data) == expected


def test_it_skips_what_is_over_the_limits_and_says_why() -> None:
    limits = AttachmentLimits(max_files=2, max_bytes=100, types=("image/png", "text/plain"))
    kept, skipped = screen_uploads(
        [
            Upload("a.png", PNG),
            Upload("b.pdf", PDF),  # a type this installation does not take
            Upload("c.txt", b"x" * 101),
            Upload("d.txt", b""),
            Upload("e.txt", TEXT),
            Upload("f.txt", TEXT),
        ],
        limits,
    )
    assert [f.filename for f in kept] == ["a.png", "e.txt"]
    assert [(e.filename, e.reason) for e in skipped] == [
        ("b.pdf", "type"),
        ("c.txt", "too_large"),
        ("d.txt", "empty"),
        ("f.txt", "too_many"),
    ]


async def test_it_refuses_too_many_files_next_to_the_field(small_client, store_dir) -> None:
    response = await submit_with_files(
        small_client,
        ("a.png", PNG, "image/png"),
        ("b.png", GIF, "image/gif"),
        ("c.txt", TEXT, "text/plain"),
        subject="Three photos",
    )
    assert response.status_code == 422
    page = soup(response)
    assert "at most 2 files" in page.find(id="files-error").text
    assert page.find(id="subject")["value"] == "Three photos"
    assert await FeedbackItem.all().count() == 0
    assert stored_files(store_dir) == []


async def test_it_refuses_a_file_too_large(small_client, store_dir) -> None:
    response = await submit_with_files(
        small_client, ("scan.txt", b"a" * 2049, "text/plain"), message="Keep my words"
    )
    assert response.status_code == 422
    page = soup(response)
    error = page.find(id="files-error").text
    assert "scan.txt" in error and "2 kB" in error
    assert page.find(id="message").text == "Keep my words"
    assert await Attachment.all().count() == 0


async def test_a_body_over_the_upload_limit_is_413(small_client) -> None:
    token = await get_csrf(small_client)
    response = await small_client.post(
        "/feedback",
        data={"csrf_token": token, **form_data()},
        files=[("files", ("big.txt", b"a" * 200_000, "text/plain"))],
    )
    assert response.status_code == 413


async def test_other_routes_keep_the_small_limit(client, agent) -> None:
    item, _token = await make_item(client)
    await sign_in(client, agent)
    response = await client.post(
        f"/staff/items/{item.id}/status",
        data={"status": "closed"},
        files=[("files", ("big.txt", b"a" * 100_000, "text/plain"))],
    )
    assert response.status_code == 413
    form = await client.post(
        "/feedback",
        content=b"a=" + b"b" * 100_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 413  # a plain form to an upload path: the small limit


def test_settings_refuse_an_unsafe_type_and_odd_limits(monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_ATTACHMENT_TYPES", "image/png,text/html")
    with pytest.raises(ValueError, match="text/html"):
        load_settings(secret_key="x")
    monkeypatch.setenv("PORTAL_ATTACHMENT_TYPES", "image/png")
    monkeypatch.setenv("PORTAL_ATTACHMENT_MAX_FILES", "50")
    with pytest.raises(ValueError, match="PORTAL_ATTACHMENT_MAX_FILES"):
        load_settings(secret_key="x")
    monkeypatch.setenv("PORTAL_ATTACHMENT_MAX_FILES", "3")
    monkeypatch.setenv("PORTAL_ATTACHMENT_MAX_BYTES", "10")
    with pytest.raises(ValueError, match="PORTAL_ATTACHMENT_MAX_BYTES"):
        load_settings(secret_key="x")
    monkeypatch.setenv("PORTAL_ATTACHMENT_MAX_BYTES", "4096")
    settings = load_settings(secret_key="x")
    assert settings.attachment_limits == AttachmentLimits(3, 4096, ("image/png",))
    assert settings.upload_max_body_bytes == 3 * (4096 + 1024) + settings.max_body_bytes
