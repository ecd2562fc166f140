"""Statistics carry their source and year, like "74% of boys (National Crime Agency, 2025)".

A statistic is a percentage, a rate like "1 in 5", or a number of 10 or more that counts
reports, cases or people, or that rose or fell. Phone numbers, ages, times, years and amounts
of money are not statistics.
"""

import re
from collections.abc import Iterator

from course.content.problems import Finding
from course.content.text import Blocks, line_of, paragraphs

SOURCE = re.compile(r"\(([A-Za-z][^()]*?),\s*(?:19|20)\d\d\)")
_COUNTED = (
    r"reports|cases|victims|people|persons|boys|girls|children|teenagers|teens|adults|men|"
    r"women|users|accounts|contacts|calls|deaths|suicides|times"
)
# Little words that end a count's description: "101 at other times" counts nothing.
_GLUE = (
    r"to|at|if|for|and|or|on|in|of|by|with|from|you|your|it|is|are|was|were|can|the|a|an|who|"
    r"that|which|when|other"
)
_CHANGE = r"rise|rises|rose|risen|increase[sd]?|up|doubled|tripled|fell|fallen|down|jumped"
_SMALL = r"one|two|three|four|five|six|seven|eight|nine|ten"
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_PERCENT = re.compile(rf"(?:{_NUMBER})\s?(?:%|per\s*cent\b|percent\b)", re.IGNORECASE)
_RATE = re.compile(rf"\b(?:\d+|{_SMALL})\s+in\s+(?:every\s+)?(?:\d+|{_SMALL})\b", re.IGNORECASE)
_COUNT = re.compile(rf"(?<![\w£$€.,/:-])({_NUMBER})(?![\w%/:]|[.,-]\d)")
# Counted things right after a number, up to three describing words later: "36 teenage boys".
_COUNTED_AFTER = re.compile(
    rf"^\s+(?:(?!(?:{_GLUE})\b)[a-z][\w'’-]*\s+){{0,3}}?(?:{_COUNTED})\b", re.IGNORECASE
)
_COUNTED_NEXT = re.compile(rf"^\s+(?:{_COUNTED})\b", re.IGNORECASE)
_CHANGE_BEFORE = re.compile(rf"\b(?:{_CHANGE})\b(?:\W+[\w'’-]+){{0,2}}\W*$", re.IGNORECASE)
# Before a number: a label or age ("lesson 10", "aged 14"), a phone call, or a digit group.
_NOT_A_COUNT_BEFORE = re.compile(
    r"(?:\b(?:aged?|ages|lesson|step|page|question|part|item|call|dial|ring|text)\b"
    r"(?:\W+[\w'’-]+){0,2}\W*|\d\s)$",
    re.IGNORECASE,
)
# An age limit ("under 18", "over 13"): not a count unless counted things come next.
_LIMIT_BEFORE = re.compile(r"\b(?:under|over)\s$", re.IGNORECASE)
# After a number: a time, an age, money, a range or another digit group of a phone number.
_NOT_A_COUNT_AFTER = re.compile(
    r"^(?:\s?(?:am|pm|-?years?|-?year-olds?|years?\s+olds?|seconds?|minutes?|mins?|hours?|"
    r"days?|weeks?|months?|pounds|dollars|euros|to\s+\d+\s+years?|and\s+over)\b|\s\d)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?:[^.!?\s]|\.(?=\d))(?:[^.!?]|\.(?=\d))*(?:[.!?]+[\"'”’)]*|$)")


def statistics(text: str, first_line: int) -> Iterator[Finding]:
    """Report each sentence with a statistic but no (Source, year) in it or right after it."""
    for sentence in _SENTENCE.finditer(text):
        found = _statistic(sentence.group(0))
        after = text[sentence.end() :].lstrip()
        if found and not SOURCE.search(sentence.group(0)) and not SOURCE.match(after):
            yield (
                line_of(text, sentence.start(), first_line),
                f"“{found}” is a statistic with no source. Add the source and year in brackets "
                "in the same sentence, like (National Crime Agency, 2024)",
            )


def check_statistics(blocks: Blocks) -> list[Finding]:
    """Report statistics without a source and year in a body, at the line of each sentence."""
    return [finding for line, text in paragraphs(blocks) for finding in statistics(text, line)]


def _statistic(sentence: str) -> str | None:
    """The first statistic in a sentence, as written, or None."""
    for pattern in (_PERCENT, _RATE):
        match = pattern.search(sentence)
        if match:
            return " ".join(match.group(0).split())
    for match in _COUNT.finditer(sentence):
        number, before, after = match.group(1), sentence[: match.start()], sentence[match.end() :]
        if float(number.replace(",", "")) < 10 or _is_year(number) or number.startswith("0"):
            continue
        if _NOT_A_COUNT_BEFORE.search(before) or _NOT_A_COUNT_AFTER.match(after):
            continue
        if _LIMIT_BEFORE.search(before) and not _COUNTED_NEXT.match(after):
            continue
        counted = _COUNTED_AFTER.match(after)
        if counted:
            return " ".join((number + after[: counted.end()]).split())
        if _CHANGE_BEFORE.search(before):
            return number
    return None


def _is_year(number: str) -> bool:
    return re.fullmatch(r"(?:19|20)\d\d", number) is not None
