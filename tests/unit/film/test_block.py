"""The film block in a lesson (course/film/block.py): the self-hosted film, never a frame."""

from __future__ import annotations

from fastapi import FastAPI

from course.content.markdown import render_body
from course.film.block import film_block_html


def test_a_film_block_renders_the_self_hosted_film_without_any_frame(app: FastAPI) -> None:
    film_html = film_block_html(app.state.templates)
    html = render_body("Before.\n\n```film\n```\n\nAfter.\n", "11-13", film_html=film_html)
    assert "<video" in html and "controls" in html and "autoplay" not in html
    assert 'kind="captions"' in html and " default>" in html
    assert "<iframe" not in html and "data-film-embed" not in html
    assert 'href="#film-end"' in html
    assert html.index("Before.") < html.index("<video") < html.index("After.")
