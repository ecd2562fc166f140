"""The floors under `make bench`'s targets: what the fixed stack costs before any of our work.

A bare FastAPI app, no middleware, served as tests/perf/hello.py is (tests/perf/floors.py runs
it). Each route is the least an endpoint of the course must do, written as cheaply as Python
allows, with none of the course's code:

- POST /form, /form-in-thread: read one form field (on the event loop; in a thread, as the
  course's write routes run, because their database calls block);
- POST /sqlite-insert: one durable row (WAL, synchronous=FULL, as the course commits an answer),
  one writer at a time in the process, with the sqlite3 driver itself;
- POST /postgres-insert: one row, committed, on a pooled psycopg connection, in a thread;
- GET /postgres-read, /postgres-read-async: one indexed read, in a thread (as the lesson page
  reads on PostgreSQL) and on psycopg's asyncio connection (what an async driver would give);
- GET /sqlite-class-totals: one class's answers (30 pupils × 37 questions) counted per pupil
  in one SQL statement, the least a class dashboard reads; /sqlite-class-table the same, drawn
  as the least a dashboard shows: a table of 30 rows of three numbers, by Jinja.

FLOOR_SQLITE is the SQLite file and FLOOR_POSTGRES the psycopg URL (libpq form); the runner
creates their tables first. This is a benchmark's server, not part of the app.
"""

from __future__ import annotations

import asyncio
import os
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import psycopg
from fastapi import FastAPI, Form
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import Environment

SQLITE_PATH = os.environ.get("FLOOR_SQLITE", "")
POSTGRES_URL = os.environ.get("FLOOR_POSTGRES", "")
POOL_SIZE = 20  # the course's PostgreSQL pool per process (COURSE_DATABASE_POOL_SIZE)
CLASS_TOTALS = (
    "SELECT learner_id, count(*), sum(correct) FROM answer WHERE class_id = ? GROUP BY learner_id"
)

TABLE = Environment(autoescape=True).from_string(
    "<table><caption>Year 10</caption><tr><th>Pupil</th><th>Answered</th><th>Right</th></tr>"
    "{% for pupil, answered, right in rows %}"
    "<tr><td>Pupil {{ loop.index }}</td><td>{{ answered }}</td><td>{{ right }}</td></tr>"
    "{% endfor %}</table>"
)

app = FastAPI()
sqlite_local = threading.local()
sqlite_turn = threading.Lock()  # one writer at a time, as course/writer_turns.py has it
postgres_pool: queue.Queue[psycopg.Connection[tuple[object, ...]]] = queue.Queue()
async_pool: asyncio.Queue[psycopg.AsyncConnection[tuple[object, ...]]] | None = None


def sqlite_connection() -> sqlite3.Connection:
    """This thread's connection, opened as the course opens its own."""
    connection: sqlite3.Connection | None = getattr(sqlite_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(SQLITE_PATH, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000"):
            connection.execute(f"PRAGMA {pragma}")
        sqlite_local.connection = connection
    return connection


@contextmanager
def postgres_connection() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A pooled connection: at most POOL_SIZE, opened when first needed, kept."""
    try:
        connection = postgres_pool.get_nowait()
    except queue.Empty:
        connection = psycopg.connect(POSTGRES_URL)
    try:
        yield connection
    finally:
        postgres_pool.put(connection)


@app.get("/")
async def hello() -> PlainTextResponse:
    """The ceiling, as in tests/perf/hello.py."""
    return PlainTextResponse("Hello, world")


@app.post("/form")
async def form(value: Annotated[str, Form()]) -> PlainTextResponse:
    return PlainTextResponse(value)


@app.post("/form-in-thread")
def form_in_thread(value: Annotated[str, Form()]) -> PlainTextResponse:
    return PlainTextResponse(value)


@app.post("/sqlite-insert")
def sqlite_insert(value: Annotated[str, Form()]) -> PlainTextResponse:
    with sqlite_turn:
        connection = sqlite_connection()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO floor_row (value) VALUES (?)", (value,))
        connection.execute("COMMIT")
    return PlainTextResponse(value)


@app.post("/postgres-insert")
def postgres_insert(value: Annotated[str, Form()]) -> PlainTextResponse:
    with postgres_connection() as connection:
        connection.execute("INSERT INTO floor_row (value) VALUES (%s)", (value,))
        connection.commit()
    return PlainTextResponse(value)


@app.get("/postgres-read")
def postgres_read() -> PlainTextResponse:
    with postgres_connection() as connection:
        connection.autocommit = True  # as the course reads: no transaction to end
        row = connection.execute("SELECT value FROM floor_row WHERE id = %s", (1,)).fetchone()
    return PlainTextResponse(str(row))


@app.get("/postgres-read-async")
async def postgres_read_async() -> PlainTextResponse:
    global async_pool
    if async_pool is None:
        async_pool = asyncio.Queue()
        for _ in range(POOL_SIZE):
            async_pool.put_nowait(
                await psycopg.AsyncConnection.connect(POSTGRES_URL, autocommit=True)
            )
    connection = await async_pool.get()
    try:
        cursor = await connection.execute("SELECT value FROM floor_row WHERE id = %s", (1,))
        row = await cursor.fetchone()
    finally:
        async_pool.put_nowait(connection)
    return PlainTextResponse(str(row))


@app.get("/sqlite-class-totals")
def sqlite_class_totals() -> PlainTextResponse:
    rows = sqlite_connection().execute(CLASS_TOTALS, (1,)).fetchall()
    return PlainTextResponse(str(len(rows)))


@app.get("/sqlite-class-table")
def sqlite_class_table() -> HTMLResponse:
    rows = sqlite_connection().execute(CLASS_TOTALS, (1,)).fetchall()
    return HTMLResponse(TABLE.render(rows=rows))
