"""Cold-start sentiment scorers: the complaint-aware default and the TextBlob baseline."""

from __future__ import annotations

import math

import pytest

from feedback import sentiment
from feedback.sentiment import (
    LABELS,
    LOW_CONFIDENCE,
    ComplaintAwareScorer,
    Sentiment,
    TextBlobScorer,
    clean_text,
    get_scorer,
    score_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negation
        ("Not helpful at all.", "negative"),
        ("The agent was not helpful and not polite.", "negative"),
        ("It didn't work and nobody could tell me why.", "negative"),
        # complaint cues with no sentiment word
        ("I want a refund now. This is unacceptable.", "negative"),
        ("still waiting for my refund", "negative"),
        ("on hold for 2 hours", "negative"),
        ("I was charged twice for the same order", "negative"),
        ("They lost my parcel and nobody has called back.", "negative"),
        ("My delivery was cancelled without any notice", "negative"),
        ("Never again.", "negative"),
        ("The app keeps crashing when I open my statements", "negative"),
        ("Stopped working after two days, sending it back.", "negative"),
        ("Thanks for nothing.", "negative"),
        # questions that are really complaints
        ("Why has nobody answered my emails?", "negative"),
        ("why is my order delayed again?", "negative"),
        ("Where is my refund?", "negative"),
        ("How long does it take to get a simple reply??", "negative"),
        ("Is anyone actually reading these messages?", "negative"),
        # plain questions and statements
        ("What time do you open on Sunday?", "neutral"),
        ("Do you deliver to Norway?", "neutral"),
        ("Can I change the delivery address on my order?", "neutral"),
        ("How do I reset my password?", "neutral"),
        ("My order number is 48213.", "neutral"),
        # praise
        ("Thank you so much, the staff were wonderful!", "positive"),
        ("Great service and a lovely, quick delivery.", "positive"),
        ("The support team sorted it out in minutes. Impressed!", "positive"),
        ("Couldn't be happier with this purchase.", "positive"),
        ("No complaints at all, would order again.", "positive"),
        ("Thanks for the quick refund!", "positive"),
    ],
)
def test_it_labels_customer_messages(text: str, expected: str) -> None:
    assert score_text(text).label == expected


@pytest.mark.parametrize("text", ["not bad", "Not bad at all for the price.", "not too bad"])
def test_it_does_not_call_negated_criticism_negative(text: str) -> None:
    assert score_text(text).label != "negative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # customer-experience cues from reviews of products, food, places and services
        ("Honestly not worth it.", "negative"),
        ("I would not recommend this hotel.", "negative"),
        ("Would highly recommend to anyone.", "positive"),
        ("Wouldn't hesitate to recommend them.", "positive"),
        ("The soup came out cold.", "negative"),
        ("It took forever to get a table.", "negative"),
        ("Cheap plastic, the handle snapped within a week.", "negative"),
        ("Still works perfectly after five years.", "positive"),
        ("Sticky tables and a musty smell.", "negative"),
        ("Four stars, would come again.", "positive"),
        ("Two stars at best.", "negative"),
        ("Mediocre at best.", "negative"),
        ("Did exactly what it says on the box.", "positive"),
        ("Didn't live up to the hype.", "negative"),
        ("Had to ask twice for water.", "negative"),
        ("These boots fit perfectly.", "positive"),
        ("Great value for money.", "positive"),
        ("A real game changer for my mornings.", "positive"),
        ("Wish we had found this place years ago.", "positive"),
        ("Felt like a rip-off.", "negative"),
        ("It keeps my tea hot for hours.", "positive"),
        ("Not what I ordered.", "negative"),
        # review verdicts with no sentiment word (scorer version 3)
        ("We won't be back.", "negative"),
        ("I will never go back there.", "negative"),
        ("Spend your money somewhere else.", "negative"),
        ("Do yourself a favour and eat elsewhere.", "negative"),
        ("I've had better coffee at a petrol station.", "negative"),
        ("The service was not up to par.", "negative"),
        ("It took 45 minutes to get our starters.", "negative"),
        ("Our drinks never came.", "negative"),
        ("First and last time ordering from them.", "negative"),
        ("Two thumbs down.", "negative"),
        ("The brownies are to die for.", "positive"),
        ("A must-try if you are in town.", "positive"),
        ("We will definitely come back.", "positive"),
        ("Hard to beat at this price.", "positive"),
        ("I really like the new design.", "positive"),
        ("Two thumbs up!", "positive"),
        # ... and the look-alikes that are not verdicts
        ("You must have lost my bag.", "negative"),
        ("I like how nobody answers the phone.", "negative"),
        # weak but present evidence still decides a side
        ("Not too spicy, just right.", "positive"),
        ("Never had to wait more than a minute.", "positive"),
        ("The crust was thin and the cheese was stale.", "negative"),
        ("Delivered on time and works fine.", "positive"),
    ],
)
def test_it_reads_review_language(text: str, expected: str) -> None:
    assert get_scorer().score(text).label == expected


def test_it_does_not_read_a_willingness_to_return_as_a_complaint() -> None:
    assert get_scorer().score("I would not hesitate to come back.").label != "negative"


@pytest.mark.parametrize(
    ("plain", "negated"),
    [
        ("Worth it.", "Not worth it."),
        ("I recommend it.", "I wouldn't recommend it."),
        ("The room was dirty.", "The room was never dirty."),
        ("The lid is too tight.", "The lid is not too tight."),
    ],
)
def test_it_turns_negated_review_cues_around(plain: str, negated: str) -> None:
    scorer = get_scorer()
    assert {scorer.score(plain).label, scorer.score(negated).label} == {"positive", "negative"}


def test_it_asks_textblob_only_where_vader_and_the_cues_found_little() -> None:
    scorer = ComplaintAwareScorer()
    unsure = scorer.analyse("The crust was thin.")
    assert unsure is not None and unsure.textblob < 0
    assert unsure.sentiment.label == "negative"
    for text in ("Great food, lovely staff.", "Still waiting for my refund."):
        evidence = scorer.analyse(text)
        assert evidence is not None and evidence.textblob == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Love it 😍", "positive"),
        ("👍👍 arrived today", "positive"),
        ("Delivery today 😡", "negative"),
        ("my order 😭😭", "negative"),
        ("Okay 👎", "negative"),
    ],
)
def test_it_reads_emoji(text: str, expected: str) -> None:
    assert score_text(text).label == expected


def test_it_reads_shouting_as_anger_unless_it_is_praise() -> None:
    calm = score_text("I have been waiting for three weeks")
    shouted = score_text("I HAVE BEEN WAITING FOR THREE WEEKS")
    assert shouted.label == "negative"
    assert shouted.score < calm.score
    assert score_text("GREAT JOB, THANK YOU ALL").label == "positive"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "@shop https://t.co/abc", None])
def test_it_scores_empty_text_neutral_with_low_confidence(text: str | None) -> None:
    result = score_text(text)  # type: ignore[arg-type]
    assert result.label == "neutral"
    assert result.score == 0.0
    assert result.confidence < LOW_CONFIDENCE


def test_it_ignores_mentions_and_links() -> None:
    assert clean_text("@shop_help .@bank where's my card? https://x.co/1 #fail") == (
        "where's my card? fail"
    )
    plain = score_text("Where is my refund?")
    tagged = score_text("@shop Where is my refund? https://t.co/x1")
    assert (tagged.label, tagged.score) == (plain.label, plain.score)


@pytest.mark.parametrize("name", [None, "complaint-aware", "textblob"])
@pytest.mark.parametrize(
    "text",
    [
        "Absolutely furious!!! WORST SERVICE EVER 😡😡 never again, refund me NOW",
        "Best shop ever, love love love it 😍🎉 thank you!!!",
        "ok",
        "?",
        "Why? Why? Why?" * 50,
        "x" * 5000,
        "Ünïcödé téxt — fine 🙂",
    ],
)
def test_it_keeps_score_and_confidence_in_range(name: str | None, text: str) -> None:
    result = get_scorer(name).score(text)
    assert result.label in LABELS
    assert -1.0 <= result.score <= 1.0
    assert 0.0 <= result.confidence <= 1.0
    assert not math.isnan(result.score)
    assert result.category is None and result.category_confidence is None


def test_it_is_less_sure_when_praise_and_complaint_meet() -> None:
    clear = score_text("I want my money back, this is unacceptable.")
    mixed = score_text("Lovely staff, but I still haven't got my refund.")
    assert mixed.confidence < clear.confidence


def test_it_names_the_scorer_and_version() -> None:
    result = score_text("Thanks, all sorted.")
    assert isinstance(result, Sentiment)
    assert (result.scorer, result.version) == ("complaint-aware", ComplaintAwareScorer.version)


def test_it_builds_the_default_scorer_once() -> None:
    assert get_scorer() is get_scorer(None) is get_scorer("complaint-aware")


def test_it_offers_textblob_by_name() -> None:
    scorer = get_scorer("textblob")
    assert isinstance(scorer, TextBlobScorer)
    result = scorer.score("This is a great shop")
    assert (result.label, result.scorer) == ("positive", "textblob")
    assert scorer.score("This is a terrible shop").label == "negative"
    assert scorer.score("The shop opens at nine").label == "neutral"


@pytest.mark.parametrize("name", ["vader", "", "Complaint-Aware", "learned"])
def test_it_rejects_unknown_scorer_names(name: str) -> None:
    with pytest.raises(ValueError, match="unknown sentiment scorer"):
        get_scorer(name)


@pytest.mark.parametrize("name", [None, "textblob"])
def test_it_scores_many_like_one_at_a_time(name: str | None) -> None:
    scorer = get_scorer(name)
    texts = ["Where is my refund?", "", "Thanks a lot!", "Do you open on Sunday?"]
    assert scorer.score_many(texts) == [scorer.score(text) for text in texts]


def test_it_prefilters_cues_without_changing_results() -> None:
    """Every cue's anchors must occur in every text its pattern matches."""
    filtered = ComplaintAwareScorer()
    unfiltered = ComplaintAwareScorer()
    unfiltered._prefilter = False
    texts = [
        "still do not have my bag",
        "nobody ever answers the phone",
        "no response yet",
        "is anyone there?",
        "charged me twice",
        "my flight was cancelled",
        "delayed again!",
        "they lost my suitcase",
        "parcel never arrived",
        "doesn't work at all",
        "can't log in",
        "won't let me pay",
        "hung up on me",
        "website is down",
        "standing in line forever",
        "I already called",
        "won't be ordering from you again",
        "keeps crashing",
        "error 500",
        "wrong size",
        "rude staff",
        "worst bank",
        "complaint",
        "for the third time",
        "never shopping here again",
        "fed up",
        "seriously?",
        "they don't care",
        "should have known",
        "you can do better",
        "makes no sense",
        "couldn't be more disappointed",
        "stopped working",
        "sent it back",
        "expected more",
        "after two washes",
        "three hours",
        "I demand a refund",
        "please help",
        "trying to pay",
        "thanks for nothing",
        "zero stars",
        "no complaints",
        "exactly as described",
        "can't recommend them enough",
        "worth every penny",
        "will be back",
        "on time",
        "quick refund",
        "kudos",
        "not bad",
        "not worth it",
        "wouldn't recommend",
        "our go-to spot",
        "a stressfree stay",
        "more than made up for it",
        "the lamp flickers",
        "too salty",
        "cockroaches in the room",
        "had to ask twice",
        "never had to wait",
        "a real letdown",
        "didn't even say sorry",
        "9 out of 10",
        "2/10, would not go back",
        "doubt we'll be coming back",
        "first and last visit",
        "take your business elsewhere",
        "i've had much better",
        "nothing to write home about",
        "not really fresh",
        "taking 40 mins",
        "never brought the bill",
        "thumbs down",
        "hit it up again",
        "our new favourite",
        "could not have been more happy",
        "you can't beat it",
        "check it out",
        "we really liked it",
    ]
    for text in texts:
        assert filtered.analyse(text) == unfiltered.analyse(text), text


def test_it_exports_a_sensible_low_confidence_marker() -> None:
    assert 0.0 < LOW_CONFIDENCE < 1.0
    assert sentiment.DEFAULT_SCORER == "complaint-aware"


@pytest.mark.parametrize(
    "text",
    [
        "我上周退回了订单 88231 的水壶，退款什么时候能到账？",  # Chinese, with an order number
        "太差了，再也不买了 😡",  # Chinese, with an angry emoji
        "Я хочу вернуть деньги за заказ",  # Russian
        "المنتج وصل مكسورا",  # Arabic
    ],
)
def test_it_asks_for_a_check_on_text_it_cannot_read(text: str) -> None:
    result = ComplaintAwareScorer().score(text)
    assert result.confidence < LOW_CONFIDENCE
    assert result.confidence <= sentiment.UNREADABLE_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café was great, très bien", "positive"),  # accented Latin letters are read
        ("Order 88231 退款 please refund my money, it broke", "negative"),  # mostly English
    ],
)
def test_it_stays_confident_on_latin_text_with_a_few_other_letters(
    text: str, expected: str
) -> None:
    result = ComplaintAwareScorer().score(text)
    assert result.label == expected
    assert result.confidence >= LOW_CONFIDENCE
