"""Hand-off rules: plain code, run on every shopper message before any model.

A conversation goes to a person when the shopper asks for one, is angry, or
raises one of the brand's sensitive topics. The rules are deterministic on
purpose: a model deciding when to hand over stops doing so once questions are
reworded (Chatwoot #13178), and the phrasings below are tested one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.intents import chinese_words
from generation.guardrails import phrase_pattern

PERSON_REQUESTED = "person_requested"
ANGER = "anger"
SENSITIVE_TOPIC = "sensitive_topic"

_PERSON_EN = re.compile(
    r"\b(?:talk|speak|chat|connect|transfer|put)\b[^.?!]{0,30}\b(?:to|with|me)\b[^.?!]{0,20}"
    r"\b(?:human|person|people|someone|somebody|agent|representative|rep|staff|team|manager|operator|"
    r"customer service|support)\b"
    r"|\b(?:real|live|actual)\s+(?:human|person|agent|people)\b"
    r"|\b(?:human|live)\s+(?:agent|support|help)\b"
    r"|\bcustomer\s+(?:service|support)\b"
    r"|\b(?:not|no more|stop|don'?t want)\b[^.?!]{0,20}\b(?:bot|robot|machine|ai)\b"
    r"|\bget\s+me\s+(?:a\s+)?(?:human|person|someone|somebody|agent)\b"
    r"|\bmember of (?:staff|(?:your|the) team)\b"
    r"|\b(?:someone|somebody|anyone|a person) (?:from|at|on) (?:your\b|the (?:team|staff|shop|store|company)\b)"
    r"|\b(?:call|ring|phone|email|e-mail|contact|get back to)\s+me\b(?:\s+back)?"
    r"|\b(?:speak|talk)\s+(?:to|with)\s+(?:a|the|your)\s+(?:manager|supervisor|boss)\b"
    r"|\b(?:agent|human|operator|representative)\s*(?:please|pls|now)?\s*[.!?]*$"
    r"|^\s*(?:agent|human|operator|representative|person)\b",
    re.IGNORECASE,
)
# A person-noun and a contact verb or "available" within one sentence, in
# either order and a few words apart: "Is anyone from support available to
# talk?", "Are any of your agents free to chat?". Both are needed, so "Does
# the jacket support a hood?" (no contact verb) and "Is it available in
# blue?" (no person) stay with the assistant.
_PERSON_NOUN_EN = (
    r"\b(?:anyone|anybody|someone|somebody|any ?one|a human|humans?|a person|people|agents?|staff|support|"
    r"team|representatives?|reps?|operators?|advisors?|advisers?|colleagues?)\b"
)
_CONTACT_EN = (
    r"\b(?:talk|talking|speak|speaking|chat|chatting|reach|contact|available|free to|call|ring|phone|"
    r"connect|put me through|get in touch)\b"
)
_PERSON_NEAR_EN = re.compile(
    rf"{_PERSON_NOUN_EN}[^.?!。？！]{{0,40}}?{_CONTACT_EN}|{_CONTACT_EN}[^.?!。？！]{{0,40}}?{_PERSON_NOUN_EN}",
    re.IGNORECASE,
)
# The same in Chinese: someone of the shop and a verb of reaching them
# ("联系一下商家", "找你们的负责人", "有人在吗").
_PERSON_NEAR_ZH = re.compile(
    r"(?:联系|找|转|接通|转接|叫)[^。？！?!，,]{0,6}?(?:商家|店家|卖家|售后|负责人|主管|老板|你们的人|专人|人员|人)"
    r"|有(?:没有)?人(?:在|吗|回|能|可以)"
)
_PERSON_ZH = re.compile(
    r"人工|真人|客服|转人工|找人|工作人员|联系你们|联系我|打电话给|给我打电话|回电话|回复我|不要机器人|不想和机器人|"
    r"机器人.{0,4}(?:没用|不行)|经理"
)

# Words of anger and insult; any one hands over. Short on purpose: a lexicon
# that flags "terrible weather" would send happy shoppers to a person too, so
# weaker words count only together with shouting (below).
_ANGRY_WORDS = (
    "furious",
    "outraged",
    "ridiculous",
    "unacceptable",
    "disgusting",
    "scam",
    "scammers",
    "rip-off",
    "ripoff",
    "fraud",
    "useless",
    "pathetic",
    "worst",
    "wtf",
    "damn",
    "hell",
    "crap",
    "shit",
    "fuck",
    "fucking",
    "angry",
    "fed up",
    "sick of",
    "never again",
    "waste of money",
    "气死",
    "生气",
    "愤怒",
    "垃圾",
    "骗子",
    "骗人",
    "太差",
    "差劲",
    "恶心",
    "投诉",
    "无语",
    "受够",
    "坑人",
    "什么破",
    "disappointed",
    "disappointing",
    "unbelievable",
    "appalling",
    "shameful",
    "outrageous",
    "incompetent",
    "气人",
    "太气",
    "好气",
    "真气",
    "失望",
    "被骗",
    "欺骗",
    "过分",
    "离谱",
    "坑爹",
    "忍无可忍",
)
# Anger a single word does not carry: "this is a joke", "nobody ever
# replies", and 烦 as a word of its own (jieba), never inside 麻烦 ("may I
# trouble you"), the politest word of a Chinese question.
_ANGRY_PHRASES = re.compile(
    r"\b(?:is|are|what|such|total|complete|absolute)\s+(?:a\s+)?(?:joke|farce)\b"
    r"|\b(?:nobody|no one|no-one|none of you)\b[^.?!]{0,20}?\b(?:repl|answer|respond|help|get back|care)"
    r"|\bnever\s+(?:repl|answer|respond|get back)"
    # What was bought called garbage ("your jacket is garbage", "absolute
    # garbage"), not "rubbish in the bento"; and "I'm so done with you people".
    r"|\b(?:is|are|was|were|total|complete|absolute|utter|pure)\s+(?:garbage|rubbish|junk|trash|crap)\b"
    r"|\b(?:so|totally|completely|absolutely)\s+done\s+with\s+(?:you|your|this)\b",
    re.IGNORECASE,
)
_ANGRY_JIEBA_WORDS = frozenset({"烦", "烦死", "烦人", "很烦", "真烦", "好烦", "太烦"})
_ANGRY_RE = [phrase_pattern(word) for word in _ANGRY_WORDS]
# Shouting: at least this many letters, nearly all capitals ("WHERE IS MY ORDER").
SHOUT_MIN_LETTERS = 12
SHOUT_MIN_CAPS_SHARE = 0.8
# "??!!" and "!!!": three or more in a row.
# "!!" or "?!" counts too, but only with a complaint (below): "Hello!!" alone
# is a cheerful shopper.
_PUNCTUATION_BURST = re.compile(r"[!?！？]{3,}|[!！]{2}|[?？][!！]|[!！][?？]")
_MILD_NEGATIVE = re.compile(
    r"\b(?:bad|terrible|awful|broken|late|still|again|nobody|no one|wrong|done with)\b|坏了|还没|又|没人",
    re.IGNORECASE,
)

_COMPLAINT = re.compile(
    r"\b(?:bad|terrible|awful|broken|wrong|nobody|no one|never|horrible)\b|坏了|没人|不理|太差|太慢",
    re.IGNORECASE,
)


def asks_for_person(text: str) -> bool:
    return any(p.search(text) for p in (_PERSON_EN, _PERSON_ZH, _PERSON_NEAR_EN, _PERSON_NEAR_ZH))


def _shouting(text: str) -> bool:
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    if len(letters) < SHOUT_MIN_LETTERS:
        return False
    return sum(ch.isupper() for ch in letters) / len(letters) >= SHOUT_MIN_CAPS_SHARE


def is_angry(text: str) -> bool:
    """An angry word, or shouting or a burst of !?, together with a complaint."""
    if any(pattern.search(text) for pattern in _ANGRY_RE) or _ANGRY_PHRASES.search(text):
        return True
    if "烦" in text and _ANGRY_JIEBA_WORDS.intersection(chinese_words(text)):
        return True
    if _shouting(text):
        return True
    burst = _PUNCTUATION_BURST.search(text)
    if burst is None:
        return False
    if len(burst.group()) >= 3:
        return bool(_MILD_NEGATIVE.search(text))
    # "!!" or "?!" only with a plain complaint: "Is it still in stock?!" is not.
    return bool(_COMPLAINT.search(text))


# A topic of several words ("payment fail") matches when its words come in
# order within one sentence with at most this many other words between them:
# "my payment has failed", "the card was declined". Enough for an auxiliary,
# a pronoun and an article; more would join words of unrelated clauses.
TOPIC_MAX_GAP_WORDS = 3
# The same for Chinese parts ("扣 两次"), in characters: "扣了我两次".
TOPIC_MAX_GAP_CHARS = 4
# English inflections a topic word accepts: "refund" matches "refunds",
# "refunded"; "charge" matches "charged"; "fail" matches "failing".
_INFLECTION = r"(?:s|es|ed|d|ing)?"
_GAP_WORDS = rf"(?:[^\w.!?。！？]+[\w'’]+){{0,{TOPIC_MAX_GAP_WORDS}}}?[^\w.!?。！？]+"
_GAP_CHARS = rf"[^.!?。！？，,]{{0,{TOPIC_MAX_GAP_CHARS}}}?"


def _inflection(word: str) -> str:
    """The endings a topic word accepts; a final consonant may double before
    -ed/-ing ("cancel" matches "cancelled", "cut" matches "cutting")."""
    last = word[-1:]
    if not last.isalpha():
        return ""
    if last.lower() not in "aeiouwxy":
        return rf"(?:s|es|ed|d|ing|{re.escape(last)}(?:ed|ing))?"
    return _INFLECTION


def _topic_pattern(topic: str) -> re.Pattern[str]:
    """A line of the brand's topics as a pattern. One word or phrase per line;
    words separated by spaces may have a few words between them in the
    message (TOPIC_MAX_GAP_WORDS), so a line names a risk ("payment fail",
    "charge twice") rather than every way of saying it."""
    parts = topic.split()
    if not all(part.isascii() for part in parts):
        return re.compile(_GAP_CHARS.join(re.escape(part) for part in parts), re.IGNORECASE)
    words = [re.escape(part) + _inflection(part) for part in parts]
    return re.compile(r"(?<![A-Za-z0-9])" + _GAP_WORDS.join(words) + r"(?![A-Za-z0-9])", re.IGNORECASE)


def sensitive_topic(text: str, topics: Iterable[str]) -> str | None:
    """The first of the brand's topics the text mentions."""
    for topic in topics:
        if topic and _topic_pattern(topic).search(text):
            return topic
    return None


def handoff_reason(text: str, *, topics: Iterable[str]) -> str | None:
    """Why this message must go to a person, or None: the bot may answer."""
    if asks_for_person(text):
        return PERSON_REQUESTED
    if is_angry(text):
        return ANGER
    if sensitive_topic(text, topics) is not None:
        return SENSITIVE_TOPIC
    return None
