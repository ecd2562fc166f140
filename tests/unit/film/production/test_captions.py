"""WebVTT (course/film/production/captions.py): cues round-trip with their settings, and the
reader ignores notes and identifiers."""

from __future__ import annotations

from course.film.production.captions import Cue, format_vtt, parse_vtt, plain_words, timestamp


def test_webvtt_round_trips() -> None:
    cues = [Cue(0.5, 2.25, "Hello."), Cue(61.0, 3725.125, 'She says: "hi".')]
    text = format_vtt(cues)
    assert text.startswith("WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.250\nHello.")
    assert parse_vtt(text) == cues
    assert timestamp(3725.125) == "01:02:05.125"


def test_webvtt_round_trips_cue_settings() -> None:
    cues = [Cue(0.5, 2.25, "Hello.", "line:77% position:50% size:90% align:center")]
    text = format_vtt(cues)
    assert "00:00:00.500 --> 00:00:02.250 line:77% position:50% size:90% align:center\n" in text
    assert parse_vtt(text) == cues


def test_webvtt_reader_ignores_notes_and_keeps_cue_settings() -> None:
    text = (
        "WEBVTT\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.500 line:80%\nHi <b>there</b>\n"
    )
    assert parse_vtt(text) == [Cue(1.0, 2.5, "Hi <b>there</b>", "line:80%")]
    assert plain_words("Hi <b>there</b>\n  it’s me") == "Hi there it's me"
