"""``python -m bench --only import``: a 10,000-row Salesforce contacts CSV imported into 100 plans.

The corpus is the check benchmark's (100 medium plans, about half Chinese). The CSV has the columns of
Salesforce's standard contacts report; per account, 100 rows: the plan's own people (found by name,
with a new title) and new contacts (appended), a third of them reporting to one named earlier in the
file. ``kaplan import contacts.csv --from salesforce`` runs as a whole process, as a user runs it, on a
fresh copy of the plans each time; the verdict is the median of three. Target: ≤ 5 s.
"""

from __future__ import annotations

import csv
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.corpus import generate_corpus
from bench.startup import ENV

TARGET_S = 5.0
ROWS = 10_000
PLANS = 100
RUNS = 3
HEADER = [
    "Contact Owner",
    "First Name",
    "Last Name",
    "Title",
    "Account Name",
    "Department",
    "Phone",
    "Email",
    "Reports To",
    "Mailing City",
]


def contacts_csv(plans: list[Path], rows: int) -> bytes:
    """The report: ``rows`` contacts spread evenly over the plans' accounts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    per = rows // len(plans)
    for index, path in enumerate(plans):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        account = data["account"]["name"]
        known = [p["name"] for p in data.get("people", [])]
        for n in range(per):
            if n < len(known):
                first, last = "", known[n]  # the plan's own person: a new title
                email = ""
            else:
                first, last = f"Contact{n}", f"Account{index}"
                email = f"contact{n}.a{index}@example.com"
            manager = f"Contact{n // 3} Account{index}" if n % 3 == 0 and n // 3 >= len(known) else ""
            writer.writerow(
                [
                    "Anna Visser",
                    first,
                    last,
                    f"Engineer grade {n % 7}",
                    account,
                    "Operations",
                    "+31 10 555 0100",
                    email,
                    manager,
                    "Rotterdam",
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def run() -> bool:
    print(f"import: {ROWS:,}-row Salesforce contacts CSV into {PLANS} plans (kaplan import, whole process)")
    with tempfile.TemporaryDirectory(prefix="kaplan-bench-import-") as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        plans = generate_corpus(corpus, PLANS, 20261201)
        report = root / "contacts.csv"
        report.write_bytes(contacts_csv(plans, ROWS))
        times = []
        for attempt in range(RUNS):
            work = root / f"run-{attempt}"
            shutil.copytree(corpus, work / "plans")
            started = time.perf_counter()
            done = subprocess.run(
                [
                    str(Path(sys.executable).with_name("kaplan")),
                    "import",
                    str(report),
                    "--from",
                    "salesforce",
                ],
                cwd=work,
                env=ENV,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:])
                raise RuntimeError(f"kaplan import failed ({done.returncode})")
            summary = done.stdout.strip().splitlines()
        median = statistics.median(times)
    ok = median <= TARGET_S
    print(f"  {summary[-2] if len(summary) > 1 else summary[-1]}")
    print(f"  runs: {', '.join(f'{t:.2f} s' for t in times)}")
    print(f"  median {median:.2f} s against ≤ {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    return ok
