"""The store connection: imports, store links and product recommendations."""

from __future__ import annotations

from cocreate.settings.base import VAR_DIR, env

# Uploaded CSV files wait here for the import task (a volume the web and the
# workers share in docker/compose).
STORE_IMPORT_DIR = env("STORE_IMPORT_DIR", default=str(VAR_DIR / "store" / "imports"))
# A bigger file is refused at upload: comfortably above a million order lines.
STORE_IMPORT_MAX_BYTES = env.int("STORE_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)
# Rows written per INSERT: large enough to amortise the round trip, small
# enough to stay under SQLite's 32,766 bound variables for the widest row.
STORE_IMPORT_BATCH = env.int("STORE_IMPORT_BATCH", default=2000)
# A file with more bad rows than this stops being checked: the report is
# already long enough to fix the export.
STORE_IMPORT_ERRORS_MAX = env.int("STORE_IMPORT_ERRORS_MAX", default=200)
# The progress row is written every this many rows, not every row.
STORE_IMPORT_PROGRESS_EVERY = env.int("STORE_IMPORT_PROGRESS_EVERY", default=5000)
# Items per bulk API call: one request stays well under the body size limit.
STORE_API_BULK_MAX = env.int("STORE_API_BULK_MAX", default=5000)

# A signed store-link token is good for this long (the store e-mails it or
# shows it right after checkout).
STORE_LINK_TOKEN_MAX_AGE = env.int("STORE_LINK_TOKEN_MAX_AGE", default=7 * 24 * 3600)

# Trained recommender factors (numpy, read by the web process without torch).
STORE_RECOMMENDER_PATH = env("STORE_RECOMMENDER_PATH", default=str(VAR_DIR / "store" / "recommender.npz"))
# Retrain this often (beat); interactions since then are served by fold-in.
STORE_RECOMMENDER_TRAIN_SECONDS = env.int("STORE_RECOMMENDER_TRAIN_SECONDS", default=6 * 3600)
# How many "for you" items a page and a digest show.
STORE_RECOMMENDATIONS_SHOWN = env.int("STORE_RECOMMENDATIONS_SHOWN", default=4)
