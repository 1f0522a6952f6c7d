"""How well does search find what a learner means? Recall on the evaluation set.

    python bench/search_eval.py [--queries tests/lessons/search_queries.toml] [--misses N] [--quiet]

The evaluation set holds queries typed the way a learner types them (exam
shorthand such as ``dynamodb rcu``, problem-shaped questions such as ``rotate
database password automatically``), each with the entry ids that answer it.
On the built-in course this prints recall@1 and recall@3 (a query counts when
any of its entries is in the top k), the queries marked ``first = true`` whose
first entry does not rank first, the misses at 3 with what came instead, and
recall@3 per topic and per task statement. Exit status 1 when recall@3 is
under the goal (0.95) or a ``first`` query is not first.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lessons.loader import load_course  # noqa: E402
from lessons.search import SearchIndex  # noqa: E402

QUERIES = ROOT / "tests" / "lessons" / "search_queries.toml"
GOAL = 0.95
DEPTH = 3


def load_queries(path: Path = QUERIES) -> list[dict[str, Any]]:
    """The evaluation set: ``[{"q": str, "want": [ids], "first": bool}]``."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    queries = data["queries"]
    for item in queries:
        if not isinstance(item.get("q"), str) or not item.get("want"):
            raise ValueError(f"{path}: every query needs q and want: {item!r}")
        item.setdefault("first", False)
    return queries


def evaluate(index: SearchIndex, queries: list[dict[str, Any]], depth: int = DEPTH) -> dict[str, Any]:
    """Ranks of each query's entries and the recall figures.

    ``results``: per query ``{"q", "want", "first", "rank", "top"}`` where
    ``rank`` is the 1-based rank of the best-placed wanted entry (None when it
    is not in the first 10) and ``top`` the ids of the first ``depth`` hits.
    """
    results = []
    for item in queries:
        hits = [hit.id for hit in index.search(item["q"], limit=10)]
        ranks = [hits.index(w) + 1 for w in item["want"] if w in hits]
        results.append(
            {
                "q": item["q"],
                "want": item["want"],
                "first": item["first"],
                "rank": min(ranks) if ranks else None,
                "first_rank": hits.index(item["want"][0]) + 1 if item["want"][0] in hits else None,
                "top": hits[:depth],
            }
        )
    total = len(results) or 1
    at = {k: sum(1 for r in results if r["rank"] is not None and r["rank"] <= k) / total for k in (1, depth)}
    return {
        "results": results,
        "recall_at_1": at[1],
        f"recall_at_{depth}": at[depth],
        "not_first": [r for r in results if r["first"] and r["first_rank"] != 1],
        "misses": [r for r in results if r["rank"] is None or r["rank"] > depth],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the evaluation set (TOML)")
    parser.add_argument("--misses", type=int, default=100, help="list at most N misses (default 100)")
    parser.add_argument("--quiet", action="store_true", help="only the figures")
    args = parser.parse_args(argv)

    queries = load_queries(args.queries)
    course = load_course().course
    index = SearchIndex.build(course)
    unknown = sorted({w for item in queries for w in item["want"] if w not in course.entries})
    if unknown:
        print(f"unknown entry ids in {args.queries}: {', '.join(unknown)}")
        return 2
    report = evaluate(index, queries)
    recall3 = report[f"recall_at_{DEPTH}"]

    print(
        f"queries: {len(queries)} ({args.queries.relative_to(ROOT) if args.queries.is_relative_to(ROOT) else args.queries})"
    )
    print(f"recall@1: {report['recall_at_1']:.1%}")
    print(f"recall@{DEPTH}: {recall3:.1%} (goal >= {GOAL:.0%}) {'ok' if recall3 >= GOAL else 'UNDER THE GOAL'}")
    firsts = [r for r in report["results"] if r["first"]]
    print(f"first = true: {len(firsts) - len(report['not_first'])}/{len(firsts)} rank their entry first")
    for r in report["not_first"]:
        print(f"  not first: {r['q']!r}: {r['want'][0]} is {r['first_rank'] or '> 10'}; top {r['top']}")
    if not args.quiet:
        by_topic: dict[str, list[bool]] = defaultdict(list)
        by_task: dict[str, list[bool]] = defaultdict(list)
        for r in report["results"]:
            found = r["rank"] is not None and r["rank"] <= DEPTH
            for key in {w.split("/")[0] for w in r["want"]}:
                by_topic[key].append(found)
            for key in {course.entries[w].task for w in r["want"]}:
                by_task[key].append(found)
        order = {t.id: t.number for t in course.topics}
        print(f"recall@{DEPTH} per topic:")
        for key in sorted(by_topic, key=lambda k: order.get(k, 99)):
            hits = by_topic[key]
            print(f"  {order.get(key, 0):2} {key:28} {sum(hits):3}/{len(hits):<3}")
        print(f"recall@{DEPTH} per task statement (of the wanted entries):")
        for key in sorted(by_task):
            hits = by_task[key]
            print(f"  {key:8} {sum(hits):3}/{len(hits):<3}")
        misses = report["misses"]
        print(f"misses at {DEPTH}: {len(misses)}")
        for r in misses[: args.misses]:
            where = f"rank {r['rank']}" if r["rank"] else "not in top 10"
            print(f"  {r['q']!r}: {' / '.join(r['want'])} {where}; top {r['top']}")
    return 0 if recall3 >= GOAL and not report["not_first"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
