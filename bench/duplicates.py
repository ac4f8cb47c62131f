"""Duplicate lookup: threshold calibration, lookup speed at 100k ideas, web memory.

    .venv/bin/python bench/duplicates.py

1. Calibration: the real model on data/duplicate_pairs.tsv (a typed title
   against an existing idea's title + description; "same" idea reworded vs a
   "different" idea about the same product). Prints precision / recall / F1
   per threshold and the one with the best F1.
2. Speed: 100,000 random unit vectors in one campaign's index (the production
   SimilarityIndex, fed without a database), real typed titles as queries;
   p50 / p95 of the query encoding (numpy forward pass) and of the search.
3. Memory: resident set of a web process (every URL, admin and API module
   imported) before and after loading the query encoder.

Prints a Markdown section for BENCHMARKS.md ("## Duplicate lookup").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocreate.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from intelligence import embeddings  # noqa: E402
from intelligence.index import SimilarityIndex  # noqa: E402

PAIRS = ROOT / "campaigns" / "intelligence" / "data" / "duplicate_pairs.tsv"
IDEAS = 100_000
QUERIES = 300
THRESHOLDS = [round(t, 2) for t in np.arange(0.30, 0.66, 0.05)]
SEED = 7

RSS_PROBE = """
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from django.contrib import admin
admin.autodiscover()
def rss():
    return next(int(l.split()[1]) // 1024 for l in open("/proc/self/status") if l.startswith("VmRSS"))
before = rss()
from intelligence.embeddings import embed_query
embed_query("A hip-belt pocket big enough for a phone")
print(before, rss())
"""


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q) * 1000)


def calibrate() -> tuple[float, list[str]]:
    rows = [line.split("\t") for line in PAIRS.read_text().splitlines() if line and not line.startswith("#")]
    similarities, same = [], []
    for label, typed, title, body in rows:
        query = embeddings.embed_query(typed)
        idea = embeddings.embed_query(embeddings.idea_text(title, body))
        similarities.append(float(query @ idea))
        same.append(label == "same")
    sims, truth = np.array(similarities), np.array(same)
    lines = ["| threshold | precision | recall | F1 | accuracy |", "|---|---|---|---|---|"]
    best, best_f1 = THRESHOLDS[0], -1.0
    for t in THRESHOLDS:
        flagged = sims >= t
        tp = int((flagged & truth).sum())
        precision = tp / max(1, int(flagged.sum()))
        recall = tp / int(truth.sum())
        f1 = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
        accuracy = float((flagged == truth).mean())
        lines.append(f"| {t:.2f} | {precision:.3f} | {recall:.3f} | {f1:.3f} | {accuracy:.3f} |")
        if f1 > best_f1:
            best, best_f1 = t, f1
    same_sims, different_sims = sims[truth], sims[~truth]
    lines.append("")
    lines.append(
        f"{int(truth.sum())} same / {int((~truth).sum())} different pairs. Cosine similarity: "
        f"same median {np.median(same_sims):.2f} (min {same_sims.min():.2f}), "
        f"different median {np.median(different_sims):.2f} (max {different_sims.max():.2f}). "
        f"Best F1 at {best:.2f}; DUPLICATE_SIMILARITY_THRESHOLD is {settings.DUPLICATE_SIMILARITY_THRESHOLD}."
    )
    return best, lines


def speed() -> list[str]:
    rng = np.random.default_rng(SEED)
    vectors = rng.standard_normal((IDEAS, embeddings.DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    stamp = django.utils.timezone.now()
    rows = [(i + 1, vectors[i].tobytes(), stamp) for i in range(IDEAS)]
    pending = [rows]

    def fetch(campaign_id: int, since: object) -> list:
        # The first refresh loads everything; later ones find nothing new,
        # like a lookup between two submissions.
        return pending.pop() if pending else []

    index = SimilarityIndex(max_bytes=1 << 30, fetch=fetch)
    started = time.perf_counter()
    index.vectors(1)
    load_s = time.perf_counter() - started

    titles = [
        line.split("\t")[1] for line in PAIRS.read_text().splitlines() if line and not line.startswith("#")
    ]
    # (wall, CPU) seconds per step: on a shared host wall time includes waiting
    # for a core, CPU time is what the step itself costs.
    encode: list[tuple[float, float]] = []
    search: list[tuple[float, float]] = []
    for i in range(QUERIES):
        wall, cpu = time.perf_counter(), time.process_time()
        query = embeddings.embed_query(titles[i % len(titles)])
        encoded_wall, encoded_cpu = time.perf_counter(), time.process_time()
        index.search(1, query, k=settings.DUPLICATE_SUGGESTIONS_MAX * 3, min_similarity=0.45)
        encode.append((encoded_wall - wall, encoded_cpu - cpu))
        search.append((time.perf_counter() - encoded_wall, time.process_time() - encoded_cpu))
    both = [(a[0] + b[0], a[1] + b[1]) for a, b in zip(encode, search, strict=True)]
    held = index.nbytes

    def row(step: str, samples: list[tuple[float, float]]) -> str:
        wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
        return (
            f"| {step} | {percentile_ms(wall, 50):.1f} | {percentile_ms(wall, 95):.1f} "
            f"| {percentile_ms(cpu, 50):.1f} | {percentile_ms(cpu, 95):.1f} |"
        )

    return [
        f"{IDEAS:,} random unit vectors in one campaign, {QUERIES} lookups with real typed titles, "
        f"1 BLAS thread; the index holds {held / 2**20:.0f} MiB and loaded in {load_s:.1f} s. "
        f"Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        "",
        "| step | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms |",
        "|---|---|---|---|---|",
        row("encode the typed title (numpy MiniLM)", encode),
        row("search 100k vectors (refresh, matrix-vector, top-k)", search),
        row("lookup (both)", both),
    ]


def memory() -> str:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cocreate.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    before, after = (int(x) for x in out.stdout.split()[-2:])
    return (
        f"Web process RSS: {before} MiB with every URL, admin and API module imported; "
        f"{after} MiB after the query encoder loaded and encoded a title (weights memory-mapped, "
        "shared between processes through the page cache)."
    )


def main() -> None:
    _, calibration = calibrate()
    print("### Threshold calibration\n")
    print("\n".join(calibration))
    print("\n### Lookup speed\n")
    print("\n".join(speed()))
    print("\n### Web memory\n")
    print(memory())


if __name__ == "__main__":
    main()
