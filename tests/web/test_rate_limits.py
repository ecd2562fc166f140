"""Rate limits per address: a school's bursts pass, a script filling the database does not."""

from __future__ import annotations

import logging
import os
import secrets
import tracemalloc
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from course.app import create_app
from course.content.schema import Catalogue
from course.security import rate
from course.security.rate import (
    MemoryCounter,
    RateLimitMiddleware,
    RedisCounter,
    client_key,
    counter_for,
)
from course.settings import Settings
from tests.aio import run as run_async
from tests.pages import csrf_token
from tests.web.test_security import assert_security_headers

REDIS_URL = os.environ.get("COURSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NOW = 1_800_000_010.0  # ten seconds into a minute


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The clock the limits read, held still (tests move it on by hand)."""
    now = [NOW]
    monkeypatch.setattr(rate, "wall_clock", lambda: now[0])
    yield now


def limited_app(settings: Settings, catalogue: Catalogue, **limits: object) -> FastAPI:
    """The app with other limits than the test's settings."""
    return create_app(settings.model_copy(update=limits), catalogue=catalogue)


def start(client: TestClient) -> int:
    """One new learner from this client: forget the last one, fetch the form, post it."""
    client.cookies.clear()
    token = csrf_token(client)
    return client.post("/start", data={"age_band": "14-18", "csrf_token": token}).status_code


def test_past_the_learner_limit_is_a_429_page_with_retry_after(
    settings: Settings, catalogue: Catalogue
) -> None:
    app = limited_app(settings, catalogue, starts_per_minute=3)
    with TestClient(app, follow_redirects=False) as client:
        assert [start(client) for _ in range(3)] == [303, 303, 303]
        response = client.post("/start", data={"age_band": "14-18"})
        assert response.status_code == 429
        assert "Too many at once" in response.text and "Wait a minute" in response.text
        assert "Get help now" in response.text
        assert response.headers["retry-after"] == "50"  # the rest of this minute
        assert response.headers["cache-control"] == "no-store"
        assert_security_headers(response.headers)
        assert client.get("/help").status_code == 200  # help is never limited
    app.state.engine.dispose()


def test_the_next_minute_lets_the_address_start_again(
    settings: Settings, catalogue: Catalogue, frozen_clock: list[float]
) -> None:
    app = limited_app(settings, catalogue, starts_per_minute=1)
    with TestClient(app, follow_redirects=False) as client:
        assert [start(client), start(client)] == [303, 429]
        frozen_clock[0] += 60
        assert start(client) == 303
    app.state.engine.dispose()


def test_past_the_post_limit_every_state_change_is_a_429(
    settings: Settings, catalogue: Catalogue
) -> None:
    app = limited_app(settings, catalogue, posts_per_minute=4)
    with TestClient(app, follow_redirects=False) as client:
        assert start(client) == 303
        token = csrf_token(client)
        statuses = [
            client.post("/help/country", data={"country": "uk", "csrf_token": token}).status_code
            for _ in range(4)
        ]
        assert statuses == [303, 303, 303, 429]
    app.state.engine.dispose()


def test_addresses_are_counted_apart(settings: Settings, catalogue: Catalogue) -> None:
    app = limited_app(settings, catalogue, starts_per_minute=1)
    with TestClient(app, follow_redirects=False, client=("203.0.113.7", 1)) as school:
        assert [start(school), start(school)] == [303, 429]
    with TestClient(app, follow_redirects=False, client=("198.51.100.9", 1)) as other:
        assert start(other) == 303
    app.state.engine.dispose()


def test_a_class_starting_together_on_the_defaults_never_meets_a_429(client: TestClient) -> None:
    assert {start(client) for _ in range(60)} == {303}  # two classes, one address, one minute


async def answer_204(scope: Scope, receive: Receive, send: Send) -> None:
    await Response(status_code=204)(scope, receive, send)


async def refuse_plainly(request: Request, status: int) -> Response:
    return Response(status_code=status)


def limiter_alone(settings: Settings) -> RateLimitMiddleware:
    """The rate limiter in front of an app that answers 204 to everything."""
    return RateLimitMiddleware(
        answer_204,
        settings=settings,
        counter=counter_for(settings, database=None),
        secret="s",
        start_path="/start",
        refuse=refuse_plainly,
    )


def post_through(limiter: RateLimitMiddleware, address: str, count: int) -> list[int]:
    """POST /start `count` times from one address; the statuses answered."""
    statuses: list[int] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def burst() -> None:
        for _ in range(count):
            scope = {"type": "http", "method": "POST", "path": "/start", "headers": []}
            await limiter({**scope, "client": (address, 1)}, receive, send)

    run_async(burst())
    return statuses


def test_the_default_limits_take_a_burst_of_1200_starts_then_stop_a_script() -> None:
    limiter = limiter_alone(Settings())
    assert post_through(limiter, "203.0.113.7", 1200) == [204] * 1200
    assert post_through(limiter, "203.0.113.7", 1) == [429]
    assert post_through(limiter, "203.0.113.8", 1) == [204]


def test_only_the_current_window_is_kept() -> None:
    counter = MemoryCounter()

    async def hits() -> list[int]:
        for window in range(100):
            for n in range(50):
                await counter.hit(f"key-{n}", window)
        return [
            await counter.hit("key-0", 99),
            await counter.peek("key-0", 99),
            await counter.hit("key-0", 100),
            await counter.peek("key-0", 99),  # a window that has ended
        ]

    assert run_async(hits()) == [2, 2, 1, 0]
    assert len(counter.counts) == 1


def test_memory_stays_bounded_under_a_flood_of_addresses() -> None:
    counter = MemoryCounter(max_tracked=10_000)

    async def flood() -> int:
        for n in range(3 * counter.max_tracked):
            await counter.hit(f"post:{n:032x}", 7)  # as long as a real key
        return await counter.hit("post:newcomer", 7)

    tracemalloc.start()
    try:
        newcomer = run_async(flood())
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(counter.counts) == counter.max_tracked
    assert newcomer == 0  # let through uncounted: the table does not grow
    assert size / counter.max_tracked * rate.MAX_TRACKED < 20 * 1024 * 1024  # the default cap


def test_the_address_is_kept_only_as_a_keyed_hash() -> None:
    key = client_key({"client": ("203.0.113.7", 1)}, "secret")
    assert "203" not in key and len(key) == 32
    assert key != client_key({"client": ("203.0.113.7", 1)}, "another secret")
    assert key == client_key({"client": ("::ffff:203.0.113.7", 1)}, "secret")


def test_one_ipv6_network_counts_as_one_address() -> None:
    first = client_key({"client": ("2001:db8:1:2::1", 1)}, "s")
    assert first == client_key({"client": ("2001:db8:1:2:ffff::9", 1)}, "s")
    assert first != client_key({"client": ("2001:db8:1:3::1", 1)}, "s")
    assert client_key({"client": None}, "s")  # no address at all still counts as one


# Redis: run against the real server; skipped only on a machine without one, never in CI.


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(
    not os.environ.get("CI") and not redis_available(),
    reason="no Redis at COURSE_TEST_REDIS_URL (it must be there in CI)",
)


@needs_redis
def test_redis_counts_per_window_and_expires_its_keys() -> None:
    import redis

    counter = RedisCounter(REDIS_URL)
    key = secrets.token_hex(16)

    async def hits() -> list[int]:
        counts = [await counter.hit(key, 5) for _ in range(3)] + [await counter.hit(key, 6)]
        peeks = [await counter.peek(key, 5), await counter.peek(key, 5), await counter.peek(key, 7)]
        await counter.close()
        return counts + peeks

    assert run_async(hits()) == [1, 2, 3, 1, 3, 3, 0]  # a peek counts nothing
    plain = redis.Redis.from_url(REDIS_URL)
    assert 0 < plain.ttl(f"course:rate:5:{key}") <= 120
    plain.delete(f"course:rate:5:{key}", f"course:rate:6:{key}")


@needs_redis
def test_with_redis_every_worker_shares_the_count(settings: Settings, catalogue: Catalogue) -> None:
    shared = settings.model_copy(update={"redis_url": REDIS_URL, "starts_per_minute": 2})
    workers = [create_app(shared, catalogue=catalogue) for _ in range(2)]
    statuses = []
    for worker in (*workers, workers[0]):
        with TestClient(worker, follow_redirects=False) as client:
            statuses.append(start(client))
    assert statuses == [303, 303, 429]
    for worker in workers:
        worker.state.engine.dispose()


def test_without_redis_the_course_stays_up(caplog: pytest.LogCaptureFixture) -> None:
    counter = RedisCounter("redis://127.0.0.1:1/0")  # nothing listens there

    async def hits() -> list[int]:
        return [await counter.hit(f"post:{n}", 1) for n in range(3)]

    with caplog.at_level(logging.WARNING, logger="course"):
        assert run_async(hits()) == [0, 0, 0]  # let through, uncounted
    assert [r.getMessage() for r in caplog.records] == [
        "rate limits: Redis unreachable, letting requests through"  # once, and no address
    ]


@needs_redis
def test_the_sign_in_counter_lets_go_of_redis_when_the_app_shuts_down(
    settings: Settings, catalogue: Catalogue
) -> None:
    app = create_app(settings.model_copy(update={"redis_url": REDIS_URL}), catalogue=catalogue)
    with TestClient(app, follow_redirects=False) as client:
        page = client.get("/teachers/sign-in")
        token = csrf_token(client, "/teachers/sign-in")
        data = {"csrf_token": token, "email": "who@school.example", "password": "guess"}
        assert page.status_code == 200
        assert client.post("/teachers/sign-in", data=data).status_code == 422
        counter = app.state.sign_in_counter
        assert isinstance(counter, RedisCounter) and counter.client is not None
    assert counter.client is None
