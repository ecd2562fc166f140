"""The help directory as the app reads it: services by country, who each is for, how to reach it.

Written by the campaign team in lessons/help.yaml and read by course/content/help.py.
"""

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict

# The countries a learner can choose on the help page, in the order it lists them.
ANYWHERE = "anywhere"
COUNTRIES: Mapping[str, str] = MappingProxyType(
    {
        "uk": "the UK",
        "ie": "Ireland",
        "us": "the US",
        "ca": "Canada",
        "au": "Australia",
        "nz": "New Zealand",
        ANYWHERE: "anywhere else",
    }
)
CONTACT_KINDS = ("phone", "text", "web", "chat", "email")
ContactKind = Literal["phone", "text", "web", "chat", "email"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Contact(Frozen):
    """One way to reach a service, with the address or number a person can read or print."""

    kind: ContactKind
    href: str  # tel:08001111, sms:686868, https://…, mailto:…
    shown: str  # "0800 1111", "childline.org.uk": what the page and the printed card show
    message: str | None = None  # for a text: the word to send, like CONNECT
    note: str | None = None  # like "emergency"

    def verb(self) -> str:
        """What the person does: "Call", "Text CONNECT to", "Chat at", "Email" or nothing."""
        if self.kind == "phone":
            return "Call"
        if self.kind == "text":
            return f"Text {self.message} to" if self.message else "Text"
        return {"chat": "Chat at", "email": "Email"}.get(self.kind, "")


class HelpService(Frozen):
    """A help or reporting service: who it is for, what it does, how and when to reach it."""

    name: str
    for_whom: str
    what: str
    hours: str
    ages: tuple[str, ...]
    countries: tuple[str, ...]
    crisis: bool
    contacts: tuple[Contact, ...]
    source: str
    checked: date
    line: int

    def suits(self, band: str | None) -> bool:
        """Whether a learner of this age band is shown it; a visitor with no band sees all."""
        return band is None or band in self.ages


class HelpDirectory(Frozen):
    """Every service, in file order, looked up by country and age band."""

    services: tuple[HelpService, ...] = ()
    file: str = ""

    def services_in(self, country: str, band: str | None = None) -> tuple[HelpService, ...]:
        """The services listed for this country that suit this age band, in file order."""
        return tuple(
            service
            for service in self.services
            if country in service.countries and service.suits(band)
        )

    def anywhere_besides(self, country: str, band: str | None = None) -> tuple[HelpService, ...]:
        """The services that work anywhere and are not already listed for this country."""
        listed = {service.line for service in self.services_in(country, band)}
        return tuple(s for s in self.services_in(ANYWHERE, band) if s.line not in listed)

    def crisis_lines(self, country: str, band: str | None = None) -> tuple[HelpService, ...]:
        """Someone to talk to now, in this country, for this age band."""
        return tuple(service for service in self.services_in(country, band) if service.crisis)
