"""The burst's virtual learners: they join their class by its code and answer, on flaky wifi.

Each learner is what a pupil's browser does with htmx: GET /join/<code> (the CSRF cookie and
token), POST /join/<code> (a fresh anonymous learner, 303 to the first lesson), GET that lesson
and a question's page (the token bound to the new learner), then one POST per answer to the
question's own form (`POST /lessons/<slug>/quiz/<item id>`, course/quizzes/routes.py), at the
times its plan says. Most answers go as htmx sends them (`HX-Request: true`); some as a plain
form, as without JavaScript.

What counts as acknowledged (the app stored the answer, then answered): with htmx a 200 whose
fragment holds the item's feedback (`id="item-<id>-feedback"`, drawn from what the write
returned); as a plain form a 303 to the question's own page (sent only after the commit), whose
page then shows the feedback. Anything else is not an acknowledgement.

Faults, as school wifi makes them (each answer's first attempt; chosen with a seeded random):

    timeout    the client gives up waiting after 1 to 30 ms, then sends the same form again
    dropped    the whole request is sent on a raw socket, which is closed before any answer
    cut        half the request is sent, then the socket is closed
    double     the same POST twice at once (a double click)
    changed    after the acknowledgement, the same question again with another choice (the
               back button): the app must keep the first answer

Every request that fails without an answer (refused, reset, timed out) or with a 5xx is sent
again, the same form, after a growing pause, until it is acknowledged or the run's deadline
passes: as a pupil presses the button again. The server being killed, or its database
restarted, is met the same way.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx

from course.content.schema import BranchingItem, Catalogue, Item
from course.quizzes.items import read_submission
from tests.perf.bench import CSRF_INPUT, HOST, BenchError, get, start_learner

BAND = "14-18"
REQUEST_TIMEOUT = httpx.Timeout(15.0, pool=None)  # waiting for one of our connections is not
# a timeout: a browser has connections of its own
FAULTS = {"timeout": 0.05, "dropped": 0.03, "cut": 0.02, "double": 0.06}
CHANGED_MIND = 0.03
PLAIN_FORM = 0.15  # answers sent without htmx
BACKOFF_FIRST, BACKOFF_MAX = 0.1, 2.0


@dataclass(frozen=True)
class ItemForm:
    """One question's form as its page draws it: where it posts and the fields to fill."""

    slug: str
    item: Item
    action: str
    radios: dict[str, tuple[str, ...]]
    checkboxes: dict[str, tuple[str, ...]]
    selects: dict[str, tuple[str, ...]]

    def filled(self, rng: random.Random) -> dict[str, list[str]]:
        """A pupil's answer: one of each radio group, some boxes, each select a distinct place."""
        form: dict[str, list[str]] = {}
        for name, values in self.radios.items():
            form[name] = [rng.choice(values)]
        for name, values in self.checkboxes.items():
            form[name] = rng.sample(values, rng.randint(1, len(values)))
        places = [value for values in list(self.selects.values())[:1] for value in values]
        if len(places) == len(self.selects):  # an order item: positions 1..n, each once
            rng.shuffle(places)
            form |= {name: [place] for name, place in zip(self.selects, places, strict=True)}
        else:
            form |= {name: [rng.choice(values)] for name, values in self.selects.items()}
        return form


class FormFinder(HTMLParser):
    """The POST forms of a page: each one's action, inputs and selects."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._form: dict[str, object] | None = None
        self._select: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self._form = {"action": values.get("action", ""), "fields": []}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input":
            fields = self._form["fields"]
            assert isinstance(fields, list)
            fields.append((values.get("type", "text"), values.get("name", ""), values.get("value")))
        elif self._form is not None and tag == "select":
            self._select = []
            fields = self._form["fields"]
            assert isinstance(fields, list)
            fields.append(("select", values.get("name", ""), self._select))
        elif self._select is not None and tag == "option" and values.get("value"):
            self._select.append(values["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def parse_item_form(html: str, slug: str, item: Item) -> ItemForm:
    """The answer form of one question's page (not its chat's or its navigation's)."""
    action = f"/lessons/{slug}/quiz/{item.id}"
    finder = FormFinder()
    finder.feed(html)
    found = [f for f in finder.forms if urlsplit(str(f["action"])).path == action]
    if len(found) != 1:
        raise BenchError(f"{action} has {len(found)} answer forms on its page, not 1")
    radios: dict[str, list[str]] = {}
    boxes: dict[str, list[str]] = {}
    selects: dict[str, tuple[str, ...]] = {}
    fields = found[0]["fields"]
    assert isinstance(fields, list)
    for kind, name, value in fields:
        if kind == "radio":
            radios.setdefault(name, []).append(value)
        elif kind == "checkbox":
            boxes.setdefault(name, []).append(value)
        elif kind == "select":
            selects[name] = tuple(value)
    if not (radios or boxes or selects):
        raise BenchError(f"the form of {action} has nothing to answer with")
    return ItemForm(
        slug,
        item,
        action,
        {k: tuple(v) for k, v in radios.items()},
        {k: tuple(v) for k, v in boxes.items()},
        selects,
    )


def discover_forms(port: int, catalogue: Catalogue) -> list[ItemForm]:
    """Every answerable question of the band (chats are answered step by step, so not here),
    its form read from its real page, by a learner of its own who answers nothing."""
    cookie, _ = start_learner(port)
    forms = []
    for lesson in catalogue.lessons_for(BAND):
        quiz = catalogue.quiz(lesson.quiz) if lesson.quiz else None
        for item in quiz.items_for(BAND) if quiz else ():
            if isinstance(item, BranchingItem):
                continue
            page = get(port, f"/lessons/{lesson.slug}/quiz/{item.id}", {"Cookie": cookie})
            if page.status != 200:
                raise BenchError(f"the page of {lesson.slug}/{item.id} answered {page.status}")
            forms.append(parse_item_form(page.body.decode(), lesson.slug, item))  # type: ignore[attr-defined]
    return forms


@dataclass(frozen=True)
class Planned:
    """One answer a learner will give: when, which form, filled how, and the fault it meets."""

    due: float
    form: ItemForm
    fields: dict[str, list[str]]
    expected: str  # the choice the database must hold, as the app encodes it
    fault: str  # "" or one of FAULTS
    htmx: bool
    changed: dict[str, list[str]] | None  # a second answer after the acknowledgement


@dataclass
class Record:
    """What the learners saw: the client's own record, kept apart from the database."""

    began: float = field(default_factory=time.monotonic)
    deadline: float = 0.0
    sent: dict[tuple[int, str], str] = field(default_factory=dict)  # (learner, item) -> choice
    acked: dict[tuple[int, str], float] = field(default_factory=dict)  # -> when
    acks: list[tuple[float, float]] = field(default_factory=list)  # each acknowledged POST:
    # when it was sent, and when the acknowledgement came
    to_ack: list[float] = field(default_factory=list)  # first send to acknowledgement
    retries: Counter[str] = field(default_factory=Counter)  # by reason
    faults: Counter[str] = field(default_factory=Counter)  # injected, by kind
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[float] = field(default_factory=list)  # when each 5xx's request left
    problems: Counter[str] = field(default_factory=Counter)  # answers that make figures void
    notes: Counter[str] = field(default_factory=Counter)  # worth saying, harmless
    unsent: int = 0  # answers not sent: the deadline came first (or their learner never joined)
    gave_up: int = 0  # answers sent, not acknowledged by the deadline
    joined: int = 0
    cookies: dict[int, str] = field(default_factory=dict)  # learner -> its learner cookie

    def now(self) -> float:
        return time.monotonic() - self.began


class Outcome(Enum):
    ACK = "acknowledged"
    RETRY = "retry"
    FAIL = "fail"


Result = tuple[Outcome, str]
Schedule = tuple[list[float], list[list[Planned]]]  # each learner's join time, and answers


def plan(forms: list[ItemForm], learners: int, answers: int, seconds: float, seed: int) -> Schedule:
    """Each learner's join time and answers: distinct questions, due at random over the run."""
    if answers > learners * len(forms):
        raise BenchError(
            f"{answers} answers need more than the {len(forms)} questions of {learners} learners"
        )
    rng = random.Random(seed)
    joining = min(5.0, 0.15 * seconds)
    joins = [rng.uniform(0, joining) for _ in range(learners)]
    plans: list[list[Planned]] = []
    for index in range(learners):
        count = answers // learners + (index < answers % learners)
        start = rng.randrange(len(forms))
        chosen = [forms[(start + n) % len(forms)] for n in range(count)]
        dues = sorted(rng.uniform(joining, seconds) for _ in chosen)
        plans.append([planned(form, due, rng) for form, due in zip(chosen, dues, strict=True)])
    return joins, plans


def planned(form: ItemForm, due: float, rng: random.Random) -> Planned:
    """One answer, its fault drawn by weight."""
    fields = form.filled(rng)
    expected = read_submission(form.item, fields).choice  # the app's own encoding
    draw, fault = rng.random(), ""
    for kind, share in FAULTS.items():
        if draw < share:
            fault = kind
            break
        draw -= share
    changed = form.filled(rng) if rng.random() < CHANGED_MIND else None
    return Planned(due, form, fields, expected, fault, rng.random() >= PLAIN_FORM, changed)


class Learner:
    """One pupil's browser: its own cookies, on connections shared with the others."""

    def __init__(
        self,
        index: int,
        code: str,
        port: int,
        transport: httpx.AsyncHTTPTransport,
        slots: asyncio.Semaphore,
    ):
        self.index = index
        self.slots = slots  # one per connection: every request waits for one before it is sent
        self.code = code
        self.port = port
        self.origin = f"http://{HOST}:{port}"
        self.client = httpx.AsyncClient(
            base_url=self.origin,
            transport=transport,
            timeout=REQUEST_TIMEOUT,
            follow_redirects=False,
            trust_env=False,
        )
        self.token = ""
        self.rng = random.Random(index)
        self.answered = (0.0, 0.0)  # the last acknowledged POST: sent, answered

    async def run(self, record: Record, join_at: float, answers: list[Planned]) -> None:
        """Join, then give every planned answer."""
        await sleep_until(record, join_at)
        if not await self.join(record):
            record.unsent += len(answers)
            return
        for answer in answers:
            await sleep_until(record, answer.due)
            if record.now() > record.deadline:
                record.unsent += 1
                continue
            await self.answer(record, answer)

    async def join(self, record: Record) -> bool:
        """Join the class by its code, open the first lesson and a question; False if not."""
        page = await self.persist(record, "GET join", lambda: self.client.get(f"/join/{self.code}"))
        token = CSRF_INPUT.search(page.text) if page is not None else None
        if page is None or page.status_code != 200 or token is None:
            return self.failed(record, "GET join", page)
        form = {"csrf_token": token.group(1)}
        headers = {"Origin": self.origin}
        joined = await self.persist(
            record,
            "POST join",
            lambda: self.client.post(f"/join/{self.code}", data=form, headers=headers),
        )
        lesson = urlsplit(joined.headers.get("location", "")).path if joined else ""
        if joined is None or joined.status_code != 303 or not lesson.startswith("/lessons/"):
            return self.failed(record, "POST join", joined)
        record.cookies[self.index] = self.client.cookies.get("course_learner") or ""
        record.joined += 1
        opened = await self.persist(record, "GET lesson", lambda: self.client.get(lesson))
        if opened is None or opened.status_code != 200:
            return self.failed(record, "GET lesson", opened)
        question = await self.persist(
            record, "GET question", lambda: self.client.get(f"{lesson}/quiz")
        )
        token = CSRF_INPUT.search(question.text) if question is not None else None
        if question is None or question.status_code != 200 or token is None:
            return self.failed(record, "GET question", question)
        self.token = token.group(1)
        return True

    def failed(self, record: Record, step: str, response: httpx.Response | None) -> bool:
        """Note why this learner could not go on (the deadline is no problem, an answer is)."""
        if response is None:
            record.notes[f"learners still at {step} at the deadline"] += 1
        else:
            record.problems[f"{step}: {response.status_code}"] += 1
        return False

    async def persist(
        self, record: Record, step: str, send: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response | None:
        """Send until an answer that is not a 5xx comes, or the deadline; None at the deadline."""
        attempt = 0
        while record.now() < record.deadline:
            try:
                async with self.slots:
                    sent_at = record.now()
                    response = await send()
            except httpx.HTTPError as error:
                reason = failure_reason(error)
            else:
                record.statuses[response.status_code] += 1
                if response.status_code < 500:
                    return response
                record.server_errors.append(sent_at)
                reason = str(response.status_code)
            attempt += 1
            record.retries[f"{step}: {reason}"] += 1
            await asyncio.sleep(backoff(attempt, self.rng))
        return None

    async def answer(self, record: Record, answer: Planned) -> None:
        """One answer, sent until acknowledged; then, for some, a change of mind."""
        key = (self.index, answer.form.item.id)
        record.sent[key] = answer.expected
        if answer.fault:
            record.faults[answer.fault] += 1
        first, attempt = record.now(), 0
        while True:
            outcome, reason = await self.attempt(
                record, answer, answer.fault if not attempt else ""
            )
            if outcome is Outcome.ACK:
                record.acked[key] = self.answered[1]
                record.acks.append(self.answered)
                record.to_ack.append(self.answered[1] - first)
                break
            if outcome is Outcome.FAIL:
                record.problems[f"answer: {reason}"] += 1
                return
            attempt += 1
            record.retries[f"answer: {reason}"] += 1
            if record.now() > record.deadline:
                record.gave_up += 1
                return
            await asyncio.sleep(backoff(attempt, self.rng))
        if answer.changed is not None:
            await self.change_mind(record, answer)

    async def change_mind(self, record: Record, answer: Planned) -> None:
        """The same question again with another choice: acknowledged, and nothing changes."""
        record.faults["changed"] += 1
        again = Planned(answer.due, answer.form, answer.changed or {}, "", "", True, None)
        attempt = 0
        while record.now() < record.deadline:
            outcome, reason = await self.attempt(record, again, "")
            if outcome is Outcome.ACK:
                return
            if outcome is Outcome.FAIL:
                record.problems[f"changed answer: {reason}"] += 1
                return
            attempt += 1
            record.retries[f"changed answer: {reason}"] += 1
            await asyncio.sleep(backoff(attempt, self.rng))

    async def attempt(self, record: Record, answer: Planned, fault: str) -> Result:
        """One attempt at an answer, with the fault it meets (none on a retry)."""
        data = {**answer.fields, "csrf_token": [self.token]}
        headers = {"Origin": self.origin} | ({"HX-Request": "true"} if answer.htmx else {})
        if fault in ("dropped", "cut"):
            request = self.client.build_request(
                "POST", answer.form.action, data=data, headers=headers
            )
            return await self.raw(request, fault)
        if fault == "double":
            both = await asyncio.gather(
                self.post(record, answer, data, headers, None),
                self.post(record, answer, data, headers, None),
            )
            for outcome, reason in both:
                if outcome is Outcome.FAIL:
                    record.problems[f"answer (double): {reason}"] += 1
            if any(outcome is Outcome.ACK for outcome, _ in both):
                return Outcome.ACK, ""
            return next(((o, r) for o, r in both if o is Outcome.RETRY), both[0])
        timeout = None
        if fault == "timeout":
            timeout = httpx.Timeout(15.0, read=self.rng.uniform(0.001, 0.03), pool=None)
        return await self.post(record, answer, data, headers, timeout)

    async def post(
        self,
        record: Record,
        answer: Planned,
        data: dict[str, list[str]],
        headers: dict[str, str],
        timeout: httpx.Timeout | None,
    ) -> Result:
        """POST the form; whether the answer was acknowledged, is worth sending again, or not."""
        try:
            async with self.slots:
                sent_at = record.now()
                response = await self.client.post(
                    answer.form.action,
                    data=data,
                    headers=headers,
                    timeout=timeout or REQUEST_TIMEOUT,
                )
        except httpx.HTTPError as error:
            injected = " (injected)" if timeout is not None else ""
            return Outcome.RETRY, failure_reason(error) + injected
        answered = record.now()
        record.statuses[response.status_code] += 1
        if response.status_code >= 500:
            record.server_errors.append(sent_at)
            return Outcome.RETRY, str(response.status_code)
        item_id = answer.form.item.id
        feedback = f'id="item-{item_id}-feedback"'
        if answer.htmx:
            if response.status_code == 200 and feedback in response.text:
                self.answered = (sent_at, answered)
                return Outcome.ACK, ""
            return Outcome.FAIL, f"{response.status_code} without the feedback"
        location = urlsplit(response.headers.get("location", "")).path
        if response.status_code != 303 or location != answer.form.action:
            return Outcome.FAIL, f"{response.status_code} to {location or 'nowhere'}"
        self.answered = (sent_at, answered)
        await self.follow(record, location, feedback)
        return Outcome.ACK, ""

    async def follow(self, record: Record, location: str, feedback: str) -> None:
        """Open the page a plain form was sent to, as a browser does (reloading it after an
        error, as a pupil would): it shows the feedback."""
        page = await self.persist(
            record, "GET page after a plain answer", lambda: self.client.get(location)
        )
        if page is not None and (page.status_code != 200 or feedback not in page.text):
            record.problems[f"page after a plain answer: {page.status_code} without feedback"] += 1

    async def raw(self, request: httpx.Request, fault: str) -> Result:
        """Send the request (all of it, or half) on a socket of its own, then close it."""
        head = [f"{request.method} {request.url.raw_path.decode()} HTTP/1.1"]
        head += [f"{name}: {value}" for name, value in request.headers.multi_items()]
        body = request.read()
        whole = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        sent = whole if fault == "dropped" else whole[: len(whole) - len(body) // 2 - 1]
        async with self.slots:
            try:
                reader, writer = await asyncio.open_connection(HOST, self.port)
            except OSError:
                return Outcome.RETRY, "refused"
            try:
                writer.write(sent)
                await writer.drain()
                await asyncio.sleep(self.rng.uniform(0, 0.05))  # the server may read it, or not
            except OSError:
                pass
            finally:
                writer.transport.abort()
            del reader
        return Outcome.RETRY, f"{fault} connection (injected)"


def failure_reason(error: httpx.HTTPError) -> str:
    """A request that got no answer, by what the client saw."""
    if isinstance(error, httpx.ConnectError):
        return "refused"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "dropped connection"
    return type(error).__name__


def backoff(attempt: int, rng: random.Random) -> float:
    """The pause before sending again: growing, with jitter, so retries do not come in waves."""
    pause: float = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (attempt - 1))
    return pause * rng.uniform(0.5, 1.5)


async def sleep_until(record: Record, moment: float) -> None:
    """Wait until `moment` seconds into the run (at once if it has passed)."""
    delay = moment - record.now()
    if delay > 0:
        await asyncio.sleep(delay)
