"""Sentiment scoring for customer feedback.

Every scorer turns a message into a :class:`Sentiment` (label, score, confidence and the
scorer's name and version) through the small :class:`Scorer` protocol, so the rest of the
portal does not care which scorer produced a result.

Two cold-start scorers work on a fresh installation, before anyone has confirmed a label:

* ``"complaint-aware"`` (the default, :class:`ComplaintAwareScorer`): VADER's lexicon and
  rules, re-weighted for customer-service language, plus a layer written for complaints —
  complaint cues ("still waiting", "on hold", "where is my refund"), questions that are really
  complaints ("why has nobody answered?") told apart from plain questions ("what time do you
  open?"), emoji, SHOUTING, and @mentions/URLs stripped.
* ``"textblob"`` (:class:`TextBlobScorer`): TextBlob polarity with a small neutral band; kept as
  the baseline the default scorer is measured against.

A per-installation learned model (see :mod:`feedback.learning`) implements the same protocol;
:func:`score_text` (used at intake) and :func:`current_scorer` use the installation's active
learned model when there is one, else the cold-start default.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

LABELS = ("negative", "neutral", "positive")

#: Below this confidence the board shows a "check sentiment" marker. For the complaint-aware
#: scorer, results under 0.5 are the ones near a label boundary, with conflicting signals
#: (praise words next to complaint cues), or with almost no text. On the labelled airline set
#: about 8% of messages fall below it and those are right half the time, against 75% for the
#: rest (``bench/sentiment_eval.py`` prints both), so the marker points staff at the doubtful
#: few without flooding the board. For the learned model, confidence is the probability of the
#: chosen label, and 0.5 means "less likely than not".
LOW_CONFIDENCE = 0.5

DEFAULT_SCORER = "complaint-aware"


@dataclass(frozen=True)
class Sentiment:
    """The sentiment of one message, as produced by a scorer."""

    label: str  # "negative" | "neutral" | "positive"
    score: float  # -1.0 .. 1.0
    confidence: float  # 0.0 .. 1.0
    scorer: str  # scorer name, e.g. "complaint-aware" or "textblob"
    version: str  # scorer version, e.g. "1"
    category: str | None = None  # only learned scorers suggest one
    category_confidence: float | None = None


class Scorer(Protocol):
    """Anything that scores messages: the cold-start scorers and the learned model."""

    name: str
    version: str

    def score(self, text: str) -> Sentiment: ...

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]: ...


# --------------------------------------------------------------------------------------------
# Text clean-up shared by the scorers

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<![\w@])[.]?@\w+")
_RETWEET_RE = re.compile(r"^\s*RT\b:?", re.IGNORECASE)
_HASHTAG_RE = re.compile(r"#(\w+)")
_SPACES_RE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Return ``text`` without @mentions, URLs, a leading "RT", HTML entities and ``#`` marks."""
    if "&" in text:
        text = html.unescape(text)
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
    text = _URL_RE.sub(" ", text)
    text = _MENTION_RE.sub(" ", text)
    text = _RETWEET_RE.sub(" ", text)
    text = _HASHTAG_RE.sub(r"\1", text)
    return _SPACES_RE.sub(" ", text).strip()


def _label_for(score: float, negative_below: float, positive_above: float) -> str:
    if score <= negative_below:
        return "negative"
    if score >= positive_above:
        return "positive"
    return "neutral"


def _empty_sentiment(scorer: str, version: str) -> Sentiment:
    return Sentiment("neutral", 0.0, 0.05, scorer, version)


# --------------------------------------------------------------------------------------------
# TextBlob baseline


class TextBlobScorer:
    """Baseline scorer: TextBlob's pattern-lexicon polarity with a small neutral band."""

    name = "textblob"
    version = "1"
    neutral_band = 0.05

    def __init__(self) -> None:
        from textblob import TextBlob  # imported here: only this scorer needs it

        self._textblob = TextBlob

    def score(self, text: str) -> Sentiment:
        """Score one message."""
        cleaned = clean_text(text or "")
        if not cleaned:
            return _empty_sentiment(self.name, self.version)
        polarity = float(self._textblob(cleaned).sentiment.polarity)
        label = _label_for(polarity, -self.neutral_band, self.neutral_band)
        if label == "neutral":
            confidence = 0.5 - abs(polarity)
        else:
            confidence = 0.5 + 0.5 * min(1.0, abs(polarity))
        return Sentiment(label, max(-1.0, min(1.0, polarity)), confidence, self.name, self.version)

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]:
        """Score many messages."""
        return [self.score(text) for text in texts]


# --------------------------------------------------------------------------------------------
# Complaint-aware cold-start scorer

# VADER's lexicon is built for social media at large. In messages to a company some of its
# words mean something else: "please help", "customer support" and "I'd like to" are requests,
# not praise. Values are on VADER's -4..4 scale.
_LEXICON_OVERRIDES: dict[str, float] = {
    "help": 0.0,
    # filler in reviews: "pretty dry", "to be honest", "seriously good"
    "pretty": 0.3,
    "honest": 0.3,
    "honestly": 0.0,
    "seriously": 0.0,
    "correct": 0.8,
    "incorrect": -1.2,
    "disgraceful": -2.2,
    "mortified": -1.8,
    "vomited": -2.0,
    "flavorless": -1.5,
    "flavourless": -1.5,
    "doughy": -0.8,
    "impeccable": 2.2,
    "please": 0.0,
    "pls": 0.0,
    "plz": 0.0,
    "support": 0.0,
    "care": 0.0,
    "like": 0.4,
    "hope": 0.6,
    "yes": 0.5,
    "sure": 0.4,
    "ok": 0.4,
    "okay": 0.4,
    "wow": 0.4,
    "god": 0.0,
    "lol": 0.4,
    "joke": -1.5,
    "free": 1.0,
    "worth": 1.2,
    "delay": -1.5,
    "delays": -1.5,
    "delayed": -1.5,
    "cancelled": -1.5,
    "canceled": -1.5,
    "stranded": -2.0,
    "overbooked": -1.5,
    "overcharged": -2.0,
    "overpriced": -1.6,
    "ripoff": -2.5,
    "nightmare": -2.5,
    "unhelpful": -1.8,
    "unreliable": -1.8,
    "unanswered": -1.5,
    "scammed": -2.5,
    "filthy": -2.2,
    "buggy": -1.6,
    "crashing": -1.6,
    "crashes": -1.6,
    "crashed": -1.6,
    "flimsy": -1.6,
    "stale": -1.2,
    "bland": -1.2,
    "undercooked": -1.5,
    "overcooked": -1.2,
    "burnt": -1.2,
    "leaks": -1.2,
    "understaffed": -1.5,
    "inconvenienced": -1.5,
    "unusable": -2.0,
    "disrespectful": -2.0,
    "absurd": -2.0,
    "thanks": 1.2,
    "thank": 1.0,
    "quick": 0.8,
    "quickly": 0.8,
    "prompt": 1.0,
    "promptly": 1.0,
    "comfy": 1.5,
    "handy": 1.2,
    "favourite": 2.0,
    "smooth": 1.2,
    "props": 1.5,
    "gem": 1.8,
    # words that describe products and services in reviews
    "wilted": -1.5,
    "crackles": -1.0,
    "crackling": -1.0,
    "rushed": -1.0,
    "deleted": -0.8,
    "lukewarm": -1.0,
    "leaky": -1.5,
    "soggy": -1.5,
    "greasy": -1.2,
    "cramped": -1.3,
    "smelly": -1.8,
    "mouldy": -2.0,
    "moldy": -2.0,
    "unresponsive": -1.8,
    "laggy": -1.5,
    "slow": -1.0,
    "outdated": -1.0,
    "stained": -1.5,
    "ripped": -1.2,
    "dented": -1.3,
    "chipped": -1.2,
    "cracked": -1.3,
    "scratched": -1.3,
    "wobbly": -1.2,
    "shrugged": -0.8,
    "overdue": -1.0,
    "comfiest": 2.0,
    "comfier": 1.5,
    "cosy": 1.8,
    "cozy": 1.8,
    "roomy": 1.2,
    "spacious": 1.2,
    "tender": 1.0,
    "crispy": 1.0,
    "spotless": 2.0,
    "sturdy": 1.5,
    "reliable": 1.8,
    "intuitive": 1.5,
    "seamless": 1.8,
    "effortless": 1.8,
    "speedy": 1.5,
    "attentive": 1.8,
    "knowledgeable": 1.8,
    "polite": 1.8,
    "tasty": 2.0,
    "professional": 1.5,
    "patient": 1.2,
    # more words that describe products, food and places in reviews
    "meh": -1.2,
    "letdown": -1.8,
    "mediocre": -1.4,
    "subpar": -1.6,
    "underwhelming": -1.6,
    "underwhelmed": -1.5,
    "overrated": -1.4,
    "junk": -1.8,
    "garbage": -1.8,
    "rubbish": -1.8,
    "shoddy": -2.0,
    "sloppy": -1.4,
    "tacky": -1.2,
    "clunky": -1.2,
    "glitchy": -1.5,
    "sluggish": -1.2,
    "inedible": -2.2,
    "tasteless": -1.5,
    "watery": -1.0,
    "rubbery": -1.2,
    "tepid": -1.0,
    "loud": -0.8,
    "noisy": -1.2,
    "sticky": -0.8,
    "musty": -1.3,
    "damp": -0.8,
    "mould": -1.5,
    "mold": -1.5,
    "scratchy": -1.0,
    "pricey": -0.8,
    "fragile": -0.8,
    "dismissive": -1.5,
    "condescending": -1.8,
    "inefficient": -1.5,
    "disorganised": -1.5,
    "quiet": 0.8,
    "fast": 0.8,
    "juicy": 1.5,
    "flavourful": 1.8,
    "flavorful": 1.8,
    "delish": 2.0,
    "succulent": 1.5,
    "fluffy": 1.0,
    "crisp": 1.2,
    "snappy": 1.2,
    "sleek": 1.5,
    "durable": 1.5,
    "affordable": 1.2,
    "bargain": 1.5,
    "immaculate": 2.0,
    "pristine": 1.8,
    "courteous": 1.8,
    "accommodating": 1.5,
    "lightweight": 1.0,
}

# Complaint cues: generic customer-service language that signals a problem even where no
# sentiment word appears. Each cue is (weight, anchors, pattern): the pattern runs on the
# lower-cased message only when one of the anchor substrings occurs in it (a cheap pre-filter,
# so every anchor must be a substring of every possible match). Each cue counts once per
# message; weights add up.
_COMPLAINT_CUES: tuple[tuple[float, str, str], ...] = (
    # waiting, chasing, being ignored
    (
        1.0,
        "still|yet to|nothing",
        r"\bstill (?:do |does |did |have |has |am |are |is )?(?:not|no|never|nothing|waiting|stuck|"
        r"on hold|trying|sitting|unable)\b|\bstill \w+n'?t\b|\b(?:have|has) yet to\b|"
        r"\bnothing (?:has )?(?:happened|changed)\b",
    ),
    (0.8, "hold", r"\bon hold\b|\bhold (?:time|music)\b"),
    (
        1.0,
        "one|body",
        r"\b(?:no ?one|nobody|no-one) (?:\w+ ){0,2}(?:answer|respond|repl|call|pick|help|came|show|"
        r"contact|got back|get back|bother|care|know|tell|told|seems|will|is|was|at|apologi)",
    ),
    (
        0.9,
        "no |zero|without|never",
        r"\b(?:no|zero|without|never got an?|never received an?) (?:response|reply|replies|answer|"
        r"update|updates|info|information|explanation|apology|call ?back|communication|notice|"
        r"warning|help|follow.?up|resolution|confirmation|refund)\b",
    ),
    (
        0.9,
        "one|body",
        r"\b(?:is|are) (?:there )?(?:anyone|anybody|someone|somebody) (?:\w+ )?(?:there|listening|"
        r"working|"
        r"home|available|reading|in charge)",
    ),
    (
        0.7,
        "answer|pick up|return",
        r"\b(?:answer|pick up|return) (?:the |my |your )?(?:phone|calls?|emails?|messages?)",
    ),
    (0.6, "ignor|unanswered|chas", r"\b(?:ignor(?:ed|ing)|unanswered|chasing|chased)\b"),
    # money back
    (0.7, "refund", r"\brefund"),
    (0.8, "back", r"\bmoney back\b|\bchargeback\b"),
    (0.6, "compensat|reimburs", r"\b(?:compensat|reimburs)"),
    (
        1.0,
        "charg",
        r"\b(?:charged (?:me )?(?:twice|double|again|for nothing)|double.?charged|overcharg)",
    ),
    # things that went wrong
    (0.8, "cancel", r"(?<!noise )\bcancel(?:l)?(?:ed|ation|ing)\b"),
    (
        0.8,
        "delay|late|missed|stranded|stuck",
        r"\bdelay(?:ed|s)?\b|\blate\b|\bmissed\b|\bstranded\b|\bstuck\b",
    ),
    (
        0.9,
        "los|misplaced|damaged|destroyed|broke|ruined|deleted|wiped|erased",
        r"\b(?:lost|lose|losing|misplaced|damaged|destroyed|broke|ruined|deleted|wiped|erased) "
        r"(?:my|our|the|a|his|her|"
        r"their|all)\b",
    ),
    (
        0.9,
        "never|not|n't",
        r"\b(?:never|not|hasn'?t|haven'?t|didn'?t|wasn'?t) (?:been )?(?:arrived|received|delivered|"
        r"refunded|resolved|fixed|shown up|turned up|showed up|returned|processed|credited|"
        r"answered|responded|replied|called)\b",
    ),
    (
        0.8,
        "n't|nt |not",
        r"\b(?:doesn'?t|does not|didn'?t|did not|won'?t|will not|can'?t|cannot|couldn'?t|"
        r"could not|isn'?t|is not|not) (?:even )?(?:work|working|load|loading|open|connect|respond|"
        r"answer|help|let me|let us|arrive|turn on|charge|sync|log|accept)",
    ),
    (
        0.7,
        "n't|nt |not|unable|impossible",
        r"\b(?:can'?t|cannot|couldn'?t|unable to|impossible to) (?!wait|complain|thank|recommend|"
        r"fault|beat|praise|imagine|stop|say enough|ask|wish|go wrong|get enough|live without|"
        r"put)\w+|"
        r"\b(?:not|won'?t|wouldn'?t|doesn'?t|didn'?t) let(?:ting)? (?:me|us)\b",
    ),
    (
        0.7,
        "hung|hangs|disconnect|bumped|down|offline|answer|together|no way|running out|considering",
        r"\bhung up\b|\bhangs up\b|\bdisconnect|\bbumped (?:me|us)\b|\b(?:website|site|app|system|"
        r"server|page|portal|service) (?:is |was |keeps )?(?:down|offline)\b|"
        r"\b(?:doesn'?t|does not|didn'?t|did not) (?:really )?answer\b|\bnot an? answer\b|"
        r"\bget it together\b|\bno way to\b|\brunning out of\b|"
        r"\bconsidering (?:quitting|leaving|switching|cancel)",
    ),
    (
        0.6,
        "line|queue",
        r"\b(?:standing|stuck|waiting|wait) in (?:a |the )?(?:line|queue)|"
        r"\blines? (?:out the door|around|is huge)|\b(?:long|huge|endless) (?:lines?|queues?)\b",
    ),
    (0.4, "already", r"\balready (?:have|did|tried|called|sent|done|emailed|asked|told|paid)\b"),
    (
        0.9,
        "again",
        r"\b(?:not|never|won'?t|wouldn'?t) (?:be )?(?:fly|us|shop|order|buy|com|go|eat|stay|book|"
        r"recommend)\w* (?:\w+ ){0,4}again\b",
    ),
    (
        0.7,
        "keep|kept",
        r"\b(?:keeps?|kept) (?:on )?(?:crash|fail|freez|break|drop|cancel|los|charg|ask|tell|"
        r"getting|sending|giving|logging|disconnect|happen)",
    ),
    (
        0.6,
        "error|bug|glitch|crash|faulty|defective|broken|malfunction",
        r"\b(?:error|bug|glitch|crash|faulty|defective|broken|malfunction)",
    ),
    (0.6, "wrong|incorrect|missing", r"\b(?:wrong|incorrect|missing)\b"),
    (
        0.6,
        "rude|unprofessional|incompeten|useless|unhelpful|pathetic|ridiculous|unacceptable|"
        "disgrace|shambles|nightmare|joke",
        r"\b(?:rude|unprofessional|incompeten|useless|unhelpful|pathetic|ridiculous|unacceptable|"
        r"disgrace|shambles|nightmare|joke)\b",
    ),
    (
        0.6,
        "worst|terrible|horrible|awful|appalling|disgusting",
        r"\b(?:worst|terrible|horrible|awful|appalling|disgusting)\b",
    ),
    (0.6, "complain", r"\bcomplain(?:t|ts|ed|ing)?\b"),
    # repetition and running out of patience
    (
        0.6,
        "again|another|time",
        r"\b(?:yet again|once again|again\W*$|yet another|every (?:single )?time|"
        r"for the (?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time|\d+(?:nd|rd|th) time|"
        r"how many (?:more )?times)",
    ),
    (0.9, "again|last time", r"\bnever (?:\w+ ){0,4}again\b|\bneveragain\b|\blast time i\b"),
    (
        0.8,
        " up|of|enough|switching|business|customer|waste",
        r"\b(?:fed up|sick of|tired of|had enough|enough is enough|give up|gave up|given up|"
        r"switching to|take my business|lost (?:a|me as a) customer|losing (?:a )?customer|"
        r"waste of|wasted)\b",
    ),
    (
        0.6,
        "seriously|unbelievable|come on|wtf|smh|ugh|ffs|really?",
        r"\b(?:seriously|unbelievable|come on|wtf|smh|ugh|ffs|really\?)",
    ),
    (
        0.6,
        "care",
        r"\b(?:couldn'?t care less|(?:don'?t|doesn'?t|do not|does not) (?:seem to )?care)",
    ),
    (
        0.4,
        "have|supposed|promised",
        r"\b(?:should(?:n'?t)? have|could have|supposed to|(?<!than )promised)\b",
    ),
    (
        0.8,
        "better|work|improve|should",
        r"\b(?:could|can|should|need to|needs to|got to|have to|must) (?:do|be) better\b|"
        r"\bneeds? (?:a lot of |some )?(?:work|improvement)\b|\bneed to work on\b|"
        r"\bshould (?:really )?(?:look into|think about|consider|train|fix|improve|learn)\b",
    ),
    (
        0.6,
        "sense|usual|existent|show|how",
        r"\bmakes? no sense\b|\bas usual\b|\bnon.?existent\b|\bno.?show\b|"
        r"\bhow (?:do|can) (?:i|we) (?:get through|reach|talk to|speak to)",
    ),
    (
        1.5,
        "couldn|only",
        r"\bcouldn'?t be (?:more|any more) (?:disappointed|angry|upset|frustrated|unhappy|annoyed)|"
        r"\b(?:the )?only (?:good|decent|nice|positive|edible|redeeming) thing\b",
    ),
    # products that failed
    (
        0.9,
        "stop|quit|broke|fell|came|rusted|shrank|faded|peeled",
        r"\b(?:stopped|stops|quit) (?:working|charging|responding)|\b(?:broke|fell apart|fell off|"
        r"came off|came apart|came loose|rusted|shrank|faded|peeled)\b",
    ),
    (
        0.9,
        "back|returned|nothing like|not even close|than",
        r"\b(?:returned|return|sent|send|sending|took|take) (?:it|them|this|the \w+) back\b|"
        r"\breturned (?:it|them)\b|\bnothing like\b|\bnot even close\b|"
        r"\b(?:smaller|bigger|worse|thinner|flimsier|less) than (?:advertised|described|expected|"
        r"pictured|shown|promised|in the)",
    ),
    (
        0.7,
        "expected|stay away|avoid|off|cheap|barely|shame|pity|jam|clog",
        r"\bexpected (?:more|better)\b|\bstay away\b|\bavoid\b|\bknock.?off\b|"
        r"\bcheap(?:ly)? (?:made|materials?|plastic|quality)|\bfeels? cheap\b|\bbarely\b|"
        r"\bshame (?:about|that)\b|\bpity (?:about|that)\b|\bjams?\b|\bclogs?\b",
    ),
    (
        0.5,
        "after",
        r"\bafter (?:one|two|three|a couple of|a few|\d+) (?:uses|washes|days|weeks|months|trips|"
        r"walks)",
    ),
    # durations: "for 2 hours", "three days later"
    (
        0.5,
        "hour|hr|day|week|month|minutes|mins",
        r"(?<!in )(?<!within )(?<!under )(?<!than )"
        r"\b(?:\d+|an?|one|two|three|four|five|six|several|many|few|24|48) (?:more |extra |whole |"
        r"full )?(?:hours?|hrs?|days?|weeks?|months?|minutes|mins)\b",
    ),
    # asking for help / action
    (
        0.8,
        "want|need|demand|expect",
        r"\b(?:want|need|demand|expect)\w* (?:my money|a refund|an answer|an explanation|"
        r"an apology|compensation|someone to|to speak to|to talk to)",
    ),
    (
        0.5,
        "please|pls|plz|help|fix",
        r"\b(?:please|pls|plz) (?:help|fix|respond|answer|call|reply|get back|look into|sort|"
        r"do something|explain|refund)|\bhelp!|\bhelp me\b|\bneed help\b|\bfix (?:this|it)\b",
    ),
    (0.4, "tr", r"\b(?:trying|tried) to\b"),
    # sarcasm and scores
    (
        1.4,
        "thank",
        r"\bthanks? (?:you )?(?:a lot )?for (?:nothing|ruining|wasting|making me|leaving|losing|"
        r"the delay|the runaround|ignoring|cancel)",
    ),
    # customer-experience complaints common in reviews of products, food and places
    (
        1.0,
        "forever|ages|eternity",
        r"\b(?:took|takes|taking|take|wait(?:ed|ing|s)?|waits) (?:\w+ )?"
        r"(?:forever|ages|an eternity)\b|\bforever to\b",
    ),
    (
        0.9,
        "cold|lukewarm|tepid",
        r"\b(?:food|meal|dish|dishes|pizza|fries|chips|soup|coffee|burger|pasta|steak|tea|plates?|"
        r"breakfast|dinner|lunch|order|noodles|rice|eggs|everything) (?:was|were|is|are|came|"
        r"arrived|came out|turned up|served)(?: \w+){0,2} (?:cold|stone.cold|lukewarm|tepid)\b|"
        r"\b(?:cold|lukewarm|tepid) (?:food|fries|chips|pizza|coffee|soup|meal|tea|burger|pasta|"
        r"eggs|toast|breakfast|dinner)\b|"
        r"\b(?:arrived|served|came out) (?:\w+ )?(?:cold|lukewarm)\b",
    ),
    (
        1.0,
        "last|surviv",
        r"\bonly lasted\b|\blasted (?:only|just|barely|less than)\b|"
        r"\b(?:didn'?t|did not|won'?t|will not|doesn'?t|does not|don'?t|do not) (?:even )?last\b|"
        r"\b(?:didn'?t|did not) survive\b",
    ),
    (
        0.9,
        "rip|price|expensive",
        r"\brip.?off\b|\bripped (?:me |us )?off\b|\bover.?priced\b|\bexpensive for (?:what|such)\b|"
        r"\bprices? (?:have |has )?(?:gone up|doubled|went up)\b",
    ),
    (
        0.7,
        "forg",
        r"\b(?:they|he|she|staff|waiter|waitress|server|kitchen|driver|it|you|you've|they've) "
        r"(?:\w+ )?(?:forgot|forgotten|forgets|keeps? forgetting)\b|"
        r"\b(?:forgot|forgotten) (?:our|half|part|some|about (?:us|our|my))\b",
    ),
    (
        1.0,
        "bother|waste|save your|beware|mistake|regret",
        r"\b(?:don'?t|do not) (?:bother|waste)\b|\bsave your (?:money|time|breath)\b|"
        r"\bbuyer beware\b|\b(?:big|huge|costly|expensive) mistake\b|"
        r"\bregret (?:buying|ordering|booking|getting|choosing|staying|going|it|this)\b",
    ),
    (
        0.9,
        "not what|different",
        r"\bnot what (?:i |we )?(?:expected|ordered|was promised|were promised|paid for|"
        r"asked for)\b|"
        r"\b(?:completely|totally|very|so) different (?:from|than|to) (?:the |what )?(?:pictures?|"
        r"photos?|description|website|listing|advertised|shown|pictured)",
    ),
    (
        0.9,
        "step back|downgrade|downhill|used to|worse than",
        r"\bstep backwards?\b|\bdowngrade\b|\b(?:gone|went|going) downhill\b|"
        r"\bnot what (?:it|they|this place) used to be\b|"
        r"\bused to be (?:good|great|better|nice|decent|my favou?rite)\b|"
        r"\bworse than (?:before|the old|the last|the previous|my old|ever)\b",
    ),
    (0.9, "at best", r"\bat best\b"),
    # Not coming back: "won't be back", "would not go back", "will never, ever return",
    # "not in a hurry to go back", "doubt I'll be back" (but not "not hesitate to come back").
    (
        1.0,
        "back|return|revisit|set foot|step foot",
        r"\b(?:won'?t|wont|will not|wouldn'?t|would not|never|not|no longer|"
        r"doubt (?:i|we)'?(?:ll)?|don'?t think (?:i|we)'?(?:ll| will)?)\b(?! hesitate)"
        r"(?:,? [\w']+){0,3}?,? "
        r"(?:be back|be returning|returning|return|revisit\w*|(?:be )?(?:going|coming|go|come|"
        r"running|rushing|hurrying|heading|head) back|set foot|step foot)\b"
        r"(?! (?:it|this|them|the|my|our)\b)",
    ),
    (
        1.2,
        "star|/|out of",
        r"\b(?:no|zero|0|one|1|two|2|half a) stars?\b|"
        r"\b(?:0|1|2|3|zero|one|two|three) ?(?:/|out of) ?(?:10|ten|5|five)\b",
    ),
    # Review verdicts that carry no sentiment word: a last visit, advice to go elsewhere,
    # "I've had better", "not up to par", time taken to serve.
    (
        1.0,
        "last",
        r"\bfirst \(?and (?:the |my )?last\b|\b(?:my|our) (?:last|final) (?:time|visit|order|"
        r"purchase|stay|flight)\b|\bbe the last (?:time)?\b",
    ),
    (
        1.0,
        "else|favor|favour|spend your|save your|don't|dont|do not",
        r"\b(?:go|look|eat|shop|try|take your \w+|spend your \w+(?: and \w+)?) "
        r"(?:somewhere|some ?place|anywhere) else\b|"
        r"\b(?:go|look|eat|shop|try|take your \w+|spend your \w+(?: and \w+)?) "
        r"else ?where\b|\bdo yourself a favou?r\b|\b(?:spend|save) your (?:money|time|hard.earned)|"
        r"\b(?:don'?t|dont|do not) (?:go|waste|bother|buy|eat|order|stay|book) ?(?:here|there|this|"
        r"it|them|your|at|with|from)?\b(?! (?:anywhere|wrong|without|else))",
    ),
    (
        0.9,
        "better",
        r"\b(?:i'?ve|we'?ve|i have|we have|have|had) (?:had|seen|eaten|tasted|used|stayed at) "
        r"(?:much |far |way |a lot |so much )?better\b",
    ),
    (
        0.8,
        "par|lacking|desired|nothing|thing|idea|rated|impressed|not",
        r"\b(?:not up to|below|under) par\b|\bsub ?par\b|\blacking\b|"
        r"\b(?:leaves?|left) (?:a lot|much|something|a great deal) to be desired\b|"
        r"\bnothing (?:special|to write home about|spectacular|authentic)\b|"
        r"\bnot (?:my|our) (?:thing|cup of tea|idea of)\b|\bover.?rated\b|"
        r"\bnot (?:that|so|very|too|all that|really) (?:good|great|tasty|fresh|special|impressive|"
        r"friendly|helpful|clean|nice|comfortable|appealing|filling)\b|"
        r"\bnot (?:at all )?impressed\b",
    ),
    (
        0.6,
        "took|tak|min|wait",
        r"\b(?:took|takes|taking|take|waited|waiting|wait) (?:over |about |around |nearly |almost |"
        r"more than |at least |another |an extra |a good |a full )?(?:\d+|an?|one|two|three|four|"
        r"five|ten|fifteen|twenty|thirty|forty|forty.five|fifty|several) ?(?:more )?(?:min|mins|"
        r"minutes|hours?|hrs?)\b|\b\d+ ?min(?:ute)?s? (?:passed|later|wait)\b",
    ),
    (
        0.8,
        "never",
        r"\bnever (?:brought|came|showed|arrived|refilled|checked on|returned|answered|replied|"
        r"responded|acknowledged|apologi[sz]ed|offered|got (?:our|my|the))\b",
    ),
    (0.8, "thumbs", r"\bthumbs? down\b"),
)

# Questions whose answer is a complaint ("where is my refund?", "why was it cancelled?").
_COMPLAINT_QUESTION_RE = re.compile(
    r"\bwhy\b|\bhow come\b|\bhow (?:is|was) (?:this|that|it) (?:an? |even )?(?:issue|problem|"
    r"possible|acceptable|ok|okay|fair|legal|allowed)|\bwhere(?:'s| is| are) (?:my|our|the)\b|"
    r"\bwhat(?:'s| is) "
    r"(?:going on|the hold ?up|happening|taking so long|the problem)|\bhow long\b|"
    r"\bwhen (?:will|are|is|can|do) (?:i|we|you|my|our|it|they|someone)\b.*"
    r"\b(?:back|refund|fix|respond|reply|arrive|get|hear|deliver|call|answer)"
)
# Plain information questions: neutral unless something else says otherwise.
_INFO_QUESTION_RE = re.compile(
    r"^(?:hi|hello|hey|quick question)?\W*(?:what time|what(?:'s| is) (?:the|your)|do you|"
    r"does (?:it|the|this|your)|can i|could i|may i|is there|are there|is it|are you|"
    r"how (?:do|can|much|many) (?:i|we|you|does|is)|where (?:can|do|should) (?:i|we)|which|"
    r"will (?:there|you|it)|when (?:do|does|is|are) (?:you|the|it)|any (?:idea|chance|way|news)|"
    r"do i|should i|am i|would it|who)"
)

# Praise that VADER's word-level lexicon misses or gets backwards; same layout as above.
_PRAISE_CUES: tuple[tuple[float, str, str], ...] = (
    (
        2.0,
        "no |complain|without",
        r"\bno (?:complaints|problems?|issues?)\b|\bnothing to complain\b|"
        r"\banything to complain about\b|"
        r"\bwithout (?:any |a )?(?:hassle|fuss|problems?|issues?|hitch|hiccups?|glitch)\b|"
        r"\bno (?:hassle|fuss|paperwork|queues?|waiting)\b",
    ),
    (
        0.8,
        "exactly|says|all day|way",
        r"\bexactly (?:what|as) (?:i|we|described|advertised|pictured)|"
        r"\bdoes (?:exactly )?what it says\b|\blasts? all day\b|"
        r"\bout of (?:their|his|her|your) way\b",
    ),
    (
        2.0,
        "can|couldn",
        r"\bcan'?t (?:recommend|thank|praise) (?:\w+ ){0,3}enough\b|\bcan'?t fault\b|"
        r"\bcouldn'?t (?:be|have been) (?:happier|nicer|better|more helpful|easier)\b",
    ),
    (
        1.0,
        "exceeded|star|/|out of|a+",
        r"\bexceeded\b|\b(?:five|5|four|4|4\.5|six|6) stars?\b|"
        r"\b(?:9|10|11|nine|ten|eleven) ?(?:/|out of) ?(?:10|ten)\b|"
        r"\b(?:5|five) ?(?:/|out of) ?(?:5|five)\b|"
        r"\ba\+",
    ),
    (
        0.8,
        "again|be back",
        r"\b(?:would|will|'ll|'d) (?:definitely |happily |certainly )?(?:buy|order|come|go|fly|"
        r"stay|use|book|shop|recommend)\w* (?:\w+ ){0,3}again\b|"
        r"\b(?:will|'ll) (?:definitely |certainly )?be back\b",
    ),
    (
        0.6,
        "time|schedule|early|works",
        r"\bon time\b|\bahead of schedule\b|\bearly\b|\bin no time\b|\bjust works\b|"
        r"\bworks (?:perfectly|great|well|fine|like a charm)\b",
    ),
    (
        1.0,
        "quick|fast|prompt|speedy|easy|free",
        r"\b(?:quick|fast|prompt|speedy|easy|hassle.free) (?:refund|replacement|reply|response|"
        r"delivery|service|fix|repair|resolution|shipping|dispatch|turnaround|set.?up|"
        r"installation|check.?in|check.?out)",
    ),
    (
        0.6,
        "kudos|shout|hats off|appreciated|so much",
        r"\b(?:kudos|shout ?out|hats off|much appreciated|thank you so much|thanks so much)\b",
    ),
    (0.5, "not", r"\bnot (?:bad|terrible|awful|too bad|disappointed)\b"),
    # Review verdicts: coming back, a must, can't beat it, "to die for" (VADER reads "die").
    (
        1.0,
        "back|return|regular|weekly|new|again",
        r"\b(?:will|'ll|would|'d|definitely|def|certainly|gladly|happily|surely)(?: definitely| "
        r"certainly| surely| def| happily| be)* (?:come|coming|go|going|head|heading|be heading) "
        r"back\b(?! (?:to complain|for a refund|and forth|to the|to get|to pick))|"
        r"\b(?:will|'ll) (?:definitely |certainly |surely )?return\b|"
        r"\b(?:been|gone|come) back (?:every|again|several|many|twice|three|a few|since)\b|"
        r"\b(?:a|my|our) (?:regular|weekly|new) (?:stop|spot|haunt|favou?rite)\b|"
        r"\bhit (?:it|this place|them) up again\b",
    ),
    (
        1.2,
        "must|die|world|hooked|spot|beat|thumbs|enough|happ|pleased|satisfied",
        r"\bmust.(?:have|try|see|stop|visit|buy|do|read|watch)\b(?! (?:been|lost|had|forgotten|"
        r"missed|thought|known|done|made|gotten|taken))|\b(?:an? (?:absolute )?|absolute )must\b|"
        r"\bto die for\b|\bout of (?:this|the) world\b|\bhooked\b|\bhits? the spot\b|"
        r"\b(?:can'?t|cannot|can not|hard to|tough to) (?:be )?beat\b|\b(?:two |2 )?thumbs? up\b|"
        r"\bcan'?t say enough\b|\bcould(?:n'?t| not) (?:be|have been) (?:any )?(?:happier|more "
        r"(?:pleased|satisfied|happy))\b",
    ),
    (0.6, "check", r"\bcheck (?:it|them|this place) out\b"),
    (
        0.8,
        "like|liked",
        r"\b(?:i|we|really|definitely|totally|also) (?:really |definitely |truly |also |do )?"
        r"(?:like|liked)\b(?! (?:to|it when|how|that|the way|being|waiting|a))",
    ),
)

# Customer-experience cues found in reviews of products, food, places and services, with a sign:
# weight > 0 is praise, < 0 a complaint. The layout is that of the cues above, except that the
# anchors are whole words (runs of letters), and every match must contain one of them: a cue's
# pattern runs only when one of its words is in the message. A negator within three words before
# the match, in the same clause ("not worth it", "wouldn't recommend", "never had to wait", "not
# too salty"), turns the cue to the other side: a negated praise cue counts as a complaint of the
# same weight, a negated complaint cue as praise of half its weight.
_REVIEW_CUES: tuple[tuple[float, str, str], ...] = (
    (
        1.2,
        "recommend|recommended|recommending|recommends",
        r"\brecommend(?:ed|ing|s)?\b(?! (?:a|an|some|any|me|us)\b)(?!.{0,30}\benough\b)",
    ),
    (
        1.0,
        "worth",
        r"\bworth (?:it|every|the|a|its|each|buying|getting|trying|visiting|paying|the money|"
        r"the price|the wait|the trip|a visit)\b|\bwell worth\b",
    ),
    (
        0.8,
        "value|buck|well",
        r"\b(?:good|great|excellent|fantastic|amazing|superb|incredible|decent|fair|terrific|"
        r"outstanding|brilliant) value\b|\bvalue for (?:money|the money|the price)\b|"
        r"\bbang for (?:the|your|my|our) buck\b|\bwell (?:made|built|designed|packaged|constructed|"
        r"priced|thought.out|organi[sz]ed|run|presented|cooked|seasoned|maintained|equipped|"
        r"stocked)\b",
    ),
    (
        1.0,
        "fit|fits|size",
        r"\bfits? (?:perfectly|great|well|nicely|beautifully|like a glove|true to size|"
        r"just right)\b|"
        r"\btrue to size\b|\b(?:perfect|great|good|lovely|flattering) fit\b",
    ),
    (
        0.8,
        "job|says|should|promises|claims|described|advertised|pictured|shown|promised",
        r"\b(?:does|did|do|doing|gets|got|get) the job(?: done)?\b|"
        r"\b(?:does|do|did) (?:exactly )?what it (?:says|should|promises|claims)|"
        r"\bas (?:described|advertised|pictured|shown|promised)\b",
    ),
    (
        1.2,
        "back|returning|go|goto|second|third|another|more",
        r"\b(?:keep|kept|keeps) (?:coming|going) back\b|"
        r"\b(?:will|'ll|would|'d|definitely|certainly|gladly|happily) (?:definitely |certainly |"
        r"happily |be )*(?:returning|coming back|going back|back again)\b"
        r"(?! (?:it|this|them|the|my|our)\b)|"
        r"\bgo.?to (?:spot|place|brand|shop|restaurant|pan|app|store|cafe|option|choice)\b|"
        r"\b(?:bought|ordered|buying|ordering|getting|got) (?:a |another |two |some )?(?:second|"
        r"third|another|more) (?:one|pair|set|for)\b|\b(?:bought|ordered|got) (?:another|a second|"
        r"two more)\b",
    ),
    (
        1.0,
        "still",
        r"\bstill (?:going strong|works?(?! on)|running (?:fine|well|great|strong)|"
        r"looks? (?:new|great|good|brand new|like new)|like new|as good as new|sharp|holding up|"
        r"my favou?rite|the best|in (?:great|perfect|good|mint) (?:shape|condition))\b",
    ),
    (
        0.8,
        "new",
        r"\blooks? (?:brand )?new\b|\b(?:as )?good as new\b|\blike new\b",
    ),
    (
        1.5,
        "ago|sooner|earlier",
        r"\b(?:wish (?:i|we)(?:'d| had)|should(?:'ve| have)) (?:\w+ ){1,4}"
        r"(?:years|months|ages|long) ago\b|"
        r"\b(?:wish (?:i|we)(?:'d| had)|should(?:'ve| have)) (?:bought|switched|got|gotten|"
        r"ordered|tried|found|done|made|gone|come) (?:\w+ ){0,3}(?:sooner|earlier)\b",
    ),
    (
        1.5,
        "ask|asked|wish|wished|wrong|enough|without|put",
        r"\bcould(?:n'?t| not) (?:ask|wish|have asked|have wished) for (?:more|better|anything)|"
        r"\bcan'?t (?:ask|wish) for (?:more|better|anything)|\bcan'?t go wrong\b|"
        r"\bcan'?t get enough\b|\bcan'?t live without\b|"
        r"\b(?:can|could)(?:n'?t| not) put (?:it|this|the book) down\b",
    ),
    (
        1.0,
        "beyond|mile|blown|blew",
        r"\bbeyond (?:my|our) expectations\b|\babove and beyond\b|\bthe extra mile\b|"
        r"\bblown away\b|\bblew (?:me|us) away\b",
    ),
    (
        0.8,
        "expectation|expectations|hype|reviews|name|promise",
        r"\b(?:met|meet|meets|meeting|matched|match|lived up to|live up to|lives up to) "
        r"(?:\w+ ){0,2}expectations?\b|"
        r"\blive(?:d|s)? up to (?:the|its|their) (?:hype|reviews|name|promise)\b",
    ),
    (
        1.2,
        "single|had|beat|failed",
        r"\bnot (?:a|one) single (?:problem|issue|complaint|fault|hiccup|glitch)|"
        r"\bnever (?:once )?had (?:a|any|an|one) (?:problem|issue|complaint|fault|bad)|"
        r"\b(?:hasn'?t|has not|haven'?t|never) (?:missed|skipped) a beat\b|"
        r"\b(?:hasn'?t|has not|haven'?t|have not|never) failed (?:me|us)\b",
    ),
    (
        1.0,
        "free|stressfree|hasslefree|worryfree|painfree|troublefree|problemfree|fussfree|up|no",
        r"\b(?:stress|hassle|worry|pain|trouble|problem|fuss).?free\b|"
        r"\b(?:makes?|made) up for (?:it|that|this|the)\b|"
        r"\b(?:at|for) no (?:extra |additional )?(?:cost|charge)\b|\bfree of charge\b|"
        r"\bno extra charge\b",
    ),
    (
        1.2,
        "easier|saver|lifesaver|changer|gamechanger",
        r"\b(?:life|lives|job|mornings?|cooking|cleaning|travel|everything|work) "
        r"(?:so |much |a lot |far |way )?easier\b|\blife.?saver\b|\bgame.?changer\b",
    ),
    (
        0.8,
        "kept|keep|keeps",
        r"\b(?:kept|keeps?) (?:me|us|it|them|the \w+|my \w+|coffee|food|drinks?|tea|water) "
        r"(?:nice and )?(?:warm|dry|cool|hot|fresh|safe|comfortable|cosy|cozy|cold|organi[sz]ed|"
        r"clean)\b",
    ),
    (
        0.6,
        "hot|fresh|freshly|warm",
        r"\bpiping hot\b|\bfresh(?:ly)? (?:made|baked|cooked|ground|prepared|squeezed|brewed)\b|"
        r"\b(?:hot|warm) and (?:fresh|tasty|delicious)\b|\bstill warm\b",
    ),
    (
        0.6,
        "use",
        r"\buse (?:it|them|this|one) (?:every ?day|daily|all the time|every (?:morning|night|week)|"
        r"constantly)\b",
    ),
    (
        -0.8,
        "died|dies|gave|packed|conked|dead|snapped|breaks|cracked|cracks|tore|torn|ripped|leak|leaks|"
        "leaking|leaked|peeling|peels|fraying|frayed|frays|pilled|pilling|rusting|rusts|shrunk|"
        "fading|fades|undone|warped|dented|scratched|scratches|chipped|stained|stains|wobbles|"
        "wobbly|rattles|rattling|squeaks|squeaky|squeaking|flickers|flickering|overheats|"
        "overheating|drains|lags|lagging",
        r"\b(?:died|dies|gave out|packed up|packed in|conked out|went dead|arrived dead|snapped|"
        r"breaks|cracked|cracks|tore|torn|ripped|leaks?|leaking|leaked|peeling|peels|fraying|frayed|"
        r"frays|pilled|pilling|rusting|rusts|shrunk|fading|fades|came undone|warped|dented|"
        r"scratched|scratches|chipped|stained|stains|wobbles|wobbly|rattles|rattling|squeaks|"
        r"squeaky|squeaking|flickers|flickering|overheats|overheating|drains|lags|lagging)\b",
    ),
    (-0.5, "wait|waiting|waited", r"\bwait(?:ing|ed)?\b"),
    (
        -0.7,
        "too",
        r"\btoo (?:salty|sweet|sour|spicy|bland|greasy|oily|dry|loud|noisy|small|big|large|tight|"
        r"loose|short|long|thin|thick|heavy|hot|cold|slow|expensive|pricey|hard|soft|weak|stiff|"
        r"flimsy|fragile|complicated|confusing|bright|dim|crowded|busy|cramped|late|bulky|rich|"
        r"fiddly|sensitive|narrow|tiny|much money)\b",
    ),
    (
        -0.8,
        "dirty|filthy|grimy|grubby|sticky|smelly|smelled|smelt|stank|stink|stinks|stinky|musty|"
        "mould|mold|mouldy|moldy|damp|cockroach|cockroaches|bug|bugs|bedbug|bedbugs|hair",
        r"\b(?:dirty|filthy|grimy|grubby|sticky|smelly|smelled of|smelt of|stank|stinks?|stinky|"
        r"musty|mou?ldy?|damp|cockroach(?:es)?|bed ?bugs?|hair in (?:my|the|our))\b",
    ),
    (
        -0.8,
        "had",
        r"\bhad to (?:ask|wait|send|return|call|chase|complain|remind|flag|go back|get up|"
        r"track down|repeat|throw|buy another|replace|pay extra|explain|beg|argue|fight|queue|"
        r"stand)",
    ),
    (
        -0.9,
        "let|lets|letdown|fell|falls|fall|missed|misses",
        r"\blets? (?:me|us) down\b|\blet ?down\b|\b(?:fell|falls|fall) (?:short|flat)\b|"
        r"\bmiss(?:ed|es) the mark\b",
    ),
    (
        -0.8,
        "even",
        r"\b(?:didn'?t|did not|don'?t|doesn'?t|does not|wouldn'?t|couldn'?t|won'?t|wasn'?t|isn'?t) "
        r"even\b|\bnot even (?:a|an|one|once|the)\b",
    ),
    (
        -0.6,
        "charged|hidden|extra",
        r"\bcharged (?:us|me) (?:for|a|an|extra)\b|\bhidden (?:fees?|charges?|costs?)\b|"
        r"\bextra (?:fees?|charges?)\b",
    ),
)
# A negator shortly before a review cue, in the same clause.
_NEGATOR_RE = re.compile(
    r"(?:\b(?:not|no|never|without|hardly|barely|nothing|none|zero|nor|neither|poor|little)\b|"
    r"n't\b|nt\b)(?! (?:hesitate|think twice|only|just)\b)(?:[^\w.,;:!?]+[\w']+){0,2}"
    r"[^\w.,;:!?]*$"
)
_NEGATION_WINDOW = 30
# Words of a message, for the review cues' anchors.
_ANCHOR_WORD_RE = re.compile(r"[a-z]+")

# A problem that was put right, unless the message says it was not (or not yet).
_RESOLVED_RE = re.compile(
    r"\b(?:fixed|solved|sorted|resolved|replaced|refunded|found the (?:problem|issue|fault))\b"
)
_UNRESOLVED_RE = re.compile(
    r"\b(?:not|never|no one|nobody|still|yet|unless|until|if|when|why|how)\b|n'?t\b|\?"
)
# Speed as praise: "in ten minutes", "within a day", "earlier than promised".
_QUICKLY_RE = re.compile(
    r"\b(?:in|within|under|in under|in less than) (?:\d+|a|an|one|two|three|four|five|ten|"
    r"fifteen|twenty|thirty|a few|a couple of) (?:seconds?|minutes?|mins?|hours?|days?|week)\b|"
    r"\bearlier than (?:promised|expected|planned|scheduled)"
)

# Hashtags written as one word ("#neveragain", "#epicfail", "#lovethem").
_HASHTAG_COMPLAINT_RE = re.compile(
    r"(?:fail|worst|neveragain|disappoint|unacceptable|sucks|angry|frustrat|nothappy|"
    r"notcool|ripoff|scam|shame|badservice|poorservice|customerservice|help|rude|delay|cancel|"
    r"refund|lost|broken)"
)
_HASHTAG_PRAISE_RE = re.compile(r"love|thank|awesome|great|best|happy|amazing|kudos|goodservice")

_EMOJI_VALENCE: dict[str, float] = {
    **dict.fromkeys("😡😠🤬😤👎💩🙄😒😑😩😫😖😣😞😟😔😢😭😿💔🤮🤢😾😧😦😨😱🤦", -1.0),
    **dict.fromkeys("😕🙁☹😐😬😓🥵🥶", -0.5),
    **dict.fromkeys("😍🥰😘😊☺🙂😀😃😄😁😆👍👌💯🙌👏🎉🥳❤💕💖💗💙💚💛💜🧡🤩😎🌟⭐✨🙏", 1.0),
    **dict.fromkeys("😉😂🤣😅😋", 0.5),
}
_EMOJI_RE = re.compile("[" + "".join(sorted(_EMOJI_VALENCE)) + "]")
_EMOTICON_RE = re.compile(r"(?:^|\s)(?:[:;=]-?[()\[\]DPp/\\|]|<3|:'\()(?=\s|$)")

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00C0-\u024F]")
#: Confidence at most, when most letters are in a script the lexicons cannot read.
UNREADABLE_CONFIDENCE = 0.3


def _mostly_unreadable(text: str) -> bool:
    """True when most letters of `text` are outside the Latin script (Chinese, Cyrillic…).

    VADER's and TextBlob's lexicons and the cues are English. Other languages written in
    Latin letters are not caught here: telling them from English reliably needs a language
    detector, and their shared words ("no", "problem", "refund", emoji) still give some
    evidence.
    """
    letters = len(_LETTER_RE.findall(text))
    return letters > 0 and len(_LATIN_LETTER_RE.findall(text)) * 2 < letters


# Lower-case words for TextBlob's lexicon, with "n't" split off as its own negation token.
_TOKEN_RE = re.compile(r"n't|[a-z]+(?:'[a-z]+)?")
_NT_RE = re.compile(r"(?<=[a-z])n't\b")
# Words that TextBlob's lexicon scores but that say little about how a customer feels: amounts,
# order and availability ("more", "first", "due", "available"), and "fly", mostly a verb here.
_TEXTBLOB_SKIP = frozenset(
    "more most many much few less least first second last next other same own due able "
    "available right sure real full whole certain such only fly".split()
)


_CompiledCue = tuple[float, tuple[str, ...], re.Pattern[str]]


def _compile_cues(cues: Sequence[tuple[float, str, str]]) -> tuple[_CompiledCue, ...]:
    """Compile cue patterns; they run on lower-cased text (faster than ``re.IGNORECASE``)."""
    return tuple(
        (weight, tuple(anchors.split("|")), re.compile(pattern))
        for weight, anchors, pattern in cues
    )


def _cue_weight(cues: Sequence[_CompiledCue], lowered: str, prefilter: bool = True) -> float:
    """Sum the weights of the cues found in ``lowered``."""
    total = 0.0
    for weight, anchors, pattern in cues:
        if prefilter:
            for anchor in anchors:
                if anchor in lowered:
                    break
            else:
                continue
        if pattern.search(lowered):
            total += weight
    return total


_CompiledReviewCue = tuple[float, frozenset[str], re.Pattern[str]]


def _compile_review_cues(
    cues: Sequence[tuple[float, str, str]],
) -> tuple[_CompiledReviewCue, ...]:
    """Compile review cues: anchor words as a set, patterns for lower-cased text."""
    return tuple(
        (weight, frozenset(anchors.split("|")), re.compile(pattern))
        for weight, anchors, pattern in cues
    )


def _review_cue_weights(
    cues: Sequence[_CompiledReviewCue], lowered: str, words: set[str] | None
) -> tuple[float, float]:
    """Praise and complaint weight of the signed review cues in ``lowered``, negation-aware.

    ``words`` are the words of ``lowered`` (a cue runs only if one of its anchors is among them),
    or ``None`` to run every cue.
    """
    praise = complaint = 0.0
    for weight, anchors, pattern in cues:
        if words is not None and anchors.isdisjoint(words):
            continue
        match = pattern.search(lowered)
        if match is None:
            continue
        start = match.start()
        if start and _NEGATOR_RE.search(lowered, max(0, start - _NEGATION_WINDOW), start):
            weight = -weight if weight > 0 else -0.5 * weight
        if weight > 0:
            praise += weight
        else:
            complaint -= weight
    return praise, complaint


class CueEvidence(NamedTuple):
    """What the complaint-aware scorer found in one message."""

    vader: float  # VADER compound score with the customer-service lexicon, -1..1
    complaint: float  # summed complaint-cue weight, 0..3
    praise: float  # summed praise-cue weight, 0..2
    emoji: float  # summed emoji valence, -2..2
    info_question: bool  # a plain information question
    shouting: bool  # mostly upper-case
    sentiment: Sentiment  # the resulting score
    textblob: float = 0.0  # TextBlob (pattern lexicon) polarity of the message, -1..1


class ComplaintAwareScorer:
    """Default cold-start scorer: VADER re-weighted for customer service plus complaint cues.

    The final score is ``tanh`` of a sum of evidence: a lexical part, VADER's compound score
    (computed on the cleaned message, with a customer-service lexicon) blended with TextBlob's
    polarity where neither VADER nor the cues found much; minus the weights of complaint cues
    (negated praise such as "not worth it" included), complaint questions, shouting and negative
    emoji; plus praise cues and positive emoji. Plain information questions pull the score
    towards zero.

    The weights and label thresholds below were chosen together by 5-fold cross-validation on
    the labelled airline messages (three-way) and the hand-written binary review set (see
    ``bench/sentiment_eval.py``). The neutral band is narrow: a message is neutral when it
    carries (almost) no evidence, while weak but present evidence decides a side. It is
    asymmetric: a missed complaint costs more than a false alarm.
    """

    name = "complaint-aware"
    # 3: review verdict cues (not coming back, go elsewhere, a must), band 0.06
    # 4: text mostly in a script its lexicons cannot read (Chinese, Cyrillic…) is marked doubtful
    version = "4"

    negative_below = -0.02
    positive_above = 0.06
    vader_weight = 0.5  # lexical part = vader_weight * VADER + textblob_weight * TextBlob
    textblob_weight = 0.5
    textblob_below = 0.2  # TextBlob is asked only when |VADER| is below this and no cue fired
    complaint_weight = 0.7  # per unit of complaint-cue weight
    praise_weight = 0.8  # per unit of praise-cue weight

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()
        self._vader.lexicon = {**self._vader.lexicon, **_LEXICON_OVERRIDES}
        self._complaint_cues = _compile_cues(_COMPLAINT_CUES)
        self._praise_cues = _compile_cues(_PRAISE_CUES)
        self._review_cues = _compile_review_cues(_REVIEW_CUES)
        self._prefilter = True
        # TextBlob's pattern-lexicon analyser, called with a word list: it skips TextBlob's
        # tokenizer, which costs more than the lexicon look-up.
        from textblob.en import sentiment as pattern_sentiment

        self._pattern_sentiment = pattern_sentiment
        len(pattern_sentiment)  # loads the lexicon (once per process)
        self._textblob_words = frozenset(dict.keys(pattern_sentiment)) - _TEXTBLOB_SKIP

    def score(self, text: str) -> Sentiment:
        """Score one message."""
        evidence = self.analyse(text)
        if evidence is None:
            return _empty_sentiment(self.name, self.version)
        return evidence.sentiment

    def analyse(self, text: str) -> CueEvidence | None:
        """Return the evidence behind the score of ``text`` (``None`` for an empty message).

        The learned model uses these numbers as extra features.
        """
        raw_text = text or ""
        cleaned = clean_text(raw_text)
        if not cleaned:
            return None

        emoji_valence = sum(_EMOJI_VALENCE[ch] for ch in _EMOJI_RE.findall(cleaned))
        if emoji_valence or _EMOJI_RE.search(cleaned):
            cleaned = _EMOJI_RE.sub(" ", cleaned)
        emoji_valence = max(-2.0, min(2.0, emoji_valence))

        vader = (
            self._vader.polarity_scores(cleaned)["compound"]
            if _WORD_RE.search(cleaned) or _EMOTICON_RE.search(cleaned)
            else 0.0
        )

        lowered = cleaned.lower()
        complaint = _cue_weight(self._complaint_cues, lowered, self._prefilter)
        praise = _cue_weight(self._praise_cues, lowered, self._prefilter)
        review_praise, review_complaint = _review_cue_weights(
            self._review_cues,
            lowered,
            set(_ANCHOR_WORD_RE.findall(lowered)) if self._prefilter else None,
        )
        praise += review_praise
        complaint += review_complaint
        textblob = 0.0
        if abs(vader) < self.textblob_below and not complaint and not praise:
            # A second opinion where neither VADER nor the cues found much: TextBlob's lexicon
            # knows descriptive words that VADER's does not ("thin", "stale", "expensive"). Only
            # worth a call when a word of the message is in that lexicon (else the polarity is 0).
            if "n't" in lowered:
                lowered_nt = _NT_RE.sub(" n't", lowered)
            else:
                lowered_nt = lowered
            tokens = _TOKEN_RE.findall(lowered_nt)
            tokens = [token for token in tokens if token not in _TEXTBLOB_SKIP]
            if not self._textblob_words.isdisjoint(tokens):
                textblob = float(self._pattern_sentiment(tokens)[0])
        if "#" in raw_text:
            hashtags = " ".join(_HASHTAG_RE.findall(raw_text)).lower()
            if _HASHTAG_COMPLAINT_RE.search(hashtags):
                complaint += 0.6
            if _HASHTAG_PRAISE_RE.search(hashtags):
                praise += 0.5

        is_question = "?" in cleaned
        info_question = False
        if is_question:
            if _COMPLAINT_QUESTION_RE.search(lowered):
                complaint += 0.8
            elif _INFO_QUESTION_RE.search(lowered) and complaint < 0.8:
                info_question = True
            if "??" in cleaned or "?!" in cleaned or "!?" in cleaned:
                complaint += 0.4

        words = _WORD_RE.findall(cleaned)
        shouted = sum(1 for word in words if len(word) >= 3 and word.isupper())
        shouting = shouted >= 3 and shouted >= 0.5 * sum(1 for word in words if len(word) >= 3)
        if shouting and vader < 0.5:
            complaint += 0.6
        elif shouted >= 2 and complaint > 0:
            complaint += 0.3

        if "!!" in cleaned and vader <= 0.3 and praise == 0:
            complaint += 0.4

        if _QUICKLY_RE.search(lowered) and complaint < 1.0:
            praise += 0.6
        if _RESOLVED_RE.search(lowered) and not _UNRESOLVED_RE.search(lowered):
            # "They fixed the faulty part in a day": the problem words describe what was solved.
            complaint *= 0.5
            praise += 1.0

        complaint = min(complaint, 3.0)
        praise = min(praise, 2.0)
        # VADER and TextBlob's lexicon, blended; see the class docstring for the weights.
        lexical = self.vader_weight * vader + self.textblob_weight * textblob
        polite = max(lexical, 0.0)
        if complaint >= 1.0:
            # Thanks and pleasantries around a complaint are politeness or sarcasm.
            polite *= 0.5
        positive_evidence = polite + self.praise_weight * praise + 0.35 * max(emoji_valence, 0.0)
        negative_evidence = (
            max(-lexical, 0.0) + self.complaint_weight * complaint + 0.35 * max(-emoji_valence, 0.0)
        )
        raw = positive_evidence - negative_evidence
        if info_question:
            raw *= 0.35
        score = math.tanh(1.3 * raw)
        label = _label_for(score, self.negative_below, self.positive_above)

        confidence = self._confidence(
            label, score, positive_evidence, negative_evidence, len(words)
        )
        if not cleaned.isascii() and _mostly_unreadable(cleaned):
            # "No sentiment words found" means nothing when the words could not be read: say
            # so, and the board asks staff to check, instead of a confident "neutral".
            confidence = min(confidence, UNREADABLE_CONFIDENCE)
        sentiment = Sentiment(label, round(score, 4), round(confidence, 4), self.name, self.version)
        return CueEvidence(
            vader=vader,
            complaint=complaint,
            praise=praise,
            emoji=emoji_valence,
            info_question=info_question,
            shouting=shouting,
            sentiment=sentiment,
            textblob=textblob,
        )

    def _confidence(
        self, label: str, score: float, positive: float, negative: float, n_words: int
    ) -> float:
        """Confidence from the margin to the label boundary, damped by conflicting evidence."""
        if label == "negative":
            margin = (self.negative_below - score) / (1.0 + self.negative_below)
        elif label == "positive":
            margin = (score - self.positive_above) / (1.0 - self.positive_above)
        else:
            half_band = (self.positive_above - self.negative_below) / 2
            centre = (self.positive_above + self.negative_below) / 2
            margin = 1.0 - abs(score - centre) / half_band
        confidence = 0.42 + 0.55 * math.tanh(2.5 * margin)
        total = positive + negative
        if total > 0:
            conflict = min(positive, negative) / total
            confidence -= 0.5 * conflict
        if n_words < 3:
            confidence -= 0.15
        return max(0.0, min(1.0, confidence))

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]:
        """Score many messages."""
        return [self.score(text) for text in texts]


# --------------------------------------------------------------------------------------------
# Registry

_SCORER_FACTORIES = {
    ComplaintAwareScorer.name: ComplaintAwareScorer,
    TextBlobScorer.name: TextBlobScorer,
}
_default_scorer: ComplaintAwareScorer | None = None


def available_scorers() -> tuple[str, ...]:
    """Names that :func:`get_scorer` accepts."""
    return tuple(_SCORER_FACTORIES)


def get_scorer(name: str | None = None) -> Scorer:
    """Return a cold-start scorer by name; ``None`` gives the default (complaint-aware) one.

    Raises ``ValueError`` for an unknown name.
    """
    if name is None or name == DEFAULT_SCORER:
        return _default()
    try:
        factory = _SCORER_FACTORIES[name]
    except KeyError:
        known = ", ".join(available_scorers())
        raise ValueError(f"unknown sentiment scorer {name!r}; known scorers: {known}") from None
    return factory()


def _default() -> ComplaintAwareScorer:
    global _default_scorer
    if _default_scorer is None:
        _default_scorer = ComplaintAwareScorer()
    return _default_scorer


def current_scorer(var_dir: Path | None = None, *, wait: bool = False) -> Scorer:
    """The installation's scorer: its active learned model, else the cold-start scorer.

    ``var_dir`` defaults to the installation the process was configured for
    (:func:`feedback.model_store.configure`). The model is loaded once per process and
    reloaded when a newer one is activated; see :mod:`feedback.model_store`.
    """
    from feedback import model_store  # it imports this module

    return model_store.current_scorer(var_dir, wait=wait)


def score_text(text: str, var_dir: Path | None = None) -> Sentiment:
    """Score ``text`` with the scorer in use (:func:`current_scorer`)."""
    return current_scorer(var_dir).score(text)
