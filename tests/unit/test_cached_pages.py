"""A page rendered once per lesson and band is kept as bytes between its holes, and each
request fills in its own CSRF token and slots (course/web.py)."""

from __future__ import annotations

from course.web import TOKEN_SLOT, cache_page


def test_every_hole_is_filled_with_its_own_and_the_rest_is_kept_byte_for_byte() -> None:
    html = (
        f"<p>Don’t pay — it isn’t your fault</p><form>{TOKEN_SLOT}</form>"
        f"<nav>\x00slot:progress\x00</nav><form>{TOKEN_SLOT}</form>"
    )
    page = cache_page(html)
    filled = page.fill({"csrf": b"t0ken", "progress": "<ol>✓</ol>".encode()})
    expected = html.replace(TOKEN_SLOT, "t0ken").replace("\x00slot:progress\x00", "<ol>✓</ol>")
    assert filled == expected.encode()
    assert page.holes == ("csrf", "slot:progress", "csrf")


def test_a_page_without_holes_is_one_piece() -> None:
    page = cache_page("<p>Nothing to fill</p>")
    assert page.fill({}) == b"<p>Nothing to fill</p>" and page.holes == ()
