"""Checks on what a lesson body or quiz text says and links to, beyond its structure.

Links, images and raw HTML are checked here; victim-blaming phrasings (tone.py) and statistics
without a source (citations.py) too. Each rule takes the body's block tokens (with their lines)
and returns findings. Add a rule by writing one more `check_*` function and listing it in RULES.
"""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from course.content.citations import check_statistics
from course.content.problems import Finding
from course.content.text import Blocks, inline_parts
from course.content.tone import check_blame

__all__ = ["RULES", "Blocks", "inline_parts", "lint_body"]

Rule = Callable[[Blocks], list[Finding]]

LINK_SCHEMES = ("http", "https", "mailto", "tel")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_BROKEN_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)?")
_HTML_TAGS = (
    "a|abbr|b|blockquote|br|code|details|div|em|h[1-6]|hr|i|iframe|img|li|mark|ol|p|pre|"
    "script|small|span|strong|style|sub|summary|sup|table|td|th|tr|u|ul|video"
)
_RAW_HTML = re.compile(rf"<({_HTML_TAGS})(\s[^<>]*)?/?>", re.IGNORECASE)


def check_links(blocks: Blocks) -> list[Finding]:
    """Report links with an unsafe or malformed address, and link text that is not a link."""
    findings: list[Finding] = []
    for line, part in inline_parts(blocks):
        if part.type == "link_open":
            problem = _link_problem(str(part.attrGet("href") or ""))
            if problem:
                findings.append((line, problem))
        elif part.type == "text":
            findings.extend(
                (
                    line,
                    f"`{match.group(0)}` looks like a link but is not one. Check the address "
                    "has no spaces (write %20) and the brackets are closed",
                )
                for match in _BROKEN_LINK.finditer(part.content)
            )
    return findings


def check_images(blocks: Blocks) -> list[Finding]:
    """Report images loaded from another site: pupils must not load third-party content."""
    return [
        (
            line,
            f"the image `{src}` comes from another site. Save it with the course's own "
            "files and use that address, so no other site sees who is reading",
        )
        for line, part in inline_parts(blocks)
        if part.type == "image" and _SCHEME.match(src := str(part.attrGet("src") or ""))
    ]


def check_raw_html(blocks: Blocks) -> list[Finding]:
    """Report raw HTML, which pupils would see as text."""
    return [
        (
            line,
            f"raw HTML `{match.group(0)}` is not allowed; pupils would see it as text. "
            "Use Markdown instead",
        )
        for line, part in inline_parts(blocks)
        if part.type == "text"
        for match in _RAW_HTML.finditer(part.content)
    ]


RULES: list[Rule] = [check_links, check_images, check_raw_html, check_blame, check_statistics]


def lint_body(blocks: Blocks) -> list[Finding]:
    """Run every rule over a body and return all findings, in line order."""
    return sorted((finding for rule in RULES for finding in rule(blocks)), key=lambda f: f[0])


def _link_problem(href: str) -> str | None:
    """Return what is wrong with a link address, or None if it is fine."""
    scheme = _SCHEME.match(href)
    if not scheme:
        return None  # a link within the course, like `/help` or `#steps`
    if scheme.group(1).lower() not in LINK_SCHEMES:
        return (
            f"the link `{href}` uses `{scheme.group(1)}:`, which is not allowed. "
            "Use an http or https address"
        )
    parts = urlsplit(href)
    if parts.scheme.lower() in ("http", "https") and (
        not parts.hostname or "%20" in parts.netloc or " " in href
    ):
        return f"the link `{href}` is not a valid web address. Write it as https://site/page"
    return None
