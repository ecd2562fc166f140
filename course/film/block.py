"""The film block in a lesson: the film page's own partial, drawn once when the content loads.

A lesson page keeps the site-wide CSP, which frames nothing, so the block shows the self-hosted
film only; the film page (/film) adds the external player when one is configured. The app
draws it with its template environment and hands the HTML to the content loader.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment

from course.film.media import shipped_film

MISSING = (
    '<p class="film-missing">The film is not available on this site yet. '
    '<a href="{help}">Get help now</a> if you need it.</p>\n'
)


def film_block_html(templates: Environment) -> str:
    """The HTML of a lesson's film block (the same partial as the film page, without a player
    from another site), rendered with `templates`."""
    film = shipped_film()
    if film is None:
        url_for: Callable[..., str] = templates.globals["url_for"]  # type: ignore[assignment]
        return MISSING.format(help=url_for("show_help"))
    partial = templates.get_template("film/_film.html")
    return partial.render(film=film, external=None, in_lesson=True) + "\n"
