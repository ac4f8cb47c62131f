"""cocreate's settings, split by concern; every value comes from the environment
with a development default (README, "Configuration").

    base          Django itself: apps, database, cache, auth, i18n, static, e-mail,
                  security, community rules, logging
    api           the REST API, its schema, webhooks
    generation    AI drafting
    intelligence  embeddings, duplicates, themes, recommendations, digests
    store         store imports, store links, product recommendations
    assistant     the shopper assistant: retention, limits, time limits
    messaging     marketing messages: the bulk e-mail cap, batches, coupons
    celery        broker, queues, routes, the beat schedule
    test          pytest's settings (this package plus test-only values)
"""

from cocreate.settings.api import *  # noqa: F403
from cocreate.settings.assistant import *  # noqa: F403
from cocreate.settings.base import *  # noqa: F403
from cocreate.settings.celery import *  # noqa: F403
from cocreate.settings.generation import *  # noqa: F403
from cocreate.settings.intelligence import *  # noqa: F403
from cocreate.settings.messaging import *  # noqa: F403
from cocreate.settings.store import *  # noqa: F403
