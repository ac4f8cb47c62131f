"""Grounded drafting against the legacy whole-draft prompt, on the real model.

For each English demo campaign and each kind, one 2-variant short request is
written both ways on the same loaded generator, one after the other, each
timed call starting with an empty prefix cache. Reports the wall time of
each (the engine and the checks, no database), their ratio, and the share of
grounded sentences that are the model's own verified ones against the
fallbacks and templates. Writes the "Grounded drafting" section of
BENCHMARKS.md.

    .venv/bin/python bench/drafting.py [--write]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path: the repository root goes before it.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django  # noqa: E402

django.setup()

# First: generation.inference sets torch's OpenMP wait policy, read when torch loads.
from generation.inference import TextGenerator  # noqa: E402

# isort: split
from django.conf import settings  # noqa: E402

from demo.data import BACKPACK, LUNCH_BOX, RAIN_JACKET  # noqa: E402
from generation import guardrails  # noqa: E402
from generation.drafting.pipeline import DraftJob, run_grounded  # noqa: E402
from generation.drafting.types import DraftingInput, IdeaInput, SentenceOrigin  # noqa: E402
from generation.models import MAX_NEW_TOKENS, Kind, Length  # noqa: E402
from generation.prompts import prompt_build  # noqa: E402

CAMPAIGNS = (BACKPACK, RAIN_JACKET, LUNCH_BOX)
KINDS = (Kind.PRODUCT_DESCRIPTION, Kind.USER_STORY)
VARIANTS = 2  # the generation form's default
LENGTH = Length.SHORT
SEED = 0
SECTION = "## Grounded drafting"


def drafting_data(spec) -> DraftingInput:
    """A demo campaign as the selector would give it: ideas in their listed order as the ranking."""
    return DraftingInput(
        campaign_pk=0,
        title=spec.title,
        product_name=spec.product_name,
        brand_name=spec.brand_slug.title(),
        brief=spec.brief,
        banned_phrases="",
        ideas=tuple(IdeaInput(pk=n, title=t, body=b, rank=n) for n, (t, b) in enumerate(spec.ideas, start=1))[
            : settings.GENERATION_TOP_K_IDEAS
        ],
    )


def legacy(generator: TextGenerator, data: DraftingInput, kind: str) -> tuple[float, list[str]]:
    """The whole-draft path as services ran it: one prompt, its variants sampled, each checked."""
    started = time.perf_counter()
    prompt = prompt_build(data=data, kind=kind, tone="friendly", length=LENGTH, keywords=[], language="en")
    outputs = generator.generate(
        [prompt.messages] * VARIANTS, max_new_tokens=MAX_NEW_TOKENS[LENGTH], seed=SEED
    )
    context = guardrails.GuardrailContext(
        language="en", length=LENGTH, supporting_texts=prompt.supporting_texts
    )
    texts = [guardrails.complete_sentences(o.text) for o in outputs]
    for text in texts:
        guardrails.check_draft(text, context)
    return time.perf_counter() - started, texts


def grounded(generator: TextGenerator, data: DraftingInput, kind: str):
    started = time.perf_counter()
    job = DraftJob(
        key=0,
        data=data,
        kind=kind,
        tone="friendly",
        length=LENGTH,
        language="en",
        keywords=(),
        variants=VARIANTS,
    )
    result = run_grounded([job], generator, model_languages=frozenset({"en"}), seed=SEED)[0]
    return time.perf_counter() - started, result


def main() -> None:
    generator = TextGenerator(settings.GENERATION_MODEL, batch_size=settings.GENERATION_BATCH_SIZE)
    rows: list[tuple[str, str, float, float, float, int, int]] = []
    origins: Counter[SentenceOrigin] = Counter()
    examples: list[tuple[str, str, str]] = []
    for spec in CAMPAIGNS:
        data = drafting_data(spec)
        for kind in KINDS:
            generator.prefix_cache.clear()
            old_s, _texts = legacy(generator, data, kind)
            generator.prefix_cache.clear()
            new_s, result = grounded(generator, data, kind)
            for draft in result.drafts:
                origins.update(s.origin for s in draft.sentences)
            blocking = sum(
                any(f["severity"] == guardrails.SEVERITY_HIGH for f in d.findings) for d in result.drafts
            )
            coverage = mean(d.coverage for d in result.drafts)
            calls = sum(1 for key in result.timings if key.endswith("_prompts"))
            rows.append((spec.product_name, kind, old_s, new_s, coverage, blocking, calls))
            examples.append((spec.product_name, kind, result.drafts[0].text))
            print(
                f"{spec.product_name:28} {kind:20} legacy {old_s:5.1f} s  grounded {new_s:5.1f} s  "
                f"coverage {coverage:.0%}  blocking drafts {blocking}/{VARIANTS}  {result.timings}",
                flush=True,
            )
    total = sum(origins.values())
    share = {o: origins[o] / total for o in SentenceOrigin if origins[o]}
    old_total, new_total = sum(r[2] for r in rows), sum(r[3] for r in rows)
    lines = [
        SECTION,
        "",
        f"`bench/drafting.py` on this machine ({os.cpu_count()} CPUs, {generator.model_name}, "
        f"{generator.precision}): one {VARIANTS}-variant {LENGTH} request per English demo campaign "
        "and kind, written by the legacy whole-draft prompt and by the grounded pipeline on the same "
        "loaded model, one after the other, each call from an empty prefix cache. Times are the "
        "engine plus the checks (no database).",
        "",
        "| campaign | kind | legacy s | grounded s | grounded / legacy | grounded generate() calls "
        "| coverage of top-3 | drafts with a blocking finding |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {name} | {kind} | {old:.1f} | {new:.1f} | {new / old:.2f} | {calls} | {cov:.0%} "
            f"| {blocking}/{VARIANTS} |"
            for name, kind, old, new, cov, blocking, calls in rows
        ),
        f"| **all** | | {old_total:.1f} | {new_total:.1f} | {new_total / old_total:.2f} | | | |",
        "",
        "Grounded sentences by origin: "
        + ", ".join(f"{origin.value} {share[origin]:.0%}" for origin in share)
        + f" ({total} sentences). Target: model's own verified sentences >= 80 %.",
        "",
        "First variant of each, grounded:",
        "",
        *(f"- {name}, {kind}: {text}" for name, kind, text in examples),
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if "--write" in sys.argv:
        path = ROOT / "BENCHMARKS.md"
        text = path.read_text(encoding="utf-8")
        if SECTION in text:
            start = text.index(SECTION)
            end = text.find("\n## ", start + len(SECTION))
            text = text[:start] + report + (text[end + 1 :] if end != -1 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + report
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
