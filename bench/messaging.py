"""Personalised marketing lines per minute: batched (B = 16 and 32) against one
at a time, on the same loaded model in one run (issue 17).

Recipients are the labelled cases of bench/data/messaging_lines.json,
repeated; each line goes through the same verification as a campaign's
(messaging.lines.choose), and the share written by the model (verified)
versus the approved-template fallback is reported. A 10,000-recipient
campaign's preparation time is extrapolated from the best rate.

    .venv/bin/python bench/messaging.py [--write]
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

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
CAMPAIGN = 10_000
HEADING = "Marketing messages"


def recipients(n: int) -> list[lines.Facts]:
    cases = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    facts = [
        lines.Facts(
            language="en",
            product=c["product"],
            campaign=c["campaign"],
            brand=c["brand"],
            occasion=c["occasion"],
            authored=tuple(c["authored"]),
            voted=tuple(c["voted"]),
        )
        for c in cases
    ]
    return [facts[i % len(facts)] for i in range(n)]


def run(
    generator: TextGenerator, batch: int, facts: list[lines.Facts]
) -> tuple[float, Counter[str], list[str]]:
    generator.batch_size = batch
    generator.prefix_cache.clear()
    started = time.perf_counter()
    outputs = generator.generate(
        [lines.prompt(f) for f in facts],
        max_new_tokens=lines.LINE_MAX_NEW_TOKENS,
        temperature=lines.GREEDY,
        repetition_penalty=lines.NO_REPETITION_PENALTY,
    )
    chosen = [lines.choose(o.text, f, model_languages=["en"]) for o, f in zip(outputs, facts, strict=True)]
    seconds = time.perf_counter() - started
    return seconds, Counter(c.origin for c in chosen), [c.text for c in chosen if c.origin == "model"]


def main() -> None:
    generator = TextGenerator(settings.GENERATION_MODEL, batch_size=1)
    run(generator, 1, recipients(2))  # warm-up
    rows = []
    serial_s, serial_origins, _ = run(generator, 1, recipients(SERIAL_LINES))
    serial_rate = SERIAL_LINES / serial_s * 60
    rows.append((1, SERIAL_LINES, serial_s, serial_rate, serial_origins))
    examples: list[str] = []
    for batch in BATCHES:
        seconds, origins, written = run(generator, batch, recipients(BATCHED_LINES))
        rows.append((batch, BATCHED_LINES, seconds, BATCHED_LINES / seconds * 60, origins))
        examples = examples or written[:4]
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
            "checks against the recipient's own facts, plus the relation check); a line that fails "
            "is replaced by the approved template line, so 0 unverified lines are sent.",
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
            "Verified lines the model wrote:",
            "",
            *(f"- {t}" for t in examples),
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
