"""Load on the real server: customers sending the form while staff keep the board open.

    .venv/bin/python bench/http_load.py                                   # temp SQLite
    .venv/bin/python bench/http_load.py --database-url postgres://postgres@127.0.0.1:5432/load
    .venv/bin/python bench/http_load.py --customers 20 --staff 10 --seconds 30

Sets up a throw-away installation the way `make run` does (`portal migrate`, `portal demo`,
one more agent from `portal create-user`), starts `portal serve` (uvicorn, one worker) on a
free loopback port, then for ``--seconds``:

* ``--customers`` simulated customers, each in a loop: open the form (GET), send it with a
  complaint (POST, the real CSRF and submission tokens), follow to the confirmation page;
* ``--staff`` signed-in agents, each in a loop: load the board, as the page's 10 s poll would
  if everyone watched at once (no think time: this is a stress figure, not a usage model).

It prints requests per second and latency percentiles per kind of request, how many items
the database gained, and any error answers. The load generator runs on the same 2-core
machine as the server, so the figures are a floor for what a real server would do.
A PostgreSQL database given with --database-url must be empty (it is migrated and filled).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PORTAL = str(Path(sys.executable).with_name("portal"))
PASSWORD = "load test password 1"  # noqa: S105 -- a throw-away installation's account
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SUBMISSION = re.compile(r'name="submission_token" value="([^"]*)"')
_FIRST_TOPIC = re.compile(
    r'<select id="category"[^>]*>\s*<option value="">[^<]*</option>\s*'
    r'<option value="([^"]+)"'
)

COMPLAINTS = [
    "My order arrived broken and nobody answers the phone. I want a refund.",
    "Still waiting for the refund you promised two weeks ago. This is unacceptable.",
    "The app logged me out three times today and I lost my basket.",
    "Your driver left the parcel in the rain, everything is soaked.",
    "Why was I charged twice for the same order?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """Latencies and answers per kind of request."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    async def request(
        self, client: httpx.AsyncClient, kind: str, method: str, url: str, **kwargs: object
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as error:
            self.errors[f"{kind}: {type(error).__name__}"] += 1
            return None
        self.latencies[kind].append(time.perf_counter() - started)
        if response.status_code >= 400:
            self.errors[f"{kind}: HTTP {response.status_code}"] += 1
        return response


async def customer(base: str, recorder: Recorder, until: float, number: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        sent = 0
        while time.perf_counter() < until:
            form = await recorder.request(client, "GET form", "GET", "/feedback/new")
            if form is None or form.status_code != 200:
                continue
            topic = _FIRST_TOPIC.search(form.text)
            data = {
                "csrf_token": _CSRF.search(form.text).group(1),  # type: ignore[union-attr]
                "submission_token": _SUBMISSION.search(form.text).group(1),  # type: ignore[union-attr]
                "kind": "complaint",
                "category": topic.group(1) if topic else "",
                "name": f"Load customer {number}",
                "email": f"load{number}.{sent}@example.com",
                "subject": f"Load test {number}/{sent}",
                "message": COMPLAINTS[(number + sent) % len(COMPLAINTS)],
                "website": "",
            }
            answer = await recorder.request(client, "POST form", "POST", "/feedback", data=data)
            if answer is not None and answer.status_code in (302, 303):
                await recorder.request(
                    client, "GET confirmation", "GET", answer.headers["location"]
                )
            sent += 1


async def staff_member(base: str, recorder: Recorder, until: float, email: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        page = await client.get("/staff/sign-in")
        token = _CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        signed_in = await client.post(
            "/staff/sign-in",
            data={"csrf_token": token, "email": email, "password": PASSWORD, "next": ""},
        )
        if signed_in.status_code not in (302, 303):
            raise SystemExit(f"{email} could not sign in: HTTP {signed_in.status_code}")
        while time.perf_counter() < until:
            await recorder.request(client, "GET board", "GET", "/staff/board")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(recorder: Recorder, seconds: float) -> None:
    print(f"\n{'request':<18}{'count':>8}{'per s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in sorted(recorder.latencies.items()):
        print(
            f"{kind:<18}{len(values):>8}{len(values) / seconds:>9.1f}"
            f"{statistics.median(values) * 1000:>9.0f}{percentile(values, 0.95) * 1000:>9.0f}"
            f"{percentile(values, 0.99) * 1000:>9.0f}"
        )
    if recorder.errors:
        print("errors:", dict(recorder.errors))
    else:
        print("errors: none")


def run_portal(env: dict[str, str], *args: str) -> None:
    # Our own console command with fixed arguments.
    subprocess.run([PORTAL, *args], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603


async def count_items(base_env: dict[str, str]) -> int:
    from tortoise import Tortoise

    from portal.settings import load_settings

    settings = load_settings(database_url=base_env["DATABASE_URL"])
    await Tortoise.init(config=settings.tortoise_config())
    try:
        from feedback.models import FeedbackItem

        return await FeedbackItem.all().count()
    finally:
        await Tortoise.close_connections()


async def load(base: str, args: argparse.Namespace, staff_emails: list[str]) -> Recorder:
    recorder = Recorder()
    until = time.perf_counter() + args.seconds
    tasks = [customer(base, recorder, until, n) for n in range(args.customers)]
    tasks += [staff_member(base, recorder, until, staff_emails[n]) for n in range(args.staff)]
    await asyncio.gather(*tasks)
    return recorder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--customers", type=int, default=10)
    parser.add_argument("--staff", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="http-load-") as var_dir:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=args.database_url or f"sqlite://{var_dir}/load.db",
            PORTAL_VAR_DIR=var_dir,
            PORTAL_SECRET_KEY="load-test-secret-key",  # noqa: S106 -- throw-away installation
            PORTAL_SUBMISSIONS_PER_HOUR="1000000",  # every simulated customer shares 127.0.0.1
            PORTAL_FORM_MIN_SECONDS="0",  # simulated customers send the form at once
            PORTAL_NEW_PASSWORD=PASSWORD,
        )
        run_portal(env, "migrate")
        run_portal(env, "demo")
        staff_emails = [f"load.agent{n}@example.com" for n in range(args.staff)]
        for email in staff_emails:
            run_portal(env, "create-user", email, email.split("@")[0], "--role", "agent")
        before = asyncio.run(count_items(env))
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 -- our own console command
            [PORTAL, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code < 500:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            print(
                f"database: {env['DATABASE_URL'].split('@')[-1]}; {args.customers} customers and "
                f"{args.staff} staff for {args.seconds:.0f} s against one uvicorn worker"
            )
            recorder = asyncio.run(load(base, args, staff_emails))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        report(recorder, args.seconds)
        after = asyncio.run(count_items(env))
        sent = len(recorder.latencies["POST form"])
        print(
            f"items in the database: {before:,} -> {after:,} "
            f"(+{after - before:,} for {sent:,} posts)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
