"""Teachers' mail: sent over real SMTP (aiosmtpd), logged when there is no SMTP host, and a
failure logged without the address, never raised."""

from __future__ import annotations

import logging

import pytest

from course.schools.mail import Mail, confirm_mail, invite_mail, send_mail
from course.settings import Settings
from tests.teacher_pages import free_port, smtp_server


def test_a_mail_goes_over_smtp_with_its_headers() -> None:
    with smtp_server() as box:
        settings = box.settings_for(Settings(mail_from="Course <course@example.org>"))
        send_mail(settings, confirm_mail("ada@school.example", "https://c.example/x?token=t"))
    [message] = box.messages
    assert message["From"] == "Course <course@example.org>"
    assert message["To"] == "ada@school.example"
    assert message["Subject"] == "Confirm your email address"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "https://c.example/x?token=t" in message.get_payload(decode=True).decode()


def test_without_an_smtp_host_the_mail_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="course"):
        send_mail(Settings(smtp_host=""), Mail("ada@school.example", "Hello", "the body"))
    assert "the body" in caplog.text and "not sent" in caplog.text


def test_an_unreachable_server_is_logged_without_the_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False)
    with caplog.at_level(logging.ERROR, logger="course"):
        send_mail(settings, Mail("ada@school.example", "Reset your password", "x"))
    assert "could not be sent" in caplog.text and "ada@school.example" not in caplog.text


def test_an_invitation_names_the_school_and_who_invited() -> None:
    mail = invite_mail("grace@school.example", "Greenfield", "Ada", "https://c.example/i")
    assert mail.subject == "You are invited to join Greenfield"
    assert "Ada has invited you to join Greenfield" in mail.body and "10 minutes" in mail.body
