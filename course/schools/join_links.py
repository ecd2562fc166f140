"""The join link a class hands out, and its QR code as an SVG drawn on the server."""

from __future__ import annotations

import io

import segno
from fastapi import Request

from course.web import url_path


def join_link(request: Request, code: str | None) -> str:
    """The full address of a class's join page (or of /join), for people to type or scan.

    It uses the configured public address when set; otherwise the address the teacher's own
    browser used for this page (shown only to them, never used for a redirect)."""
    public_url: str = request.app.state.settings.public_url
    if code:
        path = url_path(request, "show_class_to_join", code=code)
    else:
        path = url_path(request, "show_join")
    return (public_url or str(request.base_url).rstrip("/")) + path


def join_qr_svg(link: str) -> str:
    """A QR code of the link: an SVG with classes for colour, no inline style."""
    qr = segno.make(link, error="m")
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=8,
        border=2,
        svgclass="join-qr",
        lineclass="join-qr__dark",
        title="QR code of the join link",
    )
    svg = out.getvalue().decode()
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code of the join link" ', 1)
