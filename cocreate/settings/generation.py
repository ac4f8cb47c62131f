"""AI drafting: the model, batching, limits and the outbox."""

from __future__ import annotations

from cocreate.settings.base import VAR_DIR, env

# --- Generation -------------------------------------------------------------------
# Nothing downloads weights at run time: generation/inference/loader.py and
# intelligence/embeddings.py set HF_HUB_OFFLINE before transformers loads.
MODELS_DIR = VAR_DIR / "models"
# A local model directory; the default is the one `manage.py prepare_model` writes.
GENERATION_MODEL = env("GENERATION_MODEL", default=str(MODELS_DIR / "smollm2-135m-instruct"))
# The languages GENERATION_MODEL writes (comma-separated Campaign.Locale values).
# For a campaign in another language the draft is composed from the community's
# own words, labelled so (generation/drafting/languages.py). SmolLM2-135M writes
# English only; declare more only for a model that writes them (README).
GENERATION_MODEL_LANGUAGES = env("GENERATION_MODEL_LANGUAGES", default="en")
# "grounded": plan, write, verify, compose one sentence per idea
# (generation/drafting/); "legacy": one whole-draft prompt, kept so that the
# benchmarks can compare the two in one run.
GENERATION_PIPELINE = env("GENERATION_PIPELINE", default="grounded")
# Prompts per generate() call: where batching stopped gaining on the CPU the
# defaults are tuned for (BENCHMARKS.md, "Generation").
GENERATION_BATCH_SIZE = env.int("GENERATION_BATCH_SIZE", default=8)
# Queued requests one GPU task claims together so they share generate() calls.
GENERATION_REQUESTS_PER_CLAIM = env.int("GENERATION_REQUESTS_PER_CLAIM", default=4)
# Top-ranked consenting ideas that go into a prompt.
GENERATION_TOP_K_IDEAS = env.int("GENERATION_TOP_K_IDEAS", default=8)
GENERATION_MAX_VARIANTS = 5
GENERATION_SOFT_TIME_LIMIT = env.int("GENERATION_SOFT_TIME_LIMIT", default=600)
GENERATION_HARD_TIME_LIMIT = env.int("GENERATION_HARD_TIME_LIMIT", default=660)
# A message delivered more often than this is a poison pill: the request fails.
GENERATION_MAX_DELIVERIES = env.int("GENERATION_MAX_DELIVERIES", default=3)
GENERATION_SEED = env.int("GENERATION_SEED", default=0)

# --- Generation: drafting workflow (generation/services.py, generation/tasks.py) ---
# Requests one person may have queued or running at once; more are refused so
# that one merchant cannot flood the GPU queue.
GENERATION_MAX_OPEN_PER_USER = env.int("GENERATION_MAX_OPEN_PER_USER", default=5)
# A request still "running" this long after the hard time limit lost its worker
# (killed, machine gone): the sweeper requeues or fails it.
GENERATION_SWEEP_MARGIN = env.int("GENERATION_SWEEP_MARGIN", default=120)

# --- Outbox (generation/outbox.py) ---
# A request still queued this many seconds after it was created may have lost its
# message (the broker was down when it was published, or Redis restarted without
# persistence): beat publishes it again, at this interval. Far above a publish's
# own retries (under a second); a request waiting longer behind a busy GPU gets an
# extra message per run, which its claim turns into a no-op.
GENERATION_OUTBOX_AFTER = 120
