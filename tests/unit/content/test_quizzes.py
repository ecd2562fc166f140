"""Scenario items (red-flags, branching, order) in a quiz file: they load, and every planted
mistake is named with its file and line."""

import re
from pathlib import Path

import pytest

from course.content.loader import Problem, check_content, load_catalogue
from course.content.schema import AVATARS, BranchingItem, OrderItem, RedFlagsItem
from course.settings import REPO_ROOT
from tests.unit.content.content_fixtures import (
    LESSON_TWO,
    SCENARIOS,
    SCENARIOS_FILE,
    only_problem,
    write_files,
    write_scenario_tree,
)

PAY_MORE = """\
      - id: pay-more
        ending: risky
        title: They asked for more
        text: Paying showed them Sam could pay, so they asked for more. It's not too late.
"""
LAST_STEP = """\
      - id: tell
        text: Tell an adult you trust
        reason: You don't have to deal with this alone.
"""


def problems_with(root: Path, scenarios: str, **replaced: str) -> list[Problem]:
    return check_content(write_scenario_tree(root, scenarios, **replaced))


def planted(root: Path, scenarios: str) -> tuple[int, str]:
    """The line and message of the one problem in the scenario quiz."""
    problem = only_problem(problems_with(root, scenarios))
    assert problem.file == SCENARIOS_FILE
    return problem.line, problem.message


def replaced(old: str, new: str, text: str = SCENARIOS) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- loading -------------------------------------------------------------------------------


def test_scenario_examples_load(tmp_path: Path) -> None:
    catalogue = load_catalogue(write_scenario_tree(tmp_path))
    quiz = catalogue.quiz("what-to-do")
    assert quiz is not None
    assert [item.type for item in quiz.items] == ["red-flags", "branching", "order"]
    assert [item.line for item in quiz.items] == [5, 27, 67]
    assert quiz.items[0].audiences == ("14-18", "adult")  # the lesson's
    assert [item.id for item in quiz.items_for("adult")] == [item.id for item in quiz.items]


def test_red_flags_item_is_built_part_by_part(tmp_path: Path) -> None:
    found = load_catalogue(write_scenario_tree(tmp_path)).item("rf-new-follower")
    assert found is not None
    item = found[1]
    assert isinstance(item, RedFlagsItem)
    assert item.profile is not None
    assert (item.profile.name, item.profile.handle, item.profile.avatar) == (
        "Mia",
        "mia.x.09",
        "sunset",
    )
    assert [(part.id, part.sender) for part in item.parts()] == [
        ("joined", None),
        ("school", None),
        ("m1", "them"),
    ]
    assert item.flags() == frozenset({"joined", "m1"})
    assert item.chat[0].explanation_html.startswith("Fake accounts")


def test_branching_item_keeps_lines_and_renders_endings(tmp_path: Path) -> None:
    found = load_catalogue(write_scenario_tree(tmp_path)).item("br-the-threat")
    assert found is not None
    item = found[1]
    assert isinstance(item, BranchingItem)
    assert [node.line for node in item.nodes] == [32, 44, 59, 63]
    threat = item.node("threat")
    assert [choice.line for choice in threat.choices] == [49, 52, 55]
    assert threat.choices[2].requires == ("sent-photo",)
    assert item.node("hello").choices[0].sets == ("sent-photo",)
    assert item.node("hello").messages[0].sender == "them"
    safe = item.node("safe-end")
    assert (safe.ending, safe.title) == ("safe", "Sam got help")
    assert (
        safe.text_html
        == "<p>Saying no, or stopping and telling someone, was <strong>right</strong>.</p>\n"
    )
    with pytest.raises(KeyError):
        item.node("nope")


def test_order_item_keeps_the_right_order_and_shows_another(tmp_path: Path) -> None:
    found = load_catalogue(write_scenario_tree(tmp_path)).item("ord-first-hour")
    assert found is not None
    item = found[1]
    assert isinstance(item, OrderItem)
    assert [step.id for step in item.steps] == ["stop", "save", "block", "tell"]
    assert item.steps[2].reason_html == "Only after saving the evidence, or it may be lost."
    assert item.shuffled() != item.steps
    assert sorted(item.shuffled(), key=item.steps.index) == list(item.steps)


def test_the_examples_in_the_writers_guide_load(tmp_path: Path) -> None:
    guide = (REPO_ROOT / "docs" / "CONTENT.md").read_text(encoding="utf-8")
    section = guide.split("## Scenario items", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 3
    quiz = "slug: what-to-do\nlesson: what-to-do\ntitle: Practise\nitems:\n" + "".join(blocks)
    catalogue = load_catalogue(write_scenario_tree(tmp_path, quiz))
    found = catalogue.quiz("what-to-do")
    assert found is not None
    assert [item.type for item in found.items] == ["red-flags", "branching", "order"]


# --- the planted mistakes the issue names --------------------------------------------------


def test_unreachable_node(tmp_path: Path) -> None:
    scenarios = replaced("next: pay-more", "next: safe-end")
    line, message = planted(tmp_path, scenarios)
    assert line == 63
    assert message == (
        "node `pay-more` cannot be reached from the start. Add a choice that leads to it "
        "(check the `requires:` and `unless:` on the way), or remove it."
    )


def test_path_with_no_ending(tmp_path: Path) -> None:
    stops = (
        "      - id: pay-more\n        messages:\n          - from: them\n            text: More.\n"
    )
    line, message = planted(tmp_path, replaced(PAY_MORE, stops))
    assert line == 63
    assert message.startswith("node `pay-more` has no choices and is not an ending")


def test_cycle_with_no_way_out(tmp_path: Path) -> None:
    loop = """\
      - id: loop-a
        choices:
          - id: again
            text: Pay again
            next: loop-b
      - id: loop-b
        choices:
          - id: more
            text: Pay more
            next: loop-a
"""
    scenarios = replaced(PAY_MORE, loop, replaced("next: pay-more", "next: loop-a"))
    line, message = planted(tmp_path, scenarios)
    assert line == 63
    assert message == (
        "nodes `loop-a`, `loop-b` form a loop with no way out after the choices `send`, `pay`: "
        "no ending can be reached from there. Add a choice that leads towards an ending."
    )


def test_choice_leading_to_an_unknown_node(tmp_path: Path) -> None:
    scenarios = replaced(
        "text: Say no and block them\n            next: safe-end",
        "text: Say no and block them\n            next: safe-nd",
    )
    line, message = planted(tmp_path, scenarios)
    assert line == 41
    assert message.startswith("choice `block` leads to `safe-nd`, but there is no node")


def test_part_without_explanation(tmp_path: Path) -> None:
    scenarios = replaced(
        "          explanation: On its own this is normal, though a fake account may copy it.\n", ""
    )
    line, message = planted(tmp_path, scenarios)
    assert line == 17
    assert message.startswith("`explanation` is missing. Add `explanation:` with a sentence")


def test_part_with_blank_explanation(tmp_path: Path) -> None:
    scenarios = replaced(
        "explanation: On its own this is normal, though a fake account may copy it.",
        'explanation: " "',
    )
    assert planted(tmp_path, scenarios) == (20, "`explanation` is empty. Write the text it needs.")


def test_order_item_with_three_steps(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced(LAST_STEP, ""))
    assert line == 70
    assert message == (
        "order item `ord-first-hour` has 3 steps; an order item needs 4 to 7 steps. "
        "Add or remove steps."
    )


# --- more red-flags rules ------------------------------------------------------------------


def test_order_item_with_eight_steps(tmp_path: Path) -> None:
    extra = "".join(
        f"      - id: extra-{n}\n        text: Step {n}\n        reason: Because.\n"
        for n in range(4)
    )
    line, message = planted(
        tmp_path, SCENARIOS.replace("    constraints:", extra + "    constraints:")
    )
    assert line == 70
    assert "has 8 steps; an order item needs 4 to 7 steps" in message


def test_duplicate_part_id_across_profile_and_chat(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("- id: m1", "- id: joined"))
    assert line == 22
    assert message.startswith("part id `joined` is used twice in item `rf-new-follower`")


def test_red_flags_without_any_flag_or_with_only_flags(tmp_path: Path) -> None:
    no_flags = SCENARIOS.replace("flag: true", "flag: false")
    assert planted(tmp_path / "a", no_flags)[0] == 5
    assert "has no part marked `flag: true`" in planted(tmp_path / "a", no_flags)[1]
    all_flags = SCENARIOS.replace("flag: false", "flag: true")
    line, message = planted(tmp_path / "b", all_flags)
    assert line == 5
    assert message.startswith("every part of red-flags item `rf-new-follower` is a warning sign")


def test_red_flags_needs_a_profile_or_a_chat(tmp_path: Path) -> None:
    start, end = SCENARIOS.index("    profile:"), SCENARIOS.index("  - id: br-the-threat")
    line, message = planted(tmp_path, SCENARIOS[:start] + SCENARIOS[end:])
    assert line == 5
    assert "has neither a `profile` nor a `chat`" in message


def test_profile_without_parts(tmp_path: Path) -> None:
    start, end = SCENARIOS.index("      parts:"), SCENARIOS.index("    chat:")
    scenarios = SCENARIOS[:start] + "      parts: []\n" + SCENARIOS[end:]
    problems = problems_with(tmp_path, scenarios)
    # Only the chat's flag is left, so the item also has nothing that is not a warning sign.
    assert [p.line for p in problems] == [5, 12]
    assert problems[1].message.startswith("the profile in item `rf-new-follower` has no parts")


def test_unknown_avatar_lists_the_drawn_ones(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("avatar: sunset", "avatar: selfie"))
    assert line == 11
    assert message == f"unknown avatar `selfie`. Use one of {', '.join(AVATARS)}."


def test_unknown_sender_in_chat_and_in_branching(tmp_path: Path) -> None:
    line, message = planted(tmp_path / "a", replaced("from: them", "from: mia"))
    assert (line, message) == (23, "unknown sender `mia` in `from`. Use `them` or `you`.")
    scenarios = replaced(
        "from: them\n            text: hey Sam", "from: sam\n            text: hey Sam"
    )
    line, message = planted(tmp_path / "b", scenarios)
    assert (line, message) == (
        34,
        "unknown sender `sam` in `from`. Use `them`, `you` or `story`.",
    )


def test_misspelt_from_suggests_from(tmp_path: Path) -> None:
    problems = problems_with(tmp_path, replaced("from: them", "form: them"))
    assert [(p.line, p.message.split(".")[0]) for p in problems] == [
        (22, "`from` is missing"),
        (23, "unknown field `form`"),
    ]
    assert "Did you mean `from`?" in problems[1].message


def test_lint_rules_apply_to_part_texts(tmp_path: Path) -> None:
    scenarios = replaced("text: Joined 3 days ago", "text: Joined <b>3 days</b> ago")
    line, message = planted(tmp_path, scenarios)
    assert line == 14
    assert message.startswith("raw HTML `<b>` is not allowed")


# --- more branching rules ------------------------------------------------------------------


def test_duplicate_node_and_choice_ids(tmp_path: Path) -> None:
    line, message = planted(tmp_path / "a", replaced("- id: pay-more", "- id: threat"))
    assert (line, message.split(".")[0]) == (
        63,
        "node id `threat` is used twice in item `br-the-threat`",
    )
    line, message = planted(
        tmp_path / "b",
        replaced("- id: tell\n            text: Stop", "- id: pay\n            text: Stop"),
    )
    assert (line, message.split(".")[0]) == (52, "choice id `pay` is used twice in node `threat`")


def test_start_naming_an_unknown_node(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("start: hello", "start: helo"))
    assert line == 27
    assert message.startswith("`start` names `helo`, but there is no node with that id")


def test_endings_need_a_title_and_text_and_no_choices(tmp_path: Path) -> None:
    scenarios = replaced("        title: Sam got help\n", "")
    assert planted(tmp_path / "a", scenarios) == (
        59,
        "ending `safe-end` has no `title`. Add `title:` with a short heading for what happened.",
    )
    with_choice = replaced(
        "        ending: risky\n",
        "        ending: risky\n        choices:\n"
        "          - id: retry\n            text: Try again\n            next: hello\n",
    )
    line, message = planted(tmp_path / "b", with_choice)
    assert line == 63
    assert message.startswith("node `pay-more` is an ending but has choices")


def test_a_branching_item_needs_a_safe_ending(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("ending: safe", "ending: risky"))
    assert line == 27
    assert message.startswith("branching item `br-the-threat` has no safe ending")


def test_dead_end_when_requires_hide_every_choice(tmp_path: Path) -> None:
    # `block` now also sets a flag, and every choice at `threat` is hidden once it is set.
    scenarios = replaced(
        "next: safe-end\n      - id: threat",
        "next: threat\n            sets: [said-no]\n      - id: threat",
    )
    for choice in ("next: pay-more", "text: Stop replying, save the chat and tell an adult"):
        scenarios = replaced(choice, f"{choice}\n            unless: [said-no]", scenarios)
    scenarios = replaced(
        "requires: [sent-photo]", "requires: [sent-photo]\n            unless: [said-no]", scenarios
    )
    line, message = planted(tmp_path, scenarios)
    assert line == 45
    assert message.startswith(
        "node `threat` offers no choice after the choice `block`, so the chat"
    )


def test_requires_naming_a_flag_no_choice_sets(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("requires: [sent-photo]", "requires: [sent-foto]"))
    assert line == 55
    assert message.startswith("choice `report-image` has `requires: [sent-foto]`, but no choice")


def test_choice_that_is_never_shown(tmp_path: Path) -> None:
    scenarios = replaced("requires: [sent-photo]", "unless: [sent-photo]")
    line, message = planted(tmp_path, scenarios)
    assert line == 55
    assert message.startswith("choice `report-image` is never shown")


def test_audience_blocks_are_refused_in_an_ending(tmp_path: Path) -> None:
    scenarios = replaced(
        "text: Saying no, or stopping and telling someone, was **right**.",
        "text: |\n          Well done.\n\n"
        "          ```audience adult\n          Hi.\n          ```",
    )
    problems = problems_with(tmp_path, scenarios)
    assert [(p.file, p.line) for p in problems] == [(SCENARIOS_FILE, 65)]
    assert "an `audience` block is not allowed in an ending's text" in problems[0].message


def test_non_ending_with_a_title(tmp_path: Path) -> None:
    scenarios = replaced("      - id: threat\n", "      - id: threat\n        title: Uh oh\n")
    line, message = planted(tmp_path, scenarios)
    assert line == 44
    assert message.startswith("node `threat` has a `title` but is not an ending")


# --- more order rules, and rules shared with other items -----------------------------------


def test_duplicate_step_id_and_step_without_text(tmp_path: Path) -> None:
    line, message = planted(
        tmp_path / "a",
        replaced(
            "- id: tell\n        text: Tell an adult", "- id: stop\n        text: Tell an adult"
        ),
    )
    assert (line, message.split(".")[0]) == (
        80,
        "step `stop` is used twice in item `ord-first-hour`",
    )
    no_text = replaced("        text: Tell an adult you trust\n", "")
    line, message = planted(tmp_path / "b", no_text)
    assert line == 80
    assert message.startswith("a step of item `ord-first-hour` needs either `step:`")


def test_item_ids_are_unique_across_types_and_quizzes(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("id: ord-first-hour", "id: wis-blame"))
    assert line == 67
    assert "the item id `wis-blame` is already used at quizzes/what-is-sextortion.yaml:5" in message


def test_scenario_audiences_must_be_the_lessons(tmp_path: Path) -> None:
    scenarios = replaced("    type: order\n", "    type: order\n    audiences: [11-13]\n")
    line, message = planted(tmp_path, scenarios)
    assert line == 69
    assert message.startswith("item `ord-first-hour` is for 11-13, but the lesson `what-to-do`")


def test_every_scenario_problem_is_reported_at_once(tmp_path: Path) -> None:
    scenarios = replaced(LAST_STEP, "", replaced("next: pay-more", "next: safe-end"))
    scenarios = replaced("avatar: sunset", "avatar: selfie", scenarios)
    problems = problems_with(tmp_path, scenarios, lesson_two=LESSON_TWO)
    assert [(p.file, p.line) for p in problems] == [
        (SCENARIOS_FILE, 11),
        (SCENARIOS_FILE, 63),
        (SCENARIOS_FILE, 70),
    ]


def test_the_scenario_quiz_is_checked_by_check_content(tmp_path: Path) -> None:
    write_files(tmp_path, {})
    root = write_scenario_tree(tmp_path)
    assert check_content(root) == []


def test_an_item_may_not_be_called_summary(tmp_path: Path) -> None:
    line, message = planted(tmp_path, replaced("- id: rf-new-follower", "- id: summary"))
    assert line == 5
    assert message == (
        "item id `summary` is the address of the quiz's summary page. Choose another id."
    )


def test_what_to_remember_is_read_and_kept_to_four(tmp_path: Path) -> None:
    remember = 'remember:\n  - "Don\'t pay."\n  - "Tell someone."\nitems:\n'
    catalogue = load_catalogue(write_scenario_tree(tmp_path, replaced("items:\n", remember)))
    quiz = catalogue.quiz("what-to-do")
    assert quiz is not None and quiz.remember == ("Don't pay.", "Tell someone.")
    five = "remember:\n" + '  - "Tell someone."\n' * 5 + "items:\n"
    line, message = planted(tmp_path / "five", replaced("items:\n", five))
    assert line == 4 and "remember" in message
