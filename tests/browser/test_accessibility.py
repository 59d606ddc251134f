"""An axe-core audit (WCAG 2.0 and 2.1, levels A and AA) of every page a person sees, in
headless Chromium, filled with realistic data: the demo data set (eight weeks of history,
teams, rules, conversations with internal notes) plus items sent, answered and resolved
through the browser in the module's set-up. Each page also runs empty where it has an empty
state, sent back with mistakes where it has a form, and at phone width for the main pages.

axe-core comes bundled in the `axe-playwright-python` package (no network at run time).
Reproduce: `.venv/bin/pytest tests/browser/test_accessibility.py -q`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import new_page, send_feedback, serve_portal, sign_in
from tests.feedback.attachment_helpers import HTML, PNG

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PERSONAS = {
    "agent": "ana@demo.example",
    "manager": "mia@demo.example",
    "admin": "admin@demo.example",
}


@dataclass
class Site:
    url: str
    db: Path
    passwords: dict[str, str]
    tracking_open: str = ""
    tracking_resolved: str = ""
    tracking_erased: str = ""
    ids: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, Any] = field(default_factory=dict)

    def id_of(self, sql: str, *args: Any) -> int:
        with sqlite3.connect(self.db) as connection:
            row = connection.execute(sql, args).fetchone()
        assert row is not None, sql
        return int(row[0])


def _read_passwords(var_dir: Path) -> dict[str, str]:
    """The demo's generated sign-ins, from the file `portal demo` writes."""
    text = (var_dir / "demo-sign-ins.txt").read_text()
    return dict(re.findall(r"(\S+@demo\.example)\s+password: (\S+)", text))


def _prepare(site: Site, browser: Browser) -> None:
    """Data only a browser session makes: a customer's open item with a conversation, and a
    resolved one whose tracking page asks for the survey."""
    customer = new_page(browser)
    site.tracking_open = send_feedback(
        customer,
        site.url,
        "Wrong size in my parcel",
        "I ordered the shoes in 42 and got 44. The box says 44 but the invoice says 42.",
        category="Product",
        name="Sam Okafor",
        email="sam.okafor@example.com",
    )
    open_reference = customer.inner_text("#reference")
    site.tracking_resolved = send_feedback(
        customer,
        site.url,
        "Charged twice for one order",
        "My card was charged twice for order 4411. Please refund one charge.",
        category="Billing",
        name="Rosa Diaz",
        email="rosa@example.com",
    )
    resolved_reference = customer.inner_text("#reference")
    customer.goto(site.tracking_open)
    customer.fill("#body", "Here is a photo description: the label on the box reads 44.")
    # A photo, so the conversation pages are audited with a file (and its preview) on them.
    customer.set_input_files(
        "#files", files=[{"name": "box label.png", "mimeType": "image/png", "buffer": PNG}]
    )
    customer.click("form.reply button[type=submit]")
    customer.wait_for_url(re.compile(r"#latest$"))
    customer.context.close()

    staff = new_page(browser)
    sign_in(staff, site.url, PERSONAS["agent"], site.passwords[PERSONAS["agent"]])
    open_id = site.id_of("SELECT id FROM feedback_item WHERE reference = ?", open_reference)
    staff.goto(f"{site.url}/staff/items/{open_id}")
    staff.fill("#body", "Warehouse mixed up two orders again, check the packing list.")
    staff.check("input[name=internal]")
    staff.click("form#reply button.primary")
    staff.wait_for_selector("ol.conversation .message.internal")
    staff.fill("#body", "Sorry about that, Sam. A pair in size 42 is on its way today.")
    staff.click("form#reply button.primary")
    staff.wait_for_selector("ol.conversation .message.from-staff:not(.internal)")

    resolved_id = site.id_of("SELECT id FROM feedback_item WHERE reference = ?", resolved_reference)
    staff.goto(f"{site.url}/staff/items/{resolved_id}")
    staff.click("#resolve summary")
    staff.check("#resolve-outcome-resolved")
    staff.select_option("#resolve-root_cause", "Our own policy or process")
    staff.fill("#resolve-remedy", "Refunded the second charge")
    staff.fill("#resolve-remedy_amount", "49.90")
    staff.fill("#resolve-effort_minutes", "15")
    staff.fill("#resolve-message", "I have refunded the second charge of 49.90.")
    staff.click("#resolve-form button[type=submit]")
    staff.wait_for_selector("#resolutions")
    staff.context.close()

    site.ids = {
        "open": open_id,
        "resolved": resolved_id,
        # The demo's item with an internal note, a customer reply and a status change.
        "busy": site.id_of("SELECT id FROM feedback_item WHERE subject = 'Parcel two weeks late'"),
        "customer": site.id_of("SELECT id FROM customer WHERE email = 'jo.park@example.com'"),
        "agent": site.id_of("SELECT id FROM staff_user WHERE email = ?", PERSONAS["agent"]),
        "team": site.id_of("SELECT id FROM team WHERE name = 'Billing'"),
        "rule": site.id_of("SELECT id FROM routing_rule ORDER BY id LIMIT 1"),
        "calendar": site.id_of("SELECT id FROM business_hours ORDER BY id LIMIT 1"),
        "reply": site.id_of("SELECT id FROM saved_reply ORDER BY id LIMIT 1"),
    }
    # A customer whose personal data an admin erased: their tracking link says so.
    forgotten = new_page(browser)
    site.tracking_erased = send_feedback(
        forgotten,
        site.url,
        "Please forget me",
        "Delete everything you hold about me, please.",
        name="Noor Haddad",
        email="noor.haddad@example.com",
    )
    forgotten.context.close()
    admin = new_page(browser)
    sign_in(admin, site.url, PERSONAS["admin"], site.passwords[PERSONAS["admin"]])
    noor = site.id_of("SELECT id FROM customer WHERE email = 'noor.haddad@example.com'")
    admin.goto(f"{site.url}/staff/customers/{noor}/erase")
    admin.fill("#confirm_email", "noor.haddad@example.com")
    admin.click("#erase-form button[type=submit]")
    admin.wait_for_selector("#erased-notice")
    admin.context.close()

    for persona, email in PERSONAS.items():
        page = new_page(browser)
        sign_in(page, site.url, email, site.passwords[email])
        site.sessions[persona] = page.context.storage_state()
        page.context.close()


@pytest.fixture(scope="module")
def site(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    var_dir = tmp_path_factory.mktemp("a11y-var")
    with serve_portal(var_dir, lambda portal: portal("demo")) as url:
        site = Site(url, var_dir / "b.db", _read_passwords(var_dir))
        _prepare(site, browser)
        yield site


# -- what to open -------------------------------------------------------------------------------
# Each page: who looks at it, and how to get there (a path, or a function that drives the page
# into the state to audit). `skip_rules` names single axe rules that cannot hold on that page,
# each with its reason; none is needed today. `undecidable` names (rule, part of the page)
# pairs that axe may leave "incomplete" (it could not decide; a person checked them) on that
# page: any other incomplete result, or one elsewhere on the page, fails the test like a
# violation, so nothing waits unreviewed.

# SVG chart text: axe cannot compute a background behind <text>. Checked by hand: labels are
# #1d2430 or #5b6575 on white (15.4:1 and 5.9:1), bars #1f5fbf / #b35c00 (6.1:1, 4.7:1), and
# every chart has the same figures in a table next to it.
CHART_TEXT = (("color-contrast", "svg.chart"),)
# A wide table scrolled inside its own box: axe cannot see the background of the cells out of
# view. They are styled like the cells in view, which pass.
SCROLLED_TABLE = (("color-contrast", ".table-wrap"),)


@dataclass(frozen=True)
class Audit:
    persona: str | None
    open: Callable[[Page, Site], None]
    skip_rules: tuple[str, ...] = ()
    undecidable: tuple[tuple[str, str], ...] = ()
    phone_undecidable: tuple[tuple[str, str], ...] = ()  # at 375 px only, with `undecidable`
    # False: the page as a browser without JavaScript gets it (no htmx, no board.js). The
    # portal's scripts are blocked rather than JavaScript turned off, because axe itself runs
    # as JavaScript in the page (with it off, axe.run never settles). The one <noscript>
    # element (a Filter button on the item list) is not on any page audited this way.
    javascript: bool = True


def path(template: str) -> Callable[[Page, Site], None]:
    def go(page: Page, site: Site) -> None:
        page.goto(site.url + template.format(**site.ids))

    return go


def _form_with_mistakes(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/feedback/new")
    page.fill("#email", "lena.fischer@example")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#error-summary")


def _form_in_chinese(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/feedback/new")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    page.wait_for_selector("html[lang=zh-CN]")


def _tracking_in_chinese(page: Page, site: Site) -> None:
    page.goto(f"{site.tracking_open}?lang=zh_CN")
    page.wait_for_selector("html[lang=zh-CN]")


def _thanks(page: Page, site: Site) -> None:
    send_feedback(page, site.url, "Late delivery", "The parcel came a week late.")


def _tracking(which: str) -> Callable[[Page, Site], None]:
    def go(page: Page, site: Site) -> None:
        page.goto(getattr(site, f"tracking_{which}"))

    return go


def _tracking_reply_refused(page: Page, site: Site) -> None:
    page.goto(site.tracking_open)
    page.fill("#body", "   ")  # passes the browser's `required`, refused by the server
    page.click("form.reply button[type=submit]")
    page.wait_for_selector("[aria-invalid=true]")


def _tracking_file_refused(page: Page, site: Site) -> None:
    page.goto(site.tracking_open)
    page.fill("#body", "And the invoice.")
    page.set_input_files(
        "#files", files=[{"name": "invoice.html", "mimeType": "text/html", "buffer": HTML}]
    )
    page.click("form.reply button[type=submit]")
    page.wait_for_selector("#files[aria-invalid=true]")


def _wrong_password(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/staff/sign-in")
    page.fill("#email", PERSONAS["agent"])
    page.fill("#password", "not the password")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .error, main [role=alert]")


def _log_feedback_with_mistakes(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/staff/feedback/new")
    page.click("#log-feedback-form button[type=submit]")
    page.wait_for_selector("#error-summary, .error-summary")


def refused(template: str, submit: str, fill: dict[str, str] | None = None) -> Callable:
    """Open the page, send its form with a mistake (empty unless `fill` says otherwise) and
    wait for the page to come back with the mistake marked."""

    def go(page: Page, site: Site) -> None:
        path(template)(page, site)
        for selector, value in (fill or {}).items():
            page.fill(selector, value)
        page.click(submit)
        page.wait_for_selector("[aria-invalid=true], .error-summary, main .error")

    return go


def _resolve_refused(page: Page, site: Site) -> None:
    path("/staff/items/{busy}")(page, site)
    page.click("#resolve summary")
    page.click("#resolve-form button[type=submit]")
    page.wait_for_selector("#resolve-errors")


def _mail_preferences_refused(page: Page, site: Site) -> None:
    # Radios always offer a choice: clear one to send the form without it.
    page.goto(f"{site.url}/staff/notifications/e-mail")
    page.evaluate(
        "() => document.querySelectorAll('#mail_warnings input')"
        ".forEach(input => { input.checked = false; })"
    )
    page.click("#mail-preferences button[type=submit]")
    page.wait_for_selector("#error-summary")


def _board_card_open(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/staff/board")
    page.locator("article.board-card summary").first.click()


PAGES: dict[str, Audit] = {
    "public-form": Audit(None, path("/feedback/new")),
    "public-form-with-mistakes": Audit(None, _form_with_mistakes),
    "public-form-zh-CN": Audit(None, _form_in_chinese),
    "confirmation": Audit(None, _thanks),
    "tracking-open-conversation": Audit(None, _tracking("open")),
    "tracking-resolved-survey": Audit(None, _tracking("resolved")),
    "tracking-zh-CN": Audit(None, _tracking_in_chinese),
    "tracking-reply-refused": Audit(None, _tracking_reply_refused),
    "tracking-file-refused": Audit(None, _tracking_file_refused),
    "sign-in": Audit(None, path("/staff/sign-in")),
    "sign-in-wrong-password": Audit(None, _wrong_password),
    "not-found": Audit("agent", path("/staff/items/999999")),
    "board": Audit("agent", path("/staff/board")),
    "board-card-actions-open": Audit("agent", _board_card_open),
    "board-no-match": Audit("agent", path("/staff/board?q=no-such-thing-anywhere")),
    "item-busy": Audit("agent", path("/staff/items/{busy}")),
    "item-open-with-note": Audit("agent", path("/staff/items/{open}")),
    "item-resolved": Audit("agent", path("/staff/items/{resolved}")),
    "item-reply-refused": Audit(
        "agent", refused("/staff/items/{busy}", "form#reply button.primary")
    ),
    "item-resolve-refused": Audit("agent", _resolve_refused),
    "item-resolve-page": Audit("agent", path("/staff/items/{busy}/resolve")),
    "customer-history": Audit("agent", path("/staff/customers/{customer}")),
    "customer-personal-data": Audit("admin", path("/staff/customers/{customer}")),
    "customer-erase": Audit("admin", path("/staff/customers/{customer}/erase")),
    "customer-erase-refused": Audit(
        "admin",
        refused(
            "/staff/customers/{customer}/erase",
            "#erase-form button[type=submit]",
            {"#confirm_email": "someone@example.com"},
        ),
    ),
    "tracking-erased": Audit(None, _tracking("erased")),
    "item-list": Audit("agent", path("/staff/items"), phone_undecidable=SCROLLED_TABLE),
    "search": Audit("agent", path("/staff/search?q=parcel")),
    "search-no-match": Audit("agent", path("/staff/search?q=no-such-thing-anywhere")),
    "item-list-empty": Audit("agent", path("/staff/items?status=closed")),
    "follow-ups": Audit("agent", path("/staff/follow-ups")),
    "at-risk": Audit("manager", path("/staff/at-risk")),
    "log-feedback": Audit("agent", path("/staff/feedback/new")),
    "log-feedback-with-mistakes": Audit("agent", _log_feedback_with_mistakes),
    "notifications": Audit("manager", path("/staff/notifications")),
    "notifications-empty": Audit("admin", path("/staff/notifications")),
    "mail-preferences": Audit("agent", path("/staff/notifications/e-mail")),
    "mail-preferences-manager": Audit("manager", path("/staff/notifications/e-mail")),
    "mail-preferences-refused": Audit("manager", _mail_preferences_refused),
    "dashboard": Audit("manager", path("/manager?period=90"), undecidable=CHART_TEXT),
    "dashboard-empty": Audit(
        "manager", path("/manager?start=2001-01-01&end=2001-01-28"), undecidable=CHART_TEXT
    ),
    "drill-down": Audit(
        "manager",
        path("/manager/items?figure=received&period=90"),
        phone_undecidable=SCROLLED_TABLE,
    ),
    "drill-down-empty": Audit(
        "manager", path("/manager/items?figure=received&start=2001-01-01&end=2001-01-28")
    ),
    "rep": Audit("manager", path("/manager/reps/{agent}?period=90"), undecidable=CHART_TEXT),
    "manage": Audit("admin", path("/manage")),
    "manage-teams": Audit("admin", path("/manage/teams")),
    "manage-teams-refused": Audit("admin", refused("/manage/teams", "#team-form .primary")),
    "manage-team": Audit("admin", path("/manage/teams/{team}")),
    "manage-staff": Audit("admin", path("/manage/staff")),
    "manage-staff-refused": Audit("admin", refused("/manage/staff", "#staff-form .primary")),
    "manage-rules": Audit("admin", path("/manage/rules")),
    "manage-rules-refused": Audit("admin", refused("/manage/rules", "#rule-form .primary")),
    "manage-rule": Audit("admin", path("/manage/rules/{rule}")),
    "manage-calendars": Audit("admin", path("/manage/calendars")),
    "manage-calendars-refused": Audit(
        "admin", refused("/manage/calendars", "#calendar-form .primary")
    ),
    "manage-calendar": Audit("admin", path("/manage/calendars/{calendar}")),
    "manage-targets": Audit("admin", path("/manage/targets"), undecidable=SCROLLED_TABLE),
    "manage-targets-refused": Audit(
        "admin",
        refused(
            "/manage/targets",
            "table.targets tbody tr:first-child td.state form:first-child button",
            {"table.targets tbody tr:first-child input[name=first_response]": "soon"},
        ),
        undecidable=SCROLLED_TABLE,
    ),
    "manage-scoring": Audit("admin", path("/manage/scoring")),
    "manage-mail": Audit("admin", path("/manage/mail")),
    "manage-replies": Audit("admin", path("/manage/replies")),
    "manage-reply": Audit("admin", path("/manage/replies/{reply}")),
    # Without the portal's JavaScript: the same pages as plain HTML forms.
    "public-form-with-mistakes-no-js": Audit(None, _form_with_mistakes, javascript=False),
    "tracking-open-no-js": Audit(None, _tracking("open"), javascript=False),
    "board-no-js": Audit("agent", path("/staff/board"), javascript=False),
    "item-busy-no-js": Audit("agent", path("/staff/items/{busy}"), javascript=False),
    "dashboard-no-js": Audit(
        "manager", path("/manager?period=90"), undecidable=CHART_TEXT, javascript=False
    ),
}
PHONE_PAGES = [
    "public-form",
    "public-form-with-mistakes",
    "confirmation",
    "tracking-open-conversation",
    "tracking-resolved-survey",
    "sign-in",
    "board",
    "item-busy",
    "customer-history",
    "item-list",
    "search",
    "log-feedback-with-mistakes",
    "notifications",
    "mail-preferences-manager",
    "dashboard",
    "drill-down",
    "manage-staff",
    "manage-targets",
]


def problems(page: Page, audit: Audit, *, phone: bool = False) -> list[str]:
    """axe-core's findings on the page, one line per rule: violations of the WCAG 2.0/2.1 A
    and AA rules and of axe's best practices (heading order, landmarks, unique landmark
    names …), and results axe could not decide unless the page lists that rule as reviewed."""
    from axe_playwright_python.sync_playwright import Axe

    options = {
        "runOnly": {"type": "tag", "values": [*WCAG_TAGS, "best-practice"]},
        "resultTypes": ["violations", "incomplete"],
        "rules": {rule: {"enabled": False} for rule in audit.skip_rules},
    }
    results = Axe().run(page, options=options).response
    found = [("", v) for v in results["violations"]]
    reviewed = audit.undecidable + (audit.phone_undecidable if phone else ())
    for result in results["incomplete"]:
        scopes = [scope for rule, scope in reviewed if rule == result["id"]]
        nodes = [node for node in result["nodes"] if not _inside(page, node["target"], scopes)]
        if nodes:
            found.append(("undecided: ", {**result, "nodes": nodes}))
    return [
        f"{prefix}{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:6])
        for prefix, v in found
    ]


def _inside(page: Page, target: list[str], scopes: list[str]) -> bool:
    """Whether axe's node (a selector path; one step unless inside frames) is in one of the
    parts of the page reviewed by hand."""
    if not scopes or len(target) != 1:
        return False
    return page.evaluate(
        "([target, scope]) => document.querySelector(target)?.closest(scope) != null",
        [target[0], ", ".join(scopes)],
    )


def open_page(browser: Browser, site: Site, audit: Audit, **options: Any) -> Page:
    if audit.persona is not None:
        options["storage_state"] = site.sessions[audit.persona]
    page = new_page(browser, **options)
    if not audit.javascript:
        page.route(re.compile(r"/static/.*\.js$"), lambda route: route.abort())
    audit.open(page, site)
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_it_has_no_wcag_violations(browser: Browser, site: Site, name: str) -> None:
    audit = PAGES[name]
    page = open_page(browser, site, audit)
    try:
        assert problems(page, audit) == [], name
    finally:
        page.context.close()


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_it_has_no_wcag_violations_on_a_phone(browser: Browser, site: Site, name: str) -> None:
    audit = PAGES[name]
    page = open_page(browser, site, audit, **PHONE)
    try:
        assert problems(page, audit, phone=True) == [], f"{name} at 375 px"
    finally:
        page.context.close()


def test_it_tells_at_risk_by_more_than_colour(browser: Browser, site: Site) -> None:
    """Green "in 5h" and amber "in 45m" differ in more than colour: a warning sign that
    screen readers read as "at risk"."""
    page = open_page(browser, site, PAGES["board"])
    try:
        due = page.locator("#column-new time.due").first
        # The clock reaches the warning time: board.js turns the pill amber.
        due.evaluate(
            "el => { el.dataset.state = 'ok';"
            " el.dataset.warn = new Date(Date.now() - 60000).toISOString();"
            " el.setAttribute('datetime', new Date(Date.now() + 45 * 60000).toISOString()); }"
        )
        page.evaluate("() => document.dispatchEvent(new Event('htmx:afterSettle'))")
        assert due.get_attribute("class") == "due due-at_risk"
        assert re.fullmatch(r'- time: "at risk: in 4[45]m"', due.aria_snapshot())
        marker = due.evaluate("el => getComputedStyle(el, '::before').content")
        assert marker.startswith('"\u26a0')
    finally:
        page.context.close()
