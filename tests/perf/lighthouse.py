"""Lighthouse (mobile defaults) on the home, a lesson and the help page: scores and bytes.

Run it with `make lighthouse` (which installs Lighthouse into .lighthouse/ first) or
`.venv/bin/python -m tests.perf.lighthouse [--runs 3]`. It serves the app (`course serve`, a
fresh SQLite file) on 127.0.0.1, starts a 14-18 learner over HTTP as a browser would, and runs
Lighthouse's command line with Debian's Chromium on each page: its default mobile emulation and
simulated throttling, the learner's cookie sent with every request of the lesson and help pages.
It prints each page's four category scores and the bytes it transferred, then every audit that
did not pass, and exits 1 when a score is under the bar (performance 0.95, the others 1.0) or a
lesson transfers 60 kB or more. The reports (HTML and JSON) stay in bench-results/lighthouse/.
This is a script, not a pytest test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.perf.bench import (
    HOST,
    BenchError,
    Server,
    course_env,
    migrate,
    raise_on_sigterm,
    serve_course,
    start_learner,
    stop,
    wait_until_up,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = Path(
    os.environ.get("LIGHTHOUSE", REPO_ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse")
)
CHROMIUM = Path("/usr/bin/chromium")
# The flags every headless Chromium here runs with (as the browser tests and the film use).
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
REPORTS = REPO_ROOT / "bench-results" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BARS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
LESSON_BYTES_LIMIT = 60_000
# The five metrics the performance score is made of, and how to show each one's value.
METRICS = {
    "first-contentful-paint": "FCP {:.2f} s",
    "largest-contentful-paint": "LCP {:.2f} s",
    "total-blocking-time": "TBT {:.0f} ms",
    "cumulative-layout-shift": "CLS {:.3f}",
    "speed-index": "SI {:.2f} s",
}
IN_SECONDS = ("first-contentful-paint", "largest-contentful-paint", "speed-index")
SCORED_MODES = ("binary", "numeric", "metricSavings")
RUN_TIMEOUT = 180
ATTEMPTS = 3


@dataclass(frozen=True)
class Target:
    """One page to audit, and whether it is sent with the learner's cookie."""

    name: str
    path: str
    cookie: str = ""


@dataclass
class Outcome:
    """What the runs on one page found: median scores, bytes, metrics and failing audits."""

    target: Target
    scores: dict[str, float | None]
    transferred: int
    metrics: list[str]
    benchmark: float
    failing: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: how many runs per page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median scores)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be ≥ 1")
    return args


def run_lighthouse(url: str, cookie: str, report: Path) -> dict[str, Any]:
    """Lighthouse on a URL, tried again when the run itself broke (a lost trace, on a busy
    machine: NO_NAVSTART, NO_FCP); return the report."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return run_once(url, cookie, report)
        except BenchError as error:
            if attempt == ATTEMPTS:
                raise
            last_line = str(error).strip().splitlines()[-1]
            print(f"    attempt {attempt} broke, trying again: {last_line}", flush=True)
    raise AssertionError("unreachable")


def run_once(url: str, cookie: str, report: Path) -> dict[str, Any]:
    """Run Lighthouse once on a URL with its defaults (mobile); return the report (LHR)."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        "--output=json",
        "--output=html",
        f"--output-path={report}",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = dict(os.environ)
    if CHROMIUM.exists():
        env.setdefault("CHROME_PATH", str(CHROMIUM))
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    json_report = report.with_name(report.name + ".report.json")
    if done.returncode != 0 or not json_report.exists():
        raise BenchError(f"lighthouse failed on {url}:\n{done.stdout}{done.stderr}")
    lhr: dict[str, Any] = json.loads(json_report.read_text(encoding="utf-8"))
    if lhr.get("runtimeError"):
        raise BenchError(f"lighthouse could not load {url}: {lhr['runtimeError']}")
    return lhr


def failing_audits(lhr: dict[str, Any]) -> dict[str, str]:
    """Every scored audit under 1 but the metrics, and every audit that could not run, by id:
    what it says."""
    categories_of: dict[str, list[str]] = {}
    for name, category in lhr["categories"].items():
        for ref in category["auditRefs"]:
            weight = f"{name}, weight {ref['weight']}" if ref["weight"] else f"{name}, unweighted"
            categories_of.setdefault(ref["id"], []).append(weight)
    found = {}
    for audit_id, audit in lhr["audits"].items():
        mode = audit.get("scoreDisplayMode")
        failed = mode in SCORED_MODES and audit.get("score") is not None and audit["score"] < 1
        if audit_id in METRICS or (not failed and mode != "error"):
            continue  # the metrics are shown on a line of their own
        said = audit.get("errorMessage") or audit.get("explanation") or audit.get("displayValue")
        where = "; ".join(categories_of.get(audit_id, ["no category"]))
        score = "could not run" if mode == "error" else f"score {audit['score']:.2f}"
        found[audit_id] = f"{audit['title']} ({score}; {where})" + (f": {said}" if said else "")
    return found


def audit_page(port: int, target: Target, runs: int) -> Outcome:
    """Run Lighthouse `runs` times on one page; the median of each score."""
    url = f"http://{HOST}:{port}{target.path}"
    reports: list[dict[str, Any]] = []
    for number in range(runs):
        print(f"  {target.name}: {url} (run {number + 1} of {runs}) …", flush=True)
        suffix = f"-{number + 1}" if runs > 1 else ""
        reports.append(run_lighthouse(url, target.cookie, REPORTS / f"{target.name}{suffix}"))
    scores: dict[str, float | None] = {}
    for name in CATEGORIES:
        values = [lhr["categories"][name]["score"] for lhr in reports]
        known = [value for value in values if value is not None]
        scores[name] = statistics.median(known) if len(known) == len(values) else None
    outcome = Outcome(
        target,
        scores,
        transferred=int(max(lhr["audits"]["total-byte-weight"]["numericValue"] for lhr in reports)),
        metrics=[median_metric(reports, name) for name in METRICS],
        benchmark=statistics.median(lhr["environment"]["benchmarkIndex"] for lhr in reports),
    )
    for lhr in reports:
        outcome.failing |= failing_audits(lhr)
        outcome.warnings += [w for w in lhr.get("runWarnings", []) if w not in outcome.warnings]
    return outcome


def median_metric(reports: list[dict[str, Any]], name: str) -> str:
    """One metric's median value over the runs, and the median of its score."""
    audits = [lhr["audits"][name] for lhr in reports]
    value = statistics.median(audit["numericValue"] for audit in audits)
    score = statistics.median(audit["score"] or 0 for audit in audits)
    shown = METRICS[name].format(value / 1000 if name in IN_SECONDS else value)
    return f"{shown} (score {score:.2f})"


def print_results(outcomes: list[Outcome], version: str, runs: int) -> None:
    """The scores table, the metrics, then every audit that did not pass."""
    print()
    print(f"Lighthouse {version}, mobile defaults (simulated throttling), {runs} run(s) per page")
    header = "".join(f"{name:>16}" for name in CATEGORIES)
    print(f"{'page':<10}{'path':<34}{header}{'transferred':>14}")
    for outcome in outcomes:
        cells = "".join(
            f"{'error' if score is None else f'{score:.2f}':>16}"
            for score in outcome.scores.values()
        )
        shown = outcome.target.path[:33]
        print(f"{outcome.target.name:<10}{shown:<34}{cells}{outcome.transferred / 1000:>11.1f} kB")
    for outcome in outcomes:
        print()
        print(f"{outcome.target.name} (median of runs): {', '.join(outcome.metrics)}")
        print(f"  machine speed (benchmarkIndex, median of runs): {outcome.benchmark:.0f}")
        for warning in outcome.warnings:
            print(f"  warning: {warning}")
        for audit_id, said in sorted(outcome.failing.items()):
            print(f"  not passed: {audit_id}: {said}")
        if not outcome.failing:
            print("  every scored audit passed")


def problems(outcomes: list[Outcome]) -> list[str]:
    """Every score under its bar, and a lesson page over its weight budget."""
    found = []
    for outcome in outcomes:
        for name, score in outcome.scores.items():
            if score is None or score < BARS[name]:
                shown = "error" if score is None else f"{score:.2f}"
                found.append(f"{outcome.target.name}: {name} {shown} < {BARS[name]}")
        if outcome.target.name == "lesson" and outcome.transferred >= LESSON_BYTES_LIMIT:
            found.append(
                f"lesson: {outcome.transferred / 1000:.1f} kB ≥ {LESSON_BYTES_LIMIT / 1000:.0f} kB"
            )
    return found


def audit(args: argparse.Namespace, tmp: Path, servers: list[Server]) -> int:
    """Serve the app, start a learner, audit the three pages; return the exit code."""
    env = course_env(tmp)
    migrate(env)
    servers.append(serve_course(env, 1, tmp))
    wait_until_up(servers[0])
    port = servers[0].port
    cookie, lesson_path = start_learner(port)
    targets = [Target("home", "/"), Target("lesson", lesson_path, cookie)]
    targets.append(Target("help", "/help", cookie))
    REPORTS.mkdir(parents=True, exist_ok=True)
    for old in REPORTS.glob("*.report.*"):
        old.unlink()
    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(f"auditing with Lighthouse {version}; reports in {REPORTS} …", flush=True)
    outcomes = [audit_page(port, target, args.runs) for target in targets]
    print_results(outcomes, version, args.runs)
    found = problems(outcomes)
    print()
    for problem in found:
        print(f"FAIL {problem}", file=sys.stderr)
    print("every bar met" if not found else f"{len(found)} bar(s) not met", flush=True)
    return 1 if found else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Audit once; always stop the server."""
    args = parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"no Lighthouse at {LIGHTHOUSE}: `make lighthouse` installs it", file=sys.stderr)
        return 1
    raise_on_sigterm()
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="course-lighthouse-") as tmp:
        try:
            return audit(args, Path(tmp), servers)
        except (BenchError, subprocess.TimeoutExpired) as error:
            print(f"FAIL {error}", file=sys.stderr)
            return 1
        finally:
            for server in servers:
                stop(server)


if __name__ == "__main__":
    sys.exit(main())
