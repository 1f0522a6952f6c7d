"""The search index behind ``awstutor lookup``, the app's search box and its
command palette.

One *document* per entry (sub-entries included), with its words weighted by
where they occur and its names (:mod:`lessons.search_data` builds them; the
words are those of :mod:`lessons.search_words`). Query words (stop words
dropped; ``5pm``, ``4kb`` read as a number and its unit) match the vocabulary
exactly, as a prefix (``visib``), as their family (``scaling`` for ``scale``,
``retried`` for ``retry``), as an everyday synonym (``whole`` ~ ``entire``, word
to word only), or with typos: one for words of 4-7 letters, two from 8 (``visiblity``,
``dynamdb``), measured as optimal-string-alignment distance over the words of
about the same length whose letter sets differ by at most two per edit.

A document scores the sum, over query words, of its best ``match quality ×
field weight`` times the word's weight, times the square of the (weighted)
share of query words it matched. A word weighs less the more entries it
matches (``RARE_DOCS``, ``RARE_FLOOR``): in a problem-shaped query
(``delete old items automatically``) the rare word decides, not ``item``.
A query word that names a topic (its title's names: ``dynamodb``, ``sqs``,
``api gateway``, ``xray``, ``route53``) counts at least ``W_CONTEXT`` for that
topic's entries, and it may complete a name the other words spell out:
``dynamodb rcu`` is the name ``RCU`` in the topic DynamoDB (an exact-name bonus
``B_CONTEXT`` below ``rcu`` alone), so RCU ranks first rather than the entries
named "DynamoDB ..." that mention RCU; ``s3 cors`` and ``api gateway cors``
find each topic's CORS. A *name* of the entry (term, full form, alias) that
the query spells out, in any order, adds a bonus: exact (more for the term
itself) > typo or prefix > part of the name. Top-level entries win ties over
sub-entries. Acronyms work both
ways: full forms, aliases and the ``Words In Full (WIF)`` patterns of the
course text give an acronym map, and the query is also scored with an acronym
expanded (or an expansion abbreviated); each document keeps its best score.

How well this finds what a learner means is measured on an evaluation set of
learner queries (``tests/lessons/search_queries.toml``; ``bench/search_eval.py``
prints recall@1 and recall@3). Aliases in the course carry the names and
phrasings learners type; nothing maps a query to an entry in code.

Hand-made rather than a fuzzy matching library: importing rapidfuzz costs ~30 ms,
more than the whole rest of a lookup, and a vocabulary of ~3,000 words needs no
more than a length-and-letters filter and the banded edit distance of
:mod:`lessons.spelling` (a typo query takes 1-3 ms, most queries well under 1 ms).

The index is a handful of plain lists and dicts, so it is cached with
:mod:`marshal` (see :meth:`SearchIndex.load_or_build`): a lookup with a valid
cache reads one file and never parses the course's TOML. Plain Python; importing
this module costs next to nothing (no dataclasses, no pathlib, no Textual).
"""

from __future__ import annotations

import marshal
import os
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from lessons.markup import plain
from lessons.search_data import ARRAY_TYPE, W_NAME, WEIGHT_SCALE, build_data, signature, valid
from lessons.search_words import RUN, SYNONYM_OF, camel_parts, family, query_words, stem, words
from lessons.spelling import osa_distance

if TYPE_CHECKING:  # pragma: no cover
    from lessons.model import Course

__all__ = ["CACHE_NAME", "Hit", "SearchIndex", "mark", "plain"]

CACHE_NAME = "search-index.marshal"

# Match qualities: how a query word matched a vocabulary word.
Q_EXACT, Q_FAMILY, Q_TYPO1, Q_TYPO2 = 1.0, 0.8, 0.7, 0.55
# Bonuses for a name (term, full form, alias) the query spells out.
B_EXACT_NAME, B_TERM, B_FUZZY_NAME, B_PART_NAME, B_TOP_LEVEL = 30.0, 5.0, 15.0, 2.0, 0.5
# A query word that names the entry's topic ("dynamodb" in "dynamodb rcu") counts
# at least this much for the topic's entries, and may complete a name the other
# words spell out, for a bonus this much below the name typed on its own.
W_CONTEXT, B_CONTEXT = 3.0, 3.0
# Rare words weigh more: a query word found in ``df`` documents weighs
# ``RARE_FLOOR + (1 - RARE_FLOOR) * RARE_DOCS / (RARE_DOCS + df)``.
RARE_DOCS, RARE_FLOOR = 30.0, 0.3
# A document's score shrinks with the share of the query it misses, to this power.
COVERAGE_POWER = 2
VARIANT_FACTOR = 0.98  # an acronym-rewritten query scores a shade below the literal one
MAX_PREFIX = 200  # vocabulary words one prefix may expand to
MAX_VARIANTS = 6
SUGGEST_CUTOFF = 0.4

# Words of topic titles that do not name the topic on their own.
TITLE_FILLER = frozenset("advanced amazon aws elastic fundamentals group messaging on serverless".split())
# A one-word topic name must be this topic's in at least this share of the entries that have the word.
CONTEXT_SHARE = 0.2


class Hit(NamedTuple):
    """One search result, best first."""

    id: str
    topic_id: str
    topic_number: int
    topic_title: str
    term: str
    full_form: str | None
    summary: str  # one line, markup removed
    score: float  # higher is better
    matched: list[str]  # words of the entry the query matched (lower case, stemmed)


# --------------------------------------------------------------------------- matching words


def _bigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def _dice(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def mark(text: str, matched: Iterable[str]) -> list[tuple[str, bool]]:
    """Split plain text into ``(piece, is_match)`` pieces: the words whose stem
    (or a camel-case part's) is in ``matched`` (:attr:`Hit.matched`), for highlighting."""
    wanted = matched if isinstance(matched, (set, frozenset)) else set(matched)
    if not wanted:
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in RUN.finditer(text):
        run = match.group()
        if stem(run) in wanted or any(stem(part) in wanted for part in camel_parts(run)):
            if match.start() > pos:
                out.append((text[pos : match.start()], False))
            out.append((run, True))
            pos = match.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


# --------------------------------------------------------------------------- the index


class SearchIndex:
    """Search over the entries of a course. Build once; query on every keystroke."""

    def __init__(self, data: dict[str, Any], *, from_cache: bool = False) -> None:
        self.topics: list[tuple[str, int, str]] = data["topics"]
        self.heads: list[tuple[str, int, str, str | None, str, int]] = data["heads"]
        self.vocab: list[str] = data["vocab"]
        self.acronyms: dict[str, list[tuple[str, ...]]] = data["acronyms"]
        self.notices: list[str] = list(data["notices"])
        self.from_cache = from_cache  # True when read from the cache file
        self._records: list[bytes] = data["records"]
        self._postings = memoryview(data["postings"]).cast(ARRAY_TYPE)
        self._post_at: list[int] = data["post_at"]
        self._names = memoryview(data["names"]).cast(ARRAY_TYPE)
        self._names_at: list[int] = data["names_at"]
        self._ids = {w: i for i, w in enumerate(self.vocab)}
        self._by_id = {head[0]: n for n, head in enumerate(self.heads)}
        self._by_length: dict[int, list[tuple[int, frozenset[str]]]] | None = None
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] | None = None
        self._forms: dict[int, list[tuple[bool, tuple[int, ...]]]] = {}
        self._memo: dict[str, dict[int, tuple[float, int]]] = {}
        self._title_names: list[tuple[tuple[str, ...], tuple[int, ...]]] | None = None

    # -- construction ---------------------------------------------------------

    @classmethod
    def build(cls, course: Course, notices: Iterable[str] = ()) -> SearchIndex:
        """The index of a course, in memory."""
        return cls(build_data(course, notices))

    @classmethod
    def load_or_build(
        cls,
        cache_dir: str | os.PathLike | None,
        course_dirs: Iterable[str | os.PathLike],
        build: Callable[[], Any],
        *,
        version: str | None = None,
    ) -> SearchIndex:
        """The index from ``cache_dir`` when it matches the files of
        ``course_dirs`` (see :func:`signature`); else from ``build()`` (a
        :class:`~lessons.model.Course`, or a load result with ``.course`` and
        ``.problems``), stored for next time.

        The cache never makes this fail: a missing, unreadable, corrupt or stale
        file, or a folder that cannot be written, only means building in memory.
        Problems of the load are kept as :attr:`notices`, so a lookup from the
        cache can repeat them.
        """
        from lessons import cache

        sig = signature(course_dirs, version)
        data = cache.read(cache_dir, CACHE_NAME)
        try:
            if valid(data, sig):
                return cls(data, from_cache=True)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, whatever the damage
            pass
        built = build()
        course = getattr(built, "course", built)
        notices: list[str] = []
        problems = getattr(built, "problems", None)
        if problems:
            from lessons.loader import describe

            notices = describe(problems)
        data = build_data(course, notices)
        cache.write(cache_dir, CACHE_NAME, {**data, "signature": sig})  # not written: built again next time
        return cls(data)

    # -- data -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.heads)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    @property
    def ids(self) -> list[str]:
        """Every entry id, in course order."""
        return [head[0] for head in self.heads]

    def record(self, entry_id: str) -> dict[str, Any]:
        """Display data of one entry (raises ``KeyError`` for an unknown id):
        ``id, topic_id, topic_number, topic_title, term, full_form, kind,
        definition, notes, updates [{note, current, since, source, kind}], sources, unverified, task, children
        [{id, term}], related [{id, term}], aliases, added, parent_id,
        parent_term, depth, summary``.
        Texts keep their markup (``{{...}}``, backticks)."""
        return marshal.loads(self._records[self._by_id[entry_id]])

    def _hit(self, doc: int, score: float, matched: list[str]) -> Hit:
        entry_id, topic, term, full_form, summary, _depth = self.heads[doc]
        topic_id, number, title = self.topics[topic]
        return Hit(entry_id, topic_id, number, title, term, full_form, summary, round(score, 3), matched)

    def _name_forms(self, doc: int) -> list[tuple[bool, tuple[int, ...]]]:
        """The names of a document: ``(is the term, word ids)``."""
        forms = self._forms.get(doc)
        if forms is None:
            flat = self._names[self._names_at[doc] : self._names_at[doc + 1]].tolist()
            forms, at = [], 1
            for _ in range(flat[0]):
                size = flat[at]
                forms.append((bool(flat[at + 1]), tuple(flat[at + 2 : at + 2 + size])))
                at += 2 + size
            self._forms[doc] = forms
        return forms

    # -- matching -------------------------------------------------------------

    def _matches(self, word: str) -> dict[int, tuple[float, int]]:
        """The vocabulary a query word matches: ``{word id: (quality, kind)}``
        with kind 0 exact, 1 prefix, 2 typo."""
        found = self._memo.get(word)
        if found is not None:
            return found
        found = {}
        exact = self._ids.get(word)
        if exact is not None:
            found[exact] = (Q_EXACT, 0)
        letters = not word.isdigit()
        if letters and len(word) >= 2:
            vocab = self.vocab
            start = bisect_left(vocab, word)
            for i in range(start, min(start + MAX_PREFIX, len(vocab))):
                candidate = vocab[i]
                if not candidate.startswith(word):
                    break
                if i != exact:
                    found[i] = (0.4 + 0.4 * len(word) / len(candidate), 1)
            # Its family ("scaling" for "scale"), a shade below the word itself.
            key = family(word)
            start = bisect_left(vocab, key)
            for i in range(start, min(start + MAX_PREFIX, len(vocab))):
                candidate = vocab[i]
                if not candidate.startswith(key):
                    break
                if i != exact and found.get(i, (0.0,))[0] < Q_FAMILY and family(candidate) == key:
                    found[i] = (Q_FAMILY, 1)
        for other in SYNONYM_OF.get(word, ()):
            i = self._ids.get(other)
            if i is not None and found.get(i, (0.0,))[0] < Q_FAMILY:
                found[i] = (Q_FAMILY, 1)
        if letters and len(word) >= 4 and (exact is None or not self._is_name_word(exact)):
            # A word the course lacks, or has only in passing: perhaps a typo of a name.
            for i, distance in self._typos(word):
                if i not in found and (exact is None or self._is_name_word(i)):
                    found[i] = (Q_TYPO1 if distance == 1 else Q_TYPO2, 2)
        if len(self._memo) > 1024:
            self._memo.clear()
        self._memo[word] = found
        return found

    def _is_name_word(self, vid: int) -> bool:
        """Is the word part of some entry's term, full form or alias?"""
        weights = self._postings[self._post_at[vid] + 1 : self._post_at[vid + 1] : 2]
        return max(weights, default=0) >= W_NAME * WEIGHT_SCALE

    def _typos(self, word: str) -> list[tuple[int, int]]:
        """Vocabulary words within 1 typo (2 for words of 8 letters or more)."""
        if self._by_length is None:
            by_length: dict[int, list[tuple[int, frozenset[str]]]] = {}
            for i, w in enumerate(self.vocab):
                by_length.setdefault(len(w), []).append((i, frozenset(w)))
            self._by_length = by_length
        limit = 1 if len(word) < 8 else 2
        letters = frozenset(word)
        vocab = self.vocab
        close = []
        for size in range(len(word) - limit, len(word) + limit + 1):
            for i, other in self._by_length.get(size, ()):
                # Each edit changes the set of letters by at most two.
                if len(letters ^ other) <= 2 * limit:
                    distance = osa_distance(word, vocab[i], limit)
                    if distance <= limit:
                        close.append((i, distance))
        return close

    def _variants(self, query: list[str]) -> list[tuple[list[str], list[float], float]]:
        """The query as typed, then with an acronym expanded or an expansion
        abbreviated: ``(words, weight of each word, factor)``. The words of an
        expansion share the weight of the acronym they stand for, and the other
        way round, so a rewrite never counts for more words than were typed."""
        ones = [1.0] * len(query)
        variants: list[tuple[list[str], list[float], float]] = [(query, ones, 1.0)]
        if self._phrases is None:
            phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
            for acronym, expansions in self.acronyms.items():
                for expansion in expansions:
                    phrases.setdefault(expansion[0], []).append((tuple(expansion), acronym))
            self._phrases = phrases
        for i, word in enumerate(query):
            for expansion in self.acronyms.get(word, ()):
                share = [1.0 / len(expansion)] * len(expansion)
                variants.append(
                    (query[:i] + list(expansion) + query[i + 1 :], ones[:i] + share + ones[i + 1 :], VARIANT_FACTOR)
                )
            for phrase, acronym in self._phrases.get(word, ()):
                if tuple(query[i : i + len(phrase)]) == phrase:
                    end = i + len(phrase)
                    variants.append(
                        (
                            query[:i] + [acronym] + query[end:],
                            ones[:i] + [float(len(phrase))] + ones[end:],
                            VARIANT_FACTOR,
                        )
                    )
        return variants[:MAX_VARIANTS]

    def _topic_names(self) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """The names a topic's title gives it, as query words, and the topics
        (indexes) they name: ``DynamoDB``, ``SQS``, ``API Gateway``, ``X-Ray``
        (also typed ``xray``), ``Route 53`` (``route53``). Title segments split
        at ``:``, ``,``, ``and`` and brackets, filler words dropped; a one-word
        name counts only if at least :data:`CONTEXT_SHARE` of the entries that
        have the word are in its topic (``encryption`` but not ``policies``)."""
        if self._title_names is None:
            topics_of: dict[tuple[str, ...], set[int]] = {}
            for n, (_id, _number, title) in enumerate(self.topics):
                for segment in re.split(r"[:,()]|\band\b", title):
                    runs = [r for r in RUN.findall(segment) if r.lower() not in TITLE_FILLER]
                    if not runs:
                        continue
                    forms = [tuple(stem(r) for r in runs)]
                    if len(runs) > 1:
                        forms.append((stem("".join(runs)),))
                    for form in forms:
                        topics_of.setdefault(form, set()).add(n)
            names: list[tuple[tuple[str, ...], tuple[int, ...]]] = []
            for form, topics in topics_of.items():
                if len(form) == 1:
                    vid = self._ids.get(form[0])
                    if vid is None:
                        continue
                    docs = self._postings[self._post_at[vid] : self._post_at[vid + 1] : 2].tolist()
                    inside = sum(1 for doc in docs if self.heads[doc][1] in topics)
                    if inside < CONTEXT_SHARE * len(docs):
                        continue
                names.append((form, tuple(sorted(topics))))
            self._title_names = names
        return self._title_names

    def _context(self, query: list[str]) -> dict[int, int]:
        """Topic index -> the query words (bits) that name it."""
        around: dict[int, int] = {}
        positions: dict[str, int] = {}
        for bit, word in enumerate(query):
            positions[word] = positions.get(word, 0) | (1 << bit)
        for form, topics in self._topic_names():
            bits = 0
            for word in form:
                at = positions.get(word)
                if at is None:
                    break
                bits |= at
            else:
                for topic in topics:
                    around[topic] = around.get(topic, 0) | bits
        return around

    def _score(
        self, query: list[str], shares: list[float], factor: float
    ) -> tuple[dict[int, float], dict[int, list[tuple[int, int, int]]]]:
        """Scores of the documents one query variant matches, and what matched
        in each: ``{doc: [(query word index, word id, kind)]}``."""
        per_word = [self._matches(word) for word in query]
        best: list[dict[int, float]] = []
        found: dict[int, list[tuple[int, int, int]]] = {}
        postings, post_at = self._postings, self._post_at
        for n, matches in enumerate(per_word):
            top: dict[int, float] = {}
            for vid, (match_quality, kind) in matches.items():
                scaled = match_quality / WEIGHT_SCALE
                flat = postings[post_at[vid] : post_at[vid + 1]].tolist()
                for doc, weight in zip(flat[0::2], flat[1::2], strict=True):
                    value = scaled * weight
                    if value > top.get(doc, 0.0):
                        top[doc] = value
                    seen = found.get(doc)
                    if seen is None:
                        found[doc] = [(n, vid, kind)]
                    else:
                        seen.append((n, vid, kind))
            best.append(top)
        # Each word weighs its share of the query times its rarity; a word of a
        # topic's title gives that topic's entries a context to stand on.
        weights = [
            share * (RARE_FLOOR + (1.0 - RARE_FLOOR) * RARE_DOCS / (RARE_DOCS + len(top)))
            for share, top in zip(shares, best, strict=True)
        ]
        context = self._context(query)
        useful = sum(w for w, matches in zip(weights, per_word, strict=True) if matches) or 1.0
        quality: dict[int, float] = {}
        mask: dict[int, int] = {}
        for bit, matches in enumerate(per_word):
            for vid, (q, _kind) in matches.items():
                if q > quality.get(vid, 0.0):
                    quality[vid] = q
                mask[vid] = mask.get(vid, 0) | (1 << bit)
        full = sum(1 << bit for bit, matches in enumerate(per_word) if matches)
        scores: dict[int, float] = {}
        heads = self.heads
        for doc in found:
            total = 0.0
            covered = 0.0
            strong = False
            around = context.get(heads[doc][1], 0)  # the query words that name this entry's topic
            for bit, (weight, top) in enumerate(zip(weights, best, strict=True)):
                value = top.get(doc, 0.0)
                if around >> bit & 1 and value < W_CONTEXT:
                    value = W_CONTEXT
                if value:
                    total += value * weight
                    covered += weight
                    if value >= 0.4 * W_NAME:
                        strong = True
            score = total * (covered / useful) ** COVERAGE_POWER
            if strong:
                score += self._name_bonus(doc, quality, mask, full, around)
            if heads[doc][5] == 0:
                score += B_TOP_LEVEL
            scores[doc] = score * factor
        return scores, found

    def _name_bonus(self, doc: int, quality: dict[int, float], mask: dict[int, int], full: int, around: int) -> float:
        """A name (term, full form, alias) the query spells out: exact > typo or
        prefix > part. ``quality``: best match quality of each word id;
        ``mask``: which query words matched it (bits); ``full``: all of them;
        ``around``: the words the entry's topic title has, which may complete
        a name the other words spell out (``dynamodb rcu``: RCU in DynamoDB)."""
        bonus = 0.0
        for is_term, form in self._name_forms(doc):
            bits = 0
            for vid in form:
                bits |= mask.get(vid, 0)
            if not bits:
                continue
            qualities = [quality.get(vid, 0.0) for vid in form]
            whole_name = 0.0 not in qualities
            completed = bits != full and (bits | around) == full and bits & ~around
            if whole_name and (bits == full or completed):
                low = min(qualities)
                value = B_EXACT_NAME + (B_TERM if is_term else 0.0) if low >= Q_EXACT else B_FUZZY_NAME + 10.0 * low
                if completed:
                    value -= B_CONTEXT
            elif bits == full or completed:
                value = B_PART_NAME * (len(qualities) - qualities.count(0.0)) / len(form)
            elif whole_name:
                value = B_PART_NAME * bin(bits).count("1") / bin(full).count("1")
            else:
                continue
            if value > bonus:
                bonus = value
        return bonus

    # -- the API --------------------------------------------------------------

    def search(self, query: str, limit: int | None = 10) -> list[Hit]:
        """The entries matching ``query``, best first (``limit=None``: all)."""
        stems = []
        for word in query_words(query):
            unit = re.fullmatch(r"(\d+)([a-z]+)", word) if word not in self._ids else None
            stems.extend(unit.groups() if unit else (word,))  # 5pm, 4kb: a number and its unit
        if not stems:
            return []
        scores: dict[int, float] = {}
        found: dict[int, list[list[tuple[int, int, int]]]] = {}
        for variant, shares, factor in self._variants(stems):
            variant_scores, variant_found = self._score(variant, shares, factor)
            for doc, score in variant_scores.items():
                if score > scores.get(doc, 0.0):
                    scores[doc] = score
                found.setdefault(doc, []).append(variant_found[doc])
        heads = self.heads
        ranked = sorted(scores, key=lambda doc: (-scores[doc], heads[doc][5], doc))
        if limit is not None:
            ranked = ranked[: max(0, limit)]
        return [self._hit(doc, scores[doc], self._matched(found[doc])) for doc in ranked]

    def _matched(self, variants: list[list[tuple[int, int, int]]]) -> list[str]:
        """The document's words that matched: for each query word its exact
        matches, or (only when there are none) its prefix and typo matches."""
        words_: set[int] = set()
        for triples in variants:
            exact = {n for n, _vid, kind in triples if kind == 0}
            words_.update(vid for n, vid, kind in triples if kind == 0 or n not in exact)
        return sorted(self.vocab[vid] for vid in words_)

    def suggest(self, query: str, n: int = 5) -> list[str]:
        """Up to ``n`` terms closest to ``query`` in spelling, for a "no match" message.

        Shared letter pairs (Dice over bigrams), not :func:`lessons.spelling.closest`, on
        purpose: a query that matched nothing is often a few words against a longer name
        ("kenesis shard" for "Kinesis Shard Capacity"), which an edit distance between
        whole spellings scores as far apart."""
        wanted = words(query)
        if not wanted:
            return []
        wanted_grams = [_bigrams(w) for w in wanted]
        joined = _bigrams("".join(wanted))
        scored: dict[str, float] = {}
        for _id, _topic, term, full_form, _summary, _depth in self.heads:
            for name in (term, full_form):
                name_words = words(plain(name)) if name else []
                if not name_words:
                    continue
                name_grams = [_bigrams(w) for w in name_words]
                per_word = sum(max(_dice(g, h) for h in name_grams) for g in wanted_grams) / len(wanted_grams)
                score = max(per_word, _dice(joined, _bigrams("".join(name_words))))
                if score >= SUGGEST_CUTOFF and score > scored.get(term, 0.0):
                    scored[term] = score
        ranked = sorted(scored, key=lambda term: (-scored[term], len(term), term))
        return ranked[: max(0, n)]
