"""A child process for the crash and two-process tests (not a test module).

    writer.py DATA_DIR loop SEGMENT_SIZE            record until killed
    writer.py DATA_DIR count SEGMENT_SIZE N GO_FILE wait for GO_FILE, then record N answers
    writer.py DATA_DIR cards SEGMENT_SIZE N GO_FILE wait for GO_FILE, then save N cards of topic "shared"
    writer.py DATA_DIR rate SEGMENT_SIZE N GO_FILE  wait for GO_FILE, then N times: rate the card "shared/one"
                                                    and add 1 to the setting "count" (both read-modify-writes)

After each recording call has returned it prints one line, flushed:
``A <attempt id>``, ``M <entry id>`` (marked "got"), ``C <card id> <n>``,
``S <setting key> <n>``. A test that kills this process checks that every
printed record is in the store.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from progress.scheduler import AGAIN, GOOD, Scheduler
from progress.store import ProgressStore


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def record(store: ProgressStore, tag: str, i: int) -> None:
    attempt = store.record_attempt(
        f"t{i % 3}/q/{i % 7}", answer=f"answer {i}", correct=i % 2 == 0, seconds=1.5, mode="quiz"
    )
    say(f"A {attempt.id}")
    if i % 4 == 1:
        entry = f"t{i % 3}/e-{tag}-{i}"
        store.mark_entry(entry, "got")
        say(f"M {entry}")
    if i % 5 == 2:
        card = f"t{i % 3}/c-{tag}-{i % 11}"
        store.save_card(card, {"due": "2026-01-01T00:00:00+00:00", "n": i})
        say(f"C {card} {i}")
    if i % 6 == 3:
        key = f"k-{tag}-{i % 13}"
        store.set_setting(key, i)
        say(f"S {key} {i}")


def save_cards(store: ProgressStore, tag: str, i: int) -> None:
    """One card of its own and the card both writers update, all in one shard."""
    card = f"shared/q/c-{tag}-{i}"
    store.save_card(card, {"due": "2026-01-01T00:00:00+00:00", "n": i})
    say(f"C {card} {i}")
    store.save_card("shared/both", {"due": "2026-01-01T00:00:00+00:00", "n": i, "by": tag})


def rate(store: ProgressStore, scheduler: Scheduler, i: int) -> None:
    scheduler.rate("shared/one", GOOD if i % 3 else AGAIN)
    store.update_setting("count", lambda n: n + 1, 0)


def main(argv: list[str]) -> int:
    data_dir, mode, size = Path(argv[0]), argv[1], int(argv[2])
    tag = str(os.getpid())
    if mode in ("count", "cards", "rate"):
        count, go = int(argv[3]), Path(argv[4])
        store = ProgressStore.open(data_dir, segment_size=size)
        scheduler = Scheduler(store)
        _ = scheduler.fsrs  # imported before the race starts
        say("ready")
        while not go.exists():
            time.sleep(0.001)
        for i in range(count):
            if mode == "rate":
                rate(store, scheduler, i)
            else:
                (record if mode == "count" else save_cards)(store, tag, i)
        store.close()
        return 0
    if mode != "loop":
        raise SystemExit(f"unknown mode {mode!r}")
    store = ProgressStore.open(data_dir, segment_size=size)
    say("opened")
    i = 0
    while True:
        record(store, tag, i)
        i += 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
