"""Feedback that reads in a glance: a verdict with an icon and words, the answers that matter
first and the rest behind "Why the other answers are wrong", and order feedback in plain words."""

from __future__ import annotations

import re
from typing import TypeVar

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from course.content.schema import ChoiceItem, Lesson, OrderItem, RedFlagsItem
from tests.pages import csrf_token, start_learner

HTMX = {"HX-Request": "true"}
ItemType = TypeVar("ItemType", ChoiceItem, RedFlagsItem, OrderItem)
BAND = "14-18"


def find(
    app: FastAPI, kind: type[ItemType], item_type: str | None = None
) -> tuple[Lesson, ItemType]:
    """The first item of a kind (and `type`, if given) this band sees, and its lesson."""
    catalogue = app.state.catalogue
    for lesson in catalogue.lessons_for(BAND):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        for item in quiz.items_for(BAND) if quiz else ():
            if isinstance(item, kind) and item_type in (None, item.type):
                return lesson, item
    raise AssertionError(f"no {kind.__name__} for {BAND}")


def answer(client: TestClient, lesson: Lesson, item_id: str, data: dict[str, object]) -> str:
    """Answer with htmx and return the item's feedback, from the swapped fragment."""
    path = f"/lessons/{lesson.slug}/quiz"
    token = csrf_token(client, path)
    response = client.post(f"{path}/{item_id}", data=data, headers={**HTMX, "X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    return feedback_of(response.text, item_id)


def feedback_of(html: str, item_id: str) -> str:
    """The feedback block of an item, from its opening tag to the end of its section."""
    start = html.index(f'id="item-{item_id}-feedback"')
    return html[start : html.index("</section>", start)]


def verdict_of(feedback: str) -> str:
    return re.search(r'<p class="feedback__verdict[^"]*">.*?</p>', feedback, re.S).group(0)  # type: ignore[union-attr]


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def split_at_details(feedback: str) -> tuple[str, str]:
    """What shows at once, and what is folded inside the <details>."""
    if "<details" not in feedback:
        return feedback, ""
    shown, folded = feedback.split("<details", 1)
    return shown, folded.split("</details>", 1)[0]


# --- The verdict ---------------------------------------------------------------------------


def test_a_right_answer_has_a_tick_and_says_so(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "choice")
    right = [option.id for option in item.options if option.correct]
    verdict = verdict_of(answer(client, lesson, item.id, {"choice": right}))
    assert "feedback__verdict--right" in verdict
    assert 'class="icon icon--tick"' in verdict and 'aria-hidden="true"' in verdict
    assert words(verdict) == "That’s right."


def test_a_wrong_answer_has_a_cross_and_says_so(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "choice")
    wrong = next(option.id for option in item.options if not option.correct)
    verdict = verdict_of(answer(client, lesson, item.id, {"choice": [wrong]}))
    assert "feedback__verdict--wrong" in verdict
    assert 'class="icon icon--cross"' in verdict and "icon--tick" not in verdict
    assert words(verdict) == "Not quite."


def test_a_partly_right_answer_has_its_own_icon(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "multi")
    right = [option.id for option in item.options if option.correct]
    assert len(right) > 1, "the first multi item needs two right answers"
    verdict = verdict_of(answer(client, lesson, item.id, {"choice": right[:1]}))
    assert "feedback__verdict--partial" in verdict and 'class="icon icon--half"' in verdict
    assert words(verdict) == "Partly right."


def test_icons_are_inline_svg_without_style_attributes(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "choice")
    wrong = next(option.id for option in item.options if not option.correct)
    feedback = answer(client, lesson, item.id, {"choice": [wrong]})
    assert "<svg" in feedback and "style=" not in feedback and "<style" not in feedback


def test_the_fragment_and_the_full_page_show_the_same_feedback(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "choice")
    wrong = next(option.id for option in item.options if not option.correct)
    fragment = answer(client, lesson, item.id, {"choice": [wrong]})
    page = client.get(f"/lessons/{lesson.slug}/quiz/{item.id}").text
    assert feedback_of(page, item.id) == fragment


# --- Choice items: the chosen and the right answers first ------------------------------------


def test_only_the_chosen_and_right_answers_are_explained_outside_the_details(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "choice")
    right = next(option for option in item.options if option.correct)
    wrong = next(option for option in item.options if not option.correct)
    shown, folded = split_at_details(answer(client, lesson, item.id, {"choice": [wrong.id]}))
    assert "<summary>Why the other answers are wrong</summary>" in folded
    assert shown.index(wrong.feedback_html) < shown.index(right.feedback_html)
    assert "Your answer, not right" in shown and "The right answer" in shown
    for option in item.options:
        inside = option.feedback_html in folded
        assert inside is (option not in (right, wrong)), option.id
        assert (option.feedback_html in shown) is not inside, option.id


def test_a_right_answer_folds_away_every_other_option(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "choice")
    right = next(option for option in item.options if option.correct)
    shown, folded = split_at_details(answer(client, lesson, item.id, {"choice": [right.id]}))
    assert right.feedback_html in shown and right.feedback_html not in folded
    for option in item.options:
        if option is not right:
            assert option.feedback_html in folded and option.feedback_html not in shown


def test_multi_shows_picks_and_missed_right_answers_first(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, ChoiceItem, "multi")
    right = [option for option in item.options if option.correct]
    wrong = [option for option in item.options if not option.correct]
    chosen = [right[0], wrong[0]]
    shown, folded = split_at_details(
        answer(client, lesson, item.id, {"choice": [option.id for option in chosen]})
    )
    for option in item.options:
        first = option in chosen or option.correct
        assert (option.feedback_html in shown) is first, option.id
        assert (option.feedback_html in folded) is not first, option.id
    if len(right) > 1:
        assert "Also right, and you missed it" in shown
        assert shown.index(wrong[0].feedback_html) < shown.index(right[1].feedback_html)


# --- Red flags: what the learner got wrong first ---------------------------------------------


def test_red_flags_show_missed_and_false_alarms_first_and_fold_the_rest(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, RedFlagsItem)
    flags = [part for part in item.parts() if part.flag]
    harmless = [part for part in item.parts() if not part.flag]
    chosen = [flags[0], harmless[0]]  # one found, one false alarm, the other flags missed
    shown, folded = split_at_details(
        answer(client, lesson, item.id, {"part": [part.id for part in chosen]})
    )
    found_at = shown.index(flags[0].explanation_html)
    assert shown.index(harmless[0].explanation_html) < found_at
    for missed in flags[1:]:
        assert shown.index(missed.explanation_html) < found_at
    for part in harmless[1:]:
        assert part.explanation_html in folded and part.explanation_html not in shown
    if harmless[1:]:
        assert "<summary>Why the other parts are not warning signs</summary>" in folded
    assert "feedback__verdict--partial" in verdict_of(shown)


# --- Order items: each step in place or not, in plain words ----------------------------------


def order_answer(client: TestClient, app: FastAPI, turn: bool) -> tuple[OrderItem, str]:
    """Answer the first order item in its own order, with its first pair turned if asked."""
    start_learner(client)
    lesson, item = find(app, OrderItem)
    ids = [step.id for step in item.steps]
    first, then = item.constraints[0].first, item.constraints[0].then
    if turn:
        ids = [then if s == first else first if s == then else s for s in ids]
    data: dict[str, object] = {f"position-{s}": str(n) for n, s in enumerate(ids, start=1)}
    return item, answer(client, lesson, item.id, data)


def step_row(feedback: str, step_id: str) -> str:
    row = feedback.split(f'data-step="{step_id}"', 1)[1]
    return row.split("</li>", 1)[0]


def test_order_feedback_names_the_pair_to_swap_in_plain_words(
    client: TestClient, app: FastAPI
) -> None:
    item, feedback = order_answer(client, app, turn=True)
    rule = item.constraints[0]
    first, then = item.step(rule.first), item.step(rule.then)
    assert first is not None and then is not None
    total = len(item.constraints)
    verdict = words(verdict_of(feedback))
    kept = total - 1
    assert verdict.startswith("Nearly." if kept else "Not quite.")
    assert f"{kept} of {total} pair" in verdict and "in a good order" in verdict
    assert "%" not in feedback
    swap = f"Swap these two: “{then.text_html}” and “{first.text_html}”"
    assert swap in words(feedback)
    pair = feedback.split(f'data-pair="{rule.first} {rule.then}"', 1)[1].split("</li>", 1)[0]
    assert "You had these the wrong way round:" in pair and rule.why_html in pair


def test_a_misplaced_step_is_never_marked_right(client: TestClient, app: FastAPI) -> None:
    item, feedback = order_answer(client, app, turn=True)
    rule = item.constraints[0]
    for step_id, where in ((rule.first, "before"), (rule.then, "after")):
        row = step_row(feedback, step_id)
        assert "order-result__step--wrong" in feedback.split(f'data-step="{step_id}"', 1)[0][-80:]
        assert "icon--cross" in row and "icon--tick" not in row
        assert "Not in a good place yet:" in row and "In a good place:" not in row
        assert f"It needs to come {where} “" in words(row)


def test_a_right_order_marks_each_tied_step_in_place_and_the_rest_free(
    client: TestClient, app: FastAPI
) -> None:
    item, feedback = order_answer(client, app, turn=False)
    assert words(verdict_of(feedback)) == "That’s right. Your steps are in a good order."
    assert "Swap these two" not in feedback
    tied = {name for rule in item.constraints for name in (rule.first, rule.then)}
    for step in item.steps:
        row = step_row(feedback, step.id)
        if step.id in tied:
            assert "icon--tick" in row and "In a good place:" in row
        else:
            assert "icon--tick" not in row and "Can go anywhere:" in row


@pytest.mark.parametrize("turn", [True, False], ids=["wrong", "right"])
def test_order_step_reasons_are_folded_away(client: TestClient, app: FastAPI, turn: bool) -> None:
    item, feedback = order_answer(client, app, turn=turn)
    shown, folded = split_at_details(feedback)
    assert "<summary>More about each step</summary>" in folded
    for step in item.steps:
        if step.reason_html:
            assert step.reason_html in folded and step.reason_html not in shown
