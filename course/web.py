"""Templates and rendering: one call turns a template and its context into a response."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import URLPath
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from course.security.cookies import csrf_binding
from course.security.csrf import csrf_token_for, new_csrf_cookie

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_PATH = "/static"  # where static/ is mounted; every static URL starts with it


class RedirectTo(Exception):
    """Send the browser elsewhere (303), e.g. to choose an age band first."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def remembered_paths(
    url_path_for: Callable[..., URLPath], size: int = 4096
) -> Callable[..., URLPath]:
    """`app.url_path_for`, remembering the paths it has built (the last `size` of them).

    FastAPI finds a route's name by walking every route of every included router, for each
    link: a teacher's dashboard builds 16 links, and that walk was a quarter of its time. The
    routes never change once mounted, so a path, once built, stays right."""

    @lru_cache(maxsize=size)
    def build(name: str, params: tuple[tuple[str, Any], ...]) -> URLPath:
        return url_path_for(name, **dict(params))

    def path_for(name: str, /, **params: Any) -> URLPath:
        try:
            return build(name, tuple(sorted(params.items())))
        except TypeError:  # a parameter that cannot be a cache key: build it each time
            return url_path_for(name, **params)

    return path_for


def url_path(request: Request, name: str, /, **params: str) -> str:
    """The path of the named route: every internal URL is built this way, never by hand."""
    return str(request.app.url_path_for(name, **params))


def is_htmx(request: Request) -> bool:
    """True when htmx asked for a fragment (not a boosted full page)."""
    headers = request.headers
    return headers.get("hx-request") == "true" and headers.get("hx-boosted") != "true"


def static_versions(static_dir: Path) -> dict[str, str]:
    """A short content hash per static file, so URLs change when files do."""
    return {
        path.relative_to(static_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in static_dir.rglob("*")
        if path.is_file()
    }


def build_templates(static_dir: Path, globals_: dict[str, Any]) -> Environment:
    """The app's one Jinja environment over course/templates (autoescaped, compiled once),
    with static_url() and the given globals."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = static_versions(static_dir)

    def static_url(name: str) -> str:
        version = versions.get(name)
        return f"{STATIC_PATH}/{name}?v={version}" if version else f"{STATIC_PATH}/{name}"

    env.globals.update(globals_, static_url=static_url)
    return env


# Stands in for the CSRF token in cached pages; it cannot occur in escaped output.
TOKEN_SLOT = "\x00csrf\x00"  # noqa: S105 - a placeholder, not a secret
HOLE = re.compile("\x00(csrf|slot:[a-z_]+)\x00")  # the token's, or a slot's ("\x00slot:name\x00")


@dataclass(frozen=True)
class CachedPage:
    """A page rendered once, kept as the bytes between its holes (already encoded: a whole
    lesson page is 17 kB, and encoding it, or replacing in it, on every request cost more
    than the rest of the page's own work)."""

    pieces: tuple[bytes, ...]  # one more than the holes
    holes: tuple[str, ...]  # "csrf", or "slot:" and a slot's name, in order

    def fill(self, fills: Mapping[str, bytes]) -> bytes:
        """The page with each hole filled: the token in "csrf", a slot's HTML in its own."""
        parts = [self.pieces[0]]
        for hole, piece in zip(self.holes, self.pieces[1:], strict=True):
            parts += (fills[hole.removeprefix("slot:")], piece)
        return b"".join(parts)


def cache_page(html: str) -> CachedPage:
    """Split a page rendered with TOKEN_SLOT and slot placeholders at its holes."""
    split = HOLE.split(html)
    return CachedPage(tuple(piece.encode() for piece in split[0::2]), tuple(split[1::2]))


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    cache_key: Hashable | None = None,
    slots: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a template for this request, with its CSRF token.

    With a cache_key (for pages whose context the key fully decides, such as a lesson for an
    age band) the page is rendered once per process and only the token is filled in after,
    with each of `slots`: HTML of this learner's own (such as their lesson list with its
    marks), which the template prints with `|safe` where the cached page keeps a placeholder.
    """
    slots = slots or {}
    state = request.app.state
    names = state.cookie_names
    cookie = request.cookies.get(names.csrf)
    new_cookie = None if cookie else new_csrf_cookie()
    binding = csrf_binding(request.cookies, names)
    token = csrf_token_for(cookie or new_cookie or "", state.secret_key, binding)
    if cache_key is None:
        page = {**(context or {}), **slots, "csrf_token": token}
        html = state.templates.get_template(template).render(page)
    else:
        pages: dict[Hashable, CachedPage] = state.rendered_pages
        key = (template, cache_key)
        cached = pages.get(key)
        if cached is None:
            holes = {name: f"\x00slot:{name}\x00" for name in slots}
            page = {**(context or {}), **holes, "csrf_token": TOKEN_SLOT}
            cached = pages[key] = cache_page(state.templates.get_template(template).render(page))
        fills = {name: value.encode() for name, value in slots.items()}
        fills["csrf"] = token.encode()
        html = cached.fill(fills)
    response = HTMLResponse(html, status_code=status_code)
    if new_cookie:
        response.set_cookie(
            names.csrf,
            new_cookie,
            httponly=True,
            samesite="lax",
            secure=state.settings.secure_cookies,
            path="/",
        )
    return response


FRAGMENTS_KEPT = 4096  # per process: a lesson list is about 2 kB, so at most about 8 MB


def cached_fragment(request: Request, template: str, key: Hashable, context: dict[str, Any]) -> str:
    """A template rendered once per key, for a piece of a page that varies by learner but
    repeats across learners (their lesson list with its marks): the most recently used
    FRAGMENTS_KEPT are kept. The key must decide the context fully."""
    kept: OrderedDict[Hashable, str] = request.app.state.rendered_fragments
    full_key = (template, key)
    html = kept.get(full_key)
    if html is None:
        html = request.app.state.templates.get_template(template).render(context)
        kept[full_key] = html
        if len(kept) > FRAGMENTS_KEPT:
            kept.popitem(last=False)
    else:
        kept.move_to_end(full_key)
    return html


COMPRESSIBLE = {".css", ".js", ".svg", ".vtt", ".json", ".md", ".txt"}


class CachedStaticFiles(StaticFiles):
    """Static files, gzipped once at start for browsers that accept it.

    Versioned URLs (?v=…) are cached for a year, others revalidated. Text files are compressed
    in memory when the app starts, so no request pays for compression.
    """

    def __init__(self, *, directory: Path) -> None:
        super().__init__(directory=directory)
        self.gzipped = {
            path.relative_to(directory).as_posix(): gzip.compress(path.read_bytes(), 9, mtime=0)
            for path in directory.rglob("*")
            if path.suffix in COMPRESSIBLE and path.is_file()
        }

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, gzipped when the browser accepts it and that is smaller."""
        body = self.gzipped.get(path)
        accepts = dict(scope["headers"]).get(b"accept-encoding", b"")
        if body is None or b"gzip" not in accepts or scope["method"] not in ("GET", "HEAD"):
            return await super().get_response(path, scope)
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        headers = {"content-encoding": "gzip", "vary": "accept-encoding"}
        headers["cache-control"] = cache_control(scope)
        return Response(body, media_type=media_type, headers=headers)

    def file_response(self, *args: Any, **kwargs: Any) -> Any:
        response = super().file_response(*args, **kwargs)
        scope: Scope = args[2] if len(args) > 2 else kwargs["scope"]
        response.headers["cache-control"] = cache_control(scope)
        return response


def cache_control(scope: Scope) -> str:
    """A year for versioned static URLs (their name changes with their content), else revalidate."""
    versioned = b"v=" in scope.get("query_string", b"")
    return "public, max-age=31536000, immutable" if versioned else "no-cache"
