"""Victim-blaming phrasings the course refuses, each with a kinder way to say it.

A phrasing is allowed in two cases only:

- after a negation, as in "it is not your own fault" or "you are not stupid";
- quoted as something not to say: in double quotation marks, after "don't say", "don't ask",
  "never say", "avoid", "instead of" or "rather than" in the same sentence, as in
  Instead of asking "why did you send it?", say "it's not your fault".
"""

import re
from collections.abc import Iterator

from course.content.problems import Finding
from course.content.text import Blocks, line_of, paragraphs

# (phrasing, suggestion): the phrasing is matched case-insensitively on word boundaries.
BLAMING: tuple[tuple[str, str], ...] = (
    ("why did you send", "the criminal tricked them"),
    ("why would you send", "the criminal tricked them"),
    ("what were you thinking", "thank you for telling me"),
    ("you shouldn't have", "it's not your fault, and we can get help"),
    ("should have known", "these criminals are practised liars"),
    ("should never have sent", "the criminal tricked them"),
    ("be careful what you send", "anyone can be tricked, and help is there"),
    ("asking for it", "the criminal chose to commit a crime"),
    ("brought it on", "the criminal is to blame"),
    ("your own fault", "it is never your fault"),
    ("their own fault", "it is never their fault"),
    ("victim's fault", "the criminal is to blame"),
    ("fell for", "was tricked by"),
    ("falls for", "is tricked by"),
    ("falling for", "being tricked by"),
    ("stupid", "tricked"),
    ("silly", "tricked"),
    ("naive", "targeted"),
    ("gullible", "targeted by a practised criminal"),
    ("careless", "targeted"),
)

_APOSTROPHE = "['’]"
_NEGATION = re.compile(
    r"\b(?:not|never|isn['’]t|wasn['’]t|aren['’]t|weren['’]t|nobody['’]s)\b(?:\W+\w+){0,2}\W*$",
    re.IGNORECASE,
)
_QUOTED_AS_WRONG = re.compile(
    r"\b(?:don['’]t|do not|never)\s+(?:say|ask|write)\b|\bavoid\b|\binstead of\b|\brather than\b",
    re.IGNORECASE,
)


def _pattern(phrasing: str) -> re.Pattern[str]:
    """A phrasing as a regex: any apostrophe, any space, and plurals of `victim's`."""
    words = [re.escape(word).replace("'", _APOSTROPHE) for word in phrasing.split()]
    text = r"\s+".join(words).replace(f"victim{_APOSTROPHE}s", f"victims?{_APOSTROPHE}s?")
    return re.compile(rf"\b{text}\b", re.IGNORECASE)


_PATTERNS = tuple((_pattern(phrasing), suggestion) for phrasing, suggestion in BLAMING)


def blaming(text: str, first_line: int) -> Iterator[Finding]:
    """Report every refused phrasing in a text that starts on `first_line`."""
    for pattern, suggestion in _PATTERNS:
        for match in pattern.finditer(text):
            if not _allowed(text[: match.start()]):
                phrase = " ".join(match.group(0).split())
                yield (
                    line_of(text, match.start(), first_line),
                    f"“{phrase}” can sound like blame. Try “{suggestion}”",
                )


def check_blame(blocks: Blocks) -> list[Finding]:
    """Report victim-blaming phrasings in a body, at the line of each."""
    return [finding for line, text in paragraphs(blocks) for finding in blaming(text, line)]


def _allowed(before: str) -> bool:
    """A phrasing is allowed after a negation, or quoted as something not to say."""
    if _NEGATION.search(before):
        return True
    sentence = before[_sentence_start(before) :]
    opening = max(sentence.rfind("“"), sentence.rfind('"') if sentence.count('"') % 2 else -1)
    quoted = opening > sentence.rfind("”")
    return quoted and bool(_QUOTED_AS_WRONG.search(sentence[:opening]))


def _sentence_start(text: str) -> int:
    """Where the last sentence of `text` starts."""
    stops = list(re.finditer(r"[.!?]\s", text))
    return stops[-1].end() if stops else 0
