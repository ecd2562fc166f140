"""Every setting in one place, read from the environment with the prefix COURSE_."""

from __future__ import annotations

import ipaddress
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# An accessibility contact: one plain email address (no spaces, no mailto: parameters).
CONTACT_EMAIL = re.compile(r"[^@\s?&]+@[^@\s?&]+\.[^@\s?&]+")
# The film's optional external player (course/film/external.py): only these two address forms
# are accepted, so the film page's CSP can allow exactly one frame host.
YOUTUBE_PLAYER = re.compile(r"^https://www\.youtube-nocookie\.com/embed/([A-Za-z0-9_-]{11})$")
VIMEO_PLAYER = re.compile(r"^https://player\.vimeo\.com/video/([0-9]{1,12})\?dnt=1$")
PLAYER_FORMS = (
    "https://www.youtube-nocookie.com/embed/<video id> (YouTube's privacy-enhanced mode) or "
    "https://player.vimeo.com/video/<video id>?dnt=1 (Vimeo with do-not-track)"
)


# PostgreSQL connections a server process keeps (course/db.py says why it opens no more).
DATABASE_POOL_SIZE = 20


class Settings(BaseSettings):
    """Settings for one instance of the course; tests build their own."""

    # hide_input_in_errors: a wrong setting's value (a short secret, a URL with a password) is
    # never echoed in the start-up error.
    model_config = SettingsConfigDict(
        env_prefix="COURSE_", extra="ignore", hide_input_in_errors=True
    )

    env: Literal["development", "production"] = Field(
        "development", description="production requires COURSE_SECRET_KEY and HTTPS cookies"
    )
    host: str = Field("127.0.0.1", description="address the server listens on")
    port: int = Field(8000, description="port the server listens on")
    workers: int = Field(1, ge=1, description="server processes for `course serve`")
    database_url: str = Field(
        "sqlite:///data/course.db",
        description="SQLAlchemy URL: sqlite:///… or postgresql+psycopg://…",
    )
    secret_key: str = Field(
        "", description="signs cookies; generated and kept in data/ when empty in development"
    )
    data_dir: Path = Field(REPO_ROOT / "data", description="where development keeps its files")
    content_dir: Path = Field(REPO_ROOT, description="folder holding lessons/ and quizzes/")
    exit_url: str = Field(
        "https://www.bbc.co.uk/weather", description="neutral site the quick exit goes to"
    )
    accessibility_contact: str = Field(
        "",
        description="where to report an accessibility problem: an email address or an https:// "
        "page, shown on /accessibility",
    )
    secure_cookies: bool = Field(False, description="mark cookies Secure (always on in production)")
    public_url: str = Field(
        "",
        description="optional: the address learners use, e.g. https://course.example.org; "
        "state changes must come from its origin (else from the request's own host)",
    )
    forwarded_allow_ips: str = Field(
        "",
        description="optional: the reverse proxy's addresses or networks, comma-separated "
        "(127.0.0.1 or 10.0.0.0/8); only from these are X-Forwarded-For and X-Forwarded-Proto "
        "believed; empty, they are believed from nobody",
    )
    database_pool_size: int = Field(
        DATABASE_POOL_SIZE,
        ge=1,
        le=500,
        description="PostgreSQL connections each server process keeps open, and never more; "
        "max_connections must exceed this plus one (live sessions), times the processes",
    )
    retention_days: int = Field(
        395, ge=1, description="delete a learner this many days after their last visit (13 months)"
    )

    # The film (course/film/): the self-hosted film in static/film/ always plays; this adds an
    # external player behind a click-to-load facade on /film only.
    film_external_url: str = Field(
        "",
        description="optional: https://www.youtube-nocookie.com/embed/<id> or "
        "https://player.vimeo.com/video/<id>?dnt=1, loaded only when the learner clicks",
    )

    # Limits on what one request may send (course/security/limits.py). The largest real form
    # is 236 bytes in 12 fields, its longest field 75 bytes (the CSRF token).
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="largest request body accepted (bytes); bigger is a 413"
    )
    max_form_fields: int = Field(
        200, ge=16, description="most fields one form may send; more is a 400"
    )
    max_field_bytes: int = Field(
        4096, ge=256, description="longest single form field, name and value (bytes); a 413"
    )
    # Rate limits per client address (course/security/rate.py). A whole school can share one
    # address, so these are set for a school at once, not for one pupil: see the README.
    starts_per_minute: int = Field(
        1200, ge=1, description="new learners (POST /start) per minute from one address; a 429"
    )
    posts_per_minute: int = Field(
        6000, ge=1, description="form posts (any state change) per minute from one address; a 429"
    )
    redis_url: str = Field(
        "",
        description="optional: redis://host:port/db to keep the rate limits' counts in Redis; "
        "without it they are kept in the database, shared by every process either way",
    )

    # Teacher accounts (course/schools/): the mail that carries their one-time links, and how
    # often one address may try to sign in.
    smtp_host: str = Field(
        "", description="optional: the SMTP server for teachers' mail; without it mail is logged"
    )
    smtp_port: int = Field(587, ge=1, le=65535, description="the SMTP server's port")
    smtp_user: str = Field("", description="optional: the SMTP user name, to log in")
    smtp_password: str = Field("", description="optional: the SMTP password, to log in")
    smtp_starttls: bool = Field(True, description="switch the SMTP connection to TLS (STARTTLS)")
    mail_from: str = Field(
        "Stop sextortion course <no-reply@localhost>",
        description="the From address of teachers' mail",
    )
    sign_in_attempts_per_minute: int = Field(
        30,
        ge=1,
        description="teacher sign-in, two-factor, sign-up and reset attempts per minute from "
        "one address; then a 429",
    )

    join_guesses_per_minute: int = Field(
        10, ge=1, description="wrong class codes one address may try in a minute; then a 429"
    )

    stats_min_group: int = Field(
        10,
        ge=5,
        description="k: the fewest pupils whose answers a class's or school's breakdowns show "
        "(never below 5); counts of pupils are always exact",
    )

    @field_validator("accessibility_contact")
    @classmethod
    def _contact_is_an_address_or_a_page(cls, contact: str) -> str:
        contact = contact.strip()
        if contact and not (CONTACT_EMAIL.fullmatch(contact) or contact.startswith("https://")):
            raise ValueError(
                f"the accessibility contact must be an email or https:// page: {contact!r}"
            )
        return contact

    @field_validator("film_external_url")
    @classmethod
    def _film_url_has_an_accepted_form(cls, url: str) -> str:
        url = url.strip()
        if url and not (YOUTUBE_PLAYER.match(url) or VIMEO_PLAYER.match(url)):
            raise ValueError(f"the film's external address must be {PLAYER_FORMS}, not {url!r}")
        return url

    @field_validator("public_url")
    @classmethod
    def _public_url_is_an_origin(cls, url: str) -> str:
        url = url.strip().rstrip("/").lower()
        if url and not re.fullmatch(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?", url):
            raise ValueError(
                "COURSE_PUBLIC_URL must be a scheme and host, e.g. https://course.example.org"
            )
        return url

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        proxies = []
        for proxy in (part.strip() for part in value.split(",") if part.strip()):
            try:  # written as uvicorn reads them: an address, or a network without host bits
                network = ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    "COURSE_FORWARDED_ALLOW_IPS must list the proxy's IP addresses or networks, "
                    f"comma-separated (such as 127.0.0.1 or 10.0.0.0/8), not {proxy!r}"
                ) from None
            single = network.num_addresses == 1 and "/" not in proxy
            proxies.append(str(network.network_address if single else network))
        return ",".join(proxies)

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> Settings:
        if self.env == "production":
            if len(self.secret_key) < 32:
                raise ValueError(
                    "COURSE_SECRET_KEY must be set to at least 32 random characters in production"
                )
            self.secure_cookies = True
        return self

    def resolved_secret_key(self) -> str:
        """The secret key, creating and keeping one under data/ in development."""
        if self.secret_key:
            return self.secret_key
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def sqlalchemy_url(self) -> str:
        """The database URL, with a relative SQLite path anchored at the repository root."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            path = Path(self.database_url[len(prefix) :])
            if str(path) != ":memory:" and not path.is_absolute():
                path = REPO_ROOT / path
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
        return self.database_url


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
