"""The help directory, lessons/help.yaml: read into the catalogue, and every planted mistake
reported with its file, line and what to do."""

from pathlib import Path

import pytest

from course.content.help import read_help, read_help_file
from course.content.help_directory import ANYWHERE, COUNTRIES, HelpDirectory
from course.content.loader import check_content
from course.content.problems import Problem
from course.content.schema import AUDIENCES
from course.settings import REPO_ROOT
from tests.unit.content.content_fixtures import HELP, HELP_FILE, write_valid_tree


def read(text: str) -> tuple[HelpDirectory | None, list[tuple[int, str]]]:
    return read_help(HELP_FILE, text)


def only_finding(text: str) -> tuple[int, str]:
    directory, findings = read(text)
    assert directory is None
    assert len(findings) == 1, findings
    return findings[0]


def test_the_smallest_valid_directory_reads_with_links_and_printable_addresses() -> None:
    directory, findings = read(HELP)
    assert findings == []
    assert directory is not None
    childline = directory.services_in("uk")[0]
    assert childline.line == 2
    assert [(c.kind, c.href, c.shown) for c in childline.contacts] == [
        ("phone", "tel:08001111", "0800 1111"),
        ("web", "https://www.childline.org.uk/", "childline.org.uk"),
    ]
    assert childline.source == "https://www.childline.org.uk/"
    assert str(childline.checked) == "2026-12-01"


def test_age_bands_filter_and_a_visitor_sees_every_service() -> None:
    directory, _ = read(HELP)
    assert directory is not None
    assert [s.name for s in directory.services_in("uk", "adult")] == ["Someone to talk to"]
    assert len(directory.services_in("uk", "11-13")) == 2
    assert len(directory.services_in("uk")) == 2
    assert [s.name for s in directory.crisis_lines("nz", "11-13")] == ["Someone to talk to"]
    assert directory.anywhere_besides("uk") == ()


# (what is planted, the text it replaces, its replacement, the line reported, what is said)
PLANTED = [
    ("missing hours", "    hours: Any time\n", "", 2, "`hours` is missing. Add `hours:`"),
    (
        "missing who it is for",
        "    for: Anyone under 19\n",
        "",
        2,
        "`for` is missing. Add `for:` with who it is for",
    ),
    (
        "unknown age band",
        "ages: [11-13, 14-18]",
        "ages: [11-13, 12-14]",
        4,
        "unknown age band `12-14` in `ages`. Use one or more of 11-13, 14-18, adult",
    ),
    (
        "unknown country",
        "countries: [uk]",
        "countries: [uk, fr]",
        5,
        "unknown country `fr` in `countries`. Use one or more of `uk`",
    ),
    (
        "letters in a phone number",
        '"0800 1111"',
        '"0800 CHILDLINE"',
        8,
        "`phone` is `0800 CHILDLINE`, which does not look like a phone number. Write it in digits",
    ),
    (
        "a number without quotes",
        '"0800 1111"',
        "101",
        8,
        'put the number in quotes, like `phone: "101"`',
    ),
    (
        "an http address",
        "- web: https://www.childline.org.uk/",
        "- web: http://www.childline.org.uk/",
        9,
        "`web` `http://www.childline.org.uk/` does not start with https://. Use the https://",
    ),
    (
        "an address without https://",
        "- web: https://www.childline.org.uk/",
        "- web: childline.org.uk",
        9,
        "is not a whole web address. Write it in full, starting with https://",
    ),
    (
        "an http source",
        "url: https://www.childline.org.uk/",
        "url: http://www.childline.org.uk/",
        12,
        "the source `http://www.childline.org.uk/` does not start with https://",
    ),
    (
        "no source",
        "    source:\n      url: https://www.childline.org.uk/\n      checked: 2026-12-01\n",
        "",
        2,
        "`source` is missing. Add `source:` with `url:`",
    ),
    (
        "a date in words",
        "checked: 2026-12-01",
        'checked: "1 December 2026"',
        13,
        "`checked` is `1 December 2026`. Write the date you checked the source, like 2026-12-01",
    ),
    (
        "a misspelt field",
        "hours: Any time\n    source",
        "hour: Any time\n    source",
        10,
        "unknown field `hour`. Did you mean `hours`?",
    ),
    (
        "two ways in one entry",
        '      - phone: "116 123"\n',
        '      - phone: "116 123"\n        web: https://www.samaritans.org/\n',
        22,
        "`phone` and `web` are in the same entry. Give each its own `- ` line under `reach`",
    ),
]


@pytest.mark.parametrize(
    ("planted", "change", "line", "expected"),
    [case[1:] for case in PLANTED],
    ids=[case[0] for case in PLANTED],
)
def test_each_planted_mistake_names_its_line_and_the_fix(
    planted: str, change: str, line: int, expected: str
) -> None:
    assert planted in HELP
    directory, findings = read(HELP.replace(planted, change, 1))
    assert directory is None
    assert [found for found in findings if expected in found[1]] == [
        (line, next(message for _, message in findings if expected in message))
    ], findings


def test_every_country_needs_a_crisis_line_for_every_age_band() -> None:
    directory, findings = read(HELP.replace("    crisis: true\n", ""))
    assert directory is None
    countries = [name for code, name in COUNTRIES.items() if code != ANYWHERE]
    assert len(findings) == len(countries) * len(AUDIENCES)
    assert {line for line, _ in findings} == {1}
    assert (
        "Ireland has no crisis line for 11-13. Add a service with `crisis: true`, "
        "`countries: [ie]` and `11-13` in its `ages`, with a phone number"
    ) in [message for _, message in findings]


def test_a_crisis_line_for_only_some_bands_leaves_the_others_without() -> None:
    adults_only = "ages: [adult]\n    countries: [uk, ie,"
    _, findings = read(
        HELP.replace("ages: [11-13, 14-18, adult]\n    countries: [uk, ie,", adults_only)
    )
    messages = [message for _, message in findings]
    assert any(message.startswith("the UK has no crisis line for 11-13") for message in messages)
    assert not any("for adult" in message for message in messages)


def test_a_crisis_line_needs_a_phone_number() -> None:
    text = HELP.replace('      - phone: "116 123"', "      - web: https://www.samaritans.org/")
    line, message = only_finding(text)
    assert line == 18
    assert "crisis line `Someone to talk to` has no phone number. Add a `- phone:`" in message


def test_a_service_listed_twice_for_one_country() -> None:
    childline = HELP.split("  - name: Someone")[0].removeprefix("services:\n")
    _, findings = read(HELP + childline.replace("countries: [uk]", "countries: [ie, uk]"))
    assert findings == [
        (
            26,
            "`Childline` is already listed for `uk` at line 2. Keep one entry and give it "
            "every country in `countries`",
        )
    ]


def test_a_text_message_word_goes_only_with_a_text() -> None:
    line, message = only_finding(HELP.replace('"0800 1111"', '"0800 1111"\n        message: HI'))
    assert line == 8
    assert "`message` goes only with `text`" in message


def test_check_content_reports_the_help_file_by_file_and_line(tmp_path: Path) -> None:
    broken = HELP.replace("countries: [uk]", "countries: [uk, fr]")
    problems = check_content(write_valid_tree(tmp_path, help=broken))
    assert [(p.file, p.line) for p in problems] == [(HELP_FILE, 5)]
    assert str(problems[0]).startswith("lessons/help.yaml:5: unknown country `fr`")


def test_check_content_needs_the_help_file_and_does_not_read_it_as_a_lesson(
    tmp_path: Path,
) -> None:
    assert check_content(write_valid_tree(tmp_path)) == []
    (tmp_path / HELP_FILE).unlink()
    assert check_content(tmp_path) == [
        Problem(
            HELP_FILE,
            0,
            "the help directory is missing. Add it, with every service the help page and the "
            "card show (see docs/CONTENT.md).",
        )
    ]


def test_the_shipped_directory_has_a_crisis_line_with_a_phone_everywhere() -> None:
    directory, problems = read_help_file(REPO_ROOT)
    assert problems == []
    assert directory is not None
    for code in COUNTRIES:
        if code == ANYWHERE:
            continue
        for band in AUDIENCES:
            lines = directory.crisis_lines(code, band)
            assert lines, (code, band)
            assert all(any(c.href.startswith("tel:") for c in s.contacts) for s in lines)


def test_the_shipped_directory_names_report_fraud_and_never_its_predecessor() -> None:
    text = (REPO_ROOT / HELP_FILE).read_text(encoding="utf-8")
    assert "Action Fraud" not in text
    directory, _ = read_help_file(REPO_ROOT)
    assert directory is not None
    fraud = next(s for s in directory.services if s.name == "Report Fraud")
    assert {c.shown for c in fraud.contacts} == {"reportfraud.police.uk", "0300 123 2040"}
    assert "Police Scotland on 101" in fraud.what
