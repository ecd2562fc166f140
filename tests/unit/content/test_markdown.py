"""Rendering lesson Markdown: escaping, the course's blocks (the film block too), links, and
structure checks."""

from course.content.markdown import body_blocks, check_structure, render_body, render_inline


def structure_problems(text: str) -> list[tuple[int, str]]:
    return check_structure(list(body_blocks(text)))


def test_raw_html_is_escaped() -> None:
    html = render_body('Hello <script>alert("x")</script> <b onclick="x">there</b>\n', "adult")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b " not in html


def test_raw_html_block_is_escaped() -> None:
    html = render_body("<div>\n<img src=x onerror=alert(1)>\n</div>\n", "adult")
    assert "<div>" not in html
    assert "<img" not in html


def test_callout_becomes_an_aside_with_rendered_markdown() -> None:
    html = render_body("```callout\nIt is **never** your fault.\n```\n", "adult")
    assert (
        html
        == '<aside class="callout">\n<p>It is <strong>never</strong> your fault.</p>\n</aside>\n'
    )


def test_what_to_do_cards_get_unique_ids() -> None:
    text = "```what-to-do\n```\n\n```what-to-do\n```\n"
    html = render_body(text, "adult")
    assert '<section class="what-to-do" aria-labelledby="what-to-do-1">' in html
    assert '<h2 id="what-to-do-1">What to do</h2>' in html
    assert '<h2 id="what-to-do-2">What to do</h2>' in html
    assert html.count('<ol class="what-to-do__steps">') == 2


def test_audience_block_shows_only_to_named_bands() -> None:
    text = "Everyone.\n\n```audience 14-18 adult\nOlder **only**.\n```\n"
    assert "Older" not in render_body(text, "11-13")
    assert "<p>Older <strong>only</strong>.</p>" in render_body(text, "14-18")
    assert "Older" in render_body(text, "adult")
    assert "Everyone." in render_body(text, "11-13")


def test_blocks_nest() -> None:
    text = "````callout\n```audience adult\nGrown-ups.\n```\n````\n"
    assert "Grown-ups." in render_body(text, "adult")
    assert render_body(text, "11-13") == '<aside class="callout">\n</aside>\n'


def test_external_links_get_noreferrer_and_course_links_do_not() -> None:
    html = render_body("[CEOP](https://www.ceop.police.uk/) and [help](/help)\n", "adult")
    assert '<a href="https://www.ceop.police.uk/" rel="noreferrer">CEOP</a>' in html
    assert '<a href="/help">help</a>' in html


def test_javascript_links_are_not_rendered_as_links() -> None:
    html = render_body("[click](javascript:alert(1))\n", "adult")
    assert "<a" not in html


def test_render_inline_has_no_paragraph_and_escapes_html() -> None:
    assert render_inline("It is *never* <b>your</b> fault") == (
        "It is <em>never</em> &lt;b&gt;your&lt;/b&gt; fault"
    )


def test_typographer_and_linkify_are_off() -> None:
    assert render_inline('"quotes" -- and www.example.com') == (
        "&quot;quotes&quot; -- and www.example.com"
    )


def test_h1_in_body_is_reported_with_its_line() -> None:
    problems = structure_problems("Intro.\n\n# Title again\n\nSetext\n===\n")
    assert [line for line, _ in problems] == [3, 5]
    assert "start your headings at `##`" in problems[0][1].lower()


def test_unknown_and_unnamed_fences_are_reported_with_their_line() -> None:
    problems = structure_problems("Intro.\n\n```calout\nx\n```\n\n```\ncode\n```\n")
    assert [line for line, _ in problems] == [3, 7]
    assert "unknown block `calout`" in problems[0][1]
    assert "needs a name" in problems[1][1]


def test_fence_inside_a_block_is_checked_with_its_file_line() -> None:
    problems = structure_problems("````callout\nSee:\n\n```python\nx\n```\n````\n")
    assert problems == [(4, problems[0][1])]
    assert "`python`" in problems[0][1]


def test_audience_block_with_unknown_or_no_band_is_reported() -> None:
    problems = structure_problems("```audience teens\nx\n```\n\n```audience\ny\n```\n")
    assert [line for line, _ in problems] == [1, 5]
    assert "unknown audience `teens`" in problems[0][1]
    assert "at least one band" in problems[1][1]


def test_a_film_block_must_be_empty_and_appear_once() -> None:
    text = "```film\n```\n\n```film\nsome words\n```\n"
    problems = check_structure(list(body_blocks(text)))
    messages = [message for _, message in problems]
    assert any("holds no text" in message for message in messages)
    assert any("only once" in message for message in messages)
    assert [line for line, _ in problems] == [4, 4]
    assert check_structure(list(body_blocks("```film\n```\n"))) == []
