"""Teachers' mail: one-time links to confirm an address, reset a password or join a school.

Sent with the standard library's smtplib through the SMTP server in the settings, after the
response has gone (a route hands `send_mail` to FastAPI's background tasks, which run it in a
worker thread): a page never waits on the mail server, and a page that sends mail takes no
longer than one that does not, so timing reveals no account. With no SMTP host (development)
each message is written to the log instead. Mail carries no pupil data, ever.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from starlette.requests import Request

from course.settings import Settings

log = logging.getLogger("course")

SMTP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Mail:
    """One plain-text message to one teacher."""

    to: str
    subject: str
    body: str


def public_base(request: Request) -> str:
    """The start of every link in a mail: the public URL when set, else this request's own."""
    configured: str = request.app.state.settings.public_url
    return configured or str(request.base_url).rstrip("/")


def page_url(request: Request, route: str) -> str:
    """The full address of a named page, for a mail."""
    return f"{public_base(request)}{request.app.url_path_for(route)}"


def link_to(request: Request, route: str, token: str) -> str:
    """The full address of a one-time link: the named page, with its token."""
    return f"{page_url(request, route)}?token={token}"


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    """The message as it goes over SMTP."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2].strip("> "))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body)
    return message


def send_mail(settings: Settings, mail: Mail) -> None:
    """Send the message (or, with no SMTP host, log it); a failure is logged, never raised,
    as the page has already answered."""
    message = build_message(settings, mail)
    if not settings.smtp_host:
        log.warning("no COURSE_SMTP_HOST: this mail is not sent, only logged\n%s", message)
        return
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        # The address is personal data: the log names the kind of mail and the error only.
        log.error("mail %r could not be sent: %s", mail.subject, type(error).__name__)


SIGN_OFF = "\n\nIf you did not ask for this, you can ignore this email: nothing changes.\n"


def confirm_mail(to: str, link: str) -> Mail:
    """The link that confirms a new teacher's address."""
    body = (
        "Confirm your email address for the Stop sextortion course.\n\n"
        f"Open this link, then press the button on the page:\n\n{link}\n\n"
        "The link works once, for 10 minutes. After that, sign in and ask for a new one."
    )
    return Mail(to, "Confirm your email address", body + SIGN_OFF)


def reset_mail(to: str, link: str) -> Mail:
    """The link that lets a teacher choose a new password."""
    body = (
        "Someone asked to reset the password of your teacher's account on the Stop sextortion "
        f"course.\n\nTo choose a new password, open this link:\n\n{link}\n\n"
        "The link works once, for 10 minutes. Every device signed in as you will be signed out."
    )
    return Mail(to, "Reset your password", body + SIGN_OFF)


def invite_mail(to: str, school: str, inviter: str, link: str) -> Mail:
    """An admin's invitation to join their school."""
    body = (
        f"{inviter} has invited you to join {school} on the Stop sextortion course, to run "
        f"lessons with your classes.\n\nTo accept, open this link and choose a password:\n\n"
        f"{link}\n\nThe link works once, for 10 minutes. If it has run out, ask {inviter} to "
        "invite you again."
    )
    return Mail(to, f"You are invited to join {school}", body + SIGN_OFF)


def already_registered_mail(to: str, sign_in: str, reset: str) -> Mail:
    """Said to an address that already has an account when someone signs it up or invites it
    again (the page says the same either way, so it reveals nothing)."""
    body = (
        "Someone tried to create a teacher's account on the Stop sextortion course with this "
        "email address, or to invite it to a school. It already has an account, and an account "
        f"belongs to one school.\n\nTo sign in: {sign_in}\n"
        f"If you have forgotten your password: {reset}"
    )
    return Mail(to, "You already have an account", body + SIGN_OFF)
