"""Personalised lines state only facts true of their recipient: the labelled
set in bench/data/messaging_lines.json, the claim check, and the fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from campaigns.models import Comment
from generation.drafting.verify import blocking
from messaging import claims, lines, services
from messaging.models import Recipient
from tests.factories import CommentFactory, MessageCampaignFactory, VoteFactory

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "messaging_lines.json"
CASES = json.loads(LABELLED.read_text(encoding="utf-8"))["cases"]
MODEL_LANGUAGES = ["en"]


def facts_of(case: dict, language: str | None = None, **changes) -> lines.Facts:
    """A labelled case's fields are Facts' own (lists of titles as tuples)."""
    fields = {
        k: tuple(v) if isinstance(v, list) else v for k, v in {**case, **changes}.items() if k != "lines"
    }
    return lines.Facts(**{**fields, "language": language or fields["language"]})


LABELLED_LINES = [(case, line["text"], line["kind"]) for case in CASES for line in case["lines"]]
FALSE_LINES = [c for c in LABELLED_LINES if c[2] != "true"]
TRUE_LINES = [c for c in LABELLED_LINES if c[2] == "true"]


def test_the_labelled_set_is_large_and_varied():
    kinds = {kind for _, _, kind in FALSE_LINES}

    assert len(LABELLED_LINES) >= 60
    assert {"wrong_relation", "narrowed_idea", "wrong_product", "invented_feature"} <= kinds
    assert {"other_persons_idea", "added_idea", "wrong_occasion", "unsupported_claim"} <= kinds
    assert any(case["language"] == "zh-hans" for case, _, _ in FALSE_LINES)


@pytest.mark.parametrize(("case", "text", "kind"), FALSE_LINES)
def test_no_line_that_states_something_untrue_of_its_recipient_is_sent(case, text, kind):
    facts = facts_of(case)

    assert not lines.sendable(text, facts, model_languages=MODEL_LANGUAGES)


@pytest.mark.parametrize(
    ("case", "text", "kind"), [c for c in FALSE_LINES if c[0]["language"] in MODEL_LANGUAGES]
)
def test_a_model_line_that_states_something_untrue_falls_back_to_the_approved_line(case, text, kind):
    facts = facts_of(case)

    chosen = lines.choose(text, facts, model_languages=MODEL_LANGUAGES)

    assert chosen.text in (lines.occasion_line(facts), lines.template_line(facts))
    assert chosen.origin != "model"


def test_most_true_lines_pass_verification():
    passed = [
        text
        for case, text, _ in TRUE_LINES
        if lines.sendable(text, facts_of(case), model_languages=MODEL_LANGUAGES)
    ]

    assert len(passed) >= len(TRUE_LINES) * 4 // 5, {t for _, t, _ in TRUE_LINES} - set(passed)


RIDGELINE = next(c for c in CASES if c["authored"] == ["Quiet buckles"])


def _claims(text: str, **changes) -> set[str]:
    return {f["code"] for f in lines.claim_findings(text, facts_of(RIDGELINE, **changes))}


def test_naming_only_the_head_noun_of_an_idea_does_not_name_it():
    assert not claims.names_idea("a phone", "Hip-belt pocket for a phone")
    assert not claims.names_idea("a hip-belt pocket", "Hip-belt pocket for a phone")
    assert claims.names_idea("a hip-belt pocket for your phone", "Hip-belt pocket for a phone")


def test_an_idea_named_with_other_words_in_another_order_or_negated_is_not_that_idea():
    assert not claims.names_idea("a phone with a pocket", "Pocket for a phone")
    assert not claims.names_idea("vents with zips", "Vents without zips")
    assert claims.names_idea("a colour that is not black", "A colour that isn't black")
    assert claims.names_idea("a leakproof lid", "Leak-proof lid")


def test_a_quoted_idea_must_be_its_title():
    assert claims.names_idea("“Quiet buckles”", "Quiet buckles")
    assert not claims.names_idea("“Buckles”", "Quiet buckles")


def test_a_claim_of_having_done_what_the_person_did_not_is_found():
    assert _claims("You voted for quiet buckles.") == {"false_relation"}
    assert _claims("You discussed quiet buckles.") == {"false_relation"}
    assert _claims("You voted for quiet buckles.", voted=["Quiet buckles"]) == set()


def test_it_points_back_only_to_an_idea_the_line_has_named():
    assert _claims("The Ridgeline 30L now has them.") == {"unparsed"}
    assert _claims("You suggested quiet buckles, and the Ridgeline 30L now has them.") == set()


def test_a_part_of_the_line_the_grammar_cannot_read_fails_it():
    assert "unparsed" in _claims("You suggested quiet buckles, and hikers love the Ridgeline 30L.")
    assert "unparsed" in _claims("Hi Anna, you suggested quiet buckles.")


def test_saying_the_product_is_here_is_true_only_of_a_launch():
    assert _claims("The Ridgeline 30L is here.") == set()
    assert _claims("The Ridgeline 30L is here.", occasion="prototype_volunteers") == {"wrong_occasion"}


def test_a_language_the_model_does_not_write_gets_the_template_with_the_persons_fact():
    chosen = lines.choose(None, facts_of(RIDGELINE, "zh-hans"), model_languages=MODEL_LANGUAGES)

    assert chosen.origin == "template"
    assert chosen.text == "你提出的“Quiet buckles”已经用在了Ridgeline 30L上。"


def test_a_template_whose_idea_title_breaks_its_claims_falls_back_to_the_occasion_line():
    facts = facts_of(RIDGELINE, "zh-hans", authored=["Quiet buckles”已经用在了Stormline上。“"])

    chosen = lines.choose(None, facts, model_languages=MODEL_LANGUAGES)

    assert chosen.origin == "fallback"
    assert chosen.text == lines.occasion_line(facts)


# A voter of an English-titled idea; the model writing both languages, where a test needs it.
VOTER = {"authored": [], "voted": ["Quiet buckles"]}
BOTH_LANGUAGES = ["en", "zh-hans"]


def _findings(text: str, facts: lines.Facts, code: str) -> list[str]:
    return [f["message"] for f in lines.line_findings(text, facts) if f["code"] == code]


def test_a_chinese_template_line_quoting_an_english_idea_title_is_sent_without_findings():
    chosen = lines.choose(None, facts_of(RIDGELINE, "zh-hans", **VOTER), model_languages=MODEL_LANGUAGES)

    assert chosen.text == "你投票支持的“Quiet buckles”已经用在了Ridgeline 30L上。"
    assert (chosen.origin, chosen.findings) == ("template", [])


def test_an_english_template_line_quoting_a_chinese_idea_title_is_sent_without_findings():
    facts = facts_of(RIDGELINE, "en", authored=[], voted=["安静的扣具"])

    chosen = lines.choose(None, facts, model_languages=[])

    assert chosen.text == "You voted for “安静的扣具”, and the Ridgeline 30L has it."
    assert (chosen.origin, chosen.findings) == ("template", [])


def test_a_chinese_line_naming_only_an_english_product_is_in_chinese():
    facts = facts_of(RIDGELINE, "zh-hans", occasion="thank_you_reward")

    assert _findings("感谢你帮助塑造Ridgeline 30L。", facts, lines.WRONG_LANGUAGE) == []


def test_an_english_model_line_to_a_chinese_recipient_is_the_wrong_language():
    written = "You voted for quiet buckles, and the Ridgeline 30L has them."
    facts = facts_of(RIDGELINE, "zh-hans", **VOTER)

    chosen = lines.choose(written, facts, model_languages=BOTH_LANGUAGES)

    assert chosen.origin == "fallback"
    assert lines.WRONG_LANGUAGE in {f["code"] for f in chosen.findings}


def test_a_chinese_line_to_an_english_recipient_is_the_wrong_language():
    facts = facts_of(RIDGELINE, "en", **VOTER)

    assert _findings("你投票支持的“Quiet buckles”已经用在了Ridgeline 30L上。", facts, lines.WRONG_LANGUAGE)


def test_a_chinese_line_with_an_invented_feature_names_only_the_invention():
    text = "你投票支持的“Quiet buckles”已经用在了Ridgeline 30L上，还配有防水拉链。"

    [invented] = _findings(text, facts_of(RIDGELINE, "zh-hans", **VOTER), "invented_content")

    assert "拉链" in invented
    assert "投票" not in invented


def test_an_english_line_quoting_a_chinese_idea_title_with_an_invented_feature_is_found():
    text = "You voted for “安静的扣具”, and the Ridgeline 30L has it, with a heated back panel."

    [invented] = _findings(
        text, facts_of(RIDGELINE, "en", authored=[], voted=["安静的扣具"]), "invented_content"
    )

    assert "heated" in invented


def test_a_chinese_line_saying_an_author_voted_invents_the_vote():
    text = "你投票支持的“Quiet buckles”已经用在了Ridgeline 30L上。"

    [invented] = _findings(text, facts_of(RIDGELINE, "zh-hans"), "invented_content")

    assert "投票" in invented


def test_a_person_without_facts_gets_the_occasion_line_not_the_model():
    facts = facts_of(RIDGELINE, authored=[])

    chosen = lines.choose("You suggested quiet buckles.", facts, model_languages=MODEL_LANGUAGES)

    assert chosen.text == "The Ridgeline 30L you helped shape is here."


def test_the_prompt_quotes_the_persons_facts_only():
    prompt = lines.prompt(facts_of(next(c for c in CASES if c["authored"] == ["Leak-proof lid"])))

    assert 'you suggested "Leak-proof lid"' in prompt[-1]["content"]
    assert "Microwave" not in prompt[-1]["content"]


@pytest.mark.django_db
def test_a_recipients_facts_hold_each_relation_they_have_to_an_adopted_idea(adopted, user):
    VoteFactory(idea=adopted, user=user)
    CommentFactory(idea=adopted, author=user)
    CommentFactory(idea=adopted, author=user, status=Comment.Status.HIDDEN)
    mc = MessageCampaignFactory(campaign=adopted.campaign)
    recipient = Recipient.objects.create(message_campaign=mc, user=user, segment="adopted_voter")

    facts = services.recipient_facts(mc, [recipient])[recipient.pk]

    assert (facts.authored, facts.voted, facts.discussed) == ((), ("Quiet buckles",), ("Quiet buckles",))
    assert not blocking(lines.claim_findings("You discussed quiet buckles.", facts))


TITLES = [
    "Quiet buckles",
    "Hip-belt pocket for a phone",
    "Pit zips I can open with a pack on",
    "Vents without zips",
    "A lid that really holds soup",
    "Seals you can take out to clean",
    "Two-way front zip",
    "Reflective details for the walk home",
]
PRODUCTS = ["Ridgeline 30L", "Storm shell jacket", "Lumen Bento lunch box"]
SAYS = {
    claims.AUTHORED: ["You suggested {idea}", "Thanks for suggesting {idea}", "Your idea, {idea},"],
    claims.VOTED: ["You voted for {idea}", "Thank you for voting for {idea}", "You backed {idea}"],
    claims.DISCUSSED: ["You discussed {idea}", "You commented on {idea}"],
}
HAS = ["and the {product} now has it", "; the {product} has it now", ", and it is now part of the {product}"]


def _narrowed(title: str) -> str:
    """The title less one of its content words: no longer the idea."""
    words = title.split()
    content = [i for i, w in enumerate(words) if w.lower() not in claims.STOPWORDS]
    return " ".join(w for i, w in enumerate(words) if i != content[-1])


@hsettings(max_examples=200, deadline=None)
@given(
    held=st.dictionaries(
        st.sampled_from(list(SAYS)), st.lists(st.sampled_from(TITLES), min_size=1, max_size=3), min_size=1
    ),
    said=st.sampled_from(list(SAYS)),
    title=st.sampled_from(TITLES),
    change=st.sampled_from(["none", "narrow", "other_product", "other_occasion"]),
    form=st.integers(0, 2),
    tail=st.integers(0, 2),
)
def test_a_line_passes_the_claim_check_exactly_when_everything_it_says_is_true(
    held, said, title, change, form, tail
):
    """Lines built from the grammar's forms: the relation said, the idea
    named (whole or narrowed) and the product named (the campaign's or
    another), against generated facts."""
    product = PRODUCTS[0]
    named_product = PRODUCTS[1] if change == "other_product" else product
    idea = _narrowed(title) if change == "narrow" else title.lower()
    says = SAYS[said][form % len(SAYS[said])].format(idea=idea)
    line = f"{says.rstrip(',')} {HAS[tail].format(product=named_product)}.".replace(" ;", ";").replace(
        " ,", ","
    )
    if says.endswith(","):  # "Your idea, X, is now part of the P."
        line = f"{says} is now part of the {named_product}."
    occasion = "launch"
    if change == "other_occasion":  # a launch said of a prototype test
        line, occasion = f"The {product} is here! {line}", "prototype_volunteers"
    person = claims.Person(product, "Campaign", occasion, {r: tuple(t) for r, t in held.items()})

    true = change == "none" and title in held.get(said, ())

    assert (claims.claim_findings(line, person) == []) == true, line
