"""Switching this process's Celery app to another broker in a test."""

from __future__ import annotations

import kombu.pools

from cocreate.celery import app


def reset_broker_pools() -> None:
    """Close every kombu connection and producer pool and forget them.

    kombu caches pools per broker URL in a process-wide registry; a pool closed
    with force_close_all() stays registered and fails every later publish to
    that URL ("Acquire on closed pool"). Clearing the registry, and the app's
    own handles, makes the next publish open a fresh pool for the broker then
    configured.
    """
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
