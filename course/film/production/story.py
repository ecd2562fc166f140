"""The default film's story: the one source of its pictures, narration, captions and transcript.

Each beat is one caption and one change on screen. The narration says everything the screen
shows, so the soundtrack is its own audio description; the descriptions track and the transcript
come from the same beats. Made-up people, no real apps or brands, nothing sexual: "a video call".
The story follows the campaign's scenario (../shared/content/FACTS.md §1 and §3): a friendly new
contact, a move to another app and a video call, the recording, the threat, and what to do.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from course.content.steps import read_steps
from course.film.production import scenes
from course.film.production.captions import Cue
from course.film.production.scenes import Beat, Message, Screen, Sender

# The recap lists the course's steps from the one list every page shows (lessons/steps.yaml).
STEPS_PATH = Path(__file__).resolve().parents[3] / "lessons" / "steps.yaml"
_TAG = re.compile(r"<[^>]*>")


def recap_steps(path: Path = STEPS_PATH) -> tuple[str, ...]:
    """The course's steps, in their canonical order, as plain text for anyone (no band)."""
    steps, problems = read_steps(path.read_text(encoding="utf-8"))
    if steps is None:
        raise ValueError(f"{path} has problems: {problems}; run `course check-content`")
    return tuple(html.unescape(_TAG.sub("", step.wording.text_html)) for step in steps.steps)


RECAP_HEADING = "If this happens to you:"
CAPTION_LENGTH = 90  # the most characters one caption holds and can be read in its time


def recap_groups(steps: tuple[str, ...], limit: int = CAPTION_LENGTH) -> list[tuple[str, ...]]:
    """The steps in order, as many to a caption as fit in `limit` characters (the first
    caption carries the heading too); a step longer than that has a caption of its own."""
    groups: list[list[str]] = [[]]
    length = len(RECAP_HEADING)
    for step in steps:
        if groups[-1] and length + 1 + len(step) > limit:
            groups.append([])
            length = -1  # no heading, and no space before the first step
        groups[-1].append(step)
        length += 1 + len(step)
    return [tuple(group) for group in groups]


def recap_beats(steps: tuple[str, ...]) -> tuple[Beat, ...]:
    """The recap: every step of the course's list, in order, as many to a beat as one caption
    holds."""
    beats = []
    for number, group in enumerate(recap_groups(steps)):
        said = " ".join(group)
        first = number == 0
        beats.append(
            Beat(
                f"{RECAP_HEADING} {said}" if first else said,
                scene="steps" if first else None,
                add=group,
                describe=("A list headed: If this happens to you. " if first else "") + said,
            )
        )
    return tuple(beats)


THEM: Sender = "them"
ME: Sender = "me"
CLOSING = "You are not alone. Help is there."

STORY: tuple[Beat, ...] = (
    Beat(
        "Sam's story: a made-up film about online blackmail.",
        scene="title",
        describe="Title: Sam's story. A made-up film about online blackmail.",
    ),
    Beat(
        "Sam is fifteen. He gets a follow request from Jess.",
        scene="follow",
        describe="A new follower, Sunday 19:02. Sam's phone: a follow request from jess.summer.09.",
    ),
    Beat(
        "They have fourteen friends in common. Her profile says she's sixteen.",
        add=("14 friends in common", "Jess, 16"),
        describe="Under the request: 14 friends in common. Jess, 16.",
    ),
    Beat(
        'Jess messages straight away: "Saw you at the match on Saturday!"',
        scene="chat",
        add=(Message(THEM, "saw you at the match on saturday!!", "19:05"),),
        describe="A new chat, 19:05. A chat with Jess opens, with her first message and its time.",
    ),
    Beat(
        'Sam says hi. Jess is full of compliments: "You\'re so funny."',
        add=(Message(ME, "haha hi", "19:06"), Message(THEM, "you're so funny", "19:06")),
        describe="Sam's reply, and Jess's.",
    ),
    Beat(
        "Within an hour, she asks to switch apps, and then to video call.",
        add=(
            Message(THEM, "this app is glitchy, let's switch", "19:48"),
            Message(THEM, "video call me?", "19:49"),
        ),
        describe="Jess asks to switch apps, then asks for a video call.",
    ),
    Beat(
        'On the call, her camera is "not working". But she can see Sam.',
        scene="call",
        describe="A video call, 19:52. Jess's side is dark: camera not working. "
        "Sam's small picture.",
    ),
    Beat(
        'She pushes him to do something private on camera. "No one will ever see," she says.',
        add=("no one will ever see, I promise",),
        describe="Jess types: no one will ever see, I promise.",
    ),
    Beat(
        "Sam goes along with it. The call ends.",
        scene="ended",
        describe="The call ends, 20:09. The call screen: call ended.",
    ),
    Beat(
        "Then it all changes. Jess sends a recording of the call, and Sam's followers list.",
        scene="chat",
        add=(
            Message(THEM, "recording of the call", "20:14", kind="clip"),
            Message(THEM, "your followers", "20:14", kind="list"),
        ),
        describe="It all changes, 20:14. Back in the chat, two cards: a recording of the call, "
        "and Sam's followers.",
        title="It all changes",
    ),
    Beat(
        '"Pay £300 in gift cards," Jess writes, "or everyone on this list sees it."',
        add=(Message(THEM, "pay £300 in gift cards or everyone on this list sees it", "20:15"),),
        describe="The threat, as a message.",
        spoken='"Pay three hundred pounds in gift cards," Jess writes, '
        '"or everyone on this list sees it."',
    ),
    Beat(
        '"You have 30 minutes. Answer me!" The messages keep coming.',
        add=(
            Message(THEM, "you have 30 minutes", "20:15"),
            Message(THEM, "ANSWER ME", "20:16"),
            Message(THEM, "answer now", "20:16"),
        ),
        describe="Three more messages, one after another. Jess is still typing.",
        typing=True,
        spoken='"You have thirty minutes. Answer me!" The messages keep coming.',
    ),
    Beat(
        "Jess isn't a girl from a nearby school. This is a criminal, and it's a crime.",
        describe="The chat stays on screen. Jess has stopped typing.",
    ),
    Beat(
        "Sam feels scared and alone. That's what the criminal wants.",
        scene="pause",
        describe="A calm blue screen: Stop. Breathe.",
    ),
    Beat(
        "But Sam stops and breathes. He doesn't pay, and he doesn't reply.",
        add=("Don't pay.", "Don't reply."),
        describe="Under Stop. Breathe.: Don't pay. Don't reply.",
    ),
    Beat(
        "He screenshots the chat and Jess's profile, but not the video.",
        scene="sam",
        add=("Screenshots the chat and the profile",),
        describe="A list of what Sam does. First: screenshots the chat and the profile.",
    ),
    Beat(
        "He blocks and reports the account.",
        add=("Blocks and reports the account",),
        describe="Second: blocks and reports the account.",
    ),
    Beat(
        'He tells his mum. "It\'s not your fault," she says. "We\'ll sort this out."',
        add=("Tells his mum",),
        describe="Third: tells his mum.",
    ),
    Beat(
        "Together, they report it to the CEOP Safety Centre.",
        add=("Reports it to CEOP",),
        describe="Fourth: reports it to CEOP.",
    ),
    *recap_beats(recap_steps()),
    Beat(
        "Childline is free: call 0800 1111, or go to childline.org.uk.",
        scene="help",
        add=("Childline: 0800 1111, childline.org.uk",),
        describe="Where to get help. Childline: 0800 1111, childline.org.uk.",
        spoken="Childline is free: call oh eight hundred, one one, one one, "
        "or go to childline dot org dot UK.",
    ),
    Beat(
        "Report to CEOP at ceop.police.uk. In danger now? Call 999.",
        add=("CEOP Safety Centre: ceop.police.uk", "In danger now: call 999"),
        describe="CEOP Safety Centre: ceop.police.uk. In danger now: call 999.",
        spoken="Report to CEOP at see op dot police dot UK. In danger now? Call nine nine nine.",
    ),
    Beat(
        CLOSING,
        add=(CLOSING,),
        describe=CLOSING,
    ),
)

TITLE = "Sam's story"
SUMMARY = "A made-up film about online blackmail, and what to do if it happens."


def screens(story: tuple[Beat, ...] = STORY) -> Iterator[Screen]:
    """The screen shown during each beat of the film, in order."""
    return scenes.screens(story)


def transcript_paragraphs(story: tuple[Beat, ...] = STORY) -> list[str]:
    """The narration as paragraphs: a new paragraph wherever the scene changes."""
    paragraphs: list[list[str]] = []
    for beat in story:
        if beat.scene is not None or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(beat.say)
    return [" ".join(paragraph) for paragraph in paragraphs]


def transcript_markdown(story: tuple[Beat, ...] = STORY) -> str:
    """The transcript as Markdown: the narration, which also describes everything on screen."""
    return "\n\n".join(_escape_markdown(p) for p in transcript_paragraphs(story)) + "\n"


def _escape_markdown(text: str) -> str:
    """Plain text that Markdown renders as written (no emphasis, lists or links)."""
    for mark in ("\\", "*", "_", "[", "]", "`", "<"):
        text = text.replace(mark, "\\" + mark)
    return text


def description_cues(
    timings: list[tuple[float, float]], story: tuple[Beat, ...] = STORY
) -> list[Cue]:
    """The text descriptions track: what appears on screen, timed with its beat."""
    return [
        Cue(start, end, beat.describe)
        for beat, (start, end) in zip(story, timings, strict=True)
        if beat.describe
    ]
