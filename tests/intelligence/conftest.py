from __future__ import annotations

import contextlib
from unittest import mock

import pytest

from intelligence import embeddings, tasks
from intelligence.index import idea_index


@pytest.fixture(autouse=True)
def _fresh_index():
    """The similarity index lives per process, and test databases reuse ids."""
    idea_index().clear()
    yield
    idea_index().clear()


@pytest.fixture(autouse=True)
def _no_broker():
    """Tasks are called directly here; nothing may reach the broker under var/
    (a development worker would pick it up). Tests about enqueueing patch
    `delay` again to look at the calls."""
    with contextlib.ExitStack() as stack:
        for name in dir(tasks):
            if name.endswith("_task") and name != "shared_task":
                stack.enter_context(mock.patch.object(getattr(tasks, name), "delay"))
        yield


@pytest.fixture(scope="session")
def real_model():
    """Both encoders on the real all-MiniLM-L6-v2 weights, loaded once per run."""
    embeddings.query_encoder()
    embeddings.embed_texts(["warm up"])
    return embeddings


@pytest.fixture
def model_missing(settings, tmp_path):
    """EMBEDDING_MODEL_DIR pointing at an empty directory."""
    settings.EMBEDDING_MODEL_DIR = str(tmp_path / "no-model-here")
    return settings.EMBEDDING_MODEL_DIR
