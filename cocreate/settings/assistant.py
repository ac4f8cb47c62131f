"""The shopper assistant (assistant/): retention, limits, retrieval, time limits."""

from __future__ import annotations

from cocreate.settings.base import env

# Anonymous conversations (and their messages) are deleted this many days after
# their last message; signed-in people's stay until they delete their account.
ASSISTANT_RETENTION_DAYS = env.int("ASSISTANT_RETENTION_DAYS", default=30)
# Characters of one shopper message: a question, not a document to paste in.
ASSISTANT_MESSAGE_MAX = env.int("ASSISTANT_MESSAGE_MAX", default=1000)
# Passages the answer is composed from: enough for a question that spans an FAQ
# entry and a product text, few enough to keep the small model's prompt short.
ASSISTANT_PASSAGES = env.int("ASSISTANT_PASSAGES", default=4)
# Languages the configured generation model writes; in any other the answer
# quotes the cited sources' own sentences (SmolLM2-135M writes English only).
ASSISTANT_MODEL_LANGUAGES = env.list("ASSISTANT_MODEL_LANGUAGES", default=["en"])
# New tokens of one model answer: two or three short sentences.
ASSISTANT_MAX_NEW_TOKENS = env.int("ASSISTANT_MAX_NEW_TOKENS", default=80)
# An answer still not written this long after the question (worker down, broker
# lost the message) is published again by beat (assistant/tasks.py).
ASSISTANT_ANSWER_STRANDED_AFTER = env.int("ASSISTANT_ANSWER_STRANDED_AFTER", default=120)
ASSISTANT_SOFT_TIME_LIMIT = env.int("ASSISTANT_SOFT_TIME_LIMIT", default=60)
ASSISTANT_HARD_TIME_LIMIT = env.int("ASSISTANT_HARD_TIME_LIMIT", default=90)
