"""In a real browser, with the keyboard only, what the axe audit cannot see: the skip links
move the focus past the header, the focus is always visible, and a card on the board can be
found, taken and moved without a mouse — with the focus kept on that card after each swap."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The focused element, and whether its focus ring shows: an outline at least 2 px wide whose
# colour has 3:1 contrast (WCAG 1.4.11) against the page background it sits on (#f5f7fa) and
# against white cards — the two backgrounds every page uses.
ACTIVE = """() => {
  const luminance = rgb => rgb.map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const contrast = color => {
    const rgb = (color.match(/\\d+(\\.\\d+)?/g) || []).slice(0, 3).map(Number);
    if (rgb.length < 3) return 0;
    const l = luminance(rgb);
    return Math.min(ratio(l, 1), ratio(l, luminance([245, 247, 250])));
  };
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    id: el.id, tag: el.tagName.toLowerCase(), cls: el.className || '',
    text: (el.textContent || '').trim().slice(0, 40),
    inMain: !!el.closest('main'), column: el.closest('.board-column')?.id || null,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
      && contrast(style.outlineColor) >= 3,
  };
}"""


def active(page) -> dict | None:  # noqa: ANN001
    return page.evaluate(ACTIVE)


def tab_to(page, predicate, limit: int = 12) -> dict:  # noqa: ANN001
    """Press Tab until the focused element matches; fails after `limit` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = active(page)
        if focused and predicate(focused):
            return focused
        seen.append(focused and (focused["id"] or focused["tag"] + ":" + focused["text"]))
    raise AssertionError(f"not reached in {limit} Tabs; focus went through {seen}")


def test_it_skips_to_the_content_with_the_skip_link(live_server, browser_page) -> None:  # noqa: ANN001
    page = browser_page
    page.goto(f"{live_server.url}/feedback/new")
    page.keyboard.press("Tab")
    skip = active(page)
    assert skip is not None and skip["cls"] == "skip" and skip["text"] == "Skip to content"
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # shown while focused

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    after = active(page)
    assert after is not None and after["inMain"], after  # the header's links were skipped
    assert page.locator("a.skip").bounding_box()["x"] < 0  # hidden again


def test_it_skips_to_the_board_columns(live_server, browser_page) -> None:  # noqa: ANN001
    page = browser_page
    sign_in(page, live_server.url, live_server.email)
    page.goto(f"{live_server.url}/staff/board")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Skip to content"
    page.keyboard.press("Tab")
    second = active(page)
    assert second is not None and second["text"] == "Skip to the board columns"
    page.keyboard.press("Enter")
    board = active(page)
    assert board is not None and board["id"] == "board" and board["outline"]


@pytest.mark.parametrize("where", ["public-form", "board", "item"])
def test_it_shows_where_the_focus_is_on_every_stop(live_server, browser_page, where: str) -> None:  # noqa: ANN001
    page, base = browser_page, live_server.url
    if where == "public-form":
        page.goto(f"{base}/feedback/new")
    else:
        send_feedback(page, base, "Lid does not close", "The lid of the kettle does not close.")
        sign_in(page, base, live_server.email)
        page.goto(f"{base}/staff/board")
        if where == "item":
            page.locator("article.board-card a.ref").first.click()
            page.wait_for_url(re.compile(r"/staff/items/\d+$"))
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = active(page)
        if focused is None:
            break
        stops.append(focused)
    assert len(stops) >= 10, stops
    unmarked = [f["id"] or f"{f['tag']}:{f['text']}" for f in stops if not f["outline"]]
    assert unmarked == []


def test_it_takes_and_moves_a_card_with_the_keyboard(live_server, browser_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    # A customer nobody owns yet, so the item waits unassigned in "New".
    send_feedback(
        page,
        base,
        "Keyboard-only parcel",
        "The parcel was left in the rain.",
        name="Kim Lee",
        email="kim.lee@example.org",
    )
    sign_in(page, base, live_server.email)
    page.goto(f"{base}/staff/board")
    card = page.locator("article.board-card", has_text="Keyboard-only parcel")
    card_id = card.get_attribute("id")
    assert card_id
    item_id = card_id.removeprefix("card-")

    # j walks the cards from the first; stop on ours.
    for _ in range(page.locator("#board a.ref").count()):
        page.keyboard.press("j")
        if (active(page) or {}).get("id") == f"{card_id}-ref":
            break
    focused = active(page)
    assert focused is not None and focused["id"] == f"{card_id}-ref"
    assert focused["outline"] and focused["column"] == "column-new"

    # Take it: the card is swapped and then moves column; the focus stays on it.
    tab_to(page, lambda f: f["id"] == f"take-{item_id}")
    page.keyboard.press("Enter")
    expect(page.locator(f"#column-assigned #{card_id} .owner-name")).to_have_text(live_server.name)
    expect(page.locator(f"#{card_id}-ref")).to_be_focused()

    # Open "Change", pick the next status with the arrow key, move it.
    tab_to(page, lambda f: f["tag"] == "summary")
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["id"] == f"move-{item_id}")
    expect(page.locator(f"#move-{item_id}")).to_have_value("assigned")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#move-{item_id}")).to_have_value("in_progress")
    tab_to(page, lambda f: f["id"] == f"move-{item_id}-submit")
    page.keyboard.press("Enter")
    expect(page.locator(f"#column-in_progress #{card_id}")).to_be_visible()
    expect(page.locator("#board-notice")).to_contain_text("is now in progress")
    # The focus comes back once the board has settled: on the Move button, or the card's link.
    page.wait_for_function(
        "id => document.activeElement?.closest('#column-in_progress #' + id) != null", arg=card_id
    )
    assert active(page)["id"] in (f"move-{item_id}-submit", f"{card_id}-ref")
    assert page.console_errors == []  # type: ignore[attr-defined]


def _refuse_log_feedback(page, base: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/feedback/new")
    page.click("#log-feedback-form button[type=submit]")


def _refuse_team(page, base: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/manage/teams")
    page.click("#team-form .primary")


def _refuse_target(page, base: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/manage/targets")
    page.fill("table.targets tbody tr:first-child input[name=first_response]", "soon")
    page.click("table.targets tbody tr:first-child td.state form:first-child button")


def _refuse_resolution(page, base: str) -> None:  # noqa: ANN001
    send_feedback(page, base, "Scratched table", "The table top arrived scratched.")
    page.goto(f"{base}/staff/items")
    page.locator("table.items a", has_text=re.compile(r"^FB-")).first.click()
    page.click("#resolve summary")
    page.click("#resolve-form button[type=submit]")


def _refuse_sign_in(page, base: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/sign-in")
    page.fill("#email", "nobody@example.test")
    page.fill("#password", "not the password")
    page.click("main button[type=submit]")


def _refuse_customer_reply(page, base: str) -> None:  # noqa: ANN001
    page.goto(send_feedback(page, base, "Lamp flickers", "The new lamp flickers."))
    page.fill("#body", "   ")  # passes the browser's `required`, refused by the server
    page.click("form.reply button[type=submit]")


# Where the focus goes when a form comes back refused: the summary of mistakes, or the one
# field at fault (described by its message); and who signs in first (None: nobody).
# The public form's summary is tested in test_form_mistakes.py.
REFUSED_FORMS = {
    "log-feedback": (_refuse_log_feedback, "email", "#error-summary"),
    "manage-team": (_refuse_team, "manager_email", "#error-summary"),
    "manage-target": (_refuse_target, "manager_email", "#error-summary"),
    "resolve": (_refuse_resolution, "email", "#resolve-errors"),
    "sign-in": (_refuse_sign_in, None, "#password[aria-describedby=sign-in-error]"),
    "tracking-reply": (_refuse_customer_reply, None, "#body[aria-describedby=body-error]"),
}


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize("form", list(REFUSED_FORMS))
def test_it_moves_the_focus_to_the_mistakes_on_a_refused_form(
    live_server,  # noqa: ANN001
    make_page,  # noqa: ANN001
    form: str,
    javascript: bool,
) -> None:
    from playwright.sync_api import expect

    refuse, who, summary = REFUSED_FORMS[form]
    page = make_page(java_script_enabled=javascript)
    if who is not None:
        sign_in(page, live_server.url, getattr(live_server, who))
    refuse(page, live_server.url)
    expect(page.locator(summary)).to_be_visible()
    expect(page.locator(summary)).to_be_focused()
    # From there, Tab goes on to the summary's first link, which leads to the field.
    links = page.locator(f"{summary} a")
    if links.count():
        # htmx focuses [autofocus] in its settle step, about 20 ms after the swap; a Tab
        # pressed before that would be undone by it (a race this test lost now and then).
        page.wait_for_function(
            "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
        )
        page.keyboard.press("Tab")
        expect(links.first).to_be_focused()
