"""Shared set-up for the attachment tests: real files of each type, the store, posting them."""

from __future__ import annotations

import base64
from pathlib import Path

from bs4 import BeautifulSoup

from feedback.models import FeedbackItem
from tests.conftest import csrf_from, form_data, get_csrf, submit

# A real 1×1 PNG and GIF, and the start of a JPEG, a WebP and a PDF: enough for the sniffer.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 32
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEXT = "Order A-1001, paid 12.50 €\nDelivered broken.\n".encode()
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
ZIP = b"PK\x03\x04" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def stored_files(root: Path) -> list[Path]:
    """The files in the store (temporary `.part-` files count: none may be left)."""
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def upload(*files: tuple[str, bytes, str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    """httpx `files=` for the form's file field: (name, bytes, claimed type) each."""
    return [("files", file) for file in files]


async def submit_with_files(client, *files: tuple[str, bytes, str], **overrides: str):
    """The feedback form sent as multipart, as a browser sends it."""
    token = await get_csrf(client)
    return await client.post(
        "/feedback", data={"csrf_token": token, **form_data(**overrides)}, files=upload(*files)
    )


async def make_item(client) -> tuple[FeedbackItem, str]:
    """An item from the form, without files, and its tracking token."""
    response = await submit(client)
    assert response.status_code == 303
    item = await FeedbackItem.all().order_by("-id").first()
    return item, response.headers["location"].rsplit("/", 1)[1]


async def reply_on_tracking(client, token: str, body: str, *files: tuple[str, bytes, str]):
    csrf = await get_csrf(client, f"/t/{token}")
    return await client.post(
        f"/t/{token}/reply", data={"csrf_token": csrf, "body": body}, files=upload(*files)
    )


async def staff_reply(client, item_id: int, body: str, *files, internal: bool = False):
    """The reply form on the staff item page, sent as multipart."""
    page = await client.get(f"/staff/items/{item_id}")
    data = {"csrf_token": csrf_from(page.text), "body": body}
    if internal:
        data["internal"] = "on"
    return await client.post(f"/staff/items/{item_id}/reply", data=data, files=upload(*files))
