"""One BLAS thread for the numpy work done inside a web request.

A web process answers one request per thread, so BLAS threads only compete
with each other and with the other processes: on a busy host more threads made
encoding a title several times slower (BENCHMARKS.md, "Figures from code comments").
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from threadpoolctl import ThreadpoolController

_controller = ThreadpoolController()


def one_thread() -> AbstractContextManager[Any]:
    return _controller.limit(limits=1, user_api="blas")
