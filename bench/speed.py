"""In-process speed of the course's hot paths, each against a baseline measured in the same run.

    python bench/speed.py [--runs 7]

* search, per keystroke: the median time of one ``SearchIndex.search`` over the
  evaluation queries, against a plain substring scan of every entry's text for the
  same words (what a search without an index would cost);
* question bank: building it from the loaded course, against loading the course
  from its TOML files (the work it builds on);
* calculator: refusing huge powers (``9**9**9``...), against evaluating ``1 + 1``:
  a refusal must cost about as little as a sum, not the power.

Prints each figure and its ratio; the goals are the old test thresholds (search
under 5 ms a keystroke, bank well under 300 ms, refusals under 1 ms). Timings are
taken in alternation so machine noise hits both sides alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HUGE = ["9**9**9", "10**10**10", "9**9**9**9**9", "(1/3)**(10**100)", "2**2**2**2**2**2", "0.5**100000"]


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    from lessons import markup
    from lessons.bank import QuestionBank
    from lessons.calc import CalcError, evaluate
    from lessons.loader import load_course
    from lessons.search import SearchIndex

    course = load_course().course
    index = SearchIndex.build(course)
    queries = [
        "visibility timeout", "rcu", "sse kms", "lambda@edge", "dynamo gsi", "kinesis shard", "cognito identity pool",
        "x-ray sampling", "beanstalk immutable", "presigned url", "step functions retry", "envelope encryption",
    ]  # fmt: skip
    texts = [
        " ".join([e.term, e.full_form or "", markup.plain(e.definition or ""), *map(markup.plain, e.notes)]).lower()
        for e in course.entries.values()
    ]

    def scan(query: str) -> list[int]:
        words = query.lower().split()
        return [i for i, text in enumerate(texts) if all(w in text for w in words)]

    index.search("warm up: visiblity")
    search_times, scan_times = [], []
    for _ in range(args.runs):
        for query in queries:
            search_times.append(best_of(1, lambda q=query: index.search(q, limit=3)))
            scan_times.append(best_of(1, lambda q=query: scan(q)))
    search_ms, scan_ms = statistics.median(search_times) * 1000, statistics.median(scan_times) * 1000
    print(f"search per keystroke: {search_ms:.2f} ms median vs substring scan {scan_ms:.2f} ms: "
          f"{search_ms / scan_ms:.2f}x (goal: under 5 ms)")  # fmt: skip

    bank_s = best_of(args.runs, lambda: QuestionBank.build(course))
    load_s = best_of(args.runs, load_course)
    print(f"question bank build: {bank_s * 1000:.0f} ms vs loading the course {load_s * 1000:.0f} ms: "
          f"{bank_s / load_s:.2f}x (goal: well under 300 ms)")  # fmt: skip

    def refuse_all() -> None:
        for text in HUGE:
            try:
                evaluate(text)
            except CalcError:
                pass

    refuse_s = best_of(args.runs, refuse_all) / len(HUGE)
    sum_s = best_of(args.runs, lambda: evaluate("1 + 1"))
    print(f"calculator refusing a huge power: {refuse_s * 1e6:.0f} us vs 1 + 1 {sum_s * 1e6:.0f} us: "
          f"{refuse_s / sum_s:.1f}x (goal: under 1 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
