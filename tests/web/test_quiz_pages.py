"""A quiz one question at a time: "Question 3 of 7", a way back and on, and a summary at the end
that counts what was right first time and repeats what to remember. No JavaScript needed."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape

from course.content.schema import ChoiceItem, Item, Lesson, Quiz
from tests.pages import csrf_token, start_learner

BAND = "14-18"


def a_quiz(app: FastAPI) -> tuple[Lesson, Quiz, tuple[Item, ...]]:
    """The first lesson whose quiz starts with two choice items, and its items for the band."""
    catalogue = app.state.catalogue
    for lesson in catalogue.lessons_for(BAND):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        items = quiz.items_for(BAND) if quiz else ()
        if len(items) > 2 and all(isinstance(item, ChoiceItem) for item in items[:2]):
            return lesson, quiz, items
    raise AssertionError("no quiz starts with two choice items")


def page_of(lesson: Lesson, item: Item) -> str:
    return f"/lessons/{lesson.slug}/quiz/{item.id}"


def answer(client: TestClient, lesson: Lesson, item: ChoiceItem, *, right: bool) -> None:
    choice = [option.id for option in item.options if option.correct is right][:1]
    token = csrf_token(client, f"/lessons/{lesson.slug}/quiz/summary")  # answered: no form left
    response = client.post(
        page_of(lesson, item), data={"choice": choice, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{page_of(lesson, item)}#item-{item.id}"


def links(html: str) -> dict[str, str]:
    """The page's links in the move between questions: their words → where they go."""
    move = html.split('<nav class="quiz-move"', 1)[1].split("</nav>", 1)[0]
    return {
        text: href for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', move)
    }


def test_each_question_has_a_page_of_its_own_with_its_place_in_the_quiz(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, BAND)
    lesson, _, items = a_quiz(app)
    for number, item in enumerate(items, start=1):
        page = client.get(page_of(lesson, item))
        assert page.status_code == 200
        assert page.text.count('<section class="quiz-item') == 1
        assert f'id="item-{item.id}"' in page.text
        assert f"Question {number} of {len(items)}" in page.text
        assert f"<title>Question {number} of {len(items)}: " in page.text


def test_the_quiz_opens_at_the_first_question_not_yet_answered(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, BAND)
    lesson, _, items = a_quiz(app)
    assert f'id="item-{items[0].id}"' in client.get(f"/lessons/{lesson.slug}/quiz").text
    assert isinstance(items[0], ChoiceItem)
    answer(client, lesson, items[0], right=True)
    assert f'id="item-{items[1].id}"' in client.get(f"/lessons/{lesson.slug}/quiz").text


def test_a_question_links_back_and_on_and_the_last_to_the_summary(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, BAND)
    lesson, _, items = a_quiz(app)
    first = links(client.get(page_of(lesson, items[0])).text)
    assert first == {"Skip this question": page_of(lesson, items[1])}
    middle = links(client.get(page_of(lesson, items[1])).text)
    assert middle["Previous question"] == page_of(lesson, items[0])
    last = links(client.get(page_of(lesson, items[-1])).text)
    assert last["Skip to the summary"] == f"/lessons/{lesson.slug}/quiz/summary"
    assert last["Previous question"] == page_of(lesson, items[-2])


def test_once_answered_the_question_offers_the_next_one_with_its_feedback(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, BAND)
    lesson, _, items = a_quiz(app)
    assert isinstance(items[0], ChoiceItem)
    answer(client, lesson, items[0], right=False)
    page = client.get(page_of(lesson, items[0])).text
    assert "Not quite." in page or "Partly right." in page
    assert links(page) == {"Next question": page_of(lesson, items[1])}


def test_with_htmx_the_fragment_carries_the_move_on(client: TestClient, app: FastAPI) -> None:
    start_learner(client, BAND)
    lesson, _, items = a_quiz(app)
    item = items[0]
    assert isinstance(item, ChoiceItem)
    token = csrf_token(client, page_of(lesson, item))
    right = [option.id for option in item.options if option.correct]
    fragment = client.post(
        page_of(lesson, item),
        data={"choice": right, "csrf_token": token},
        headers={"HX-Request": "true"},
    ).text
    assert fragment.startswith('<section class="quiz-item')
    assert "Question 1 of" in fragment
    assert links(fragment) == {"Next question": page_of(lesson, items[1])}


def test_the_summary_counts_right_first_time_and_lists_what_is_left(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, BAND)
    lesson, quiz, items = a_quiz(app)
    first, second = items[0], items[1]
    assert isinstance(first, ChoiceItem) and isinstance(second, ChoiceItem)
    answer(client, lesson, first, right=True)
    answer(client, lesson, second, right=False)
    answer(client, lesson, second, right=True)  # a second try: the first answer counts
    summary = client.get(f"/lessons/{lesson.slug}/quiz/summary")
    assert summary.status_code == 200
    text = summary.text
    assert f"1 of {len(items)} right first time." in text
    left = len(items) - 2
    assert f"{left} questions are still to answer" in text
    assert text.count("Right first time") == 1
    assert text.count("Worth another look") == 1
    assert text.count("Not answered yet") == left
    for item in items:
        assert f'href="{page_of(lesson, item)}"' in text
    for point in quiz.remember:
        assert f"<li>{escape(point)}</li>" in text
    assert 'action="/lessons/' + lesson.slug + '/complete"' in text


def test_the_summary_never_compares_or_times(client: TestClient, app: FastAPI) -> None:
    start_learner(client, BAND)
    lesson, _, _ = a_quiz(app)
    text = client.get(f"/lessons/{lesson.slug}/quiz/summary").text.lower()
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    for word in ("others", "average", "class got", "ranking", "leaderboard", "seconds", "timer"):
        assert word not in main, word


def test_every_shipped_quiz_has_something_to_remember(app: FastAPI) -> None:
    for quiz in app.state.catalogue.quizzes.values():
        assert 2 <= len(quiz.remember) <= 4, quiz.slug


def test_once_all_are_answered_the_quiz_opens_at_the_summary(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client, BAND)
    lesson, _, items = a_quiz(app)
    if not all(isinstance(item, ChoiceItem) for item in items):
        items = tuple(item for item in items if isinstance(item, ChoiceItem))
    for item in items:
        assert isinstance(item, ChoiceItem)
        answer(client, lesson, item, right=True)
    page = client.get(f"/lessons/{lesson.slug}/quiz").text
    answered_everything = len(items) == len(a_quiz(app)[2])
    assert ("How you did" in page) is answered_everything


def test_an_unknown_question_is_a_404(client: TestClient, app: FastAPI) -> None:
    start_learner(client, BAND)
    lesson, _, _ = a_quiz(app)
    assert client.get(f"/lessons/{lesson.slug}/quiz/no-such-item").status_code == 404
