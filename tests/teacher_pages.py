"""Driving the teacher account pages from tests, as a browser would, with a real SMTP server
(aiosmtpd on 127.0.0.1) receiving the mail the app sends."""

from __future__ import annotations

import email
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import pyotp
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from course.settings import Settings
from tests.pages import csrf_token

PASSWORD = "violet tractor umbrella sandwich"
ANY_FORM = "/teachers/forgotten-password"  # a page with a form whoever is signed in
LINK = re.compile(r"https?://[^\s]+/teachers/[a-z-]+\?token=[A-Za-z0-9_-]+")


@dataclass
class MailBox:
    """What the test SMTP server has received, in order."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if message["To"] == address]

    def last_link(self, address: str) -> str:
        """The one-time link in the last mail to the address."""
        mails = self.to(address)
        assert mails, f"no mail to {address}"
        body = mails[-1].get_payload(decode=True).decode()
        match = LINK.search(body)
        assert match, body
        return match.group(0)

    def settings_for(self, settings: Settings) -> Settings:
        """The settings, sending mail to this server (plain SMTP, no TLS, no login)."""
        return settings.model_copy(
            update={"smtp_host": self.host, "smtp_port": self.port, "smtp_starttls": False}
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[MailBox]:
    """A real SMTP server on a free port of 127.0.0.1, until the block ends."""
    box = MailBox("127.0.0.1", free_port())
    controller = Controller(box, hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def path_of(link: str) -> str:
    """A mailed link's path and query, for the test client."""
    return "/" + link.split("/", 3)[3]


def post_form(client: TestClient, page: str, action: str, data: dict[str, str]) -> Any:
    """Post a form as a browser would: the CSRF token from the page the form is on."""
    return client.post(action, data={**data, "csrf_token": csrf_token(client, page)})


def sign_up(
    client: TestClient,
    *,
    email_address: str = "ada@school.example",
    school: str = "Greenfield Academy",
    name: str = "Ada Lovelace",
    password: str = PASSWORD,
) -> Any:
    """Fill in and send the sign-up form."""
    data = {"school": school, "name": name, "email": email_address, "password": password}
    return post_form(client, ANY_FORM, "/teachers/sign-up", data)


def confirm(client: TestClient, link: str) -> Any:
    """Open a confirmation link and press its button (the form's token is the same on any
    page: the forgotten-password page always has a form)."""
    assert client.get(path_of(link)).status_code == 200
    token = link.rsplit("token=", 1)[1]
    return post_form(client, ANY_FORM, "/teachers/confirm-email", {"token": token})


def sign_in(client: TestClient, email_address: str, password: str = PASSWORD) -> Any:
    """Fill in and send the sign-in form."""
    data = {"email": email_address, "password": password}
    return post_form(client, ANY_FORM, "/teachers/sign-in", data)


def next_code(secret: str) -> str:
    """The code an authenticator app shows half a minute from now: still accepted (one step
    ahead), and never spent yet, unlike the current one when set-up has just used it."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def sign_out(client: TestClient) -> Any:
    """Press Sign out on the teacher's home page."""
    return post_form(client, "/teachers", "/teachers/sign-out", {})


def new_admin(
    client: TestClient, mail: MailBox, email_address: str = "ada@school.example", **kw: str
) -> None:
    """Sign up, confirm the address from the mail, and sign in: an admin at home."""
    assert sign_up(client, email_address=email_address, **kw).status_code == 303
    assert confirm(client, mail.last_link(email_address)).status_code == 303
    assert sign_in(client, email_address).headers["location"] == "/teachers"
