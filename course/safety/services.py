"""The help directory: services by country, UK first, with who each is for and how to reach it."""

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


UK: tuple[Service, ...] = (
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

IRELAND: tuple[Service, ...] = (
    Service(
        "An Garda Síochána (police)",
        "Everyone in Ireland",
        "In an emergency call 112 or 999. Otherwise contact your local Garda station to report "
        "a threat to share images.",
        (Contact("Call 112 (emergency)", "tel:112"),),
    ),
    Service(
        "Childline (ISPCC)",
        "Children and young people in Ireland",
        "Free, confidential support by phone, text or online chat, day and night.",
        (
            Contact("Call 1800 66 66 66", "tel:1800666666"),
            Contact("childline.ie", "https://www.childline.ie/"),
        ),
    ),
    Service(
        "Hotline.ie",
        "Everyone in Ireland",
        "Report images of children or intimate images shared without consent, so they can be "
        "removed.",
        (Contact("hotline.ie", "https://hotline.ie/"),),
    ),
)

US: tuple[Service, ...] = (
    Service(
        "NCMEC CyberTipline",
        "Anyone reporting the sexual exploitation of a child",
        "Report online blackmail of a child. NCMEC also supports victims and families.",
        (
            Contact("report.cybertip.org", "https://report.cybertip.org/"),
            Contact("Call 1-800-843-5678", "tel:18008435678"),
        ),
    ),
    Service(
        "Take It Down (NCMEC)",
        "Images taken when you were under 18",
        "Creates a digital fingerprint of the image on your own device so that taking-part "
        "platforms can find and remove it. Anonymous.",
        (Contact("takeitdown.ncmec.org", "https://takeitdown.ncmec.org/"),),
    ),
    Service(
        "FBI",
        "Everyone in the US",
        "Report sextortion to the FBI by phone or online. In an emergency call 911.",
        (
            Contact("tips.fbi.gov", "https://tips.fbi.gov/"),
            Contact("Call 1-800-225-5324", "tel:18002255324"),
        ),
    ),
)

CANADA: tuple[Service, ...] = (
    Service(
        "Cybertip.ca",
        "Everyone in Canada",
        "Canada's tipline for reporting the online sexual exploitation of children, with "
        "advice on what to do next.",
        (
            Contact("cybertip.ca", "https://www.cybertip.ca/"),
            Contact("Call 1-866-658-9022", "tel:18666589022"),
        ),
    ),
    Service(
        "NeedHelpNow.ca",
        "Young people whose images have been shared",
        "Step-by-step help to get images taken down and to cope with what is happening.",
        (Contact("needhelpnow.ca", "https://needhelpnow.ca/"),),
    ),
    Service(
        "Kids Help Phone",
        "Young people in Canada",
        "Free, confidential support by phone or text, any time.",
        (Contact("kidshelpphone.ca", "https://kidshelpphone.ca/"),),
    ),
)

AUSTRALIA: tuple[Service, ...] = (
    Service(
        "ACCCE (Australian Federal Police)",
        "Under-18s, or an adult for them",
        "Report online child sexual exploitation, including sextortion. Young people will "
        "not be in trouble for asking for help.",
        (Contact("accce.gov.au", "https://www.accce.gov.au/"),),
    ),
    Service(
        "eSafety Commissioner",
        "Adults (18 and over)",
        "Report image-based abuse, including threats to share; eSafety can ask for images "
        "to be removed.",
        (Contact("esafety.gov.au", "https://www.esafety.gov.au/"),),
    ),
    Service(
        "Kids Helpline",
        "Young people aged 5 to 25",
        "Free, private counselling by phone or online, any time.",
        (Contact("Call 1800 55 1800", "tel:1800551800"),),
    ),
    Service(
        "Lifeline",
        "Anyone who is struggling",
        "Crisis support, day or night. In an emergency call 000.",
        (Contact("Call 13 11 14", "tel:131114"), Contact("Call 000 (emergency)", "tel:000")),
    ),
)

NEW_ZEALAND: tuple[Service, ...] = (
    Service(
        "Netsafe",
        "Everyone in New Zealand",
        "Free, confidential help with online harm, including threats to share images.",
        (
            Contact("netsafe.org.nz", "https://netsafe.org.nz/"),
            Contact("Call 0508 638 723", "tel:0508638723"),
        ),
    ),
    Service(
        "New Zealand Police",
        "Everyone in New Zealand",
        "Call 111 in an emergency, or 105 to report a crime that is not urgent.",
        (Contact("Call 111 (emergency)", "tel:111"), Contact("Call 105", "tel:105")),
    ),
    Service(
        "Youthline",
        "Young people in New Zealand",
        "Free support by phone, text or web chat.",
        (Contact("Call 0800 376 633", "tel:0800376633"),),
    ),
)

INTERNATIONAL: tuple[Service, ...] = (
    Service(
        "Take It Down",
        "Images taken when you were under 18, anywhere",
        "Blocks the image on taking-part platforms using a fingerprint made on your device.",
        (Contact("takeitdown.ncmec.org", "https://takeitdown.ncmec.org/"),),
    ),
    Service(
        "StopNCII.org",
        "Adults (18 and over), anywhere",
        "Blocks intimate images on partner platforms using a fingerprint made on your device.",
        (Contact("stopncii.org", "https://stopncii.org/"),),
    ),
    Service(
        "INHOPE hotlines",
        "Anyone, in about 45 countries",
        "Find your country's hotline for reporting child sexual abuse material.",
        (Contact("inhope.org", "https://www.inhope.org/"),),
    ),
    Service(
        "Child Helpline International",
        "Children and young people, worldwide",
        "Find the free child helpline in your country.",
        (Contact("childhelplineinternational.org", "https://childhelplineinternational.org/"),),
    ),
)


@dataclass(frozen=True)
class Country:
    """A country (or "anywhere") on the help page, with its services."""

    code: str
    name: str
    services: tuple[Service, ...]


COUNTRIES: dict[str, Country] = {
    country.code: country
    for country in (
        Country("uk", "the UK", UK),
        Country("ie", "Ireland", IRELAND),
        Country("us", "the US", US),
        Country("ca", "Canada", CANADA),
        Country("au", "Australia", AUSTRALIA),
        Country("nz", "New Zealand", NEW_ZEALAND),
        Country("intl", "anywhere else", INTERNATIONAL),
    )
}
