"""How `course serve` runs uvicorn: its own error answers carry our security headers.

uvicorn answers a request it cannot parse (a malformed request line, bad headers) with a plain
400 of its own, before the app sees anything. This HTTP protocol (httptools, as uvicorn's
default) writes that answer with the same security headers and no-store as every page.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from course.security.headers import security_headers

BAD_REQUEST = (
    b"We could not read that request. Please go back and try again. "
    b"If you need help now, open /help on this site.\n"
)


class SafeHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with our headers on the 400 it sends by itself."""

    def send_400_response(self, msg: str) -> None:
        """Answer an unreadable request: 400, our headers, a plain sentence, then close."""
        hsts = os.environ.get("COURSE_ENV") == "production"
        headers = [
            *security_headers(hsts=hsts),
            (b"cache-control", b"no-store"),
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(BAD_REQUEST)).encode()),
            (b"connection", b"close"),
        ]
        lines = [b"HTTP/1.1 400 Bad Request"] + [name + b": " + value for name, value in headers]
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + BAD_REQUEST)
        self.transport.close()


HTTP_PROTOCOL = f"{__name__}:{SafeHttpToolsProtocol.__name__}"


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the app's `course` logger at INFO (never an address: the access
    log is off)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["course"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
