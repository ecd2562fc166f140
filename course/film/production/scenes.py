"""What the film shows: chat messages, beats of narration, and the screen during each beat.

story.py tells the story in beats; screens() turns them into what frame.html draws. Each scene
has a title and a clock time, shown on its frames, so a viewer knows where they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

Sender = Literal["them", "me"]
Scene = Literal["title", "follow", "chat", "call", "ended", "pause", "sam", "steps", "help"]

# Each scene's title, and the time on the phone's clock (blank: no phone in the scene).
SCENE_TITLES: dict[Scene, tuple[str, str]] = {
    "title": ("Sam’s story", ""),
    "follow": ("A new follower", "19:02"),
    "chat": ("A new chat", "19:05"),
    "call": ("A video call", "19:52"),
    "ended": ("The call ends", "20:09"),
    "pause": ("Stop. Breathe.", ""),
    "sam": ("What Sam does", ""),
    "steps": ("If this happens to you", ""),
    "help": ("Where to get help", ""),
}


@dataclass(frozen=True)
class Message:
    """One chat message on the phone's screen, with the time it was sent."""

    sender: Sender
    text: str
    time: str = ""
    kind: Literal["text", "clip", "list"] = "text"  # clip and list are drawn as cards


@dataclass(frozen=True)
class Beat:
    """One caption's worth of narration, and what appears on screen while it is spoken."""

    say: str  # spoken, shown as one caption, and part of the transcript
    scene: Scene | None = None  # switch to this scene (the list of lines starts empty)
    add: tuple[Message | str, ...] = ()  # chat messages, or lines of a list, that appear now
    describe: str = ""  # what newly appears, for the text descriptions track
    spoken: str = ""  # what the voice says instead of `say`, where the digits would misread
    typing: bool = False  # the other person is shown typing while this beat is spoken
    title: str = ""  # the scene's title from here on, where it is not the scene's usual one


@dataclass(frozen=True)
class Screen:
    """Everything on screen at one moment: the scene, the chat so far and the scene's list."""

    scene: Scene
    messages: tuple[Message, ...] = ()
    lines: tuple[str, ...] = ()
    said: str = ""  # the beat's narration, for the frame file's name only
    typing: bool = False
    title: str = ""

    @property
    def clock(self) -> str:
        """The time on the phone's clock: the last message's, or the scene's."""
        times = [message.time for message in self.messages if message.time]
        scene_time = SCENE_TITLES[self.scene][1]
        return max([scene_time, *times]) if scene_time else ""


@dataclass
class _State:
    scene: Scene = "title"
    title: str = ""
    messages: list[Message] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def screens(story: tuple[Beat, ...]) -> Iterator[Screen]:
    """The screen shown during each beat, in order."""
    state = _State()
    for beat in story:
        if beat.scene is not None:
            state.scene = beat.scene
            state.title = SCENE_TITLES[beat.scene][0]
            state.lines = []
        state.title = beat.title or state.title
        for part in beat.add:
            if isinstance(part, Message):
                state.messages.append(part)
            else:
                state.lines.append(part)
        yield Screen(
            state.scene,
            tuple(state.messages),
            tuple(state.lines),
            beat.say,
            beat.typing,
            state.title,
        )
