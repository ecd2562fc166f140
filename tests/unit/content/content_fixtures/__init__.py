"""A small valid content tree for the content tests, and helpers to plant mistakes in it
and check it.

The texts are numbered in comments so tests can assert exact lines.
"""

import re
from pathlib import Path

from course.content.loader import Problem, check_content
from course.content.schema import KEY_MESSAGES

# Lesson one is for every band and teaches every key message, as the content rules require.
EVERY_KEY_MESSAGE = ", ".join(KEY_MESSAGES)
EVERY_STEP = (
    "It may be a fake profile. Stay calm and don't pay. Save screenshots, then block and "
    "report them. Deactivate, don't delete. Get the photo removed and change passwords."
)

# Line numbers:   1-10 front matter, 12 heading, 16-18 and 20-22 audience blocks.
LESSON_ONE = f"""\
---
slug: what-is-sextortion
title: What sextortion is
order: 1
audiences: [11-13, 14-18, adult]
# minutes: worked out from the words and questions
summary: How the crime works, and why it is never the victim's fault.
key_messages: [{EVERY_KEY_MESSAGE}]
quiz: what-is-sextortion
---

## How it starts

Someone you meet online asks for a photo, then threatens to share it. {EVERY_STEP}

```audience 11-13
Tell a grown-up you trust straight away.
```

```audience 14-18 adult
Tell someone you trust; you are not in trouble.
```
"""

LESSON_TWO = """\
---
slug: what-to-do
title: What to do
order: 2
audiences: [14-18, adult]
# minutes: worked out from the words and questions
summary: The steps that help.
content_note: This lesson talks about threats.
key_messages: [dont-pay, report]
---

```what-to-do dont-pay report
```
"""

# Line numbers: item wis-blame starts at 5, its options at 9 and 13; wis-signs starts at 17.
QUIZ = """\
slug: what-is-sextortion
lesson: what-is-sextortion
title: Check what you know
items:
  - id: wis-blame
    type: choice
    prompt: Who is to blame?
    options:
      - id: victim
        text: The person who sent the photo
        correct: false
        feedback: No. The criminal tricked them.
      - id: criminal
        text: The criminal who made the threat
        correct: true
        feedback: Yes. It is never the victim's fault.
  - id: wis-signs
    type: multi
    audiences: [14-18, adult]
    prompt: Which are *warning signs*?
    options:
      - id: rush
        text: They rush you
        correct: true
        feedback: Yes. Pressure is a warning sign.
      - id: hobby
        text: They like the same music
        correct: false
        feedback: Not on its own.
    explanation: Trust your gut.
"""

LESSON_ONE_FILE = "lessons/01-what-is-sextortion.md"
LESSON_TWO_FILE = "lessons/02-what-to-do.md"
QUIZ_FILE = "quizzes/what-is-sextortion.yaml"
STEPS_FILE = "lessons/steps.yaml"

# The smallest steps file. Line numbers: `dont-pay` at 2, `report` at 8 (its 11-13 text at 12).
STEPS = """\
steps:
  - id: dont-pay
    text: Don't pay.
    detail: Paying rarely stops it.
    bands:
      11-13:
        detail: Paying does not make them stop.
  - id: report
    text: Report it.
    detail: Tell the app and the police.
    bands:
      11-13:
        text: Tell an adult and report it.
"""
HELP_FILE = "lessons/help.yaml"

# The smallest help directory check-content accepts. Line numbers: Childline's entry at 2
# (ages 4, countries 5, phone 8, web 9, hours 10, source url 12); the crisis line at 14
# (crisis 18, phone 21, source url 24).
HELP = """\
services:
  - name: Childline
    for: Anyone under 19
    ages: [11-13, 14-18]
    countries: [uk]
    what: Free, confidential help.
    reach:
      - phone: "0800 1111"
      - web: https://www.childline.org.uk/
    hours: Any time
    source:
      url: https://www.childline.org.uk/
      checked: 2026-12-01
  - name: Someone to talk to
    for: Anyone who is struggling
    ages: [11-13, 14-18, adult]
    countries: [uk, ie, us, ca, au, nz, anywhere]
    crisis: true
    what: Someone to talk to, free.
    reach:
      - phone: "116 123"
    hours: Any time
    source:
      url: https://www.samaritans.org/
      checked: 2026-12-01
"""


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write files (relative path -> text) under root and return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def write_valid_tree(root: Path, **replaced: str) -> Path:
    """Write the valid tree; keyword arguments replace a file's text (lesson_one=…)."""
    texts = {"lesson_one": LESSON_ONE, "lesson_two": LESSON_TWO, "quiz": QUIZ, "help": HELP}
    texts |= {"steps": STEPS}
    texts |= replaced
    files = {
        LESSON_ONE_FILE: texts["lesson_one"],
        LESSON_TWO_FILE: texts["lesson_two"],
        QUIZ_FILE: texts["quiz"],
        HELP_FILE: texts["help"],
        STEPS_FILE: texts["steps"],
    }
    return write_files(root, files)


# The scenario examples from docs/CONTENT.md, as the quiz that follows lesson two.
# Line numbers: rf-new-follower starts at 5 (parts at 13 and 17, chat `m1` at 22);
# br-the-threat starts at 27 (nodes at 32, 44, 59, 63; choices at 37, 41, 49, 52, 55);
# ord-first-hour starts at 67 (steps at 71, 74, 77, 80).
SCENARIOS = """\
slug: what-to-do
lesson: what-to-do
title: Practise
items:
  - id: rf-new-follower
    type: red-flags
    prompt: Jay gets a follow request. Select every part that is a warning sign.
    profile:
      name: Mia
      handle: mia.x.09
      avatar: sunset
      parts:
        - id: joined
          text: Joined 3 days ago
          flag: true
          explanation: A brand-new account is a common sign of a fake one.
        - id: school
          text: Goes to Westfield High
          flag: false
          explanation: On its own this is normal, though a fake account may copy it.
    chat:
      - id: m1
        from: them
        text: hey!! we have loads of friends in common 😊
        flag: true
        explanation: Fake accounts add many people from one school to look like a friend.
  - id: br-the-threat
    type: branching
    prompt: Play through the chat as Sam. Choose what Sam does next at each step.
    start: hello
    nodes:
      - id: hello
        messages:
          - from: them
            text: hey Sam, you're cute. send me a pic?
        choices:
          - id: send
            text: Send a photo
            next: threat
            sets: [sent-photo]
          - id: block
            text: Say no and block them
            next: safe-end
      - id: threat
        messages:
          - from: them
            text: I've recorded it. Pay £100 or everyone sees it.
        choices:
          - id: pay
            text: Pay them
            next: pay-more
          - id: tell
            text: Stop replying, save the chat and tell an adult
            next: safe-end
          - id: report-image
            text: Ask Report Remove to block the photo
            requires: [sent-photo]
            next: safe-end
      - id: safe-end
        ending: safe
        title: Sam got help
        text: Saying no, or stopping and telling someone, was **right**.
      - id: pay-more
        ending: risky
        title: They asked for more
        text: Paying showed them Sam could pay, so they asked for more. It's not too late.
  - id: ord-first-hour
    type: order
    prompt: Someone is threatening Alex. Put Alex's first steps in the best order.
    steps:
      - id: stop
        text: Stop replying
        reason: Replying keeps the pressure on; the criminal wants a reaction.
      - id: save
        text: Screenshot the chat and profile
        reason: Evidence helps the police and the app find the criminal.
      - id: block
        text: Block and report the account
        reason: Only after saving the evidence, or it may be lost.
      - id: tell
        text: Tell an adult you trust
        reason: You don't have to deal with this alone.
    constraints:                   # line 83: the pairs whose order matters
      - first: save
        then: block
        why: Take the screenshots first. Once you block them, the chat may disappear.
"""

SCENARIOS_FILE = "quizzes/what-to-do.yaml"


def write_scenario_tree(root: Path, scenarios: str = SCENARIOS, **replaced: str) -> Path:
    """Write the valid tree plus the scenario quiz (its text replaced by `scenarios`)."""
    write_valid_tree(root, **replaced)
    return write_files(root, {SCENARIOS_FILE: scenarios})


# --- checking a tree with planted mistakes ---------------------------------------------

# Lesson one's texts for 14-18 and adult, and for 11-13: tests plant mistakes beside them.
TEEN_TEXT = "Tell someone you trust; you are not in trouble."
YOUNG_TEXT = "Tell a grown-up you trust straight away."
# Far above every band's level: once makes a lesson too hard for 14-18, twice for everyone.
HARDEST = (
    "Notwithstanding their considerable organisational sophistication, international criminal "
    "enterprises systematically manipulate psychologically vulnerable adolescents."
)
GRADE = re.compile(
    r"reading level for (\S+) is grade \d+\.\d; the most is (\d+)\. "
    r"Use shorter sentences and everyday words\."
)


def problems_in_tree(root: Path, **replaced: str) -> list[Problem]:
    return check_content(write_valid_tree(root, **replaced))


def places(problems: list[Problem]) -> list[tuple[str, int]]:
    return [(problem.file, problem.line) for problem in problems]


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]
