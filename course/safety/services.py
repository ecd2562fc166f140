"""Help services shown on the help page (UK first; more countries come with the directory)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Contact:
    """One way to reach a service: a web address or a phone number."""

    label: str
    href: str


@dataclass(frozen=True)
class Service:
    """A help or reporting service: who it is for, what it does, how to reach it."""

    name: str
    for_whom: str
    what: str
    contacts: tuple[Contact, ...]


UK_SERVICES: tuple[Service, ...] = (
    Service(
        "Police",
        "Everyone",
        "If you are in danger right now, call 999. To report a crime that is not an emergency, "
        "call 101.",
        (Contact("Call 999 (emergency)", "tel:999"), Contact("Call 101", "tel:101")),
    ),
    Service(
        "CEOP Safety Centre",
        "Under-18s, or an adult worried about a young person",
        "Report online blackmail, grooming or sexual abuse. A Child Protection Advisor reads "
        "every report and gets in touch. It is not anonymous, so they can help you.",
        (Contact("Report to CEOP", "https://www.ceop.police.uk/Safety-Centre/"),),
    ),
    Service(
        "Childline",
        "Anyone under 19",
        "Free, confidential help by phone, online chat or email, any time.",
        (
            Contact("Call 0800 1111", "tel:08001111"),
            Contact("childline.org.uk", "https://www.childline.org.uk/"),
        ),
    ),
    Service(
        "Report Remove (Childline and the IWF)",
        "Under-18s in the UK",
        "Report a nude image or video of you so it can be blocked and taken down, even before "
        "it is shared. You may be asked to confirm your age. Childline supports you as you go.",
        (
            Contact(
                "Use Report Remove",
                "https://www.iwf.org.uk/what-we-do/why-we-exist/report-remove/",
            ),
        ),
    ),
    Service(
        "Take It Down (NCMEC)",
        "Images taken when you were under 18, anywhere in the world",
        "Creates a digital fingerprint of the image on your own device so that taking-part "
        "platforms can find and remove it. The image never leaves your device.",
        (Contact("takeitdown.ncmec.org", "https://takeitdown.ncmec.org/"),),
    ),
    Service(
        "Revenge Porn Helpline",
        "Adults (18 and over) in the UK",
        "Confidential advice, including when someone threatens to share images, and help "
        "getting them taken down. Monday to Friday, 10am to 4pm.",
        (
            Contact("Call 0345 6000 459", "tel:03456000459"),
            Contact("revengepornhelpline.org.uk", "https://revengepornhelpline.org.uk/"),
        ),
    ),
    Service(
        "StopNCII.org",
        "Adults (18 and over), anywhere",
        "Creates a digital fingerprint of an intimate image on your device so partner platforms "
        "can block it. Only the fingerprint is shared.",
        (Contact("stopncii.org", "https://stopncii.org/"),),
    ),
    Service(
        "Samaritans",
        "Anyone who is struggling",
        "Someone to talk to, day or night, free.",
        (Contact("Call 116 123", "tel:116123"),),
    ),
)
