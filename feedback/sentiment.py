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

A per-installation learned model (see :mod:`feedback.learning`) implements the same protocol.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

LABELS = ("negative", "neutral", "positive")

#: Below this confidence the board shows a "check sentiment" marker. For the complaint-aware
#: scorer, results under 0.5 are the ones near a label boundary, with conflicting signals
#: (praise words next to complaint cues), or with almost no text. On the labelled airline set
#: about 6% of messages fall below it and those are right half the time, against 72% for the
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
    (0.5, "wait", r"\bwait(?:ing|ed)?\b|\bwait time"),
    (
        1.0,
        "one|body",
        r"\b(?:no ?one|nobody|no-one) (?:\w+ ){0,2}(?:answer|respond|repl|call|pick|help|came|show|"
        r"contact|got back|get back|bother|care|know|tell|told|seems|will|is|was|at)",
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
        r"fault|beat|praise|imagine|stop|say enough)\w+|"
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
        r"\b(?:the )?only (?:good|decent|nice|positive) thing\b",
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
    (1.2, "star", r"\b(?:no|zero|0) stars?\b|\b(?:one|1) star\b"),
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
        r"\banything to complain about\b|\bwithout (?:any |a )?(?:hassle|fuss|problems?|issues?)\b|"
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
        "worth|exceeded|star|10/10|a+",
        r"\bworth (?:every|the)\b|\bexceeded\b|\b(?:five|5) stars?\b|\b10/10\b|\ba\+",
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
        r"delivery|service|fix|repair|resolution)",
    ),
    (
        0.6,
        "kudos|shout|hats off|appreciated|so much",
        r"\b(?:kudos|shout ?out|hats off|much appreciated|thank you so much|thanks so much)\b",
    ),
    (0.5, "not", r"\bnot (?:bad|terrible|awful|too bad|disappointed)\b"),
)

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


class CueEvidence(NamedTuple):
    """What the complaint-aware scorer found in one message."""

    vader: float  # VADER compound score with the customer-service lexicon, -1..1
    complaint: float  # summed complaint-cue weight, 0..3
    praise: float  # summed praise-cue weight, 0..2
    emoji: float  # summed emoji valence, -2..2
    info_question: bool  # a plain information question
    shouting: bool  # mostly upper-case
    sentiment: Sentiment  # the resulting score


class ComplaintAwareScorer:
    """Default cold-start scorer: VADER re-weighted for customer service plus complaint cues.

    The final score is ``tanh`` of a sum of evidence: VADER's compound score (computed on the
    cleaned message, with a customer-service lexicon), minus the weights of complaint cues,
    complaint questions, shouting and negative emoji, plus praise cues and positive emoji.
    Plain information questions pull the score towards zero. Label thresholds are asymmetric:
    a missed complaint costs more than a false alarm.
    """

    name = "complaint-aware"
    version = "1"

    negative_below = -0.10
    positive_above = 0.30

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()
        self._vader.lexicon = {**self._vader.lexicon, **_LEXICON_OVERRIDES}
        self._complaint_cues = _compile_cues(_COMPLAINT_CUES)
        self._praise_cues = _compile_cues(_PRAISE_CUES)
        self._prefilter = True

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
        polite = max(vader, 0.0)
        if complaint >= 1.0:
            # Thanks and pleasantries around a complaint are politeness or sarcasm.
            polite *= 0.5
        positive_evidence = polite + 0.5 * praise + 0.35 * max(emoji_valence, 0.0)
        negative_evidence = max(-vader, 0.0) + 0.45 * complaint + 0.35 * max(-emoji_valence, 0.0)
        raw = positive_evidence - negative_evidence
        if info_question:
            raw *= 0.35
        score = math.tanh(1.3 * raw)
        label = _label_for(score, self.negative_below, self.positive_above)

        confidence = self._confidence(
            label, score, positive_evidence, negative_evidence, len(words)
        )
        sentiment = Sentiment(label, round(score, 4), round(confidence, 4), self.name, self.version)
        return CueEvidence(
            vader=vader,
            complaint=complaint,
            praise=praise,
            emoji=emoji_valence,
            info_question=info_question,
            shouting=shouting,
            sentiment=sentiment,
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


def score_text(text: str) -> Sentiment:
    """Score ``text`` with the default cold-start scorer (built once per process)."""
    return _default().score(text)
