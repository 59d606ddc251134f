"""A live portal for browser tests: migrated SQLite in a temporary directory, one staff
account, `portal serve` in a subprocess on a free port.

Playwright drives Debian's Chromium (/usr/bin/chromium) and never downloads a browser; the
tests are skipped when that binary is missing.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
PORTAL = Path(sys.executable).parent / "portal"
STAFF_EMAIL = "ana@example.test"
STAFF_NAME = "Ana Costa"
STAFF_PASSWORD = "correct horse battery"
MANAGER_EMAIL = "mia@example.test"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    email: str = STAFF_EMAIL
    name: str = STAFF_NAME
    password: str = STAFF_PASSWORD
    manager_email: str = MANAGER_EMAIL


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal serve exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"portal serve did not listen on {port} in {timeout}s:\n{log.read_text()}")


@contextmanager
def serve_portal(
    var_dir: Path, setup: Callable[[Callable[..., Any]], None] | None = None
) -> Iterator[str]:
    """Migrate a fresh SQLite file in `var_dir`, let `setup(portal)` run console commands on
    it (`portal("create-user", …)` returns the finished process), then serve it on a free
    port; yields the base URL and stops the server afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "PORTAL_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite://{var_dir / 'b.db'}",
        "SECRET_KEY": "browser-test-secret-key",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        # Every test submits from 127.0.0.1: keep the per-address limit out of the way.
        "PORTAL_SUBMISSIONS_PER_HOUR": "1000",
        # Playwright fills a form faster than a person could (tests/feedback/test_form_timing.py
        # covers the check).
        "PORTAL_FORM_MIN_SECONDS": "0",
    }
    run = {"env": env, "cwd": PROJECT_ROOT, "check": True, "capture_output": True, "timeout": 300}

    def portal(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(PORTAL), *args], **run)

    portal("migrate")
    if setup is not None:
        setup(portal)
    log = var_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PORTAL), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium")

    def setup(portal: Callable[..., Any]) -> None:
        for email, name, role in [
            (STAFF_EMAIL, STAFF_NAME, "agent"),
            (MANAGER_EMAIL, "Mia Chen", "manager"),
        ]:
            portal("create-user", email, name, "--role", role, "--password", STAFF_PASSWORD)

    with serve_portal(tmp_path_factory.mktemp("browser-var"), setup) as url:
        yield LiveServer(url)


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[Browser]:
    """One Chromium per test file; each test gets its own context (fresh cookies).

    Not one per session: Playwright's sync API keeps an event loop running in the main
    thread while it is started, and the async tests that run after the browser files need
    that thread's loop free (pytest-asyncio fails them with "Runner.run() cannot be called
    from a running event loop").
    """
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser: Browser, **context_options: Any) -> Page:
    """A page in a new context; console errors (CSP violations included) are collected.

    Close it with `page.context.close()`.
    """
    options = {"locale": "en-GB", "timezone_id": "UTC", **context_options}
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []  # type: ignore[attr-defined]

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        url = (message.location or {}).get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            page.console_errors.append(f"{message.text} ({url})")  # type: ignore[attr-defined]

    page.on("console", on_console)
    return page


@pytest.fixture
def make_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Make pages in new contexts (`java_script_enabled=False`, a phone viewport …)."""
    pages: list[Page] = []

    def make(**context_options: Any) -> Page:
        pages.append(new_page(browser, **context_options))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


@pytest.fixture
def browser_page(make_page: Callable[..., Page]) -> Page:
    """A fresh Chromium page (desktop, JavaScript on)."""
    return make_page()


def sign_in(page: Page, base: str, email: str, password: str = STAFF_PASSWORD) -> None:
    page.goto(f"{base}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/board"))


def send_feedback(page: Page, base: str, subject: str, message: str, **fields: str) -> str:
    """Send a complaint on the public form; returns the private tracking link."""
    page.goto(f"{base}/feedback/new")
    page.check(f"input[name=kind][value={fields.get('kind', 'complaint')}]")
    page.select_option("#category", fields.get("category", "Delivery"))
    page.fill("#name", fields.get("name", "Jo Park"))
    page.fill("#email", fields.get("email", "jo.park@example.com"))
    page.fill("#subject", subject)
    page.fill("#message", message)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/feedback/thanks/"))
    return page.get_attribute("#tracking-link", "href") or ""
