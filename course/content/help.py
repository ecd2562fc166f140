"""Read and check the help directory, lessons/help.yaml: every service, who it is for, how to
reach it, when, and the source its details were checked against."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from course.content.field_checks import describe
from course.content.formats import Audience, Strict, Text
from course.content.help_directory import (
    ANYWHERE,
    CONTACT_KINDS,
    COUNTRIES,
    Contact,
    HelpDirectory,
    HelpService,
)
from course.content.located_yaml import LineMap, Location, read_yaml
from course.content.problems import Finding, Problem, read_and_check
from course.content.schema import AUDIENCES

HELP_FILE = "lessons/help.yaml"
PHONE = re.compile(r"^\+?[0-9][0-9 -]*[0-9]$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY_LIST = ", ".join(f"`{code}`" for code in COUNTRIES)
HINTS = {
    "name": "with the service's name, as it calls itself",
    "for": "with who it is for, in words, like `Anyone under 19`",
    "ages": "with the age bands it suits: one or more of " + ", ".join(AUDIENCES),
    "countries": f"with where it works: one or more of {COUNTRY_LIST}",
    "what": "with a sentence or two on what it does",
    "reach": "with at least one way to reach it: `- phone:`, `- text:`, `- web:`, `- chat:`"
    " or `- email:`",
    "hours": "with when it answers, like `Any time` or `Monday to Friday, 10am to 4pm`",
    "source": "with `url:` (where the details come from) and `checked:` (the date you checked)",
    "url": "with the https:// address of the page the details come from",
    "checked": "with the date you checked the source, like 2026-12-01",
    "services": "with the list of services",
}


def _known_country(code: str) -> str:
    if code not in COUNTRIES:
        raise PydanticCustomError("country", "unknown country")
    return code


Country = Annotated[str, AfterValidator(_known_country)]


class ReachEntry(Strict):
    """One way to reach a service; exactly one of phone, text, web, chat or email."""

    phone: str | int | None = None
    text: str | int | None = None
    web: str | None = None
    chat: str | None = None
    email: str | None = None
    message: Text | None = None  # a text's word to send, like CONNECT
    note: Text | None = None  # like "emergency"


class SourceEntry(Strict):
    url: Text
    checked: date


class ServiceEntry(Strict):
    name: Text
    for_whom: Text = Field(alias="for")
    ages: list[Audience] = Field(min_length=1)
    countries: list[Country] = Field(min_length=1)
    what: Text
    reach: list[ReachEntry] = Field(min_length=1)
    hours: Text
    crisis: bool = False
    source: SourceEntry


class HelpFile(Strict):
    services: list[Any] = Field(min_length=1)


def read_help_file(content_dir: Path) -> tuple[HelpDirectory | None, list[Problem]]:
    """Read and check lessons/help.yaml under content_dir; a missing file is a problem too."""
    path = content_dir / HELP_FILE
    if not path.is_file():
        fix = "Add it, with every service the help page and the card show (see docs/CONTENT.md)"
        return None, [Problem(HELP_FILE, 0, f"the help directory is missing. {fix}.")]
    return read_and_check(path, HELP_FILE, lambda text: read_help(HELP_FILE, text))


def read_help(file: str, text: str) -> tuple[HelpDirectory | None, list[Finding]]:
    """Check the help directory's text; return it (if all is well) and every finding."""
    data, lines, findings = read_yaml(text)
    if data is None:
        return None, findings or [(1, "the help file is empty. Add `services:` and a list")]
    top = _validate(HelpFile, data, lines, ())
    findings += top
    entries = data.get("services") if isinstance(data, dict) else None
    services: list[HelpService] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        service, entry_findings = _read_service(entry, lines, ("services", index))
        findings += entry_findings
        services += [service] if service else []
    if findings:
        return None, findings
    findings += _crisis_line_findings(services, lines)
    findings += _duplicate_findings(services)
    if findings:
        return None, findings
    return HelpDirectory(services=tuple(services), file=file), []


def _read_service(
    entry: Any, lines: LineMap, at: Location
) -> tuple[HelpService | None, list[Finding]]:
    """Check one service's fields, then each way to reach it and its source."""
    findings = _validate(ServiceEntry, entry, lines, at)
    if findings:
        return None, findings
    service = ServiceEntry.model_validate(entry)
    contacts: list[Contact] = []
    for index, reach in enumerate(service.reach):
        contact, reach_findings = _read_reach(reach, lines, (*at, "reach", index))
        findings += reach_findings
        contacts += [contact] if contact else []
    where = lines.of(*at, "source", "url")
    findings += [(where, f"the source {problem}") for problem in _web_problems(service.source.url)]
    readable = len(contacts) == len(service.reach)
    if service.crisis and readable and not any(contact.kind == "phone" for contact in contacts):
        findings.append(
            (
                lines.of(*at, "crisis"),
                f"crisis line `{service.name}` has no phone number. Add a `- phone:` to its "
                "`reach`, so the help page can offer a call",
            )
        )
    if findings:
        return None, findings
    return (
        HelpService(
            name=service.name.strip(),
            for_whom=service.for_whom.strip(),
            what=service.what.strip(),
            hours=service.hours.strip(),
            ages=tuple(band for band in AUDIENCES if band in service.ages),
            countries=tuple(service.countries),
            crisis=service.crisis,
            contacts=tuple(contacts),
            source=service.source.url,
            checked=service.source.checked,
            line=lines.of(*at),
        ),
        [],
    )


def _read_reach(
    reach: ReachEntry, lines: LineMap, at: Location
) -> tuple[Contact | None, list[Finding]]:
    """One way to reach a service: exactly one kind, written so a person can use it."""
    given = [kind for kind in CONTACT_KINDS if getattr(reach, kind) is not None]
    if not given:
        kinds = ", ".join(f"`{kind}:`" for kind in CONTACT_KINDS)
        return None, [
            (lines.of(*at), f"this way to reach the service has none of {kinds}. Add one")
        ]
    if len(given) > 1:
        both = " and ".join(f"`{kind}`" for kind in given)
        fix = "Give each its own `- ` line under `reach`"
        return None, [(lines.of(*at, given[1]), f"{both} are in the same entry. {fix}")]
    kind = given[0]
    value = getattr(reach, kind)
    line = lines.of(*at, kind)
    problems = list(_value_problems(kind, value))
    if reach.message is not None and kind != "text":
        problems.append(f"`message` goes only with `text`. Remove it from this `{kind}`")
    if problems:
        return None, [(line, problem) for problem in problems]
    return _contact(kind, str(value), reach.message, reach.note), []


def _value_problems(kind: str, value: str | int) -> Iterator[str]:
    """What is wrong with a number or address, said so the writer can fix it."""
    if kind in ("phone", "text") and isinstance(value, int):
        yield (
            f'put the number in quotes, like `{kind}: "{value}"`; without them a number '
            "starting with 0 can be read wrongly"
        )
    elif kind in ("phone", "text"):
        digits = re.sub(r"\D", "", str(value))
        if not PHONE.match(str(value)) or not 3 <= len(digits) <= 15:
            yield (
                f"`{kind}` is `{value}`, which does not look like a phone number. Write it in "
                "digits, with spaces or hyphens if you like, like `0800 1111` or `1-800-843-5678`"
            )
    elif kind in ("web", "chat"):
        yield from (f"`{kind}` {problem}" for problem in _web_problems(str(value)))
    elif kind == "email" and not EMAIL.match(str(value)):
        yield f"`email` is `{value}`, which is not an email address. Write it like name@example.org"


def _web_problems(address: str) -> Iterator[str]:
    parts = urlsplit(address)
    if any(space in address for space in " \t") or "." not in parts.netloc:
        yield (
            f"`{address}` is not a whole web address. Write it in full, starting with https://, "
            "like https://www.childline.org.uk/"
        )
    elif parts.scheme != "https":
        yield f"`{address}` does not start with https://. Use the https:// address"


def _contact(kind: str, value: str, message: str | None, note: str | None) -> Contact:
    """The contact as the page shows it: a tel: or sms: link for numbers, the address itself."""
    if kind in ("phone", "text"):
        number = ("+" if value.startswith("+") else "") + re.sub(r"\D", "", value)
        href = f"{'tel' if kind == 'phone' else 'sms'}:{number}"
        shown = value
    elif kind == "email":
        href, shown = f"mailto:{value}", value
    else:
        href, shown = value, _printable(value)
    return Contact(kind=kind, href=href, shown=shown, message=message, note=note)


def _printable(address: str) -> str:
    """A web address as a person would write it: no https://, no www., no final slash."""
    parts = urlsplit(address)
    host = parts.netloc.removeprefix("www.")
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return host + rest


def _crisis_line_findings(services: list[HelpService], lines: LineMap) -> Iterator[Finding]:
    """Every country, for every age band, lists at least one crisis line with a phone."""
    for code, country in COUNTRIES.items():
        if code == ANYWHERE:
            continue  # there is no one number for everywhere; the page names emergency numbers
        for band in AUDIENCES:
            if not any(s.crisis for s in services if code in s.countries and s.suits(band)):
                yield (
                    lines.of("services"),
                    f"{country} has no crisis line for {band}. Add a service with "
                    f"`crisis: true`, `countries: [{code}]` and `{band}` in its `ages`, "
                    "with a phone number",
                )


def _duplicate_findings(services: list[HelpService]) -> Iterator[Finding]:
    """The same service twice for one country: list it once, with every country it serves."""
    seen: dict[tuple[str, str], int] = {}
    for service in services:
        for code in service.countries:
            key = (service.name.casefold(), code)
            if key in seen:
                yield (
                    service.line,
                    f"`{service.name}` is already listed for `{code}` at line {seen[key]}. "
                    "Keep one entry and give it every country in `countries`",
                )
            seen.setdefault(key, service.line)


def _validate(model: type[Strict], data: Any, lines: LineMap, at: Location) -> list[Finding]:
    """Check `data` against `model`, in the words of the help file's fields."""
    try:
        model.model_validate(data)
    except ValidationError as error:
        return [
            (lines.of(*at, *detail["loc"]), _describe(detail, model)) for detail in error.errors()
        ]
    return []


def _describe(detail: ErrorDetails, model: type[Strict]) -> str:
    """Like field_checks.describe, with the help file's own words for its own fields."""
    kind, value, where = detail["type"], detail["input"], detail["loc"]
    name = str(where[-1]) if where else ""
    if kind == "missing":
        return f"`{name}` is missing. Add `{name}:` {HINTS.get(name, 'to this part')}"
    if kind == "audience":
        return f"unknown age band `{value}` in `ages`. Use one or more of {', '.join(AUDIENCES)}"
    if kind == "country":
        return f"unknown country `{value}` in `countries`. Use one or more of {COUNTRY_LIST}"
    if name == "checked" or kind.startswith("date"):
        return f"`checked` is `{value}`. Write the date you checked the source, like 2026-12-01"
    if kind == "union_type" or (name in ("phone", "text") and kind.endswith("_type")):
        return f'`{name}` is `{value}`. Write the number in quotes, like `{name}: "0800 1111"`'
    return describe(detail, model)
