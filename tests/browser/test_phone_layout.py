"""On a phone (375 × 740, touch): the customer's pages, the board and the dashboard never
scroll sideways, and every form control on them can be seen and has an accessible name."""

from __future__ import annotations

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {
    "viewport": {"width": 375, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# What a phone user would run into: the page wider than the screen (and the element that
# makes it so), and form controls that are cut off or have no name for a screen reader.
# Controls inside a closed <details> or the hidden honeypot are out of view on purpose, and
# a wide table scrolls inside its own .table-wrap, so those are not counted.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.scrollingElement;
  const width = root.clientWidth;
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.name ? `[name=${el.name}]` : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  if (root.scrollWidth > width + 1) {
    const overflows = el => el.getBoundingClientRect().right > width + 1
      || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible');
    const wide = [...document.body.querySelectorAll('*')]
      .filter(el => overflows(el) && !el.parentElement.closest('.table-wrap'));
    const culprits = wide.slice(-5).map(describe).join(', ');
    problems.push(`scrolls sideways: ${root.scrollWidth} > ${width} (${culprits})`);
  }
  const nameOf = el => {
    const byIds = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map(id => document.getElementById(id)?.textContent || '').join(' ');
    const labels = [...(el.labels || [])].map(label => label.textContent).join(' ');
    const own = el.tagName === 'BUTTON' ? el.textContent : (el.type === 'submit' ? el.value : '');
    return (el.getAttribute('aria-label') || byIds || labels || own).trim();
  };
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden' || el.closest('[aria-hidden=true]')) continue;
    if (el.closest('details:not([open])') && !el.closest('summary')) continue;
    if (!nameOf(el)) problems.push(`no accessible name: ${describe(el)}`);
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) {
      problems.push(`not visible: ${describe(el)}`);
    } else if (!el.closest('.table-wrap') && (box.left < -1 || box.right > width + 1)) {
      problems.push(`cut off (${Math.round(box.left)}..${Math.round(box.right)}): ${describe(el)}`);
    }
  }
  return problems;
}"""


def layout_problems(page) -> list[str]:  # noqa: ANN001
    return page.evaluate(LAYOUT_PROBLEMS)


def test_it_fits_the_customer_pages_on_a_phone(live_server, make_page) -> None:  # noqa: ANN001
    page = make_page(**PHONE)
    page.goto(f"{live_server.url}/feedback/new")
    assert layout_problems(page) == [], "public form"

    page.click("button[type=submit].primary")  # empty: the form comes back with its errors
    page.wait_for_selector("#error-summary")
    assert layout_problems(page) == [], "public form with errors"
    page.console_errors.clear()  # the 422 that brought the errors back

    tracking = send_feedback(
        page,
        live_server.url,
        "Refund for order 99812345678901234567890 still missing after three weeks",
        "I returned the jacket on 2 May (tracking JD0002212345678901234567) and have not "
        "had my refund. https://shop.example.com/orders/99812345678901234567890/return-label",
    )
    assert layout_problems(page) == [], "confirmation page"

    page.goto(tracking)
    assert layout_problems(page) == [], "tracking page"
    assert page.console_errors == []


def test_it_fits_the_staff_board_on_a_phone(live_server, make_page) -> None:  # noqa: ANN001
    page = make_page(**PHONE)
    send_feedback(page, live_server.url, "Late delivery", "The parcel came a week late.")
    sign_in(page, live_server.url, live_server.email)
    page.goto(f"{live_server.url}/staff/board")
    page.wait_for_selector("article.board-card")
    assert layout_problems(page) == [], "board"

    page.locator("article.board-card summary").first.click()  # a card's "Change" panel
    assert layout_problems(page) == [], "board with a card's actions open"
    assert page.console_errors == []


def test_it_fits_the_managers_dashboard_on_a_phone(live_server, make_page) -> None:  # noqa: ANN001
    page = make_page(**PHONE)
    send_feedback(page, live_server.url, "Rude driver", "The driver shouted at me.")
    sign_in(page, live_server.url, live_server.manager_email)
    page.goto(f"{live_server.url}/manager")
    page.wait_for_selector("#tile-satisfaction")
    assert layout_problems(page) == [], "dashboard"
    assert page.console_errors == []


#: Chart texts drawn past the edge of their chart (the last week's "7 Dec" read "7 De").
_CHART_TEXT_OUTSIDE = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')]
        .filter(t => { const r = t.getBoundingClientRect();
                       return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
        .map(t => svg.id + ': ' + t.textContent);
})"""


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_dashboard_charts_keep_their_labels_on_a_phone(live_server, make_page, lang) -> None:  # noqa: ANN001
    page = make_page(**PHONE)
    sign_in(page, live_server.url, live_server.manager_email)
    page.goto(f"{live_server.url}/manager?period=28&lang={lang}")
    page.wait_for_selector("svg#chart-response-trend")
    assert page.evaluate(_CHART_TEXT_OUTSIDE) == []
    assert layout_problems(page) == []
