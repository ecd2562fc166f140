"""The application factory: settings in, a ready ASGI app out."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from course.content.loader import load_catalogue
from course.content.schema import AUDIENCE_LABELS, Catalogue
from course.db import create_db_engine, read_session, write_session
from course.errors import add_error_pages, refuse_forgery, refuse_request
from course.film.block import film_block_html
from course.film.routes import router as film_router
from course.health import router as health_router
from course.learning.retention import DailyPurge
from course.learning.routes import router as learning_router
from course.learning.routes import show_lesson
from course.live.broker import Broker
from course.live.pupil_routes import router as live_router
from course.live.state import end_forgotten
from course.live.teacher_routes import router as projector_router
from course.live.views import Fragments
from course.quizzes.routes import router as quizzes_router
from course.safety.routes import router as safety_router
from course.schools.account_routes import include_teacher_accounts
from course.schools.class_routes import router as class_router
from course.schools.join_routes import router as join_router
from course.schools.preview_routes import router as preview_router
from course.schools.routes import router as schools_router
from course.security.cookies import CookieNames
from course.security.csrf import CsrfMiddleware
from course.security.headers import SecurityHeadersMiddleware
from course.security.limits import BodyLimitMiddleware
from course.security.paths import HeadAsGetMiddleware, SlashRedirectMiddleware
from course.security.rate import RateLimitMiddleware, counter_for
from course.settings import REPO_ROOT, Settings, get_settings
from course.stats.routes import router as stats_router
from course.stats.suppress import group_size
from course.web import STATIC_PATH, CachedStaticFiles, build_templates, remembered_paths

STATIC_DIR = REPO_ROOT / "static"


def create_app(settings: Settings | None = None, *, catalogue: Catalogue | None = None) -> FastAPI:
    """Build the app: load and check content, open the database, wire routes and safeguards.

    `catalogue` is for tests, which share one (it is immutable); the app otherwise loads and
    checks the content itself, and refuses to start (ContentError) on any mistake.
    """
    settings = settings or get_settings()
    secret_key = settings.resolved_secret_key()
    app = FastAPI(
        title="course",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        redirect_slashes=False,  # SlashRedirectMiddleware redirects without trusting Host
        # FastAPI's own OpenTelemetry off: its spans and logs would carry pupils' addresses,
        # paths and exception text to any provider configured in the process, and its check
        # for one cost every request about a tenth of a lesson page's own work.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    mount_routes(app)
    # Every internal link is built by name; the routes are fixed now, so each path is built once.
    app.url_path_for = remembered_paths(app.url_path_for)  # type: ignore[method-assign]
    templates = build_templates(STATIC_DIR, {"audiences": AUDIENCE_LABELS})
    templates.globals["url_for"] = app.url_path_for  # the one way to build an internal URL
    if catalogue is None:
        catalogue = load_catalogue(settings.content_dir, film_html=film_block_html(templates))
    templates.globals["catalogue"] = catalogue
    app.state.settings = settings
    app.state.secret_key = secret_key
    app.state.catalogue = catalogue
    app.state.engine = create_db_engine(settings.sqlalchemy_url(), settings.database_pool_size)
    app.state.rendered_pages = {}  # filled by render(cache_key=…): lessons × age bands
    app.state.rendered_fragments = OrderedDict()  # by cached_fragment, most recently used
    app.state.templates = templates
    # k: the fewest answers any breakdown is shown for (the class pages, live sessions, joining)
    templates.globals["min_group"] = group_size(settings.stats_min_group)
    app.state.live_broker = broker = Broker(app.state.engine)
    app.state.live_fragments = Fragments(app.state.engine, catalogue, templates, broker)
    app.state.cookie_names = cookies = CookieNames.for_site(secure=settings.secure_cookies)
    # Rate limits' counts, shared by every process on the database (or Redis, when set): each
    # sign-in attempt and wrong class code is written at once, other posts in batches. Wrong
    # codes are also read (a right one from a blocked address is refused on every process).
    shared = partial(write_session, app.state.engine)
    app.state.sign_in_counter = counter_for(settings, database=shared, exact=True)
    app.state.join_guesses = counter_for(
        settings, database=shared, exact=True, reading=partial(read_session, app.state.engine)
    )
    app.add_middleware(
        CsrfMiddleware,
        secret=secret_key,
        reject=refuse_forgery,
        cookies=cookies,
        public_origin=settings.public_url,
    )
    app.add_middleware(SlashRedirectMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(BodyLimitMiddleware, settings=settings, refuse=refuse_request)
    app.add_middleware(
        RateLimitMiddleware,
        settings=settings,
        counter=counter_for(settings, database=shared),
        secret=secret_key,
        start_path=app.url_path_for("start_course"),
        join_prefix=app.url_path_for("show_join") + "/",  # joining a class creates a learner
        refuse=refuse_request,
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies)
    add_error_pages(app)
    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """What runs while the app serves: the daily purge of learners past retention (at start-up,
    then every 24 hours, however the app was started); on the way out, the purge is stopped,
    the sign-in counter lets go of Redis, and the database connections are closed.

    Live sessions' broker opens its listening connection (PostgreSQL) when the first stream
    asks for it, and closes it here."""
    app.state.daily_purge = daily_purge = DailyPurge(
        app.state.engine, app.state.settings.retention_days, also=(end_forgotten,)
    )
    daily_purge.start()
    try:
        yield
    finally:
        await daily_purge.stop()
        await app.state.live_broker.stop()
        await app.state.sign_in_counter.close()
        await app.state.join_guesses.close()
        app.state.engine.dispose()


def mount_routes(app: FastAPI) -> None:
    """Every route of the app, mounted here and nowhere else.

    Routers carry their own prefix and dependencies, so they hold however they are included.
    The lesson page alone is added to the app directly, first: it is the page a whole class
    opens at once, and matching it through FastAPI's included routers cost more than its own
    work (figures in docs/OPERATIONS.md, "Speed").
    """
    app.router.add_route("/lessons/{slug}", show_lesson, methods=["GET"])
    app.mount(STATIC_PATH, CachedStaticFiles(directory=STATIC_DIR), name="static")
    routers = (learning_router, quizzes_router, safety_router, schools_router, film_router)
    for router in (*routers, join_router, class_router, preview_router, live_router, health_router):
        app.include_router(router)
    include_teacher_accounts(app)
    app.include_router(stats_router)
    app.include_router(projector_router)
