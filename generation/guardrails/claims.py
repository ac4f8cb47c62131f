"""Claims a buyer could hold the brand to.

Two kinds. A figure ("30 liter", "1.1 kg", "$49") states a fact: the brief
or the community input it rests on may give it, in any unit of its family.
An overclaim (an absolute, a superlative, a guarantee or a health claim:
"100% waterproof", "the lightest", "lifetime warranty", "relieves back pain")
is a promise the brand must keep: only the brand's own words can support
one. A community idea asking for "the best pack in the world" never licenses
the copy to say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from generation.guardrails.figures import FIGURE_RE, find_figures
from generation.guardrails.findings import SEVERITY_HIGH, Finding, make_finding
from generation.guardrails.text import CJK, CJK_RE, compile_all

# Numbers, Latin words and runs of Chinese, the key tokens of a claim.
_KEY_TOKEN_RE = re.compile(f"\\d+(?:[.,]\\d+)?|[a-z]+|[{CJK}]+")

# Figures are claims too, and a claim that starts with one keeps its last word
# ("100% waterproof", "5-year guarantee"), which must be supported as well.
_FIGURE_CLAIMS = [FIGURE_RE, *compile_all((r"(?:%|％|\bpercent)\s+[a-z][a-z-]*",))]
# Overclaims by kind. "最" words that are no superlative (最后 "finally", 最近
# "recently", 最多 "at most"...) are left out.
_ABSOLUTE, _SUPERLATIVE, _GUARANTEE, _HEALTH = "absolute", "superlative", "guarantee", "health"
# Whose word a health claim borrows: "dentist-recommended", "approved by paediatricians".
_PROFESSIONALS = (
    r"(?:doctor|physician|physio(?:therapist)?|dermatologist|chiropractor|dentist|paediatrician"
    r"|pediatrician|orthopaedist|orthopedist|nutritionist|expert)"
)
_OVERCLAIMS = {
    _ABSOLUTE: compile_all(
        (
            r"(?<![\d.,])100\s?(?:%|％|percent\b)",
            r"\b(?:fully|completely|totally|entirely|perfectly|absolutely)\s+"
            r"(?:waterproof|safe|sustainable|recyclable|biodegradable|leak-?proof|unbreakable|silent|odou?r-?free)\b",
            r"\b(?:never|won'?t\s+ever)\s+(?:leaks?|breaks?|fails?|tears?|rips?|wears?\s+out|fades?|rusts?|spills?"
            r"|gets?\s+wet|lets\s+you\s+down)\b",
            r"\b(?:indestructible|unbreakable|everlasting|forever|zero\s+risk|foolproof|flawless)\b",
            "百分之百|100\\s?[%％]|绝对|永不|永远不|完全防水|零风险|万无一失|坚不可摧",
        )
    ),
    _SUPERLATIVE: compile_all(
        (
            r"\bbest\s+in\s+the\s+world\b",
            r"\bworld'?s\s+(?:best|first|lightest|strongest|toughest|most\s+\w+|\w+est)\b",
            r"\bthe\s+(?:best|greatest|finest|most\s+[a-z]+|[a-z]{3,}iest|lightest|strongest|toughest|warmest"
            r"|driest|safest|fastest|smallest|largest|biggest|cheapest|quietest|brightest|longest)\b",
            r"\bbest[- ](?:selling|in[- ]class|ever)\b",
            r"\bbest\b",
            r"(?:\bnumber\s+one\b|\bno\.\s?1\b|#1\b)",
            r"\b(?:unbeatable|unmatched|unrivall?ed|unparall?eled|second\s+to\s+none|like\s+no\s+other)\b",
            f"最(?!后|近|初|终|多|少)[{CJK}]{{1,2}}",
            "第一|顶级|首选|无与伦比|独一无二|无可比拟|遥遥领先|无敌",
        )
    ),
    _GUARANTEE: compile_all(
        (
            r"\b(?:years?|months?)\s+(?:warranty|guarantee)\b",
            r"\blife-?time\s+(?:warranty|guarantee)\b",
            r"\b(?:money[- ]back|risk[- ]free)(?:\s+guarantee)?\b",
            r"\bguarantee[ds]?\b",
            r"\bwarrant(?:y|ies|ed)\b",
            r"\bwe\s+promise\b",
            "终身(?:保修|质保)",
            "保修|质保|保证|承诺|包退|包换",
        )
    ),
    _HEALTH: compile_all(
        (
            r"\b(?:clinically|medically|dermatologically)\s+(?:proven|tested|approved)\b",
            rf"\b{_PROFESSIONALS}s?[- ](?:recommended|approved|endorsed)\b",
            rf"\b(?:recommended|approved|endorsed)\s+by\s+(?:the\s+)?(?:\w+\s+)?{_PROFESSIONALS}s?\b",
            r"\b(?:cures?|heals?|treats?|prevents?|relieves?|eliminates?|reduces?|eases?)\s+(?:\w+\s+){0,2}?"
            r"(?:pain|aches?|injur(?:y|ies)|diseases?|illness(?:es)?|allerg(?:y|ies)|infections?|back\s+problems"
            r"|stress|anxiety|insomnia|headaches?|germs|bacteria|viruses|inflammation|arthritis|scoliosis)\b",
            r"\b(?:anti-?bacterial|anti-?microbial|anti-?viral|hypoallergenic|non-?toxic|medical[- ]grade"
            r"|orthop(?:a)?edic|therapeutic|detox\w*|immun(?:e|ity)[- ]boost\w*|boosts?\s+(?:your\s+)?immun\w+)\b",
            "(?:医生|牙医|医师|专家|儿科医生|皮肤科医生|营养师)(?:推荐|认证|认可)"
            "|治疗|治愈|缓解(?:疼痛|酸痛|腰痛|背痛|颈椎|压力|焦虑)|预防(?:疾病|感冒|受伤|腰痛|背痛)|医用|医疗级"
            "|抗菌|杀菌|除菌|抑菌|防辐射|排毒|增强免疫|提高免疫|保健|护脊|降压|减肥|助眠|矫正",
        )
    ),
}
_OVERCLAIM_LABELS = {
    _ABSOLUTE: _("an absolute"),
    _SUPERLATIVE: _("a superlative"),
    _GUARANTEE: _("a guarantee"),
    _HEALTH: _("a health claim"),
}
# Words that carry no claim of their own.
_CLAIM_STOPWORDS = frozenset({"the", "in", "a", "an", "of", "s", "percent", "no"})
# Words compare by this many leading letters, a stemmer small enough to trust:
# "guaranteed" supports "guarantee", "warranties" supports "warranty".
_STEM_CHARS = 6


def _stem(token: str) -> str:
    return token if token[0].isdigit() else token[:_STEM_CHARS]


def _key_tokens(phrase: str) -> list[str]:
    tokens = _KEY_TOKEN_RE.findall(phrase.lower().replace(",", "."))
    return [t for t in tokens if t not in _CLAIM_STOPWORDS]


def _spans(text: str, patterns: Iterable[re.Pattern[str]]) -> set[tuple[int, int]]:
    return {m.span() for pattern in patterns for m in pattern.finditer(text)}


def _claims(text: str) -> list[tuple[str, str | None]]:
    """Claim phrases in the text, each with its overclaim kind (None for a
    plain figure); overlapping and touching matches merge into one claim ("the
    best" and "best in the world" make "the best in the world", "100%" and "%
    waterproof" make "100% waterproof"), whose kind is its first overclaim's."""
    kinds = {span: kind for kind, patterns in _OVERCLAIMS.items() for span in _spans(text, patterns)}
    spans = sorted(_spans(text, _FIGURE_CLAIMS) | set(kinds))
    merged: list[list] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = merged[-1][2] or kinds.get((start, end))
        else:
            merged.append([start, end, kinds.get((start, end))])
    return [(text[start:end], kind) for start, end, kind in merged]


def without_claims(text: str) -> str:
    """The text with its claims cut out, for checks that should not report them twice."""
    for claim, _kind in _claims(text):
        text = text.replace(claim, " ")
    return text


class _Support:
    def __init__(self, texts: Iterable[str]) -> None:
        text = " ".join(texts)
        self.figures = {key for figure in find_figures(text) for key in figure.keys}
        self.lowered = text.lower().replace(",", ".")
        self.words = {_stem(t) for t in _KEY_TOKEN_RE.findall(self.lowered) if not CJK_RE.match(t)}

    def missing(self, claim: str) -> list[str]:
        missing = [figure.text for figure in find_figures(claim) if not figure.keys <= self.figures]
        return missing + [
            token
            for token in _key_tokens(FIGURE_RE.sub(" ", claim))
            if (token not in self.lowered if CJK_RE.match(token) else _stem(token) not in self.words)
        ]


def check_unsupported_claims(
    text: str, supporting_texts: Iterable[str], *, sources: Iterable[str] = ()
) -> list[Finding]:
    """Flag a claim when one of its figures ("30 liter", "5-year") or key words
    ("warranty", "best", "world"...) is missing from what may support it. A
    figure counts as there when the same value in the same unit family is
    ("30-litre", "30L", "30升"), in the brand's words (`supporting_texts`) or
    the community's (`sources`); an overclaim only in the brand's words."""
    brand_texts = list(supporting_texts)
    brand = _Support(brand_texts)
    everyone = _Support([*brand_texts, *sources])
    findings = []
    for claim, kind in _claims(text):
        missing = (brand if kind else everyone).missing(claim)
        if not missing:
            continue
        values = {"claim": claim.strip(), "missing": "”, “".join(missing)}
        if kind:
            message = _(
                "“%(claim)s” is %(kind)s: a promise the brand would have to keep, and the brief does not "
                "make it (“%(missing)s” is not in it). A community idea never supports such a claim: "
                "check it or remove it."
            ) % {**values, "kind": _OVERCLAIM_LABELS[kind]}
        else:
            message = (
                _(
                    "“%(claim)s” is a claim that neither the brief nor the community input supports "
                    "(“%(missing)s” appears in neither). Check it or remove it."
                )
                % values
            )
        findings.append(make_finding("unsupported_claim", SEVERITY_HIGH, message))
    return findings
