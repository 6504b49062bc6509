"""Time to build a briefing PDF with 5,000 indicators and 300 ATT&CK techniques (target: at most 5 s).

Prints the time, the page count, and the ratio to a reference run in the same process (the sample briefing, 12
indicators and 6 techniques), so figures from a loaded machine can still be compared.

    PYTHONPATH=. python benchmarks/bench_reports.py
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from workbench.services.reports import TechniqueRow, render, samples
from workbench.services.reports.charts import TACTIC_ORDER

INDICATORS = 5_000
TECHNIQUES = 300
RUNS = 3


def techniques(count: int) -> list[TechniqueRow]:
    tactics = [
        t
        for t in TACTIC_ORDER
        if t
        not in (
            "evasion",
            "inhibit-response-function",
            "impair-process-control",
            "network-effects",
            "remote-service-effects",
        )
    ]
    return [
        TechniqueRow(
            f"T{1000 + n // 3}.{n % 3 + 1:03d}",
            f"Technique number {n}",
            (tactics[n % len(tactics)],) + ((tactics[(n * 7) % len(tactics)],) if n % 5 == 0 else ()),
            f"Observed in intrusion {n % 17}: the actor ran a staged loader",
            "v18",
            1 + n % 6,
        )
        for n in range(count)
    ]


def timed(label: str, build) -> tuple[float, int]:
    times, pages = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        rendered = build()
        times.append(time.perf_counter() - start)
        pages = rendered.pages
    best = min(times)
    print(f"{label:58s} best {best:6.2f} s  median {statistics.median(times):6.2f} s  {pages:4d} pages")
    return best, pages


def main() -> None:
    as_of = samples.T0 + timedelta(days=5)
    reference, _ = timed(
        "reference: sample briefing (12 indicators, 6 techniques)",
        lambda: render(samples.briefing(), report_id="RPT-BENCH", generated_at=as_of),
    )
    large = samples.briefing(indicator_count=INDICATORS, techniques=techniques(TECHNIQUES))
    seconds, pages = timed(
        f"briefing: {INDICATORS:,} indicators, {TECHNIQUES} techniques",
        lambda: render(large, report_id="RPT-BENCH", generated_at=as_of),
    )
    print(
        f"ratio to reference: {seconds / reference:.1f}x; target at most 5 s: "
        f"{'met' if seconds <= 5 else 'NOT met'} ({seconds:.2f} s, {pages} pages)"
    )


if __name__ == "__main__":
    main()
