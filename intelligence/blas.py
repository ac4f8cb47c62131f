"""One BLAS thread for the numpy work done inside a web request.

A web process answers one request per thread, so BLAS threads only compete
with each other and with the other processes: on the busy 2-core host,
OpenBLAS with 2 threads encoded a title 8x slower than with 1.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from threadpoolctl import ThreadpoolController

_controller = ThreadpoolController()


def one_thread() -> AbstractContextManager[Any]:
    return _controller.limit(limits=1, user_api="blas")
