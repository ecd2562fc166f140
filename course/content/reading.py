"""Reading level: the Flesch–Kincaid grade of what each audience band reads in a lesson.

The formula is computed here, with a small syllable counter, rather than with a library: it
needs no word lists, downloads nothing and gives the same grade on every machine.
"""

import html
import re
from collections.abc import Mapping

from course.content.lessons import LessonDraft
from course.content.markdown import render_body
from course.content.problems import Finding
from course.content.text import plain_text

# The highest Flesch–Kincaid grade each band's text may have.
READING_LEVEL: Mapping[str, int] = {"11-13": 6, "14-18": 8, "adult": 10}

_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*(?:\s|$)")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.,-][A-Za-z0-9]+)*")
_VOWELS = re.compile(r"[aeiouy]+")
# Words that the counting rules in syllables() get wrong, and their syllables.
_SYLLABLES = {
    "anyone": 3,
    "area": 3,
    "business": 2,
    "create": 2,
    "deactivate": 4,
    "deactivated": 5,
    "deactivating": 5,
    "every": 2,
    "idea": 3,
    "ideas": 3,
    "naive": 2,
    "science": 2,
    "something": 2,
    "sometimes": 2,
    "somewhere": 2,
    "video": 3,
    "videos": 3,
}


def syllables(word: str) -> int:
    """Estimate the syllables in one word; a number counts as one."""
    word = word.lower().replace("’", "").replace("'", "")  # "don't" is one syllable
    if not word.isalpha():
        parts = [part for part in re.split(r"[^a-z]+", word) if part]
        return max(1, sum(syllables(part) for part in parts))
    if word in _SYLLABLES:
        return _SYLLABLES[word]
    count = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1  # a silent e: "make", "code"
    elif word.endswith(("ed", "es")) and count > 1 and word[-3] not in "aeiouy":
        silent = word.endswith("ed") and word[-3] not in "td"
        silent |= word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ces", "ges"))
        silent &= not word.endswith(("shes", "ches"))
        count -= silent  # "asked", "takes", but not "wanted" or "pages"
    if re.search(r"[aeiou]ing$", word):
        count += 1  # "going", "seeing"
    return max(1, count)


def grade(text: str) -> float:
    """The Flesch–Kincaid grade: 0.39 × words/sentences + 11.8 × syllables/words − 15.59."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    syllable_count = sum(syllables(word) for word in words)
    return 0.39 * len(words) / sentences + 11.8 * syllable_count / len(words) - 15.59


def band_text(lesson: LessonDraft, band: str) -> str:
    """The plain text one band reads in a lesson: its summary, then the body as rendered."""
    summary = lesson.front.summary.strip()
    return plain_text(
        f"<p>{html.escape(summary)}</p>\n" + render_body(lesson.body, band, steps=lesson.steps)
    )


def grades(lesson: LessonDraft) -> dict[str, float]:
    """The Flesch–Kincaid grade of the lesson for each band it is for."""
    return {band: grade(band_text(lesson, band)) for band in lesson.front.audiences}


def check_reading_level(lesson: LessonDraft) -> list[Finding]:
    """Report each band for which the lesson reads above that band's level, at line 1."""
    findings: list[Finding] = []
    for band, level in grades(lesson).items():
        most = READING_LEVEL.get(band)
        if most is not None and level > most:
            findings.append(
                (
                    1,
                    f"reading level for {band} is grade {level:.1f}; the most is {most}. "
                    "Use shorter sentences and everyday words",
                )
            )
    return findings
