"""The baseline for the benchmark: bare FastAPI, one route, no middleware."""

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/")
async def hello() -> PlainTextResponse:
    """Say hello, as cheaply as FastAPI can."""
    return PlainTextResponse("Hello, world")
