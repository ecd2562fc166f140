"""The film page, and the two counts its script sends: film started, film finished."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from course.db import write_session
from course.deps import EngineDep, SettingsDep
from course.film.events import record_event
from course.film.external import external_player
from course.film.media import shipped_film
from course.film.models import FILM_EVENTS
from course.learning.deps import MaybeLearner
from course.learning.progress import mark_seen
from course.security.headers import content_security_policy
from course.web import is_htmx, render

router = APIRouter(prefix="/film", tags=["film"])


@router.get("")
async def show_film(request: Request, settings: SettingsDep) -> Response:
    """The film: a content note, the player, the transcript and prompts to talk it over."""
    film = shipped_film()
    if film is None:
        raise HTTPException(status_code=404)
    external = external_player(settings.film_external_url)
    context = {"film": film, "external": external, "in_lesson": False, "title": film.title}
    template = "film/_film.html" if is_htmx(request) else "film/page.html"
    response = render(request, template, context, cache_key=("film", settings.film_external_url))
    if external:
        # This page alone may frame the one external player, and only after the learner's click.
        response.headers["content-security-policy"] = content_security_policy(
            frame_src=external.origin
        )
    return response


@router.post("/events/{event}", status_code=204)
def record_film_event(event: str, engine: EngineDep, learner: MaybeLearner) -> Response:
    """Count that this learner started or finished the film; repeats store nothing new."""
    if event not in FILM_EVENTS:
        raise HTTPException(status_code=404)
    if learner is not None:
        with write_session(engine) as session:
            record_event(learner.id, event, session=session)
            mark_seen(learner.id, session=session)
    return Response(status_code=204)
