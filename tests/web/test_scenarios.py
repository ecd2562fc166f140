"""Scenario items over HTTP: red flags, ordering and branching chats, with and without htmx."""

from __future__ import annotations

from typing import TypeVar

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from course.content.schema import BranchingItem, Lesson, OrderItem, RedFlagsItem
from course.quizzes import scenarios
from tests.pages import csrf_token, start_learner

HTMX = {"HX-Request": "true"}
ItemType = TypeVar("ItemType", RedFlagsItem, OrderItem, BranchingItem)


def find(app: FastAPI, kind: type[ItemType], age_band: str = "14-18") -> tuple[Lesson, ItemType]:
    """The first item of a type that this band sees, and its lesson."""
    catalogue = app.state.catalogue
    for lesson in catalogue.lessons_for(age_band):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        for item in quiz.items_for(age_band) if quiz else ():
            if isinstance(item, kind):
                return lesson, item
    raise AssertionError(f"no {kind.__name__} for {age_band} in the shipped course")


def rows(app: FastAPI, table: str) -> list[dict[str, object]]:
    with app.state.engine.connect() as connection:
        return [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}")).mappings()]


def post(client: TestClient, path: str, data: dict[str, object], htmx: bool = False):  # type: ignore[no-untyped-def]
    """POST a quiz form with its CSRF token, as a browser with or without htmx would."""
    token = csrf_token(client, path.split("/quiz/")[0] + "/quiz")
    if htmx:
        return client.post(path, data=data, headers={**HTMX, "X-CSRF-Token": token})
    return client.post(path, data={**data, "csrf_token": token})


# Red flags


def test_red_flags_item_is_a_labelled_group_of_checkboxes(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, RedFlagsItem)
    page = client.get(f"/lessons/{lesson.slug}/quiz/{item.id}").text
    for part in item.parts():
        assert f'id="item-{item.id}-{part.id}" name="part" value="{part.id}"' in page
    assert "This is made up" in page


def test_red_flags_feedback_shows_found_missed_and_false_alarms(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, RedFlagsItem)
    flags = [p.id for p in item.parts() if p.flag]
    harmless = [p.id for p in item.parts() if not p.flag]
    chosen = [flags[0], harmless[0]]
    response = post(client, f"/lessons/{lesson.slug}/quiz/{item.id}", {"part": chosen}, htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert (
        f"You found 1 of {len(flags)} warning signs, and marked 1 part that is not one"
        in response.text
    )
    assert "Warning sign you missed" in response.text
    for part in item.parts():
        assert part.explanation_html in response.text
    assert rows(app, "answer")[0]["choice"] == ",".join(sorted(chosen))


def test_red_flags_with_nothing_selected_asks_again(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, RedFlagsItem)
    response = post(client, f"/lessons/{lesson.slug}/quiz/{item.id}", {})
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Select the parts you think are warning signs" in response.text
    assert rows(app, "answer") == []


# Order


def positions(item: OrderItem, order: list[str]) -> dict[str, str]:
    return {f"position-{step_id}": str(i + 1) for i, step_id in enumerate(order)}


def test_order_item_shows_a_position_select_per_step_shuffled(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, OrderItem)
    page = client.get(f"/lessons/{lesson.slug}/quiz/{item.id}").text
    shown = [step.id for step in item.shuffled()]
    assert shown != [step.id for step in item.steps]
    at = [page.index(f'name="position-{step_id}"') for step_id in shown]
    assert at == sorted(at)
    assert "<select" in page and "draggable" not in page


def test_order_with_a_position_used_twice_keeps_the_choices_and_explains(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, OrderItem)
    ids = [step.id for step in item.steps]
    data = positions(item, ids)
    data[f"position-{ids[1]}"] = "1"
    response = post(client, f"/lessons/{lesson.slug}/quiz/{item.id}", data, htmx=True)
    assert response.status_code == 422
    assert "Position 1 is given to more than one step" in response.text
    assert '<option value="3" selected>' in response.text  # the learner's choices stay
    assert rows(app, "answer") == []


def test_order_right_answer_shows_reasons_and_is_stored_in_order(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, OrderItem)
    ids = [step.id for step in item.steps]
    response = post(client, f"/lessons/{lesson.slug}/quiz/{item.id}", positions(item, ids))
    assert response.status_code == 303
    page = client.get(f"/lessons/{lesson.slug}/quiz/{item.id}").text
    assert "That’s right. Your steps are in a good order." in page
    for step in item.steps:
        assert step.reason_html is None or step.reason_html in page
    for rule in item.constraints:
        assert rule.why_html in page
    assert rows(app, "answer")[0]["choice"] == ",".join(ids)


def test_order_feedback_names_the_pair_the_wrong_way_round(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, OrderItem)
    ids = [step.id for step in item.steps]
    first, then = item.constraints[0].first, item.constraints[0].then
    turned = [then if s == first else first if s == then else s for s in ids]
    response = post(
        client, f"/lessons/{lesson.slug}/quiz/{item.id}", positions(item, turned), htmx=True
    )
    kept = len(item.constraints) - 1
    assert f"{kept} of {len(item.constraints)} pair" in response.text
    assert "Swap these two: “" in response.text
    wrong = response.text.split(f'data-pair="{first} {then}"', 1)[1].split("</li>", 1)[0]
    assert "You had these the wrong way round:" in wrong
    assert item.constraints[0].why_html in wrong


def test_any_order_keeping_the_pairs_that_matter_is_right(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, OrderItem)
    # Steps no constraint ties can go anywhere: put the free ones first, in reverse.
    tied = {name for rule in item.constraints for name in (rule.first, rule.then)}
    free = [step.id for step in item.steps if step.id not in tied][::-1]
    order = free + [step.id for step in item.steps if step.id in tied]
    assert item.keeps_all(tuple(order))
    post(client, f"/lessons/{lesson.slug}/quiz/{item.id}", positions(item, order))
    assert rows(app, "answer")[0]["correct"] in (1, True)


# Branching


def walk_to_ending(item: BranchingItem, prefer: str) -> list[str]:
    """Choice ids that lead from the start to an ending of the preferred kind, if any."""
    seen = set()
    frontier = [scenarios.start(item)]
    while frontier:
        state = frontier.pop(0)
        if state.node.ending == prefer:
            return list(state.choices)
        key = (state.node.id, state.flags)
        if key in seen or state.node.ending:
            continue
        seen.add(key)
        frontier += [
            scenarios.choose(item, state, c.id) for c in scenarios.available_choices(item, state)
        ]
    raise AssertionError(f"no {prefer} ending in {item.id}")


def test_branching_starts_at_the_first_node_with_its_choices(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    page = client.get(f"/lessons/{lesson.slug}/quiz/{item.id}").text
    for choice in scenarios.available_choices(item, scenarios.start(item)):
        assert f'name="choice" value="{choice.id}"' in page


def test_branching_decision_is_stored_and_a_reload_resumes_there(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    path = walk_to_ending(item, "safe")
    url = f"/lessons/{lesson.slug}/quiz/{item.id}/choose"
    response = post(client, url, {"step": "0", "choice": path[0]})
    assert response.status_code == 303
    assert response.headers["location"] == f"/lessons/{lesson.slug}/quiz/{item.id}#item-{item.id}"
    state = scenarios.replay(item, path[:1])
    page = client.get(f"/lessons/{lesson.slug}/quiz/{item.id}").text
    for message in state.node.messages:
        assert message.text_html in page
    assert 'name="step" value="1"' in page
    [step] = rows(app, "scenario_step")
    assert (step["step"], step["choice_id"], step["node_id"]) == (0, path[0], item.start)


def test_branching_double_click_stores_one_decision(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    path = walk_to_ending(item, "safe")
    url = f"/lessons/{lesson.slug}/quiz/{item.id}/choose"
    for _ in range(2):
        post(client, url, {"step": "0", "choice": path[0]}, htmx=True)
    assert len(rows(app, "scenario_step")) == 1


def test_branching_ending_is_recorded_and_shows_next_steps(
    client: TestClient, app: FastAPI
) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    path = walk_to_ending(item, "safe")
    url = f"/lessons/{lesson.slug}/quiz/{item.id}/choose"
    for step, choice_id in enumerate(path):
        response = post(client, url, {"step": str(step), "choice": choice_id}, htmx=True)
    assert "<html" not in response.text
    assert "A safe ending" in response.text
    assert "The right next steps" in response.text
    [answer] = rows(app, "answer")
    ending = scenarios.replay(item, tuple(path)).node
    assert (answer["item_id"], answer["choice"], bool(answer["correct"])) == (
        item.id,
        ending.id,
        True,
    )


def test_branching_step_back_and_start_again(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    path = walk_to_ending(item, "safe")
    base = f"/lessons/{lesson.slug}/quiz/{item.id}"
    for step, choice_id in enumerate(path):
        post(client, f"{base}/choose", {"step": str(step), "choice": choice_id})
    post(client, f"{base}/back", {"step": str(len(path))})
    post(client, f"{base}/back", {"step": str(len(path))})  # a repeat undoes nothing more
    assert len(rows(app, "scenario_step")) == len(path) - 1
    response = post(client, f"{base}/restart", {}, htmx=True)
    assert rows(app, "scenario_step") == []
    assert 'name="step" value="0"' in response.text


def test_branching_choice_that_is_not_offered_is_refused(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    response = post(
        client, f"/lessons/{lesson.slug}/quiz/{item.id}/choose", {"step": "0", "choice": "nope"}
    )
    assert response.status_code == 422
    assert rows(app, "scenario_step") == []


def test_branching_requires_hides_a_choice_until_its_flag_is_set(app: FastAPI) -> None:
    catalogue = app.state.catalogue
    gated = [
        (item, choice)
        for quiz in catalogue.quizzes.values()
        for item in quiz.items
        if isinstance(item, BranchingItem)
        for node in item.nodes
        for choice in node.choices
        if choice.requires
    ]
    assert gated, "the shipped course has a choice that depends on an earlier one"


def test_branching_with_a_garbled_step_stores_nothing(client: TestClient, app: FastAPI) -> None:
    start_learner(client)
    lesson, item = find(app, BranchingItem)
    first = scenarios.available_choices(item, scenarios.start(item))[0]
    for step in ("²", "-1", "x", "1" * 40):
        url = f"/lessons/{lesson.slug}/quiz/{item.id}/choose"
        response = post(client, url, {"step": step, "choice": first.id})
        assert response.status_code == 303, step
    assert rows(app, "scenario_step") == []
