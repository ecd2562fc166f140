"""The words of rendered HTML (course/content/text.py): list items and headings end sentences."""

from course.content.text import plain_text


def test_list_items_and_headings_end_sentences() -> None:
    html = "<h2>Warning signs</h2>\n<ul><li>a new account</li>\n<li>lots of <em>flattery</em></li>"
    assert plain_text(html) == "Warning signs.\na new account.\nlots of flattery."
    assert plain_text("<p>Is it real? Yes!</p><p>Say &quot;no&quot;.</p>") == (
        'Is it real? Yes!\nSay "no".'
    )
