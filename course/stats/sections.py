"""Each question's section of a dashboard (stats/_question.html), rendered once per figure.

A section is drawn from its `QuestionStats` alone (no URL, no token, nothing of the request or
the class beyond the figures themselves), and figures move only when five more pupils have
answered, so the rendered HTML is kept, per templates environment, and a dashboard that polls
every 20 seconds renders only the sections that moved. Pages are still never cached whole.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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

_kept: WeakKeyDictionary[Environment, OrderedDict[QuestionStats, Markup]] = WeakKeyDictionary()
_lock = threading.Lock()


def question_section(templates: Environment, question: QuestionStats) -> Markup:
    """One question's section as HTML, rendered once and then kept."""
    with _lock:
        kept = _kept.setdefault(templates, OrderedDict())
        found = kept.get(question)
        if found is not None:
            kept.move_to_end(question)
            return found
    html = Markup(  # noqa: S704 - rendered by the autoescaping environment
        templates.get_template(TEMPLATE).render(
            q=question, element_id=element_id, chart=share_chart, kinds=KINDS, headings=HEADINGS
        )
    )
    with _lock:
        kept[question] = html
        while len(kept) > KEPT_SECTIONS:
            kept.popitem(last=False)
    return html
