"""Every setting in one place, read from the environment with the prefix COURSE_."""

from __future__ import annotations

import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# The film's optional external player (course/film/external.py): only these two address forms
# are accepted, so the film page's CSP can allow exactly one frame host.
YOUTUBE_PLAYER = re.compile(r"^https://www\.youtube-nocookie\.com/embed/([A-Za-z0-9_-]{11})$")
VIMEO_PLAYER = re.compile(r"^https://player\.vimeo\.com/video/([0-9]{1,12})\?dnt=1$")
PLAYER_FORMS = (
    "https://www.youtube-nocookie.com/embed/<video id> (YouTube's privacy-enhanced mode) or "
    "https://player.vimeo.com/video/<video id>?dnt=1 (Vimeo with do-not-track)"
)


class Settings(BaseSettings):
    """Settings for one instance of the course; tests build their own."""

    model_config = SettingsConfigDict(env_prefix="COURSE_", extra="ignore")

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
    secure_cookies: bool = Field(False, description="mark cookies Secure (always on in production)")
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

    @field_validator("film_external_url")
    @classmethod
    def _film_url_has_an_accepted_form(cls, url: str) -> str:
        url = url.strip()
        if url and not (YOUTUBE_PLAYER.match(url) or VIMEO_PLAYER.match(url)):
            raise ValueError(f"the film's external address must be {PLAYER_FORMS}, not {url!r}")
        return url

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
