"""Summaries of log segments, folded together, and the cache file that keeps the fold.

A *summary* of answers (``kind == "attempts"``) is
``{"n": records, "q": {question: [attempts, correct, last_correct, last_at,
last_position]}, "b": {bucket: [attempts, correct]}}``; of marks,
``{"n": records, "e": {entry: [[at, mark, position], ...] oldest first}, "b":
{bucket: marks}}`` (buckets: :mod:`progress.activity`). "Last" is the latest
time, then the later in the log (a *position* orders records across segments).

Sealed segments do not change, so their fold is kept in ``summaries.json``
beside them: a first line with each sealed segment's stat signature and record
count (read alone at open, to find a segment broken since, and to say how many
records it held), then the fold. The cache is only a cache: anything wrong with it (not JSON, nested
deep, any value of the wrong type) reads as no cache, and it is rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeGuard

from progress.activity import MAX_BUCKET, MIN_BUCKET, bucket_of
from progress.errors import BadFile
from progress.files import Signature, atomic_write_bytes, dumps, parse_json_bytes, read_whole
from progress.limits import is_time
from progress.schema import MARKS, SEGMENT

SUMMARIES_FILE = "summaries.json"
CACHE_VERSION = 5
POSITION_SPAN = 1_000_000_000  # document ids within one segment stay far below this

Summary = dict[str, Any]
SealedKey = tuple[tuple[str, Signature], ...]  # (segment name, signature) of each sealed segment, in order


def position(number: int, doc_id: int) -> int:
    """Where a record sits in its log: later segments, then later documents, come after."""
    return number * POSITION_SPAN + doc_id


def empty(kind: str) -> Summary:
    return {"n": 0, "q" if kind == "attempts" else "e": {}, "b": {}}


def summarize(kind: str, number: int, docs: Iterable[Any]) -> Summary:
    """The summary of one segment's documents (TinyDB documents: they carry ``doc_id``)."""
    return (_attempt_summary if kind == "attempts" else _mark_summary)(number, list(docs))


def _attempt_summary(number: int, docs: list[Any]) -> Summary:
    questions: dict[str, list[Any]] = {}
    buckets: dict[str, list[int]] = {}
    for doc in docs:
        at, ok = doc["at"], doc["correct"]
        where = position(number, doc.doc_id)
        row = questions.get(doc["question"])
        if row is None:
            questions[doc["question"]] = [1, int(ok), ok, at, where]
        else:
            row[0] += 1
            row[1] += ok
            if (at, where) > (row[3], row[4]):
                row[2], row[3], row[4] = ok, at, where
        counts = buckets.setdefault(str(bucket_of(at)), [0, 0])
        counts[0] += 1
        counts[1] += ok
    return {"n": len(docs), "q": questions, "b": buckets}


def _mark_summary(number: int, docs: list[Any]) -> Summary:
    entries: dict[str, list[list[Any]]] = {}
    buckets: dict[str, int] = {}
    for doc in sorted(docs, key=lambda d: (d["at"], d.doc_id)):
        entries.setdefault(doc["entry"], []).append([doc["at"], doc["mark"], position(number, doc.doc_id)])
        bucket = str(bucket_of(doc["at"]))
        buckets[bucket] = buckets.get(bucket, 0) + 1
    return {"n": len(docs), "e": entries, "b": buckets}


def add(kind: str, acc: Summary, summary: Summary) -> None:
    """Fold ``summary`` into ``acc``: only rows ``acc`` owns are changed, ``summary`` is not."""
    acc["n"] += summary["n"]
    if kind == "attempts":
        questions = acc["q"]
        for qid, row in summary["q"].items():
            have = questions.get(qid)
            if have is None:
                questions[qid] = list(row)
            else:
                have[0] += row[0]
                have[1] += row[1]
                if (row[3], row[4]) > (have[3], have[4]):
                    have[2], have[3], have[4] = row[2], row[3], row[4]
        buckets = acc["b"]
        for key, (n, ok) in summary["b"].items():
            counts = buckets.get(key)
            if counts is None:
                buckets[key] = [n, ok]
            else:
                counts[0] += n
                counts[1] += ok
        return
    entries = acc["e"]
    for entry, marks in summary["e"].items():
        have = entries.get(entry)
        if have is None:
            entries[entry] = list(marks)
            continue
        in_order = not marks or (have[-1][0], have[-1][2]) <= (marks[0][0], marks[0][2])
        have.extend(marks)
        if not in_order:
            have.sort(key=lambda m: (m[0], m[2]))
    for key, n in summary["b"].items():
        acc["b"][key] = acc["b"].get(key, 0) + n


def fold(kind: str, summaries: Iterable[Summary]) -> Summary:
    acc = empty(kind)
    for summary in summaries:
        add(kind, acc, summary)
    return acc


def overlay(kind: str, base: Summary, top: Summary) -> Summary:
    """``base`` plus ``top``, leaving ``base`` as it is: copies only the rows ``top`` touches."""
    rows = "q" if kind == "attempts" else "e"
    result = {"n": base["n"], rows: dict(base[rows]), "b": dict(base["b"])}
    for part in (rows, "b"):
        mine = result[part]
        for key in top[part]:
            if key in mine and isinstance(mine[key], list):
                mine[key] = list(mine[key])
    add(kind, result, top)
    return result


# ---------------------------------------------------------------- the cache file

_BUCKET = re.compile(r"-?\d{1,12}")


# The stored form of a time; a cached time in another form is parsed (and one of impossible date, say the
# 31st of February, is tolerated where it is read: see ProgressStore.question_stats).
_STORED_TIME = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}\+00:00"
)


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _time(value: Any) -> bool:
    """Whether a cached time reads back (fast for the stored form; any aware time is taken)."""
    return type(value) is str and (_STORED_TIME.fullmatch(value) is not None or is_time(value))


def fold_ok(kind: str, summary: Any) -> TypeGuard[Summary]:
    """Whether a fold read back from the cache has exactly the shape of one this module made."""
    if not isinstance(summary, dict) or not _count(summary.get("n")):
        return False
    rows, buckets = summary.get("q" if kind == "attempts" else "e"), summary.get("b")
    if not isinstance(rows, dict) or not isinstance(buckets, dict):
        return False
    for key, counts in buckets.items():
        if not (_BUCKET.fullmatch(key) and MIN_BUCKET <= int(key) <= MAX_BUCKET):
            return False
        if kind == "attempts":
            if not (type(counts) is list and len(counts) == 2 and _count(counts[0]) and _count(counts[1])):
                return False
        elif not _count(counts):
            return False
    if kind == "attempts":
        for row in rows.values():
            if not (type(row) is list and len(row) == 5):
                return False
            n, ok, last, at, where = row
            if not (_count(n) and _count(ok) and type(last) is bool and _count(where) and _time(at)):
                return False
        return True
    for marks in rows.values():
        if type(marks) is not list:
            return False
        for mark in marks:
            if not (type(mark) is list and len(mark) == 3 and mark[1] in MARKS and _count(mark[2]) and _time(mark[0])):
                return False
    return True


def _header(line: bytes, kind: str) -> tuple[SealedKey, dict[str, int]] | None:
    data = parse_json_bytes(line)
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or data.get("kind") != kind:
        return None
    sealed = data.get("sealed")
    if not isinstance(sealed, list):
        return None
    key: list[tuple[str, Signature]] = []
    counts: dict[str, int] = {}
    for item in sealed:
        if not (isinstance(item, list) and len(item) == 5 and all(_count(v) for v in item[1:])):
            return None
        name = item[0]
        if not isinstance(name, str) or not SEGMENT.match(name):
            return None
        key.append((name, (item[1], item[2], item[3])))
        counts[name] = item[4]
    return tuple(key), counts


def load_header(folder: Path, kind: str) -> tuple[SealedKey, dict[str, int]] | None:
    """The sealed segments' signatures and record counts the cache was made from (its first line only)."""
    try:
        raw = read_whole(folder / SUMMARIES_FILE)
        return _header(raw.split(b"\n", 1)[0], kind) if raw else None
    except (OSError, BadFile):
        return None  # a cache: rebuilt from the segments


def load_cache(folder: Path, kind: str) -> tuple[SealedKey, Summary, dict[str, int]] | None:
    """``(sealed key, fold, records per segment)`` from ``summaries.json``; None when there is no good one."""
    try:
        raw = read_whole(folder / SUMMARIES_FILE)
        if not raw or b"\n" not in raw:
            return None
        line, rest = raw.split(b"\n", 1)
        header = _header(line, kind)
        if header is None:
            return None
        fold_ = parse_json_bytes(rest)
        if not isinstance(fold_, dict) or not fold_ok(kind, fold_):
            return None
        return header[0], fold_, header[1]
    except (OSError, BadFile):
        return None  # a cache: rebuilt from the segments


def save_cache(folder: Path, kind: str, key: SealedKey, counts: dict[str, int], fold_: Summary) -> None:
    """Two lines: the header (which sealed segments, their signatures and counts), then the fold."""
    sealed = [[name, *sig, counts.get(name, 0)] for name, sig in key]
    header = {"version": CACHE_VERSION, "kind": kind, "sealed": sealed}
    try:
        atomic_write_bytes(folder / SUMMARIES_FILE, dumps(header) + b"\n" + dumps(fold_))
    except OSError:
        pass  # a cache: not worth failing a read for
