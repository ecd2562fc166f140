"""A small valid content tree for the content tests, and helpers to plant mistakes in it.

The texts are numbered in comments so tests can assert exact lines.
"""

from pathlib import Path

# Line numbers:   1-10 front matter, 12 heading, 16-18 and 20-22 audience blocks.
LESSON_ONE = """\
---
slug: what-is-sextortion
title: What sextortion is
order: 1
audiences: [11-13, 14-18, adult]
minutes: 5
summary: How the crime works, and why it is never the victim's fault.
key_messages: [not-your-fault, tell-someone]
quiz: what-is-sextortion
---

## How it starts

Someone you meet online asks for a photo, then threatens to share it.

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
minutes: 4
summary: The steps that help.
content_note: This lesson talks about threats.
key_messages: [dont-pay, report]
---

```what-to-do
1. Stop replying.
2. Tell someone.
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


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write files (relative path -> text) under root and return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def write_valid_tree(root: Path, **replaced: str) -> Path:
    """Write the valid tree; keyword arguments replace a file's text (lesson_one=…)."""
    texts = {"lesson_one": LESSON_ONE, "lesson_two": LESSON_TWO, "quiz": QUIZ} | replaced
    files = {
        LESSON_ONE_FILE: texts["lesson_one"],
        LESSON_TWO_FILE: texts["lesson_two"],
        QUIZ_FILE: texts["quiz"],
    }
    return write_files(root, files)
