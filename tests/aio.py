"""Running a coroutine from a test, whatever event loop the process already has running.

Playwright's sync API keeps an event loop running in the main thread once a browser test has
run, and `asyncio.run` refuses to start inside it; a fresh thread has no loop of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the coroutine to its end on a new event loop in a new thread; return its result."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
