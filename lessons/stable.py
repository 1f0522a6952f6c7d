"""Stable choices: the same on every run and every machine.

Generated questions and their distractors must come out identical for the same
course (progress keys on their ids and content), so where the bank needs variety
it takes it from a hash of names, never from ``hash()`` (salted per process) or a
random generator nobody seeded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["rotated", "stable_hash", "stable_order"]


def stable_hash(*parts: str) -> int:
    """A hash that is the same on every run and machine (``hash()`` is salted)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def stable_order(items: Iterable[Any], salt: str, name: Callable[[Any], str] = str) -> list[Any]:
    """``items`` in an order that depends on ``salt`` and each item's ``name``."""
    return sorted(items, key=lambda item: stable_hash(salt, name(item)))


def rotated(items: Sequence[Any], salt: str) -> list[Any]:
    """``items`` started at a place that depends on ``salt`` (cheap, stable variety)."""
    if not items:
        return []
    at = stable_hash(salt) % len(items)
    return list(items[at:]) + list(items[:at])
