"""Off task: text about the task instead of the copy, placeholders, echoes of the prompt, copying."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.repetition import ngrams
from generation.guardrails.text import compile_all

# The element names of the prompt's fences (generation/prompts.py).
_FENCE_TAGS = "community_input|idea|comment|theme|brief"
# A small model often writes about the task instead of doing it ("Here is an
# example of what a response might look like"), leaves template slots
# unfilled or echoes the prompt. Such a text is no draft at all: each finding
# is high (blocking), whatever else the text gets right. A leading preamble
# ("Sure! Here is the description:") is flagged, not cut off before storing:
# in the drafts measured (BENCHMARKS.md, "Draft quality") what followed one
# was rarely usable as it stood, and the reviewer sees what the model wrote;
# editing it away makes a new version and keeps the original.
_OFF_TASK_META = compile_all(
    (
        r"\bhere(?:'s|’s|'re|’re|\s+is|\s+are)\s+(?:(?:a|an|the|my|your|one|some)\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:example|sample|draft|version|response|attempt|rewrite|description|suggestion|tip)s?\b",
        r"\bhere(?:'s|’s|\s+is)\s+(?:a|one)\s+possible\b",
        r"\bhere(?:'s|’s|\s+is)\s+(?:a|an|the|my|your)\s+(?:[\w-]+\s+){0,2}?(?:story|text|copy)\s*:",
        r"\bthis\s+is\s+(?:just\s+)?an?\s+(?:[\w-]+\s+){0,3}?(?:example|sample|template|draft)\b",
        r"\bthis\s+(?:blog\s+post|article|essay|e-?mail|letter)\b",
        r"\b(?:this|that|what)\s+(?:is\s+)?an?\s+(?:excellent|great|good|interesting|wonderful)\s+"
        r"(?:suggestion|question|request)\b",
        r"\bI(?:'d|’d|\s+would|'ll|’ll|\s+will)?\s+be\s+(?:happy|glad)\s+to\s+help\b",
        r"\bsorry\s+for\s+(?:any|the)\s+(?:confusion|misunderstanding)\b",
        r"\b(?:my|the)\s+previous\s+(?:answer|response|message)\b",
        r"\b(?:this|the|our|your)\s+campaign\b",
        r"\byour\s+(?:brand|client|campaign|requirements|requests?|instructions|template|prompt)\b",
        r"\b(?:response|answer|output|description|story|draft|text)\s+(?:might|could|would|should|will|may)"
        r"\s+look\s+like\b",
        r"\bas\s+an?\s+(?:ai|a\.i\.|(?:large\s+)?language\s+model|llm|(?:ai\s+)?assistant|chatbot|copywriter"
        r"|storyteller)\b",
        r"\bI\s+hope\s+(?:this|that|it)\s+(?:helps|is\s+helpful|meets|works)\b",
        r"\blet\s+me\s+know\s+if\b",
        r"\bfeel\s+free\s+to\s+(?:ask|adjust|modify|edit|change|tweak)\b",
        r"\b(?:note|notes|disclaimer|explanation|word\s+count)\s*:",
        r"\A\W*(?:sure|certainly|of\s+course|okay|ok)\b\s*[!,.:]",
        r"\b(?:this|the|my|above)\s+(?:product\s+)?(?:description|draft|response|user\s+story)\s+(?:is|was|has"
        r"|uses|highlights|emphasi[sz]es|focuses|meets|follows|includes|captures|showcases|aims)\b",
        r"\b(?:according\s+to|based\s+on|as\s+requested\s+in|following)\s+the\s+(?:brand'?s\s+)?"
        r"(?:brief|prompt|instructions)\b",
        r"\bthe\s+(?:brief|prompt)\s+(?:says|asks|mentions|states|describes|requires)\b",
        r"\b(?:in|from)\s+the\s+(?:brief|prompt)\b(?!\s+[a-z])",
        r"\b(?:in|with)\s+an?\s+(?:friendly|premium|playful|technical|professional|casual|formal"
        r"|conversational)\s+tone\b",
        r"\b(?:about|approximately|around|exactly)\s+\d+\s+words\b|\(\s*\d+\s+words\s*\)",
        r"\bwrite\s+(?:a|an|the)\s+(?:short\s+)?(?:product\s+description|user\s+story)\b",
        r"^\W*(?:title|product\s+description|user\s+story|description|story)\s*:",
        "以下是|下面是|如下[:：]",
        "这是一[个篇段](?:示例|例子|范例)|示例[:：]",
        "作为(?:一[个名])?(?:AI|人工智能|语言模型|AI助手|助手|文案|撰稿人)",
        "希望.{0,8}有所?帮助",
        "\\A\\W*(?:当然|好的|没问题)[！!，,。:：]",
        "(?<![^\\s（(。！？.!?；;，,])(?:注|注意|备注|说明)[:：]",
        "[（(]\\s*(?:约|大约)?\\s*\\d+\\s*字\\s*[)）]|字数",
        "^\\W*(?:标题|产品描述|用户故事)[:：]",
        "语气",
    ),
    re.IGNORECASE | re.MULTILINE,
)
_OFF_TASK_PLACEHOLDER = compile_all(
    (
        r"\[[^\[\]\n]{1,40}\]",
        r"\{\{?[^{}\n]{1,40}\}?\}",
        rf"<(?!\s*/?\s*(?:{_FENCE_TAGS})\b)[^<>\n]{{1,60}}>",
        r"\$[A-Za-z_]\w*",
        r"(?<![A-Za-z])x{3,}(?![A-Za-z])",
        r"\blorem\s+ipsum\b",
        "【[^】\n]{0,20}(?:名称|名字|品牌|插入|姓名|XX)[^】\n]{0,20}】",
        "某某",
    )
)
# The prompt's fences and labels: the model copied its input, not wrote from it.
_OFF_TASK_ECHO = compile_all(
    (
        rf"[<‹]\s*/?\s*(?:{_FENCE_TAGS})\b[^>›\n]*[>›]?",
        r"\b(?:community_input|on_idea)\b",
        r"^\s*[-*•]?\s*(?:requirements|keywords(?:\s+to\s+work\s+in)?|tone|language|campaign|product"
        r"|brief(?:\s+from\s+the\s+brand)?)\s*:",
        r"\bno\s+title,\s+no\s+preamble\b|\bmost\s+popular\s+first\b|\bwrite\s+only\s+the\b",
    ),
    re.IGNORECASE | re.MULTILINE,
)
# Instructions to a model, as a prompt-injection idea writes them: copy that
# carries one (copied from the idea, or obeyed) is no copy at all.
_OFF_TASK_INJECTION = compile_all(
    (
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
        r"(?:previous\s+|prior\s+|above\s+|earlier\s+|preceding\s+)?(?:instructions|prompts?|rules|task|brief|text|messages?|context)\b",
        r"\b(?:code|secret|magic|safe)\s+word\b",
        r"^\W*system\s*[:：]",
        # A count of repeats, not "how many times can I wash it".
        r"\b(?:print|output|reply\s+with|respond\s+with|say|write|repeat)s?\b[^.!?\n]{0,40}"
        r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|thousand)\s+times\b",
        # "Reply with this and nothing else", not "the blue one and nothing else".
        r"\b(?:print|output|reply|respond|answer|say|write|repeat|return)\b[^.!?\n]{0,80}\bnothing\s+else\b",
        # A token such as PWNED-MAT-88: what an injection asks the model to write.
        r"\b[A-Z]{4,}(?:-[A-Z]+)*-\d{2,}\b",
        "忽略(?:之前|以上|上述|前面|上面|先前)?的?(?:所有|全部)?(?:指令|要求|提示|说明|规则)",
        "停止(?:任务|执行)|只输出|(?:输出|打印)\\s*[A-Z0-9][A-Z0-9-]{4,}",
        "SYSTEM\\s*[:：]",
    ),
    re.IGNORECASE | re.MULTILINE,
)
# A draft that repeats one idea (or the brief) word for word for most of its
# length adds nothing: share of its n-grams found in a single source text.
COPY_MAX_SHARE = 0.6
# Shorter drafts have too few n-grams for a share to mean anything.
COPY_MIN_NGRAMS = 8


def _first_match(patterns: Iterable[re.Pattern[str]], text: str) -> str | None:
    matches = [m for pattern in patterns if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start()).group(0).strip() if matches else None


def _copied_share(text: str, sources: Iterable[str]) -> float:
    grams = ngrams(text)
    if len(grams) < COPY_MIN_NGRAMS:
        return 0.0
    n = len(grams[0])
    shares = (
        sum(gram in source_grams for gram in grams) / len(grams)
        for source_grams in (set(ngrams(source, n)) for source in sources)
    )
    return max(shares, default=0.0)


_OFF_TASK_KINDS = (
    (
        _OFF_TASK_META,
        _("“%(quote)s”: the text talks about the task or about itself instead of being the copy."),
    ),
    (_OFF_TASK_PLACEHOLDER, _("“%(quote)s” is a placeholder or markup, not text for customers.")),
    (_OFF_TASK_ECHO, _("“%(quote)s” repeats the prompt's markup or instructions.")),
    (
        _OFF_TASK_INJECTION,
        _("“%(quote)s” is an instruction to the model (a prompt injection), not text for customers."),
    ),
)


def instructs_model(text: str) -> bool:
    """Whether a text gives a model orders (a prompt injection: "ignore the
    brief", "忽略之前的指令", "print PWNED-MAT-88") rather than saying anything
    about a product."""
    return _first_match(_OFF_TASK_INJECTION, text) is not None


def check_off_task(text: str, supporting_texts: Iterable[str] = ()) -> list[Finding]:
    """The text must be the copy itself: not talk about the task or itself,
    hold no unfilled placeholders, not echo the prompt, not be one idea
    copied out. One finding per kind of problem, quoting its first instance."""
    messages = [
        message % {"quote": quote}
        for patterns, message in _OFF_TASK_KINDS
        if (quote := _first_match(patterns, text))
    ]
    share = _copied_share(text, supporting_texts)
    if share >= COPY_MAX_SHARE:
        messages.append(
            _(
                "%(share)s of the text is copied word for word from a single idea, comment or the brief: "
                "a draft should be a new text built from the community's input."
            )
            % {"share": f"{share:.0%}"}
        )
    return [make_finding("off_task", SEVERITY_HIGH, message) for message in messages]
