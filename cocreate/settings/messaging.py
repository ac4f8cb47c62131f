"""Marketing messages (messaging/): the shared bulk e-mail cap, batches, coupons."""

from __future__ import annotations

from cocreate.settings.base import THROTTLE_RATES, env

# At most one bulk e-mail (marketing message or digest) per person in this many
# hours; the rest are skipped, not queued (REFERENCE.md, "Marketing messages").
MARKETING_EMAIL_MIN_HOURS = env.float("MARKETING_EMAIL_MIN_HOURS", default=16.0)
# Recipients one preparation claim takes: one generation batch's worth or two,
# so a killed worker loses at most this much work to redo.
MESSAGING_CLAIM_CHUNK = env.int("MESSAGING_CLAIM_CHUNK", default=64)
# Prompts per model batch on the gpu queue (BENCHMARKS.md, "Marketing messages").
MESSAGING_BATCH_SIZE = env.int("MESSAGING_BATCH_SIZE", default=16)
# Recipients one send task handles on the default queue.
MESSAGING_SEND_CHUNK = env.int("MESSAGING_SEND_CHUNK", default=200)
# A claim older than this belongs to a dead worker: the next run takes it over.
# Well above one chunk's generation time on a CPU.
MESSAGING_CLAIM_STALE_SECONDS = env.int("MESSAGING_CLAIM_STALE_SECONDS", default=15 * 60)
# Rendered samples shown before approval: at least this many (issue 17).
MESSAGING_SAMPLE_SIZE = 10
# Coupon checks and redemptions over the API, counted together per store
# account and per IP: per minute, as a store's checkout redeems for all its
# customers through one account; a guesser of codes is held to it too.
THROTTLE_RATES["coupon"] = env("THROTTLE_COUPON", default="120/m")
