"""In a real browser: a customer switches the public pages to Simplified Chinese, and the
choice holds on the pages that follow — including after the form comes back with mistakes."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_switches_to_chinese_and_remembers_it(live_server, browser_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    page.goto(f"{base}/feedback/new")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Tell us what you think")

    languages = page.locator("nav.languages")  # its name is translated too
    languages.get_by_role("link", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("欢迎提出您的意见")
    expect(languages.locator("[aria-current=true]")).to_have_text("简体中文")

    # The next page — the form sent with its message missing — is in Chinese too.
    page.check("input[name=kind][value=suggestion]")
    page.select_option("#category", "Website")
    page.fill("#name", "王芳")
    page.fill("#email", "wang.fang@example.cn")
    page.fill("#subject", "希望增加夜间模式")
    page.click("button[type=submit].primary")
    expect(page.locator("#error-summary h2")).to_have_text("请检查以下内容")
    expect(page.locator("#message-error")).to_have_text("请填写留言内容。")

    page.fill("#message", "晚上使用网站时屏幕太亮，希望能有夜间模式。")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/feedback/thanks/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("感谢您的反馈，我们已收到您的留言")

    # A fresh visit to the form, with no ?lang=, still speaks Chinese.
    page.goto(f"{base}/")
    expect(page.locator("h1")).to_have_text("欢迎提出您的意见")
    assert page.console_errors == [  # type: ignore[attr-defined]
        f"Failed to load resource: the server responded with a status of 422 "
        f"(Unprocessable Entity) ({base}/feedback)"
    ]


def test_it_switches_language_on_the_form_sent_back_with_mistakes(
    live_server, browser_page
) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    page.goto(f"{base}/feedback/new")
    page.click("button[type=submit].primary")  # empty: the page now answers POST /feedback
    expect(page.locator("#error-summary")).to_be_visible()

    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("欢迎提出您的意见")
    expect(page.locator("#feedback-form")).to_be_visible()
