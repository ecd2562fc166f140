"""Each question's section of a dashboard (stats/_question.html), and a dashboard's whole list
of questions (stats/_questions.html), rendered once per figure.

A section is drawn from its `QuestionStats` alone (no URL, no token, nothing of the request or
the class beyond the figures themselves), and figures move only when five more pupils have
answered, so the rendered HTML is kept, per templates environment, and a dashboard that polls
every 20 seconds renders only the sections that moved. Pages are still never cached whole.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from weakref import WeakKeyDictionary

from jinja2 import Environment
from markupsafe import Markup

from course.stats.charts import element_id, share_chart
from course.stats.figures import QuestionStats

TEMPLATE = "stats/_question.html"
KEPT_SECTIONS = 4096
KINDS = {
    "choice": "one answer",
    "multi": "select all that apply",
    "red-flags": "spot the warning signs",
    "order": "put in order",
    "branching": "chat",
}
HEADINGS = {
    "red-flags": "Part marked",
    "order": "Pair the right way round",
    "branching": "Ending reached",
}

QUESTIONS_TEMPLATE = "stats/_questions.html"


class Kept:
    """HTML rendered once per key and templates environment, the last KEPT_SECTIONS kept."""

    def __init__(self) -> None:
        self.kept: WeakKeyDictionary[Environment, OrderedDict[Hashable, Markup]] = (
            WeakKeyDictionary()
        )
        self.lock = threading.Lock()

    def get(self, templates: Environment, key: Hashable, make: Callable[[], str]) -> Markup:
        with self.lock:
            kept = self.kept.setdefault(templates, OrderedDict())
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
                return found
        html = Markup(make())  # noqa: S704 - rendered by the autoescaping environment
        with self.lock:
            kept[key] = html
            while len(kept) > KEPT_SECTIONS:
                kept.popitem(last=False)
        return html


_sections = Kept()
_question_lists = Kept()


def question_section(templates: Environment, question: QuestionStats) -> Markup:
    """One question's section as HTML, rendered once and then kept."""
    return _sections.get(
        templates,
        question,
        lambda: templates.get_template(TEMPLATE).render(
            q=question, element_id=element_id, chart=share_chart, kinds=KINDS, headings=HEADINGS
        ),
    )


def questions_block(templates: Environment, questions: Sequence[QuestionStats]) -> Markup:
    """Every question of a dashboard: the summary table, then each question's section, worth
    discussing first; rendered once for these figures and then kept (a dashboard that polls
    while its figures stand still renders none of it again)."""
    key = tuple(questions)
    return _question_lists.get(
        templates,
        key,
        lambda: templates.get_template(QUESTIONS_TEMPLATE).render(
            questions=key,
            element_id=element_id,
            section=partial(question_section, templates),
        ),
    )
