"""Lesson Markdown to HTML: CommonMark with raw HTML escaped and the course's fenced blocks."""

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from course.content.problems import Finding
from course.content.schema import AUDIENCES, StepList

BLOCKS = ("callout", "what-to-do", "audience", "film")  # film: its HTML is given to render_body
OPTIONS = {"html": False, "linkify": False, "typographer": False}


def _render_fence(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Render one of the course's blocks; the loader has already rejected unknown ones."""
    name, *bands = tokens[idx].info.split() or [""]
    inner = tokens[idx].content
    if name == "callout":
        return f'<aside class="callout">\n{_parser.render(inner, env)}</aside>\n'
    if name == "what-to-do":  # the canonical steps (all, or those named), in their order
        env["what_to_do_count"] = number = env.get("what_to_do_count", 0) + 1
        anchor = f"what-to-do-{number}"
        return (
            f'<section class="what-to-do" aria-labelledby="{anchor}">'
            f'<h2 id="{anchor}">What to do</h2>\n'
            f"{steps_list_html(env.get('steps') or StepList(), env.get('band'), tuple(bands))}"
            "</section>\n"
        )
    if name == "audience":
        return _parser.render(inner, env) if env.get("band") in bands else ""
    if name == "film":  # the HTML the loader was given for it (the film page's partial)
        return str(env.get("film_html", ""))
    raise ValueError(f"unknown block {name!r}; check the content before rendering it")


def _render_link_open(
    renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    """Mark links that leave the site so the browser sends no referrer."""
    href = str(tokens[idx].attrGet("href") or "")
    if href.startswith(("http://", "https://")):
        tokens[idx].attrSet("rel", "noreferrer")
    return str(renderer.renderToken(tokens, idx, options, env))


class _LinkKeepingParser(MarkdownIt):
    """A parser that keeps every link, even unsafe ones, so the checks can report them."""

    def validateLink(self, url: str) -> bool:
        """Accept every link; the link checks decide what is wrong with it."""
        return True


_parser = MarkdownIt("commonmark", OPTIONS)
_parser.add_render_rule("fence", _render_fence)
_parser.add_render_rule("link_open", _render_link_open)
_checking_parser = _LinkKeepingParser("commonmark", OPTIONS)


def render_body(text: str, band: str, *, film_html: str = "", steps: StepList | None = None) -> str:
    """Render a lesson body as the given audience band sees it; a ```film block becomes
    `film_html`, a ```what-to-do block the canonical `steps`."""
    env = {"band": band, "what_to_do_count": 0, "film_html": film_html, "steps": steps}
    return str(_parser.render(text, env))


def steps_list_html(steps: StepList, band: str | None, ids: tuple[str, ...] = ()) -> str:
    """The canonical steps as an ordered list, worded for `band`: all, or only `ids`.

    templates/_what_to_do.html draws the same list for pages outside lessons.
    """
    items = "".join(
        f'<li data-step="{step.id}"><strong>{wording.text_html}</strong>'
        + (f" {wording.detail_html}" if wording.detail_html else "")
        + "</li>\n"
        for step, wording in steps.shown(band, ids)
    )
    return f'<ol class="what-to-do__steps">\n{items}</ol>\n'


def render_inline(text: str) -> str:
    """Render one line of Markdown (a prompt, option or feedback) without a paragraph."""
    return str(_parser.renderInline(text))


def body_blocks(text: str, first_line: int = 1) -> Iterator[tuple[int, Token]]:
    """Yield every block token with its line, including those inside the course's blocks."""
    for token in _checking_parser.parse(text):
        line = first_line + token.map[0] if token.map else first_line
        yield line, token
        if token.type == "fence" and token.info.split()[:1] and token.info.split()[0] in BLOCKS:
            yield from body_blocks(token.content, line + 1)


def check_structure(blocks: Iterable[tuple[int, Token]]) -> list[Finding]:
    """Report unknown fenced blocks, bad audience names and `#` headings in a body."""
    blocks = list(blocks)
    findings: list[Finding] = _check_film_blocks(blocks)
    for line, token in blocks:
        if token.type == "heading_open" and token.tag == "h1":
            findings.append((line, _H1))
        elif token.type == "fence":
            findings.extend((line, message) for message in _check_fence(token.info.split()))
            if token.info.split()[:1] == ["what-to-do"] and token.content.strip():
                findings.append((line, _WHAT_TO_DO_TEXT))
    return findings


_WHAT_TO_DO_TEXT = (
    "a `what-to-do` block shows the course's steps from lessons/steps.yaml and holds no text. "
    "Leave it empty; to show only some steps, name their ids after `what-to-do`"
)


_H1 = (
    "a `#` heading is not allowed in the body: the title is the page's heading. "
    "Start your headings at `##`"
)


def _check_fence(words: list[str]) -> list[str]:
    """Return what is wrong with a fenced block's name line, if anything."""
    known = ", ".join(f"`{name}`" for name in BLOCKS)
    if not words:
        return [f"a fenced block needs a name. Write one of {known} after the ```"]
    name, *rest = words
    if name not in BLOCKS:
        return [f"unknown block `{name}`. Use one of {known}, or fix the spelling"]
    bands = ", ".join(AUDIENCES)
    if name == "audience" and not rest:
        return [f"an `audience` block needs at least one band. Name one or more of {bands}"]
    if name == "audience":
        return [
            f"unknown audience `{band}` in an `audience` block. Use one or more of {bands}"
            for band in rest
            if band not in AUDIENCES
        ]
    if name == "what-to-do":  # step ids; whether they exist is checked with the steps file
        return [
            f"`{word}` is not a step id. Name steps by their ids in lessons/steps.yaml"
            for word in rest
            if not _STEP_ID.fullmatch(word)
        ]
    if rest:
        return [f"`{name}` takes nothing after its name. Remove `{' '.join(rest)}`"]
    return []


_STEP_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _check_film_blocks(blocks: Iterable[tuple[int, Token]]) -> list[Finding]:
    """A `film` block is empty (the film comes from static/film/), and one per lesson."""
    films = [(line, token) for line, token in blocks if _is_film(token)]
    findings: list[Finding] = [
        (line, "a `film` block shows the course's film and holds no text. Leave it empty")
        for line, token in films
        if token.content.strip()
    ]
    findings += [
        (line, "a lesson can show the film only once. Remove this second `film` block")
        for line, _ in films[1:]
    ]
    return findings


def _is_film(token: Token) -> bool:
    return token.type == "fence" and token.info.split()[:1] == ["film"]
