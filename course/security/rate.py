"""Rate limits per client address: new learners, and state changes of any kind.

A whole school can sit behind one address, so the limits are for a school, not for one pupil:
by default 1,200 new learners and 6,000 posts a minute, enough for 1,000 pupils starting at
once and each answering a question every ten seconds, and far too few for a script filling
the database. Counts are kept in fixed one-minute windows, shared by every process and host:
in the database (course/security/shared_counts.py) or, with COURSE_REDIS_URL, in Redis. A
counter in this process's memory (only the current window: older ones are dropped whole) is
for an app with no database to share, such as a test of the limiter alone. The address
itself is never kept: only a keyed hash of it (of its /64 network for IPv6, where one device
may use many addresses), held for at most two minutes, and never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import logging
import math
import time
from typing import TYPE_CHECKING, Protocol

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from course.security.limits import SAFE_METHODS, Refuser
from course.security.shared_counts import DatabaseCounter, Writer
from course.settings import Settings

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("course")

WINDOW_SECONDS = 60
MAX_TRACKED = 100_000  # keys counted in one window in memory (about 13 MB); more pass uncounted
REDIS_TIMEOUT_SECONDS = 0.5


def wall_clock() -> float:
    """Seconds since the epoch: every worker (and Redis) agrees on the window."""
    return time.time()


def client_key(scope: Scope, secret: str) -> str:
    """A keyed hash of the client's address (its /64 for IPv6): the address is never kept."""
    client = scope.get("client")
    address = client[0] if client else ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        group = address  # not an IP address (a test client, a Unix socket)
    else:
        if isinstance(ip, ipaddress.IPv6Address):
            mapped = ip.ipv4_mapped
            network = ipaddress.IPv6Address(int(ip) >> 64 << 64)
            group = str(mapped) if mapped else f"{network}/64"
        else:
            group = str(ip)
    key = hashlib.sha256(secret.encode()).digest()  # blake2b takes a key of 64 bytes at most
    return hashlib.blake2b(group.encode(), key=key, digest_size=16).hexdigest()


class Counter(Protocol):
    """Counts hits per key in a window."""

    async def hit(self, key: str, window: int) -> int:
        """Count one hit on key in this window; the hits so far, this one included."""
        ...

    async def peek(self, key: str, window: int) -> int:
        """The hits on key in this window so far, counting none."""
        ...

    async def close(self) -> None:
        """Let go of any connection."""
        ...


class MemoryCounter:
    """Counts in this process's memory, keeping the current window only, and at most
    MAX_TRACKED keys of it."""

    def __init__(self, max_tracked: int = MAX_TRACKED) -> None:
        self.max_tracked = max_tracked
        self.window = -1
        self.counts: dict[str, int] = {}

    async def hit(self, key: str, window: int) -> int:
        """Count one hit; a new window drops the old one's counts whole."""
        if window != self.window:
            self.window, self.counts = window, {}
        count = self.counts.get(key)
        if count is None and len(self.counts) >= self.max_tracked:
            return 0  # full: uncounted, rather than growing without bound
        self.counts[key] = count = (count or 0) + 1
        return count

    async def peek(self, key: str, window: int) -> int:
        """The hits counted here on key in this window."""
        return self.counts.get(key, 0) if window == self.window else 0

    async def close(self) -> None:
        """Nothing to let go of."""


class RedisCounter:
    """Counts in Redis, shared by every worker: one key per address and window, expiring after
    two windows. When Redis cannot be reached the request is let through (and that is logged,
    without the address): the course stays up."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client: Redis | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.warned_in = -1  # the window Redis was last said to be unreachable in

    def connection(self) -> Redis:
        """The client for the running event loop (a test may run several loops in turn)."""
        from redis.asyncio import Redis

        loop = asyncio.get_running_loop()
        if self.client is None or self.loop is not loop:
            self.client = Redis.from_url(
                self.url,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
            self.loop = loop
        return self.client

    async def hit(self, key: str, window: int) -> int:
        """Count one hit with INCR, setting the key's expiry in the same transaction."""
        from redis.exceptions import RedisError

        name = f"course:rate:{window}:{key}"
        try:
            async with self.connection().pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, 2 * WINDOW_SECONDS)
                count, _ = await pipe.execute()
        except (RedisError, OSError):
            if self.warned_in != window:  # once a minute, not once a request
                self.warned_in = window
                log.warning("rate limits: Redis unreachable, letting requests through")
            return 0
        return int(count)

    async def peek(self, key: str, window: int) -> int:
        """The count in Redis, read with GET; 0 (let through) when Redis cannot be reached."""
        from redis.exceptions import RedisError

        try:
            count = await self.connection().get(f"course:rate:{window}:{key}")
        except (RedisError, OSError):
            return 0  # the next hit says it is unreachable, once a minute
        return int(count or 0)

    async def close(self) -> None:
        """Close the connection pool."""
        if self.client is not None and self.loop is asyncio.get_running_loop():
            await self.client.aclose()
        self.client = None


def counter_for(
    settings: Settings,
    *,
    database: Writer | None,
    exact: bool = False,
    reading: Writer | None = None,
) -> Counter:
    """Redis when COURSE_REDIS_URL is set, else the database that `database` writes to (each
    hit written at once when `exact`, else in batches; `reading` reads it for a peek), else this
    process's memory."""
    if settings.redis_url:
        return RedisCounter(settings.redis_url)
    if database is not None:
        return DatabaseCounter(database, exact=exact, read=reading)
    return MemoryCounter()


class RateLimitMiddleware:
    """Answers 429, with Retry-After, to an address past its limit for this minute.

    Every state change counts against posts_per_minute; a POST to `start_path`, or to a path
    under `join_prefix` (each creates a learner), also against starts_per_minute. Safe methods
    are never counted.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        counter: Counter,
        secret: str,
        start_path: str,
        join_prefix: str = "",
        refuse: Refuser,
    ) -> None:
        self.app = app
        self.secret = secret
        self.start_path = start_path
        self.join_prefix = join_prefix
        self.refuse = refuse
        self.posts = settings.posts_per_minute
        self.starts = settings.starts_per_minute
        self.counter = counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self.closing_on_shutdown(receive), send)
            return
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        now = wall_clock()
        window = int(now // WINDOW_SECONDS)
        key = client_key(scope, self.secret)
        over = await self.counter.hit(f"post:{key}", window) > self.posts
        path: str = scope["path"]
        creates = path == self.start_path or (
            bool(self.join_prefix) and path.startswith(self.join_prefix)
        )
        if not over and scope["method"] == "POST" and creates:
            over = await self.counter.hit(f"start:{key}", window) > self.starts
        if not over:
            await self.app(scope, receive, send)
            return
        response = await self.refuse(Request(scope), 429)
        response.headers["retry-after"] = str(
            max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        )
        await response(scope, receive, send)

    def closing_on_shutdown(self, receive: Receive) -> Receive:
        """The lifespan channel, closing the counter's connection when the app shuts down."""

        async def receive_and_close() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.counter.close()
            return message

        return receive_and_close
