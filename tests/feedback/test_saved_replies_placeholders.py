"""Placeholders are a fixed set, filled by plain substitution; anything else is refused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from feedback.saved_replies import (
    FillValues,
    fill,
    placeholder_problem,
    unfilled_gaps,
    validate_saved_reply,
    values_for,
)

JO = FillValues(
    customer_first_name="Jo",
    customer_name="Jo Park",
    reference="FB-7Q2K",
    subject="Parcel late",
    order_reference="A-1001",
    team_name="Care",
    my_first_name="Ana",
    my_name="Ana Costa",
)


@pytest.mark.parametrize(
    ("body", "values", "expected"),
    [
        ("Hi {customer_first_name},", JO, "Hi Jo,"),
        ("{customer_name} / {reference} / {subject}", JO, "Jo Park / FB-7Q2K / Parcel late"),
        ("Order {order_reference}, team {team_name}", JO, "Order A-1001, team Care"),
        ("— {my_first_name} ({my_name})", JO, "— Ana (Ana Costa)"),
        ("Order {order_reference}", FillValues(), "Order [order reference]"),
        ("Hi {customer_first_name}", FillValues(), "Hi [customer first name]"),
        ("{team_name}", FillValues(team_name="  "), "[team name]"),
        ("no placeholders at all", JO, "no placeholders at all"),
        ("您好 {customer_name}，订单 {order_reference}", JO, "您好 Jo Park，订单 A-1001"),
        # A value that looks like a placeholder is not filled again (one pass).
        ("{customer_name}", FillValues(customer_name="{my_name}"), "{my_name}"),
        ("{customer_name}", FillValues(customer_name="<script>x</script>"), "<script>x</script>"),
    ],
)
def test_it_fills_the_known_placeholders(body: str, values: FillValues, expected: str) -> None:
    assert fill(body, values) == expected


@pytest.mark.parametrize(
    ("body", "quoted"),
    [
        ("Hi {customer.__class__}", "{customer.__class__}"),
        ("Hi {0}", "{0}"),
        ("Hi {}", "{}"),
        ("Hi {customer_name.upper}", "{customer_name.upper}"),
        ("Hi {customer[0]}", "{customer[0]}"),
        ("Hi {Customer_Name}", "{Customer_Name}"),
        ("Hi { customer_name }", "{ customer_name }"),
        ("Hi {first_name}", "{first_name}"),
        ("{{ customer.name }}", "{ customer.name }"),
        ("{{customer_name}}", None),
        ("Hi {customer_name", None),
        ("Hi customer_name}", None),
        ("{% if x %}", None),
        ("{{", None),
    ],
)
def test_it_refuses_unknown_or_malformed_placeholders(body: str, quoted: str | None) -> None:
    problem = placeholder_problem(body)
    assert problem is not None
    assert "{customer_first_name}" in problem and "{my_first_name}" in problem  # the valid ones
    if quoted:
        assert quoted in problem


@pytest.mark.parametrize(
    "body",
    ["Hi {customer_first_name}, {reference} — {my_name}", "plain text", "Emoji 🙂 and 中文"],
)
def test_it_accepts_valid_bodies(body: str) -> None:
    assert placeholder_problem(body) is None


def test_it_puts_the_refusal_next_to_the_text_field() -> None:
    values, errors = validate_saved_reply(
        {"title": "T", "body": "Hi {customer.__class__}", "language": "en", "team": ""},
        team_ids=set(),
    )
    assert values is None and set(errors) == {"body"}
    assert "{customer.__class__}" in errors["body"]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"title": "", "body": "x", "language": "", "team": ""}, "title"),
        ({"title": "x" * 81, "body": "x", "language": "", "team": ""}, "title"),
        ({"title": "T", "body": "  ", "language": "", "team": ""}, "body"),
        ({"title": "T", "body": "x" * 5001, "language": "", "team": ""}, "body"),
        ({"title": "T", "body": "x", "language": "fr", "team": ""}, "language"),
        ({"title": "T", "body": "x", "language": "", "team": "99"}, "team"),
        ({"title": "T", "body": "x", "language": "", "team": "1; drop"}, "team"),
    ],
)
def test_it_checks_each_field_and_its_limit(form: dict, field: str) -> None:
    values, errors = validate_saved_reply(form, team_ids={1})
    assert values is None and field in errors


def test_it_cleans_what_it_keeps() -> None:
    values, errors = validate_saved_reply(
        {"title": "  Refund   timing ", "body": "a\r\nb \x00", "language": "zh_CN", "team": "1"},
        team_ids={1},
    )
    assert errors == {}
    assert values is not None
    assert (values.title, values.body, values.language, values.team_id) == (
        "Refund timing",
        "a\nb",
        "zh_CN",
        1,
    )
    assert values.scope_key == "team:1"


def test_it_takes_values_from_the_item_and_the_rep() -> None:
    item = SimpleNamespace(
        customer=SimpleNamespace(name="王 小明"),
        team=None,
        reference="FB-1",
        subject="s",
        order_reference="",
    )
    rep = SimpleNamespace(first_name="Ana", name="Ana Costa")
    values = values_for(item, rep)  # type: ignore[arg-type]
    text = fill("{customer_first_name} {order_reference} {team_name} {my_first_name}", values)
    assert text == "王 [order reference] [team name] Ana"
    assert unfilled_gaps(text) == ["[order reference]", "[team name]"]
