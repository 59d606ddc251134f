"""The pure rules: reading a query and cutting a snippet."""

from __future__ import annotations

import pytest

from triage.search import make_snippet, parse_search, split_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("blender fire", ["blender", "fire"]),
        ('"returns policy" new', ["returns policy", "new"]),
        ('"unclosed phrase', ["unclosed phrase"]),
        ("Fire fire FIRE", ["Fire"]),
        ('  ""  ', []),
        ("退货 政策", ["退货", "政策"]),
    ],
)
def test_it_splits_words_and_phrases(text: str, terms: list[str]) -> None:
    assert split_terms(text) == terms


def test_it_keeps_a_spaced_phone_number_as_one_term() -> None:
    assert parse_search({"q": "+44 20 7946 0958"}).terms == ("+44 20 7946 0958",)
    assert parse_search({"q": "order 2026"}).terms == ("order", "2026")


def test_it_marks_every_match_around_the_first_and_keeps_the_rest_plain() -> None:
    text = "word " * 40 + "The Blender caught fire, the blender is gone. " + "tail " * 40

    pieces = make_snippet(text, ["blender", "fire"], context=30)

    assert [t for t, is_match in pieces if is_match] == ["Blender", "fire", "blender"]
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
    assert len("".join(t for t, _ in pieces)) < 130


def test_it_returns_the_start_unmarked_without_a_match() -> None:
    assert make_snippet("Short text\nwith lines", ["zzz"]) == [("Short text with lines", False)]
    assert make_snippet("", ["x"]) == []


def test_it_treats_regex_characters_in_terms_as_text() -> None:
    pieces = make_snippet("Price (incl. VAT) was 10.5*2", ["(incl.", "10.5*2"])

    assert [t for t, is_match in pieces if is_match] == ["(incl.", "10.5*2"]


def test_it_keeps_the_url_parameters_of_a_search() -> None:
    query = parse_search({"q": "kettle", "in": "notes", "status": "open", "after": "12"})

    assert query.to_query() == {"q": "kettle", "in": "notes", "status": "open"}
    assert parse_search(query.to_query()).scope == "notes"
