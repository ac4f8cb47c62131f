"""Personalised marketing lines per minute: batched (B = 16 and 32) against one
at a time, on the same loaded model in one run (issue 17).

First, without the model: the check on the labelled lines of
bench/data/messaging_lines.json (every fact a line states true of its
recipient, or not, and what is wrong with a false one): how many false lines
it rejects (all must be) and how many true lines it wrongly rejects.

Then recipients are the English labelled cases, repeated; each line the
model writes goes through the same verification as a campaign's
(messaging.lines.choose), and the share written by the model (verified)
versus the approved-template fallback is reported. A 10,000-recipient
campaign's preparation time is extrapolated from the best rate.

    .venv/bin/python bench/messaging.py [--write | --check-only]

--check-only prints the check's table on the labelled set and stops (no model).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

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

from bench.common import machine, machine_line, save_markdown_section, save_results  # noqa: E402
from messaging import lines  # noqa: E402

DATA = ROOT / "bench" / "data" / "messaging_lines.json"
SERIAL_LINES = 8  # one at a time is slow: fewer lines, the rate is what counts
BATCHED_LINES = 64
BATCHES = (16, 32)
MODEL_LANGUAGES = ("en",)
CAMPAIGN = 10_000
HEADING = "Marketing messages"


def recipients(n: int) -> list[lines.Facts]:
    facts = [f for f, _ in labelled() if f.language in MODEL_LANGUAGES and f.kind != lines.GENERIC]
    return [facts[i % len(facts)] for i in range(n)]


def labelled() -> list[tuple[lines.Facts, list[dict[str, str | bool]]]]:
    """Each labelled recipient's facts and candidate lines."""
    cases = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    return [(facts_of(c), c["lines"]) for c in cases]


def facts_of(case: dict[str, Any]) -> lines.Facts:
    """A labelled case's fields are Facts' own (lists of titles as tuples)."""
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in case.items() if k != "lines"}
    return lines.Facts(**fields)


def check_quality() -> tuple[list[str], dict[str, Counter[str]]]:
    """The check on the labelled lines: per kind of line, how many it passed
    and rejected; the true lines it rejected."""
    by_kind: dict[str, Counter[str]] = {}
    missed: list[str] = []
    for facts, candidates in labelled():
        for line in candidates:
            text, kind = str(line["text"]), str(line["kind"])
            passed = lines.sendable(text, facts, model_languages=MODEL_LANGUAGES)
            by_kind.setdefault(kind, Counter())["passed" if passed else "rejected"] += 1
            if line["true"] and not passed:
                missed.append(text)
    return missed, by_kind


def check_table(by_kind: dict[str, Counter[str]]) -> list[str]:
    true, false = by_kind.get("true", Counter()), Counter()
    for kind, counts in by_kind.items():
        if kind != "true":
            false.update(counts)
    accepted = true["passed"] + false["passed"]
    return [
        "| lines | passed | rejected |",
        "|---|---|---|",
        *(
            f"| {kind.replace('_', ' ')} | {c['passed']} | {c['rejected']} |"
            for kind, c in sorted(by_kind.items(), key=lambda kv: (kv[0] != "true", kv[0]))
        ),
        f"| **all false** | {false['passed']} | {false['rejected']} |",
        "",
        f"False lines rejected: {false['rejected']} of {false.total()} "
        f"({false['rejected'] / false.total():.0%}). True lines passed: {true['passed']} of "
        f"{true.total()} ({true['passed'] / true.total():.0%} recall); precision of what passes: "
        f"{true['passed'] / accepted:.0%}.",
    ]


def run(
    generator: TextGenerator, batch: int, facts: list[lines.Facts]
) -> tuple[float, Counter[str], list[tuple[str, lines.Line]]]:
    generator.batch_size = batch
    generator.prefix_cache.clear()
    started = time.perf_counter()
    outputs = generator.generate(
        [lines.prompt(f) for f in facts],
        max_new_tokens=lines.LINE_MAX_NEW_TOKENS,
        temperature=lines.GREEDY,
        repetition_penalty=lines.NO_REPETITION_PENALTY,
    )
    chosen = [
        lines.choose(o.text, f, model_languages=MODEL_LANGUAGES) for o, f in zip(outputs, facts, strict=True)
    ]
    seconds = time.perf_counter() - started
    written = [lines.clean(o.text) for o in outputs]
    return seconds, Counter(c.origin for c in chosen), list(zip(written, chosen, strict=True))


def rejected(line: lines.Line) -> str:
    codes = sorted({f["code"] for f in line.findings if f["severity"] == "high"})
    return f" (rejected: {', '.join(codes)})" if line.origin != "model" else ""


def main() -> None:
    missed, by_kind = check_quality()
    quality = check_table(by_kind)
    print("\n".join(quality), *(f"- {t}" for t in missed), sep="\n", flush=True)
    if "--check-only" in sys.argv:
        return
    generator = TextGenerator(settings.GENERATION_MODEL, batch_size=1)
    run(generator, 1, recipients(2))  # warm-up
    rows = []
    serial_s, serial_origins, _ = run(generator, 1, recipients(SERIAL_LINES))
    serial_rate = SERIAL_LINES / serial_s * 60
    rows.append((1, SERIAL_LINES, serial_s, serial_rate, serial_origins))
    distinct: dict[str, tuple[str, lines.Line]] = {}
    for batch in BATCHES:
        facts = recipients(BATCHED_LINES)
        seconds, origins, chosen = run(generator, batch, facts)
        rows.append((batch, BATCHED_LINES, seconds, BATCHED_LINES / seconds * 60, origins))
        if not distinct:
            distinct = {lines.prompt(f)[-1]["content"]: c for f, c in zip(facts, chosen, strict=True)}
    own = sum(line.origin == "model" for _, line in distinct.values())
    for row in rows:
        print(
            f"B={row[0]:>2} lines {row[1]:>3} {row[2]:6.1f} s {row[3]:7.1f} lines/min {dict(row[4])}",
            flush=True,
        )
    best = max(rows, key=lambda r: r[3])
    info = machine()
    body = "\n".join(
        [
            f"`bench/messaging.py`, {machine_line(info)}; {generator.model_name} in {generator.precision}, "
            f"greedy, at most {lines.LINE_MAX_NEW_TOKENS} new tokens per line, on the same loaded model "
            "in one run. Each line is verified as a campaign's is (messaging.lines.choose: the sentence "
            "checks against the recipient's own facts, and every claim the line makes matched to one "
            "of them by messaging.claims); a line that fails is replaced by the approved template line, "
            "so 0 unverified lines are sent.",
            "",
            f"The check on the labelled set (`{DATA.relative_to(ROOT)}`, {sum(by_kind[k].total() for k in by_kind)} "
            "lines, each labelled true when every fact it states is true of its recipient; a false line "
            "by what is wrong with it; the zh-hans lines template-shaped, checked as a template is), "
            "no model:",
            "",
            *quality,
            "",
            "True lines it rejects (they fall back to the approved line):",
            "",
            *(f"- {t}" for t in missed),
            "",
            "Throughput, the English labelled recipients with facts repeated:",
            "",
            "| batch | lines | seconds | lines / minute | × one at a time | written by the model (verified) | fell back to the template |",
            "|---|---|---|---|---|---|---|",
            *(
                f"| {b} | {n} | {s:.1f} | {r:.0f} | {r / serial_rate:.1f} | {o['model']} | {o['fallback']} |"
                for b, n, s, r, o in rows
            ),
            "",
            f"Extrapolated: a {CAMPAIGN:,}-recipient campaign (everyone an English recipient with facts, "
            f"the worst case) needs about {CAMPAIGN / best[3]:.0f} minutes of preparation at B = {best[0]} "
            f"on this CPU, against {CAMPAIGN / serial_rate:.0f} minutes one at a time. Recipients in "
            "languages the model does not write, without facts, without consent or in the control "
            "group cost no model time.",
            "",
            f"The model's own lines for the {len(distinct)} distinct recipients (greedy, so repeats "
            f"write the same line): {own} of {len(distinct)} verified ({own / len(distinct):.0%}), "
            "the rest fell back:",
            "",
            *(f"- {line.origin}: {text}{rejected(line)}" for text, line in distinct.values()),
        ]
    )
    print(body)
    if "--write" in sys.argv:
        save_results(
            "messaging",
            {
                "machine": info,
                "rows": [
                    {"batch": b, "lines": n, "seconds": s, "per_minute": r, "origins": dict(o)}
                    for b, n, s, r, o in rows
                ],
            },
        )
        save_markdown_section(HEADING, body)


if __name__ == "__main__":
    main()
