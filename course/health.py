"""GET /health: whether this process can serve, for a load balancer or a monitor.

It answers 200 "ok" when the database answers a `SELECT 1`, else 503 "database unreachable"; it
says nothing else (no versions, no hosts), stores nothing, and is never cached.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from course.deps import EngineDep

router = APIRouter(tags=["health"])


def database_answers(engine: Engine) -> bool:
    """Whether a connection can be had and answers (a pool's stale connection is replaced)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


@router.get("/health", response_class=PlainTextResponse)
async def health(engine: EngineDep) -> PlainTextResponse:
    """200 when this process and its database can serve, else 503."""
    up = await run_in_threadpool(database_answers, engine)
    return PlainTextResponse(
        "ok\n" if up else "database unreachable\n",
        status_code=200 if up else 503,
        headers={"cache-control": "no-store"},
    )
