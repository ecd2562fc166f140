"""`course serve`'s HTTP protocol: uvicorn's own 400 for an unreadable request has our headers."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from fastapi import FastAPI

from course.serving import HTTP_PROTOCOL
from tests.browser.helpers import free_port


def raw_exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes to the server and read its whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_an_unreadable_request_gets_a_400_with_our_security_headers(app: FastAPI) -> None:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=HTTP_PROTOCOL, log_level="critical"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        answer = raw_exchange(port, b"GET /help HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n")
        good = raw_exchange(port, b"GET /help HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    lowered = head.lower()
    for header in (
        b"content-security-policy:",
        b"x-content-type-options: nosniff",
        b"x-frame-options: deny",
        b"cache-control: no-store",
    ):
        assert header in lowered, header
    assert b"Traceback" not in body and b"try again" in body
    assert good.startswith(b"HTTP/1.1 200")  # the protocol serves ordinary requests as before
