"""Activity in time: quarter-hour buckets, local days, the streak.

Answers and marks are counted per quarter hour (UTC epoch seconds // 900, a
*bucket*). Every timezone offset in use is a multiple of 15 minutes, so each
bucket falls within one local day, whatever the timezone: per-day figures in
any timezone come from the buckets without reading a record again.

* the *streak* is the number of consecutive local days with any activity (an
  answer or a mark) ending today, or ending yesterday if there is none yet
  today; a day without activity breaks it.

Pure functions over plain data; buckets outside 1970-2200 (a hand-edited file)
count as the nearest bound, so no date computation overflows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from progress.limits import MAX_TIME, MIN_TIME, parse_time

BUCKET_SECONDS = 900
MIN_BUCKET = int(MIN_TIME.timestamp()) // BUCKET_SECONDS
MAX_BUCKET = int(MAX_TIME.timestamp()) // BUCKET_SECONDS

_DAYS: dict[str, int] = {}  # "2026-11-27" -> days since 1970-01-01


def bucket_of(at: str) -> int:
    """The quarter hour of a stored time."""
    if len(at) == 32 and at[10] == "T" and at.endswith("+00:00"):  # the stored form: no datetime needed
        try:
            day = _DAYS.get(at[:10])
            if day is None:
                day = _DAYS[at[:10]] = (date.fromisoformat(at[:10]) - date(1970, 1, 1)).days
            bucket = day * 96 + int(at[11:13]) * 4 + int(at[14:16]) // 15
            return min(max(bucket, MIN_BUCKET), MAX_BUCKET)
        except ValueError:
            pass  # some other spelling of a time: parse it
    return int(parse_time(at).timestamp()) // BUCKET_SECONDS


@lru_cache(maxsize=65536)
def local_date(bucket: int, tz: tzinfo | None) -> date:
    """The local date of a bucket (``tz`` None: the system's timezone)."""
    moment = datetime.fromtimestamp(min(max(bucket, MIN_BUCKET), MAX_BUCKET) * BUCKET_SECONDS, UTC)
    return (moment.astimezone(tz) if tz is not None else moment.astimezone()).date()


def per_day(buckets: Mapping[str, Any], tz: tzinfo | None) -> dict[date, list[int]]:
    """Bucket counts (an int or a list of ints each) summed per local day."""
    days: dict[date, list[int]] = {}
    for bucket, value in buckets.items():
        day = local_date(int(bucket), tz)
        counts = value if isinstance(value, list | tuple) else [value]
        row = days.get(day)
        if row is None:
            days[day] = list(counts)
        else:
            for i, n in enumerate(counts):
                row[i] += n
    return days


def daily_activity(
    attempt_days: Mapping[date, Sequence[int]],
    mark_days: Mapping[date, Sequence[int]],
    *,
    today: date,
    days: int,
) -> list[tuple[date, int, int, int]]:
    """``(date, attempts, correct, marks)`` for ``days`` local days ending ``today``."""
    rows = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        n, ok = attempt_days.get(day, (0, 0))
        rows.append((day, n, ok, mark_days.get(day, (0,))[0]))
    return rows


def active_days(attempt_days: Mapping[date, Sequence[int]], mark_days: Mapping[date, Sequence[int]]) -> set[date]:
    """Days with any attempt or mark."""
    return {day for day, counts in attempt_days.items() if counts[0]} | {
        day for day, counts in mark_days.items() if counts[0]
    }


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive days in ``days`` ending today, or yesterday if today has none yet."""
    active = set(days)
    day = today if today in active else today - timedelta(days=1)
    count = 0
    while day in active:
        count += 1
        day -= timedelta(days=1)
    return count
