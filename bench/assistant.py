"""Shopper assistant: answers, citations, refusals, hand-offs, leaks and speed.

    .venv/bin/python bench/assistant.py                  # everything (about 20 min on 2 cores)
    .venv/bin/python bench/assistant.py --no-latency     # quality and retrieval only
    .venv/bin/python bench/assistant.py --no-model       # quote-only answers (no generator)
    .venv/bin/python bench/assistant.py --latency-only   # only part 3 (its paragraph in BENCHMARKS.md)

1. Quality: the labelled questions of bench/data/assistant_questions.json over
   the demo brands (demo/data.py, with their FAQ and policy entries of demo/sources.py), plus one
   published text per campaign, and content that must never surface (a draft
   waiting for review, an unpublished FAQ entry, a campaign still in draft,
   each holding the canary). Every question goes through the services as on
   the site: the hand-off rules, then answer_write with the real default
   model (SmolLM2-135M, English only). Reported per split: the questions
   labelled `tune` were used to choose the relevance thresholds in
   assistant/answering.py (a sweep with quote-only answers, printed with
   --sweep), those labelled `test` never were. Then the blind batches of
   bench/data/assistant_blind_questions.json, each reported alone with the
   role it has played ("about" there says how they were written).
   --questions FILE asks another file's questions instead (a new blind batch).
2. Retrieval at 10,000 sources: one synthetic brand with 10,000 FAQ entries
   (20,000 passages would be both languages; English only here), synced by
   indexing.passages_sync; then p50/p95 of indexing.retrieve (fingerprint
   check, cached index, query encoding, BM25 + vectors) over the labelled
   questions.
3. Answer latency on real workers: a redis-server of the bench's own and the
   model workers as `make run` starts them (`-Q gpu` at a lower CPU priority,
   `-Q answers` beside it; prefork, one child each) with the real model on
   the bench's database; a question's latency runs from message_post to the
   answer row. With an idle queue, then with draft requests queued (and one
   running) while questions are asked back to back; drafts are timed alone
   and during those questions. The same run repeats the queued case with one
   worker process for both queues, the layout without an answers worker.

Writes the "assistant" section of bench/results.json and "## Shopper assistant" in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BENCHMARKS_MD,
    RESULTS,
    machine,
    machine_line,
    save_markdown_section,
    save_results,
)
from bench.redis_server import redis_server  # noqa: E402

QUESTIONS = ROOT / "bench" / "data" / "assistant_questions.json"
# Batches written blind (bench/data/assistant_blind_questions.json, "about").
BLIND_QUESTIONS = ROOT / "bench" / "data" / "assistant_blind_questions.json"
MODEL_DIR = ROOT / "var" / "models" / "smollm2-135m-instruct"
SPLITS = ("tune", "test")
SYNTHETIC_SOURCES = 10_000
SYNTHETIC_BRAND = "synthetic-10k"
RETRIEVAL_ROUNDS = 3  # passes over the labelled questions
LATENCY_QUESTIONS = 8  # per scenario
DRAFTS_QUEUED = 3  # draft requests waiting behind the running one
DRAFT_SAMPLES = 4  # draft requests timed alone, and while answers are asked
QUEUED_PHASE_MAX_S = 600  # bounds the phase that waits for DRAFT_SAMPLES drafts
# The gpu worker's niceness as `make run` starts it (Makefile), and the one
# --compare-nice tries: drafts yielding the CPU to answers.
GPU_WORKER_NICENESS = 0
NICENESS_COMPARED = 10
WORKER_READY_S = 180
ANSWER_WITHIN_S = 600
POLL_S = 0.05
# Threshold grid of the sweep (assistant/answering.py): PASSAGE_MIN_COVERAGE (questions
# asking no known intent) x PRODUCT_MIN_SUBJECT x POLICY_MIN_SUBJECT.
SWEEP_THRESHOLDS = ("PASSAGE_MIN_COVERAGE", "PRODUCT_MIN_SUBJECT", "POLICY_MIN_SUBJECT")
SWEEP_GRID = ((0.4, 0.5, 0.6), (0.3, 0.5, 0.7), (0.0, 0.15, 0.3))
ANSWERABLE_EXPECT = "answer"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the database ------------------------------------------------------------------------------


def seed(spec: dict[str, Any]) -> dict[str, Any]:
    """The demo brands, campaigns and their ideas (demo/data.py, written
    directly: the assistant needs none of seed_demo's votes and comments),
    their FAQ and policy entries (demo/sources.py), the published texts, and
    the content that must never be answered from."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from assistant.models import Source
    from campaigns.models import Brand, BrandMembership, Campaign, Idea
    from demo import data as demo_data
    from demo.sources import sources_seed
    from generation.models import Draft, GenerationRequest

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    users = get_user_model().objects
    brands = {
        b.slug: Brand.objects.create(slug=b.slug, name=b.name, description=b.description)
        for b in demo_data.BRANDS
    }
    merchants = {}
    for login in demo_data.LOGINS:
        if login.brand_slug:
            merchants[login.brand_slug] = users.create_user(login.person.username, is_staff=True)
            BrandMembership.objects.create(
                user=merchants[login.brand_slug], brand=brands[login.brand_slug], role=login.role
            )
    sources_seed(brands=brands, merchants=merchants)
    merchant = merchants["northpeak"]
    author = users.create_user("bench-author")
    campaigns = {}
    for c in demo_data.CAMPAIGNS:
        campaigns[c.slug] = Campaign.objects.create(
            brand=brands[c.brand_slug],
            slug=c.slug,
            title=c.title,
            product_name=c.product_name,
            brief=c.brief,
            locale=c.locale,
            tone=c.tone,
            phase=c.phases[-1] if c.phases else Campaign.Phase.IDEAS,
        )
        # The community's ideas, for the draft requests of the latency run.
        Idea.objects.bulk_create(
            Idea(
                campaign=campaigns[c.slug],
                author=author,
                title=title,
                body=body,
                status=Idea.Status.PUBLISHED,
                vote_count=len(c.ideas) - n,
                score=len(c.ideas) - n,
                consent_ai=True,
            )
            for n, (title, body) in enumerate(c.ideas)
        )

    def draft(campaign: Campaign, text: str, status: str) -> Draft:
        request = GenerationRequest.objects.create(
            campaign=campaign, kind="product_description", requested_by=merchant, params={}, status="done"
        )
        return Draft.objects.create(
            request=request,
            campaign=campaign,
            kind="product_description",
            text=text,
            status=status,
            published_at=timezone.now() if status == Draft.Status.PUBLISHED else None,
        )

    for slug, text in spec["published_drafts"].items():
        draft(campaigns[slug], text, Draft.Status.PUBLISHED)
    hidden = spec["unpublished"]
    draft(campaigns[hidden["pending_draft"]["campaign"]], hidden["pending_draft"]["text"], "pending_review")
    source = hidden["unpublished_source"]
    Source.objects.create(
        brand=Brand.objects.get(slug=source["brand"]),
        kind=Source.Kind.FAQ,
        title_en=source["title_en"],
        body_en=source["body_en"],
        title_zh=source["title_zh"],
        body_zh=source["body_zh"],
        is_published=False,
    )
    draft_campaign = hidden["draft_campaign"]
    Campaign.objects.create(
        brand=Brand.objects.get(slug=draft_campaign["brand"]),
        slug=draft_campaign["slug"],
        title=draft_campaign["title"],
        product_name=draft_campaign["product_name"],
        brief=draft_campaign["brief"],
        phase=Campaign.Phase.DRAFT,
    )
    return {"merchant": merchant, "campaigns": campaigns}


def source_keys() -> tuple[dict[tuple[str, int], str], dict[str, set[tuple[str, int]]]]:
    """(citation kind, id) -> the label key of bench/data/assistant_questions.json,
    and per brand the (kind, id) pairs an answer may cite: its published
    entries, the briefs of its public campaigns and their published texts."""
    from assistant.models import Source
    from campaigns.models import Campaign
    from generation.models import Draft

    keys: dict[tuple[str, int], str] = {}
    allowed: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for s in Source.objects.select_related("brand"):
        keys[(s.kind, s.pk)] = f"{s.kind}/{s.title_en}"
        if s.is_published:
            allowed[s.brand.slug].add((s.kind, s.pk))
    for c in Campaign.objects.select_related("brand"):
        keys[("brief", c.pk)] = f"brief/{c.slug}"
        if c.phase != Campaign.Phase.DRAFT:
            allowed[c.brand.slug].add(("brief", c.pk))
    for d in Draft.objects.select_related("campaign__brand"):
        keys[("draft", d.pk)] = f"draft/{d.campaign.slug}"
        if d.status == Draft.Status.PUBLISHED and d.campaign.phase != Campaign.Phase.DRAFT:
            allowed[d.campaign.brand.slug].add(("draft", d.pk))
    return keys, allowed


# --- asking ------------------------------------------------------------------------------------


def ask_all(questions: list[dict[str, Any]], generator: Any) -> list[dict[str, Any]]:
    """Each question in a new conversation, through the services; returns what happened."""
    from unittest import mock

    from assistant import services
    from assistant.models import Conversation, Message
    from campaigns.models import Brand

    brands = {b.slug: b for b in Brand.objects.all()}
    rows = []
    with mock.patch("assistant.services.publish_after_commit"):
        for q in questions:
            conversation = services.conversation_start(brand=brands[q["brand"]], language=q["language"])
            message = services.message_post(conversation=conversation, text=q["question"])
            started = time.monotonic()
            reply = None
            if message.outcome == Message.Outcome.PENDING:
                reply = services.answer_write(message_id=message.pk, generator=generator)
            seconds = time.monotonic() - started
            message.refresh_from_db()
            conversation.refresh_from_db()
            rows.append(
                {
                    "id": q["id"],
                    "outcome": (
                        "handoff"
                        if conversation.status == Conversation.Status.HANDED_OVER
                        else message.outcome
                    ),
                    "reason": conversation.handed_over_reason,
                    "text": reply.text if reply else "",
                    "citations": reply.citations if reply else [],
                    "seconds": round(seconds, 3),
                }
            )
    return rows


def score(
    questions: list[dict[str, Any]], rows: list[dict[str, Any]], spec: dict[str, Any], sources: tuple
) -> dict[str, Any]:
    """The issue's measures over one set of questions."""
    from generation.guardrails.text import CJK_RE

    keys, allowed = sources
    by_id = {r["id"]: r for r in rows}
    answerable = [q for q in questions if q["expect"] == ANSWERABLE_EXPECT]
    unanswerable = [q for q in questions if q["expect"] == "refuse"]
    correct = cited = cited_right = false_refusals = 0
    for q in answerable:
        r = by_id[q["id"]]
        got = [keys.get((c["kind"], c["id"]), "?") for c in r["citations"]]
        if r["outcome"] != "answered":
            false_refusals += 1
            continue
        cited += len(got)
        cited_right += sum(k in q["sources"] for k in got)
        correct += any(k in q["sources"] for k in got)
    refused = sum(by_id[q["id"]]["outcome"] in ("no_answer", "handoff") for q in unanswerable)
    handed = defaultdict(lambda: [0, 0])
    for q in questions:
        if q["expect"] == "handoff":
            handed[q["category"]][0] += by_id[q["id"]]["outcome"] == "handoff"
            handed[q["category"]][1] += 1
    leaks = []
    markers = spec["leak_markers"]
    for q in questions:
        r = by_id[q["id"]]
        # leak_markers[brand]: words of the other brand that never belong in this brand's answers.
        found = [m for m in [*markers[q["brand"]], *markers["unpublished"]] if m.lower() in r["text"].lower()]
        found += [
            f"cites {c['url']}" for c in r["citations"] if (c["kind"], c["id"]) not in allowed[q["brand"]]
        ]
        if found:
            leaks.append({"id": q["id"], "found": found, "text": r["text"]})
    canary = sum(spec["canary"] in by_id[q["id"]]["text"] for q in questions)
    answered = [q for q in questions if by_id[q["id"]]["outcome"] == "answered"]
    # An answer in the other language than the question's: Chinese characters where none belong, or none where they do.
    other_language = sum(
        bool(CJK_RE.search(by_id[q["id"]]["text"])) != q["language"].startswith("zh") for q in answered
    )

    def share(n: int, d: int) -> float | None:
        return round(n / d, 3) if d else None

    return {
        "questions": len(questions),
        "answerable": len(answerable),
        "grounded_answer_rate": share(correct, len(answerable)),
        "citation_precision": share(cited_right, cited),
        "unanswerable": len(unanswerable),
        "refused_or_handed_over": share(refused, len(unanswerable)),
        "false_refusals": share(false_refusals, len(answerable)),
        "handed_over": {c: share(*v) for c, v in sorted(handed.items())},
        "leaks": leaks,
        "canary_leaks": canary,
        "answers_in_another_language": other_language,
    }


def misses(questions: list[dict[str, Any]], rows: list[dict[str, Any]], sources: tuple) -> list[str]:
    keys = sources[0]
    by_id = {r["id"]: r for r in rows}
    out = []
    for q in questions:
        r = by_id[q["id"]]
        got = sorted({keys.get((c["kind"], c["id"]), "?") for c in r["citations"]})
        ok = {
            "answer": r["outcome"] == "answered" and any(k in q["sources"] for k in got),
            "refuse": r["outcome"] in ("no_answer", "handoff"),
            "handoff": r["outcome"] == "handoff",
        }[q["expect"]]
        if not ok:
            out.append(
                f"#{q['id']} [{q['split']}] {q['question']!r}: {r['outcome']} {got} {r['text'][:90]!r}"
            )
    return out


# --- the threshold sweep -----------------------------------------------------------------------


def sweep(questions: list[dict[str, Any]], spec: dict, keys: tuple) -> list[dict[str, Any]]:
    """Quote-only answers (no generator) for every threshold combination, on
    the questions given; the relevance decision does not depend on the model."""
    import itertools

    from assistant import answering

    results = []
    saved = {name: getattr(answering, name) for name in SWEEP_THRESHOLDS}
    try:
        for values in itertools.product(*SWEEP_GRID):
            setting = dict(zip(SWEEP_THRESHOLDS, values, strict=True))
            for name, value in setting.items():
                setattr(answering, name, value)
            s = score(questions, ask_all(questions, None), spec, keys)
            results.append({"setting": setting, **s})
    finally:
        for name, value in saved.items():
            setattr(answering, name, value)
    return results


# --- retrieval at 10,000 sources ---------------------------------------------------------------


def retrieval_at_scale(questions: list[dict[str, Any]]) -> dict[str, Any]:
    import random

    from assistant import indexing, retrieval
    from assistant.models import Source
    from campaigns.models import Brand

    rng = random.Random(0)
    brand = Brand.objects.create(slug=SYNTHETIC_BRAND, name="Synthetic")
    products = [
        "daypack",
        "rain jacket",
        "lunch box",
        "bottle",
        "mug",
        "tent",
        "stove",
        "glove",
        "boot",
        "lamp",
    ]
    topics = [
        "delivery",
        "returns",
        "warranty",
        "washing",
        "sizing",
        "materials",
        "repairs",
        "colours",
        "weight",
    ]
    Source.objects.bulk_create(
        Source(
            brand=brand,
            kind=Source.Kind.FAQ,
            title_en=f"{rng.choice(topics).title()} of the {rng.choice(products)} model {n}",
            body_en=(
                f"The model {n} {rng.choice(products)} takes {rng.randint(1, 9)} working days for "
                f"{rng.choice(topics)}. It weighs {rng.randint(100, 2000)} grams and comes in "
                f"{rng.choice(['red', 'blue', 'green', 'black'])}. Wash it at {rng.choice([30, 40])} degrees."
            ),
        )
        for n in range(SYNTHETIC_SOURCES)
    )
    started = time.monotonic()
    indexing.passages_sync(brand_id=brand.pk)
    sync_s = time.monotonic() - started
    retrieval.clear_cache()
    started = time.monotonic()
    indexing.retrieve(brand_id=brand.pk, question="warm up", limit=4)
    build_s = time.monotonic() - started
    samples = []
    for _ in range(RETRIEVAL_ROUNDS):
        for q in questions:
            started = time.monotonic()
            indexing.retrieve(brand_id=brand.pk, question=q["question"], limit=4)
            samples.append(time.monotonic() - started)
    return {
        "sources": SYNTHETIC_SOURCES,
        "passages": len(indexing.brand_index(brand.pk).passages),
        "sync_s": round(sync_s, 1),
        "first_lookup_s": round(build_s, 2),
        "lookups": len(samples),
        "p50_ms": round(percentile(samples, 0.5) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
    }


# --- latency on real workers -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSpec:
    """One Celery worker process: its queues, CPU niceness and torch threads (None: the engine's default)."""

    queues: str
    niceness: int = 0
    threads: int | None = None
    # Answers written by the model whether or not a sentence answers (bench/assistant_model_worker.py).
    model_answers: bool = False


@dataclass
class Workers:
    processes: list[subprocess.Popen]
    logs: list[Path]

    def log(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in self.logs)

    def wait_for(self, condition, *, within_s: float, what: str) -> None:  # noqa: ANN001
        deadline = time.monotonic() + within_s
        while not condition():
            if any(p.poll() is not None for p in self.processes) or time.monotonic() > deadline:
                raise RuntimeError(f"{what}: not done\n{self.log()}")
            time.sleep(POLL_S)


@contextmanager
def workers(specs: list[WorkerSpec], database_url: str, broker: str, folder: Path) -> Iterator[Workers]:
    """The specs' workers on the bench's database and broker, ready when this yields."""
    started = Workers(processes=[], logs=[])
    try:
        for n, spec in enumerate(specs):
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "cocreate.settings",
                "DATABASE_URL": database_url,
                "CELERY_BROKER_URL": broker,
                "GENERATION_MODEL": str(MODEL_DIR),
                "PYTHONUNBUFFERED": "1",
            }
            if spec.threads is not None:
                env["GENERATION_NUM_THREADS"] = str(spec.threads)
            command = [
                *(("nice", "-n", str(spec.niceness)) if spec.niceness else ()),
                *(
                    (sys.executable, "-m", "bench.assistant_model_worker")
                    if spec.model_answers
                    else (str(Path(sys.executable).parent / "celery"), "-A", "cocreate", "worker")
                ),
                *("-Q", spec.queues, "-P", "prefork", "-c", "1"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle"),
                *("-n", f"bench-assistant-{n}@%h", "-l", "info"),
            ]
            log = folder / f"worker-{n}-{spec.queues.replace(',', '-')}.log"
            with log.open("w") as out:
                started.processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
                )
            started.logs.append(log)
        for log in started.logs:
            started.wait_for(
                lambda log=log: " ready." in log.read_text(), within_s=WORKER_READY_S, what=log.name
            )
        yield started
    finally:
        for process in started.processes:
            process.terminate()
        for process in started.processes:
            process.wait(timeout=60)


def timed_answer(question: dict[str, Any], brands: dict[str, Any], running: Workers) -> float:
    """Post the question as a shopper does and wait for the worker's answer: seconds."""
    from assistant import services
    from assistant.models import Message

    conversation = services.conversation_start(brand=brands[question["brand"]], language=question["language"])
    started = time.monotonic()
    message = services.message_post(conversation=conversation, text=question["question"])
    running.wait_for(
        lambda: Message.objects.filter(reply_to=message).exists(),
        within_s=ANSWER_WITHIN_S,
        what=f"answer to {question['question']!r}",
    )
    return time.monotonic() - started


def draft_seconds(requests: list[Any], *, started_since: datetime | None = None) -> list[float]:
    """Started to finished, of the requests done (and started since then)."""
    from generation.models import GenerationRequest

    done = GenerationRequest.objects.filter(pk__in=[r.pk for r in requests], status="done")
    if started_since is not None:
        done = done.filter(started_at__gte=started_since)
    return [(r.finished_at - r.started_at).total_seconds() for r in done if r.started_at and r.finished_at]


def summary(seconds: list[float]) -> dict[str, Any]:
    if not seconds:
        return {"n": 0, "p50_s": None, "p95_s": None}
    return {
        "n": len(seconds),
        "p50_s": round(percentile(seconds, 0.5), 2),
        "p95_s": round(percentile(seconds, 0.95), 2),
    }


def layout_latency(
    specs: list[WorkerSpec],
    questions: list[dict[str, Any]],
    database_url: str,
    broker: str,
    seeded: dict,
    *,
    full: bool,
    draft_samples: int = DRAFT_SAMPLES,
) -> dict[str, Any]:
    """Answer latency under one layout of worker processes. `full` adds the idle
    queue and drafts without answers; otherwise only answers with drafts queued,
    asked until `draft_samples` drafts ran meanwhile."""
    from django.utils import timezone

    from campaigns.models import Brand
    from generation import services as generation_services
    from generation.models import GenerationRequest

    brands = {b.slug: b for b in Brand.objects.all()}
    campaign = seeded["campaigns"]["ridgeline-30l-daypack"]

    def queue_draft() -> GenerationRequest:
        return generation_services.generation_request_create(
            campaign=campaign,
            requested_by=seeded["merchant"],
            kind="product_description",
            tone="friendly",
            length="short",
            keywords=[],
            language="en",
            variants=1,
        )

    def open_drafts() -> int:
        return GenerationRequest.objects.filter(status__in=["queued", "running"]).count()

    result: dict[str, Any] = {"workers": [asdict(s) for s in specs]}
    with tempfile.TemporaryDirectory() as tmp, workers(specs, database_url, broker, Path(tmp)) as running:
        # Each process loads the model on its first task: not a shopper's usual wait.
        result["first_answer_with_model_load_s"] = round(timed_answer(questions[0], brands, running), 2)
        queue_draft()
        running.wait_for(lambda: open_drafts() == 0, within_s=ANSWER_WITHIN_S, what="the first draft")
        if full:
            idle = [timed_answer(q, brands, running) for q in questions[:LATENCY_QUESTIONS]]
            result["idle"] = summary(idle)
            alone = [queue_draft() for _ in range(DRAFT_SAMPLES)]
            running.wait_for(lambda: open_drafts() == 0, within_s=ANSWER_WITHIN_S * 2, what="drafts alone")
            result["draft_alone"] = summary(draft_seconds(alone))
        drafts = [queue_draft() for _ in range(DRAFTS_QUEUED + 1)]
        running.wait_for(
            lambda: GenerationRequest.objects.filter(status="running").exists(),
            within_s=ANSWER_WITHIN_S,
            what="a draft running",
        )
        phase_start, phase_end = timezone.now(), time.monotonic() + QUEUED_PHASE_MAX_S
        queued: list[float] = []
        during: list[float] = []
        for q in itertools.cycle(questions):
            # Keep drafts waiting behind the running one for every question.
            drafts += [queue_draft() for _ in range(max(0, DRAFTS_QUEUED + 1 - open_drafts()))]
            queued.append(timed_answer(q, brands, running))
            # Drafts that started while answers were being asked back to back.
            during = draft_seconds(drafts, started_since=phase_start)
            enough = len(queued) >= LATENCY_QUESTIONS and (not full or len(during) >= draft_samples)
            if enough or (len(queued) >= LATENCY_QUESTIONS and time.monotonic() > phase_end):
                break
        result["drafts_queued"] = {**summary(queued), "queued_behind_running": DRAFTS_QUEUED}
        if full:
            result["draft_with_answers"] = summary(during)
    return result


def latency(
    questions: list[dict[str, Any]],
    database_url: str,
    broker: str,
    seeded: dict,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """The answers worker layout (make run, docker/compose.yml) against one model
    worker for both queues and, with --compare-nice, against the same layout
    with the gpu worker niced; all in the same run."""
    answerable = [q for q in questions if q["expect"] == ANSWERABLE_EXPECT and q["language"] == "en"]
    sample = answerable[: LATENCY_QUESTIONS * 2]

    def answers_layout(niceness: int, *, model_answers: bool = False) -> list[WorkerSpec]:
        return [
            WorkerSpec("gpu", niceness=niceness, threads=args.gpu_threads),
            WorkerSpec("answers", threads=args.answer_threads, model_answers=model_answers),
        ]

    def run(specs: list[WorkerSpec], *, full: bool, draft_samples: int = DRAFT_SAMPLES) -> dict[str, Any]:
        return layout_latency(
            specs, sample, database_url, broker, seeded, full=full, draft_samples=draft_samples
        )

    load_before = os.getloadavg()[0]
    layouts = {"answers worker": run(answers_layout(args.gpu_nice), full=True)}
    if not args.no_baseline:
        layouts["one worker"] = run([WorkerSpec("answers,gpu", threads=args.gpu_threads)], full=False)
    if args.compare_nice:
        layouts["answers worker, gpu niced"] = run(answers_layout(NICENESS_COMPARED), full=True)
    if args.model_answers:
        # The model's path, niced and not: drafts are timed only as far as they
        # ran during the questions (niced, one may take minutes among them).
        for niceness in dict.fromkeys((args.gpu_nice, NICENESS_COMPARED)):
            layouts[f"model answers, gpu nice {niceness}"] = run(
                answers_layout(niceness, model_answers=True), full=True, draft_samples=0
            )
    return {
        "layouts": layouts,
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# --- report ------------------------------------------------------------------------------------


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f} %"


def markdown(info: dict, spec: dict, results: dict[str, Any]) -> str:
    lines = [
        f"Measured on {machine_line(info)} (load {info['load_average_1m']}) by `bench/assistant.py`.",
        "",
        f"{results['questions']} labelled questions over the demo brands (`bench/data/assistant_questions.json`, "
        f"{results['languages']}); categories {results['categories']}. Answers by "
        f"{results['generator']}. The `tune` split chose the thresholds; the `test` split (every third "
        "question of each category) was held out.",
        "",
        "| measure | target | tune | test | all |",
        "|---|---|---|---|---|",
    ]
    s = results["splits"]

    def row(label: str, target: str, key: str) -> None:
        lines.append(f"| {label} | {target} | " + " | ".join(pct(s[k][key]) for k in (*SPLITS, "all")) + " |")

    row("answerable: answered, citing a right source", "≥ 90 %", "grounded_answer_rate")
    row("citation precision", "≥ 95 %", "citation_precision")
    row("unanswerable: fixed reply or hand-off", "≥ 95 %", "refused_or_handed_over")
    row("false refusals (answerable not answered)", "≤ 10 %", "false_refusals")
    for category, target in (("person", "100 %"), ("angry", ""), ("sensitive", "")):
        lines.append(
            f"| hand-off: {category} | {target} | "
            + " | ".join(pct(s[k]["handed_over"].get(category)) for k in (*SPLITS, "all"))
            + " |"
        )
    lines.append(
        "| leaks (other brand, unpublished) / canary | 0 | "
        + " | ".join(f"{len(s[k]['leaks'])} / {s[k]['canary_leaks']}" for k in (*SPLITS, "all"))
        + " |"
    )
    if blind := results.get("blind"):
        lines += [
            "",
            "Blind batches (`bench/data/assistant_blind_questions.json`: 100 questions each, written by helpers who "
            "saw only the demo brands' sources, never this code or another set; same run):",
            "",
            "| batch | role | answered, citing a right source | citation precision | unanswerable refused "
            "or handed over | false refusals | hand-off person / angry / sensitive | answers in another "
            "language | leaks / canary |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for split, b in blind.items():
            handed = " / ".join(pct(b["handed_over"].get(c)) for c in ("person", "angry", "sensitive"))
            lines.append(
                f"| {split} | {b['role']} | {pct(b['grounded_answer_rate'])} | {pct(b['citation_precision'])} | "
                f"{pct(b['refused_or_handed_over'])} | {pct(b['false_refusals'])} | {handed} | "
                f"{b['answers_in_another_language']} | {len(b['leaks'])} / {b['canary_leaks']} |"
            )
    r = results.get("retrieval")
    if r:
        lines += [
            "",
            f"Retrieval at {r['sources']:,} sources ({r['passages']:,} passages, one brand): p50 {r['p50_ms']} ms, "
            f"**p95 {r['p95_ms']} ms** (target ≤ 200 ms) over {r['lookups']} lookups (query encoding included); "
            f"sync of all passages {r['sync_s']} s, first lookup (index build) {r['first_lookup_s']} s.",
        ]
    if lat := results.get("latency"):
        lines += ["", latency_markdown(info, lat)]
    lines += ["", *results.get("notes", [])]
    return "\n".join(lines)


def latency_markdown(info: dict, lat: dict[str, Any]) -> str:
    """The latency paragraph of the section (bench/assistant.py --latency-only rewrites only it)."""
    own, one = lat["layouts"]["answers worker"], lat["layouts"].get("one worker")
    gpu, answers = own["workers"]

    def threads(spec: dict) -> str:
        return (
            f"{spec['threads']} torch threads" if spec["threads"] else "torch threads as the engine sets them"
        )

    text = (
        f"Answer latency, question posted to answer written, on real workers (prefork, one child each, "
        f"real model, a redis-server of the bench's own; {machine_line(info)}, load average "
        f"{lat['load_average_1m'][0]} at the start, {lat['load_average_1m'][1]} at the end): answers on a "
        f"worker process of their own (`-Q answers`, {threads(answers)}) beside the drafting one (`-Q gpu`, "
        f"nice {gpu['niceness']}, {threads(gpu)}), as `make run` starts them: idle p50 {own['idle']['p50_s']} s, "
        f"p95 {own['idle']['p95_s']} s (n={own['idle']['n']}); with {own['drafts_queued']['queued_behind_running']} "
        f"draft requests queued behind a running one p50 {own['drafts_queued']['p50_s']} s, "
        f"**p95 {own['drafts_queued']['p95_s']} s** (n={own['drafts_queued']['n']}, target ≤ 6 s). "
        f"A one-variant draft request took p50 {own['draft_alone']['p50_s']} s alone "
        f"(n={own['draft_alone']['n']}) and {own['draft_with_answers']['p50_s']} s while questions were asked "
        f"back to back (n={own['draft_with_answers']['n']})"
    )
    if own["draft_alone"]["p50_s"] and own["draft_with_answers"]["p50_s"]:
        text += f", {own['draft_with_answers']['p50_s'] / own['draft_alone']['p50_s']:.2f}× as long"
    text += f". First answer incl. model load: {own['first_answer_with_model_load_s']} s."
    if one:
        text += (
            f" Same run, one worker process for both queues (`-Q answers,gpu`): with drafts queued "
            f"p50 {one['drafts_queued']['p50_s']} s, p95 {one['drafts_queued']['p95_s']} s "
            f"(n={one['drafts_queued']['n']})."
        )
    for name, model in lat["layouts"].items():
        if name.startswith("model answers"):
            text += (
                f" Same run, every answer written by the model (no quoting; {name}): idle "
                f"p50 {model['idle']['p50_s']} s, p95 {model['idle']['p95_s']} s; with drafts queued "
                f"p50 {model['drafts_queued']['p50_s']} s, p95 {model['drafts_queued']['p95_s']} s "
                f"(n={model['drafts_queued']['n']}); a draft request p50 {model['draft_alone']['p50_s']} s "
                "alone"
                + (
                    f", {model['draft_with_answers']['p50_s']} s during questions "
                    f"(n={model['draft_with_answers']['n']})."
                    if model["draft_with_answers"]["n"]
                    else " (none ran wholly during the questions)."
                )
            )
    if niced := lat["layouts"].get("answers worker, gpu niced"):
        text += (
            f" Same run, the gpu worker niced ({niced['workers'][0]['niceness']}): idle p95 {niced['idle']['p95_s']} s, with drafts queued "
            f"p50 {niced['drafts_queued']['p50_s']} s, p95 {niced['drafts_queued']['p95_s']} s "
            f"(n={niced['drafts_queued']['n']}); a draft request p50 {niced['draft_alone']['p50_s']} s alone, "
            f"{niced['draft_with_answers']['p50_s']} s during questions."
        )
    return text


def _section_body() -> str:
    section = re.search(r"^## Shopper assistant\n\n(.*?)(?=^## |\Z)", BENCHMARKS_MD.read_text(), re.M | re.S)
    return section[1] if section else ""


def save_latency(info: dict, lat: dict[str, Any]) -> None:
    """--latency-only: the latency paragraph and result, the rest of the section as it is."""
    results = json.loads(RESULTS.read_text()).get("assistant", {}) if RESULTS.exists() else {}
    save_results("assistant", {**results, "latency": lat})
    body = _section_body()
    paragraph = latency_markdown(info, lat)
    if re.search(r"^Answer latency", body, re.M):
        body = re.sub(r"^Answer latency.*?(?=\n\n|\Z)", lambda _: paragraph, body, count=1, flags=re.M | re.S)
    else:
        body = f"{body.rstrip()}\n\n{paragraph}"
    save_markdown_section("Shopper assistant", body)


# Hand-written notes on a run (what changed, what was tried): from a paragraph
# opening with "Reading" to the end of the section; every rewrite keeps them.
READING_RE = re.compile(r"^Reading\b.*", re.M | re.S)


def save_results_keeping_latency(info: dict, spec: dict, results: dict[str, Any]) -> None:
    """The section and result; a run without the latency part (--no-latency)
    keeps the latency result and paragraph of the last run that had it, and
    every run keeps the hand-written Reading notes."""
    previous_body = _section_body()
    reading = READING_RE.search(previous_body)
    parts = [markdown(info, spec, {k: v for k, v in results.items() if k != "latency"}).rstrip()]
    if "latency" in results:
        parts.append(latency_markdown(info, results["latency"]))
    else:
        previous = json.loads(RESULTS.read_text()).get("assistant", {}) if RESULTS.exists() else {}
        if "latency" in previous:
            results = {**results, "latency": previous["latency"]}
        if kept := re.search(r"^Answer latency.*?(?=\n\n|\Z)", previous_body, re.M | re.S):
            parts.append(kept[0])
    if reading:
        parts.append(reading[0].rstrip())
    save_results("assistant", results)
    save_markdown_section("Shopper assistant", "\n\n".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-model", action="store_true", help="quote-only answers (no generator)")
    parser.add_argument("--no-latency", action="store_true", help="skip the real-worker latency run")
    parser.add_argument("--no-retrieval", action="store_true", help="skip retrieval at 10,000 sources")
    parser.add_argument("--sweep", action="store_true", help="print the threshold sweep on the tune split")
    parser.add_argument("--misses", action="store_true", help="print every question that missed")
    parser.add_argument("--latency-only", action="store_true", help="only the real-worker latency run")
    parser.add_argument("--no-baseline", action="store_true", help="latency without the one-worker layout")
    parser.add_argument("--compare-nice", action="store_true", help="latency also with the gpu worker niced")
    parser.add_argument(
        "--gpu-nice", type=int, default=GPU_WORKER_NICENESS, help="niceness of the gpu worker"
    )
    parser.add_argument(
        "--model-answers", action="store_true", help="latency also of answers the model writes"
    )
    parser.add_argument("--gpu-threads", type=int, help="torch threads of the gpu worker")
    parser.add_argument("--answer-threads", type=int, help="torch threads of the answers worker")
    parser.add_argument(
        "--no-save", action="store_true", help="print only; leave bench/results.json and BENCHMARKS.md alone"
    )
    parser.add_argument(
        "--questions",
        type=Path,
        help="ask the questions of this file instead (same format; the sources are still seeded); implies --no-save",
    )
    args = parser.parse_args()
    spec = json.loads(QUESTIONS.read_text())
    questions = spec["questions"]
    if args.questions:
        questions = [{"split": "other", **q} for q in json.loads(args.questions.read_text())["questions"]]
        args.no_save = True
    with tempfile.TemporaryDirectory() as tmp, redis_server() as broker:
        database_url = f"sqlite:///{Path(tmp) / 'assistant.sqlite3'}"
        os.environ.update(
            DJANGO_SETTINGS_MODULE="cocreate.settings",
            COCREATE_VAR_DIR=tmp,  # keeps the seed's after-commit tasks out of var/broker
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=broker,
            GENERATION_MODEL=str(MODEL_DIR),
        )
        import django

        django.setup()
        from assistant import tasks

        seeded = seed(spec)
        if args.latency_only:
            lat = latency(questions, database_url, broker, seeded, args)
            print(json.dumps(lat, indent=1))
            if not args.no_save:
                save_latency(machine(), lat)
            return
        keys = source_keys()
        if args.sweep:
            tune = [q for q in questions if q["split"] == "tune"]
            for r in sorted(
                sweep(tune, spec, keys),
                key=lambda r: (r["grounded_answer_rate"] or 0) + (r["refused_or_handed_over"] or 0),
            ):
                print(
                    " ".join(f"{name} {value}" for name, value in r["setting"].items()) + ": grounded "
                    f"{pct(r['grounded_answer_rate'])} precision {pct(r['citation_precision'])} refused "
                    f"{pct(r['refused_or_handed_over'])} false {pct(r['false_refusals'])} leaks {len(r['leaks'])}"
                )
        generator = None if args.no_model else tasks._generator()
        rows = ask_all(questions, generator)
        results: dict[str, Any] = {
            "questions": len(questions),
            "languages": ", ".join(
                f"{n} {lang}" for lang, n in sorted(Counter(q["language"] for q in questions).items())
            ),
            "categories": ", ".join(f"{c} {n}" for c, n in Counter(q["category"] for q in questions).items()),
            "generator": "quotes only (no model)"
            if generator is None
            else f"{MODEL_DIR.name} (English), quotes in Chinese",
            "splits": {
                **{
                    split: score([q for q in questions if q["split"] == split], rows, spec, keys)
                    for split in SPLITS
                    if any(q["split"] == split for q in questions)
                },
                "all": score(questions, rows, spec, keys),
            },
            "answer_seconds_in_process": {
                "p50": round(percentile([r["seconds"] for r in rows], 0.5), 3),
                "p95": round(percentile([r["seconds"] for r in rows], 0.95), 3),
            },
        }
        if not args.questions:
            blind = json.loads(BLIND_QUESTIONS.read_text())
            blind_rows = ask_all(blind["questions"], generator)
            results["blind"] = {
                split: {
                    "role": role,
                    **score([q for q in blind["questions"] if q["split"] == split], blind_rows, spec, keys),
                }
                for split, role in blind["batches"].items()
            }
            if args.misses:
                print("\n".join(misses(blind["questions"], blind_rows, keys)))
        missed = misses(questions, rows, keys)
        if args.misses:
            print("\n".join(missed))
        results["missed"] = missed
        if not args.no_retrieval:
            results["retrieval"] = retrieval_at_scale(questions)
        if not args.no_latency:
            results["latency"] = latency(questions, database_url, broker, seeded, args)
    info = machine()
    results["machine"] = info
    print(
        json.dumps({k: v for k, v in results.items() if k != "missed"}, indent=1, ensure_ascii=False)[:6000]
    )
    if not args.no_save:
        save_results_keeping_latency(info, spec, results)


if __name__ == "__main__":
    main()
