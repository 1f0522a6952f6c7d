"""How fast is the progress store, against plain TinyDB, as history grows?

    .venv/bin/python bench/progress_store.py            # the figures (~20-30 s)
    .venv/bin/python bench/progress_store.py --sweep    # also: segment sizes compared

Prints, for 1,000 / 10,000 / 50,000 attempts already stored:

* the median and p95 time of ``ProgressStore.record_attempt`` (write-through:
  lock, atomic write, fsync of the file and its folder);
* the median time of one insert into a plain TinyDB 4.9 table (default
  ``JSONStorage``) already holding that many records, measured in the same run;
* the ratio of the two at 50,000;
* peak memory (tracemalloc) while recording 1,000 answers into a store holding
  1,000 vs 50,000 attempts;
* the time of the aggregates (question stats, streak, 30-day activity) at
  50,000, cold (no cached summaries), from the summaries file (a new process),
  and warm;
* the median time of ``Scheduler.rate`` (one ``save_card``: rewrites that
  topic's card file) with 1,800 cards stored over 23 topics, re-rating stored
  cards and rating new ones, and the size of one topic's card file.

Stores are filled through ``import_data`` (one write per segment), which is the
same code path as ``awstutor progress import``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tinydb import TinyDB  # noqa: E402

from progress.schema import EXPORT_FORMAT, SCHEMA_VERSION, card_shard, format_time  # noqa: E402
from progress.store import DEFAULT_SEGMENT_SIZE, ProgressStore  # noqa: E402

SIZES = (1_000, 10_000, 50_000)
START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
CARDS = 1_800  # about every entry and question of the course


def attempt_doc(i: int) -> dict:
    return {
        "id": uuid.UUID(int=i + 1).hex,
        "at": format_time(START + timedelta(seconds=97 * i)),
        "question": f"topic{i % 2000 % 23}/q/question-{i % 2000}",  # 2,000 questions
        "answer": "B",
        "correct": i % 3 != 0,
        "seconds": 12.5,
        "mode": "quiz",
        "session": None,
    }


def export_of(count: int) -> dict:
    return {"format": EXPORT_FORMAT, "schema": SCHEMA_VERSION, "attempts": [attempt_doc(i) for i in range(count)]}


def filled_store(folder: Path, count: int, segment_size: int) -> ProgressStore:
    store = ProgressStore.open(folder, segment_size=segment_size)
    store.import_data(export_of(count))
    return store


def time_records(store: ProgressStore, samples: int) -> list[float]:
    times = []
    for i in range(samples):
        start = time.perf_counter()
        store.record_attempt(f"topic{i % 23}/q/question-{i % 900}", answer="A", correct=True, seconds=3.0, mode="quiz")
        times.append(time.perf_counter() - start)
    return times


def time_plain_tinydb(folder: Path, count: int, samples: int) -> list[float]:
    path = folder / f"plain-{count}.json"
    db = TinyDB(path)  # TinyDB 4.9 defaults: JSONStorage, rewritten in place on every write
    table = db.table("attempts")
    table.insert_multiple(attempt_doc(i) for i in range(count))
    times = []
    for i in range(samples):
        doc = attempt_doc(count + i)
        start = time.perf_counter()
        table.insert(doc)
        times.append(time.perf_counter() - start)
    db.close()
    return times


def peak_memory(store: ProgressStore, answers: int = 1_000) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(answers):
        store.record_attempt(f"topic{i % 23}/q/m-{i % 50}", answer="A", correct=bool(i % 2), seconds=1.0, mode="quiz")
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak


def time_aggregates(store: ProgressStore) -> float:
    start = time.perf_counter()
    store.question_stats()
    store.learned_entries()
    store.streak_days()
    store.daily_activity(30)
    return time.perf_counter() - start


def time_card_ratings(folder: Path) -> tuple[float, float, int, int]:
    """Median ``Scheduler.rate`` of a stored card and of a new one, with ``CARDS`` stored;
    the number of card files and the size of one."""
    from fsrs import Card, Rating

    from progress.scheduler import GOOD, Scheduler

    store = ProgressStore.open(folder)
    scheduler = Scheduler(store)
    ids = [f"topic{i % 23}/q/question-{i}" for i in range(CARDS)]
    cards = {}
    for n, card_id in enumerate(ids):  # states as Scheduler.rate makes them, stored in one import
        card, _ = scheduler.fsrs.review_card(Card(card_id=n + 1), Rating.Good, review_datetime=START)
        cards[card_id] = {"due": card.due.isoformat(), "fsrs": card.to_dict(), "reviews": 1, "lapses": 0}
    store.import_data({"format": EXPORT_FORMAT, "schema": SCHEMA_VERSION, "cards": cards})

    def median_rate(card_ids: list[str]) -> float:
        times = []
        for card_id in card_ids:
            start = time.perf_counter()
            scheduler.rate(card_id, GOOD)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    stored = median_rate(ids[::9])  # 200 stored cards, every topic
    new = median_rate([f"topic{i % 23}/q/new-{i}" for i in range(50)])
    files = len(list((folder / "cards").glob("*.json")))
    size = (folder / "cards" / card_shard(ids[0])).stat().st_size
    store.close()
    return stored, new, files, size


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sweep", action="store_true", help="also compare segment sizes at 50,000 attempts")
    parser.add_argument("--segment-size", type=int, default=DEFAULT_SEGMENT_SIZE)
    args = parser.parse_args(argv)
    size = args.segment_size
    samples = max(200, size)  # a whole segment's cycle: each write rewrites the open segment, 1..N records

    started = time.perf_counter()
    print(f"progress store bench: segment size {size}, {samples} recorded answers per point, fsync on\n")
    print(f"{'stored':>8}  {'store median':>12}  {'store p95':>10}  {'plain TinyDB median':>19}")
    medians: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="awstutor-bench-") as tmp:
        root = Path(tmp)
        stores = {}
        for count in SIZES:
            store = filled_store(root / f"store-{count}", count, size)
            ours = time_records(store, samples)
            plain = time_plain_tinydb(root, count, {1_000: 60, 10_000: 20, 50_000: 10}[count])
            medians[count] = (statistics.median(ours), statistics.median(plain))
            print(
                f"{count:>8,}  {ms(statistics.median(ours)):>12}  {ms(p95(ours)):>10}  {ms(statistics.median(plain)):>19}"
            )
            stores[count] = store
        ours50, plain50 = medians[50_000]
        print(f"\nat 50,000 stored: plain TinyDB insert / store record = {plain50 / ours50:.0f}x")
        growth = medians[50_000][0] / medians[1_000][0]
        print(f"store median at 50,000 / at 1,000 = {growth:.2f} (flat is ~1)")

        small, large = peak_memory(stores[1_000]), peak_memory(stores[50_000])
        print("\npeak memory while recording 1,000 answers (tracemalloc):")
        print(f"  with  1,000 stored: {small / 1024:8.0f} KiB")
        print(f"  with 50,000 stored: {large / 1024:8.0f} KiB")

        folder = stores[50_000].data_dir
        stores[50_000].close()
        for summaries in folder.glob("*/summaries.json"):
            summaries.unlink()
        cold = ProgressStore.open(folder, segment_size=size)
        cold_time = time_aggregates(cold)
        warm_time = time_aggregates(cold)
        fresh = ProgressStore.open(folder, segment_size=size)
        cached_time = time_aggregates(fresh)
        print(f"\naggregates at {cold.attempt_count():,} attempts (question stats, learned, streak, 30 days):")
        print(f"  cold, reading every segment:     {ms(cold_time)}")
        print(f"  new store, summaries from file:  {ms(cached_time)}")
        print(f"  warm, same store:                {ms(warm_time)}")
        for store in (*stores.values(), cold, fresh):
            store.close()

        stored, new, files, size = time_card_ratings(root / "cards")
        print(
            f"\nScheduler.rate with {CARDS:,} cards in {files} topic files: median {ms(stored).strip()} "
            f"(a new card: {ms(new).strip()}); one topic's file is {size / 1024:.0f} KiB"
        )

        if args.sweep:
            print("\nsegment size sweep at 50,000 stored:")
            print(f"{'size':>6}  {'files':>5}  {'record median':>13}  {'record p95':>10}  {'cold aggregates':>15}")
            for n in (100, 250, 500, 1000, 2000):
                folder = root / f"sweep-{n}"
                store = filled_store(folder, 50_000, n)
                times = time_records(store, max(200, n))
                files = len(list((folder / "attempts").glob("0*.json")))
                store.close()
                for summaries in folder.glob("*/summaries.json"):
                    summaries.unlink()
                cold = ProgressStore.open(folder, segment_size=n)
                agg = time_aggregates(cold)
                cold.close()
                print(f"{n:>6}  {files:>5}  {ms(statistics.median(times)):>13}  {ms(p95(times)):>10}  {ms(agg):>15}")
    print(f"\n(bench ran in {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
