"""The words in lesson Markdown and rendered HTML, for the rules that read what a text says."""

import html
import re
from collections.abc import Iterator, Sequence

from markdown_it.token import Token

Blocks = Sequence[tuple[int, Token]]

# Markdown that is not words: emphasis and code marks, and a link's address.
_LINK = re.compile(r"\[([^\]]*)\]\([^)\n]*\)")
_MARKS = re.compile(r"[*_`]")
# HTML elements that end a sentence-like unit: a paragraph, a list item, a heading…
_BLOCK_TAG = re.compile(
    r"</?(?:p|li|ul|ol|h[1-6]|aside|section|blockquote|div|td|th|tr|table|pre|figure)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_STOP = re.compile(r"[.!?][\"'”’)]*$")


def inline_parts(blocks: Blocks) -> Iterator[tuple[int, Token]]:
    """Yield every inline token (text, link, image…) with the line it is on."""
    for line, block in blocks:
        if block.type != "inline" or not block.children:
            continue
        offset = 0
        for child in block.children:
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            yield line + offset, child


def paragraphs(blocks: Blocks) -> Iterator[tuple[int, str]]:
    """Yield the words of every paragraph, list item and heading, with its first line.

    Markdown marks and link addresses are removed without removing line breaks, so a match's
    line is its paragraph's line plus the line breaks before it.
    """
    for line, block in blocks:
        if block.type == "inline":
            yield line, _MARKS.sub("", _LINK.sub(r"\1", block.content))


def line_of(text: str, start: int, first_line: int) -> int:
    """The file line of position `start` in a text that begins on `first_line`."""
    return first_line + text.count("\n", 0, start)


def plain_text(rendered: str) -> str:
    """The words of rendered HTML, each paragraph, list item and heading ending a sentence."""
    units = _BLOCK_TAG.sub("\n\n", rendered)
    sentences = []
    for unit in re.split(r"\n\s*\n", units):
        words = " ".join(html.unescape(_TAG.sub("", unit)).split())
        if words:
            sentences.append(words if _STOP.search(words) else f"{words}.")
    return "\n".join(sentences)
