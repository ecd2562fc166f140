"""Key messages: a tagged lesson mentions each one, and every band's path teaches them all."""

import re
from collections.abc import Mapping, Sequence

from course.content.lessons import LessonDraft
from course.content.problems import Finding, Problem
from course.content.reading import band_text
from course.content.schema import AUDIENCES, KEY_MESSAGES

# Each key message, and words a lesson that teaches it uses: one of them, or a longer word
# that starts with one ("blocked", "trusted"), must be in each band's text.
KEY_MESSAGE_WORDS: Mapping[str, tuple[str, ...]] = {
    "dont-panic": ("panic", "calm", "breath"),
    "dont-pay": ("pay", "paid", "money"),
    "stop-contact": ("stop replying", "stop chatting", "stop talking", "stop contact", "block"),
    "keep-evidence": ("evidence", "screenshot", "save", "saving", "keep"),
    "deactivate-not-delete": ("deactivate", "deactivating"),
    "screenshot-not-images": ("screenshot",),
    "report": ("report",),
    "get-images-removed": ("remove", "removing", "block", "take it down", "stopncii"),
    "secure-accounts": ("password", "two-factor", "two-step", "privacy"),
    "tell-someone": ("tell", "talk to", "trust"),
    "not-your-fault": ("fault", "blame"),
    "spot-fake-profiles": ("fake",),
}
_WORDS = {
    key: re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\w*", re.IGNORECASE)
    for key, words in KEY_MESSAGE_WORDS.items()
}


def check_key_message_words(lesson: LessonDraft) -> list[Finding]:
    """Report a tagged key message that a band's text never mentions, at `key_messages:`."""
    findings: list[Finding] = []
    texts = {band: band_text(lesson, band) for band in lesson.front.audiences}
    for key in lesson.front.key_messages:
        pattern = _WORDS.get(key)
        missing = [band for band, text in texts.items() if pattern and not pattern.search(text)]
        if missing:
            words = "”, “".join(KEY_MESSAGE_WORDS[key])
            findings.append(
                (
                    lesson.lines.of("key_messages"),
                    f"the lesson is tagged `{key}`, but the text for {', '.join(missing)} "
                    f"never mentions it (no “{words}”). Teach it there, or "
                    "remove the tag",
                )
            )
    return findings


def check_coverage(lessons: Sequence[LessonDraft]) -> list[Problem]:
    """Report each band whose lessons, together, never tag one of the key messages."""
    problems: list[Problem] = []
    for band in AUDIENCES:
        path = [lesson for lesson in lessons if band in lesson.front.audiences]
        if not path:
            continue  # the course has nothing for this band
        taught = {key for lesson in path for key in lesson.front.key_messages}
        problems += [
            Problem(
                "lessons/",
                0,
                f"the {band} path never teaches `{key}`. Tag it on a lesson for {band} that "
                "teaches it.",
            )
            for key in KEY_MESSAGES
            if key not in taught
        ]
    return problems
