"""Concurrent voting: votes/s through the service layer, then exact counts.

    .venv/bin/python bench/votes.py            # 8 voters for 15 s
    .venv/bin/python bench/votes.py --quick    # 5 s

Voter threads, each with its own database connection (as gunicorn workers
have), cast and withdraw votes through campaigns.services on a scratch
PostgreSQL database. Most votes go to a few popular ideas (a Zipf-like pick),
so row locks on those ideas are contended, as on a real campaign's front page.
Each voter has its own people, so every cast and withdrawal should succeed.

Afterwards every idea's stored vote_count must equal COUNT(votes): PASS or FAIL.

Writes the "votes" section of bench/results.json and "## Votes" in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on sys.path: the repository root goes before it.
sys.path.insert(0, str(ROOT))

from bench.common import machine, machine_line, save_markdown_section, save_results  # noqa: E402
from bench.pgdb import postgres_reachable, scratch_database  # noqa: E402

DATABASE_NAME = "cocreate_bench_votes"
VOTERS = 8
PEOPLE_PER_VOTER = 100
IDEAS = 20
# Weight of the idea ranked r is 1 / r**ZIPF_S: the top few ideas take most votes.
ZIPF_S = 1.1
SECONDS, QUICK_SECONDS = 15, 5
SEED = 7


def _setup():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from campaigns import ranking
    from campaigns.models import Brand, Campaign, Idea

    brand = Brand.objects.create(name="Bench brand", slug="bench-brand")
    campaign = Campaign.objects.create(
        brand=brand, title="Bench campaign", slug="bench", brief="Votes.", product_name="Bench", phase="ideas"
    )
    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"voter{n}", password=make_password(None))
        for n in range(VOTERS * PEOPLE_PER_VOTER)
    )
    author = people[0]
    ideas = []
    for n in range(IDEAS):
        idea = Idea(campaign=campaign, author=author, title=f"Bench idea {n}", body="-", status="published")
        idea.score = ranking.score_initial(idea.created_at)
        ideas.append(idea)
    return Idea.objects.bulk_create(ideas), people


def _voter(ideas, people, weights, deadline: float, outcomes: Counter, lock: threading.Lock, rng) -> None:
    from django.db import connection

    from campaigns import services

    voted: set[tuple[int, int]] = set()
    done: Counter = Counter()
    try:
        while time.monotonic() < deadline:
            idea = rng.choices(ideas, weights=weights)[0]
            person = rng.choice(people)
            try:
                if (idea.pk, person.pk) in voted:
                    services.vote_withdraw(idea=idea, user=person)
                    voted.discard((idea.pk, person.pk))
                    done["withdrawn"] += 1
                else:
                    services.vote_cast(idea=idea, user=person)
                    voted.add((idea.pk, person.pk))
                    done["cast"] += 1
            except Exception as exc:  # counted and shown: the benchmark must not hide one
                done[f"error: {type(exc).__name__}: {exc}"] += 1
    finally:
        connection.close()
        with lock:
            outcomes.update(done)


def run(seconds: int) -> dict:
    from django.db.models import Count

    from campaigns.models import Idea

    ideas, people = _setup()
    weights = [1 / rank**ZIPF_S for rank in range(1, len(ideas) + 1)]
    outcomes: Counter = Counter()
    lock = threading.Lock()
    seeds = random.Random(SEED)
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=_voter,
            args=(
                ideas,
                people[n * PEOPLE_PER_VOTER : (n + 1) * PEOPLE_PER_VOTER],
                weights,
                deadline,
                outcomes,
                lock,
                random.Random(seeds.random()),
            ),
        )
        for n in range(VOTERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    mismatched = [
        {"idea": i.pk, "vote_count": i.vote_count, "votes": i.rows}
        for i in Idea.objects.annotate(rows=Count("votes")).order_by("pk")
        if i.vote_count != i.rows
    ]
    writes = outcomes["cast"] + outcomes["withdrawn"]
    errors = {k: v for k, v in outcomes.items() if k.startswith("error")}
    return {
        "machine": machine(),
        "voters": VOTERS,
        "ideas": IDEAS,
        "seconds": round(elapsed, 2),
        "cast": outcomes["cast"],
        "withdrawn": outcomes["withdrawn"],
        "writes_per_s": round(writes / elapsed, 1),
        "errors": errors,
        "votes_now": sum(i.vote_count for i in Idea.objects.all()),
        "mismatched_ideas": mismatched,
        "counts_exact": "PASS" if not mismatched and not errors else "FAIL",
    }


def markdown(data: dict) -> str:
    info = data["machine"]
    return "\n".join(
        [
            "`bench/votes.py`. "
            f"{data['voters']} voter threads, each with its own PostgreSQL connection, cast and withdraw "
            f"votes through `campaigns.services` for {data['seconds']} s on {data['ideas']} ideas, most "
            "votes on the top few (row locks contended).",
            "",
            f"Machine: {machine_line(info)}. Load average when it started: {info['load_average_1m']}.",
            "",
            "| voters | casts | withdrawals | writes/s | errors | vote_count == COUNT(votes) for every idea |",
            "|---|---|---|---|---|---|",
            f"| {data['voters']} | {data['cast']} | {data['withdrawn']} | {data['writes_per_s']:.0f} "
            f"| {sum(data['errors'].values())} | **{data['counts_exact']}** |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SECONDS} s instead of {SECONDS} s")
    args = parser.parse_args()
    if not postgres_reachable():
        print("votes: skipped, no PostgreSQL answers (set BENCH_POSTGRES_URL)")
        return
    with scratch_database(DATABASE_NAME) as url:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")
        import django

        django.setup()
        data = run(QUICK_SECONDS if args.quick else SECONDS)
        from django.db import connections

        connections.close_all()
    save_results("votes_quick" if args.quick else "votes", data)
    if not args.quick:
        save_markdown_section("Votes", markdown(data))
    print(markdown(data))
    if data["counts_exact"] != "PASS":
        print(f"FAIL: {data['mismatched_ideas'][:5]} {data['errors']}")
        sys.exit(1)


if __name__ == "__main__":
    main()
