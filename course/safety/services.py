"""Which help services a person sees: their chosen country, then those that work anywhere,
filtered by their age band where a service is age-specific.

The services themselves are content (lessons/help.yaml), loaded into the catalogue at start.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.content.help_directory import ANYWHERE, COUNTRIES, HelpDirectory, HelpService

DEFAULT_COUNTRY = "uk"
OLD_CODES = {"intl": ANYWHERE}  # what an older cookie may still hold


@dataclass(frozen=True)
class HelpView:
    """What the help page or the card shows for one country and age band."""

    country: str
    country_name: str
    band: str | None  # None: every service, whoever they are for
    services: tuple[HelpService, ...]
    anywhere: tuple[HelpService, ...]  # those that work anywhere, not already in `services`
    crisis_lines: tuple[HelpService, ...]


def known_country(code: str) -> str:
    """The country code to show: the one given if the help directory knows it, else the UK."""
    code = OLD_CODES.get(code, code)
    return code if code in COUNTRIES else DEFAULT_COUNTRY


def help_for(directory: HelpDirectory, country: str, band: str | None) -> HelpView:
    """The services for this country and band; with no band, every service."""
    code = known_country(country)
    return HelpView(
        country=code,
        country_name=COUNTRIES[code],
        band=band,
        services=directory.services_in(code, band),
        anywhere=() if code == ANYWHERE else directory.anywhere_besides(code, band),
        crisis_lines=directory.crisis_lines(code, band),
    )
