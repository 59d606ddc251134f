"""How long the public form takes with the largest files it accepts, and what it costs.

Run from the repository root::

    python bench/attachments_bench.py [--files 5] [--mib 10] [--rounds 3] [--database URL]

A fresh database (a temporary SQLite file unless ``--database`` is given) is migrated; the
app is called in-process over HTTP (httpx's ASGI transport, as the tests do). Each round
sends the feedback form with ``--files`` different PDFs of ``--mib`` MiB each, then sends the
same files again on a second item (stored once: content-addressed) and downloads one. It
prints the median time per step, the bytes on disk and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import dataclasses  # noqa: E402

import httpx  # noqa: E402

from bench.bench_db import bench_database  # noqa: E402
from portal.app import create_app  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _form(n: int) -> dict[str, str]:
    return {
        "kind": "complaint",
        "category": "Product",
        "name": "Bench Customer",
        "email": f"bench{n}@example.com",
        "subject": "Broken on arrival",
        "message": "Photos and the receipt are attached.",
        "submission_token": f"bench-{n}-{os.urandom(4).hex()}",
    }


async def run(files: int, mib: int, rounds: int, database: str) -> None:
    async with bench_database(database, "attachments-bench-") as settings:
        settings = dataclasses.replace(settings, submissions_per_hour=10_000, form_min_seconds=0)
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app)
        times: dict[str, list[float]] = {"new files": [], "same files again": [], "download": []}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for r in range(rounds):
                payload = [
                    ("files", (f"scan{i}.pdf", b"%PDF-1.7\n" + os.urandom(mib * 2**20 - 9), ""))
                    for i in range(files)
                ]
                for step in ("new files", "same files again"):
                    token = CSRF.search((await client.get("/feedback/new")).text).group(1)
                    started = time.perf_counter()
                    response = await client.post(
                        "/feedback",
                        data={"csrf_token": token, **_form(r * 2 + len(times[step]))},
                        files=payload,
                    )
                    times[step].append(time.perf_counter() - started)
                    assert response.status_code == 303, response.text[:300]
                tracking = response.headers["location"].replace("/feedback/thanks/", "/t/")
                page = (await client.get(tracking)).text
                link = re.search(r'href="[^"]*(/t/[^"]+/files/\d+)"', page).group(1)
                started = time.perf_counter()
                download = await client.get(link)
                times["download"].append(time.perf_counter() - started)
                assert download.status_code == 200 and len(download.content) == mib * 2**20
        on_disk = sum(p.stat().st_size for p in settings.attachment_dir.rglob("*") if p.is_file())
        print(f"{files} files of {mib} MiB per form, {rounds} rounds")
        for step, values in times.items():
            print(f"  {step:>17}: median {statistics.median(values) * 1000:7.0f} ms")
        print(f"  bytes on disk: {on_disk / 2**20:.0f} MiB for {rounds * 2 * files} files sent")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory of the process: {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--mib", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    asyncio.run(run(args.files, args.mib, args.rounds, args.database))


if __name__ == "__main__":
    main()
