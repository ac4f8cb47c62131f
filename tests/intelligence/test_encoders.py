from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from intelligence import embeddings
from intelligence.embeddings import EmbeddingUnavailable

ROOT = Path(__file__).resolve().parents[2]

TEXTS = [
    "A hip-belt pocket big enough for a phone",
    "Waterproof fabric and sealed zips. Our hikes end in rain half the time, so keep the laptop dry.",
    "这个背包很好用，质量不错",
    "x",
]

# The web's lookup path, run in a fresh process: settings, every URL module,
# the admin, then a real similar-ideas lookup through the numpy encoder.
WEB_PROBE = """
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from django.contrib import admin
admin.autodiscover()
import intelligence.views, intelligence.api, intelligence.admin
import intelligence.tasks, intelligence.templatetags.intelligence
from intelligence.embeddings import embed_query
assert embed_query("A pocket for my phone").shape == (384,)
heavy = sorted(m for m in ("torch", "transformers", "sklearn", "vaderSentiment") if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


@pytest.mark.slow
def test_the_web_encoder_matches_the_workers_transformers_encoder(real_model):
    web = np.stack([real_model.embed_query(t) for t in TEXTS])
    worker = real_model.embed_texts(TEXTS)

    assert np.abs(web - worker).max() < 1e-5


@pytest.mark.slow
def test_vectors_are_unit_length(real_model):
    vectors = real_model.embed_texts(TEXTS)

    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_a_web_lookup_never_imports_torch_transformers_or_scikit_learn():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cocreate.settings"}

    out = subprocess.run(
        [sys.executable, "-c", WEB_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert out.returncode == 0, out.stderr
    assert "HEAVY=\n" in out.stdout, out.stdout


def test_a_missing_model_raises_embedding_unavailable(model_missing):
    with pytest.raises(EmbeddingUnavailable):
        embeddings.embed_query("A pocket for my phone")


def test_stored_vectors_round_trip_as_float32_bytes():
    vector = np.linspace(-1, 1, embeddings.DIMENSIONS, dtype=np.float32)

    restored = embeddings.from_bytes(memoryview(embeddings.to_bytes(vector)))

    assert restored.dtype == np.float32
    assert np.array_equal(restored, vector)
