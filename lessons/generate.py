"""Questions generated from the entries of a course, for :mod:`lessons.bank`.

:class:`QuestionGenerator` makes, for each entry, questions with a stable id
``"<topic>/gen/<kind>-<entry-slug>[-n]"`` (progress keys on it: the same course
always yields the same ids and content) and a fact group:

  ``expand-``  "What does ENI stand for?" (typed, the full form)
  ``acronym-`` "What is the acronym for Elastic Compute Cloud?" (typed; only where the
               acronym is not just the full form's initials: "EC2", not "ENI")
  ``pick-``    "What does ENI stand for?" (single choice among full forms with the
               answer's initials, so the letters alone don't tell)
  ``define-``  "Which term is defined as: '...'?" (single choice among terms; never a
               fragment, a prompt that matches the answer's words, or a distractor
               that is also a defensible answer)
  ``fact-``    a sentence of the notes holding a marked number (true)
  ``twin-``    the same sentence with that number changed plausibly (false; see
               :mod:`lessons.twins`)

Every generated question passes the guards of :mod:`lessons.guards`
(``spelled_by_initials``, ``same_form``, ``is_fragment``, ``gives_away``) whatever
rule made it. Generated questions never test a number an update changed: entries
with updates are left out of the number and definition questions, and so is any
sentence holding a number that one of the topic's updates mentions. Entries with an
``unverified`` note are left out of them too: a doubtful fact is shown, never quizzed.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from lessons import markup
from lessons.grading import is_acronym, key
from lessons.guards import (
    CONNECTORS,
    SPLIT_NAME,
    find_names,
    gives_away,
    initials,
    is_fragment,
    same_form,
    spelled_by_initials,
    stems,
    words_of,
)
from lessons.model import GENERATED, Course, Entry, Question
from lessons.stable import rotated, stable_hash, stable_order
from lessons.twins import numbers_of, parse_mark, twin

__all__ = ["QuestionGenerator", "acronym_of", "kind_of"]


def _plain_numbers(text: str) -> str:
    """Number marks removed (``{{30 seconds}}`` -> ``30 seconds``); code marks kept."""
    return re.sub(r"\{\{(.+?)\}\}", r"\1", text)


def _mentions(text: str, name: str) -> bool:
    """``name`` appears in ``text`` as a whole word or phrase (case ignored)."""
    name = markup.plain(name).strip()
    return len(name) >= 2 and bool(find_names(markup.plain(text), name))


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def acronym_of(entry: Entry) -> str | None:
    """The acronym an entry's full form spells out ("ENI"), or None.

    The term itself when it is an acronym ("ENI", "AWS CLI" -> "CLI"), else an alias
    that is an acronym of the full form ("EBS Volume" has the alias "EBS").
    """
    if not entry.full_form:
        return None
    candidates = [entry.term]
    for prefix in ("AWS ", "Amazon "):
        if entry.term.startswith(prefix):
            candidates.append(entry.term[len(prefix) :])
    for candidate in candidates:
        if is_acronym(candidate) and markup.fold(candidate) != markup.fold(entry.full_form):
            return candidate
    first_letters = initials(entry.full_form)
    for alias in entry.aliases:
        letters = "".join(ch for ch in alias if ch.isalpha())
        if is_acronym(alias) and len(letters) >= 2 and _is_subsequence(letters.upper(), first_letters):
            return alias
    return None


def _full_form_variants(full_form: str) -> list[str]:
    """Other fair spellings of a full form: without "and"/"&"/"of", with "AWS"/"Amazon" before it."""
    plain = markup.plain(full_form)
    variants = [f"AWS {plain}", f"Amazon {plain}"] if not plain.startswith(("AWS ", "Amazon ")) else []
    for connector in (r"\band\b", "&", r"\bof\b", r"\bfor\b"):
        shorter = " ".join(re.sub(connector, " ", plain, flags=re.IGNORECASE).split())
        if shorter != plain and shorter not in variants:
            variants.append(shorter)
    return variants


_GENERIC_WORDS = {"aws", "amazon", "and", "the", "for", "with", "know", "to", "of", "in", "on", "a", "an"}


def kind_of(question: Question) -> str:
    """The kind of a question: its origin, or for a generated one its generator ("define")."""
    if question.origin != GENERATED:
        return question.origin
    return question.slug.split("-", 1)[0]


# --------------------------------------------------------------------------- generation


class QuestionGenerator:
    """The generated questions of a course, topic by topic (:meth:`topic`). Built once per
    course: its indexes (acronyms, names, entries by kind, stale numbers) serve every topic."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.entries = list(course.entries.values())
        self.acronym: dict[str, str] = {}  # entry id -> acronym
        for entry in self.entries:
            found = acronym_of(entry)
            if found:
                self.acronym[entry.id] = found
        acronyms: dict[str, list[str]] = defaultdict(list)
        for entry_id, acronym in self.acronym.items():
            full = self.course.entries[entry_id].full_form or ""
            if all(markup.fold(f) != markup.fold(full) for f in acronyms[acronym]):
                acronyms[acronym].append(full)
        self.acronyms = {a: tuple(f) for a, f in acronyms.items()}
        terms: set[str] = set()
        for entry in self.entries:
            terms.add(entry.term)
            terms.update(entry.aliases)
            if entry.full_form:
                terms.add(entry.full_form)
        terms.update(self.acronym.values())
        self.terms = terms
        # Definitions that more than one entry shares (or shares but for a number: "SSD
        # volume.", "A v2 load balancer (2016)") cannot tell a term apart.
        shape = Counter(self._definition_shape(e) for e in self.entries if e.definition)
        self.ambiguous = {s for s, n in shape.items() if n > 1}
        # Normalised names, computed once: (term, definition, full form, aliases).
        self.norm = {
            e.id: (
                markup.fold(e.term),
                markup.fold(e.definition or ""),
                markup.fold(e.full_form or ""),
                tuple(markup.fold(a) for a in e.aliases),
            )
            for e in self.entries
        }
        self.acronym_key = {entry_id: key(a) for entry_id, a in self.acronym.items()}
        self.full_form_words = {e: set(re.findall(r"[a-z]{3,}", self.norm[e][2])) for e in self.acronym}
        self.by_kind: dict[str, list[Entry]] = defaultdict(list)
        self.by_kind_topic: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        self.children_of: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            self.by_kind[entry.kind].append(entry)
            self.by_kind_topic[(entry.kind, entry.topic_id)].append(entry)
            if entry.parent_id:
                self.children_of[entry.parent_id].append(entry)
        # Capitalised words of the course's full forms ("Elastic", "Notification"...), by
        # first letter: material for pick distractors that keep the answer's initials.
        vocabulary: dict[str, set[str]] = defaultdict(set)
        for entry in self.entries:
            for word in SPLIT_NAME.split(markup.plain(entry.full_form or "")):
                if len(word) > 3 and word[:1].isupper() and word[1:].islower() and word.isalpha():
                    vocabulary[word[0]].add(word)
        self.vocabulary = {letter: sorted(words) for letter, words in vocabulary.items()}
        self.names = {markup.fold(n) for n in terms}
        self.stale_numbers: dict[str, set[float]] = defaultdict(set)
        for entry in self.entries:
            for update in entry.updates:
                self.stale_numbers[entry.topic_id] |= numbers_of(update.note)

    @staticmethod
    def _definition_shape(entry: Entry) -> str:
        return re.sub(r"\d+", "#", markup.fold(entry.definition or ""))

    def topic(self, topic_id: str) -> Iterator[tuple[Question, str]]:
        for entry in self.course.by_topic[topic_id].walk():
            for question, fact in itertools.chain(
                self.acronym_questions(entry), self.definition_question(entry), self.number_questions(entry)
            ):
                if self._sound(question):
                    yield question, fact

    @staticmethod
    def _sound(question: Question) -> bool:
        """The last check of every generated question (see the guards above): no
        question whose wording gives its answer away, no fragment as a prompt."""
        kind = kind_of(question)
        answer = str(question.answer)
        if kind == "acronym":
            full = question.prompt.removeprefix("What is the acronym for ").removesuffix("?")
            return not spelled_by_initials(answer, full)
        if kind == "expand":
            acronym = question.prompt.removeprefix("What does ").removesuffix(" stand for?")
            return not find_names(answer, acronym)
        if kind == "pick":
            return all(same_form(answer, choice) for choice in question.choices)
        if kind == "define":
            shown = question.prompt.removeprefix('Which term is defined as: "').removesuffix('"?')
            others = [c for c in question.choices if c != answer]
            return not is_fragment(shown) and not gives_away(answer, shown, others)
        return True

    def _question(self, entry: Entry, kind: str, n: int, **fields: Any) -> Question:
        slug = f"{kind}-{entry.slug}" + (f"-{n}" if n > 1 else "")
        fields.setdefault("choices", ())
        fields.setdefault("accept", ())
        fields.setdefault("tolerance", 0.0)
        return Question(
            id=f"{entry.topic_id}/gen/{slug}",
            slug=slug,
            topic_id=entry.topic_id,
            origin=GENERATED,
            entry_id=entry.id,
            lines=entry.lines,
            source_file=entry.source_file,
            source_line=entry.source_line,
            **fields,
        )

    # -- acronyms ------------------------------------------------------------

    def acronym_questions(self, entry: Entry) -> Iterator[tuple[Question, str]]:
        acronym = self.acronym.get(entry.id)
        if not acronym or not entry.full_form:
            return
        full = entry.full_form
        fact = f"{entry.id}#acronym"
        explain = f"{acronym} stands for {full}."
        if entry.definition:
            explain += f" {entry.term}: {entry.definition}"
        # "Server-Side Encryption (S3-managed keys)" is no fair thing to type, and a full
        # form holding the acronym itself ("SSE-C ...") would echo the question.
        if "(" not in full and not find_names(full, acronym):
            yield (
                self._question(
                    entry,
                    "expand",
                    1,
                    type="typed",
                    prompt=f"What does {acronym} stand for?",
                    answer=full,
                    accept=tuple(_full_form_variants(full)),
                    explain=explain,
                ),
                fact,
            )
        # Other spellings: a name that holds the acronym ("AWS CLI", "EBS Volume"); never a
        # part of it ("KMS" does not answer "SSE-KMS").
        accept = [a for a in (entry.term, *entry.aliases) if key(a) != key(acronym) and find_names(a, acronym)]
        # An acronym that is just the initials of the full form is read off the question.
        if not spelled_by_initials(acronym, full):
            yield (
                self._question(
                    entry,
                    "acronym",
                    1,
                    type="typed",
                    prompt=f"What is the acronym for {full}?",
                    answer=acronym,
                    accept=tuple(dict.fromkeys(accept)),
                    explain=explain,
                ),
                fact,
            )
        distractors = self._full_form_distractors(entry, acronym)
        if len(distractors) >= 3:
            choices = (full, *distractors[:3])
            yield (
                self._question(
                    entry,
                    "pick",
                    1,
                    type="single",
                    prompt=f"What does {acronym} stand for?",
                    choices=choices,
                    answer=full,
                    explain=explain,
                ),
                fact,
            )

    def _full_form_distractors(self, entry: Entry, acronym: str) -> list[str]:
        """Three full forms a learner cannot tell from the answer by their initials: other
        full forms of the course with the same initials, else the answer with one word
        swapped for a word of the course starting with the same letter ("Elastic Network
        Interface" -> "Elastic Notification Interface")."""
        full = entry.full_form or ""
        own = key(acronym)
        same, other = [], []
        for entry_id in self.acronym:
            if entry_id == entry.id or self.acronym_key[entry_id] == own:
                continue
            candidate = self.course.entries[entry_id]
            if not same_form(full, candidate.full_form or ""):
                continue
            (same if candidate.topic_id == entry.topic_id else other).append(candidate)
        # Other topics: full forms sharing a word with the answer first ("Simple Queue
        # Service" for SNS), so the choice is not given away.
        words = self.full_form_words[entry.id]
        other = rotated(other, f"{entry.id}#pick")
        other.sort(key=lambda e: -len(words & self.full_form_words[e.id]))
        picked: list[str] = []
        seen = {self.norm[entry.id][2]}
        for tier in (rotated(same, f"{entry.id}#pick"), other):
            for candidate in tier:
                form = self.norm[candidate.id][2]
                if form in seen:
                    continue
                seen.add(form)
                picked.append(candidate.full_form or "")
                if len(picked) == 3:
                    return picked
        for variant in self._variants(entry):
            if markup.fold(variant) not in seen:
                seen.add(markup.fold(variant))
                picked.append(variant)
                if len(picked) == 3:
                    break
        return picked

    def _variants(self, entry: Entry) -> Iterator[str]:
        """The full form with one word replaced by a word of another full form with the
        same initial ("Elastic Network Interface" -> "Elastic Name Interface"), positions
        and words in a stable order that depends on the entry."""
        full = entry.full_form or ""
        words = re.split(r"([^A-Za-z0-9]+)", full)
        own = {w.casefold() for w in words}
        slots = [
            i
            for i, w in enumerate(words)
            if len(w) > 2 and w[0].isupper() and w.isalpha() and w.casefold() not in CONNECTORS
        ]
        choices = []  # (rank at its position, position, word): one swap per position first
        for i in slots:
            pool = [w for w in self.vocabulary.get(words[i][0], ()) if w.casefold() not in own]
            for rank, word in enumerate(stable_order(pool, f"{entry.id}#variant#{i}")[:4]):
                choices.append((rank, i, word))
        choices.sort(key=lambda c: (c[0], stable_hash(entry.id, str(c[1]))))
        for _, i, word in choices:
            variant = "".join(word if j == i else w for j, w in enumerate(words))
            if key(variant) == key(full) or markup.fold(variant) in self.names:
                continue  # a real name of the course: maybe right for another reading
            yield variant

    # -- definition -> term --------------------------------------------------

    def _good_definition(self, entry: Entry) -> bool:
        definition = entry.definition
        if not definition or entry.updates or entry.unverified:
            return False
        plain = markup.plain(definition).strip()
        if is_fragment(definition):
            return False
        if re.match(r"^(?:similar to|same as|example\b|e\.g\.)", plain, re.IGNORECASE):
            return False
        if re.search(r"\bexample\b", entry.term, re.IGNORECASE):
            return False
        if self._definition_shape(entry) in self.ambiguous:
            return False
        return True

    def _hide(self, entry: Entry, text: str) -> str:
        """The definition with the entry's own name blanked out (code left alone)."""
        names = {entry.term}
        if entry.full_form:
            names.add(entry.full_form)
        if entry.id in self.acronym:
            names.add(self.acronym[entry.id])
        for prefix in ("AWS ", "Amazon "):
            if entry.term.startswith(prefix):
                names.add(entry.term[len(prefix) :])
        ordered = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
        pieces = []
        for kind, piece in markup.spans(text):
            if kind == "text":
                for name in ordered:
                    for at, stop in reversed(find_names(piece, name)):
                        piece = piece[:at] + "___" + piece[stop:]
                pieces.append(piece)
            else:
                pieces.append("{{" + piece + "}}" if kind == "number" else f"`{piece}`")
        return "".join(pieces)

    def definition_question(self, entry: Entry) -> Iterator[tuple[Question, str]]:
        if not self._good_definition(entry):
            return
        definition = entry.definition or ""
        hidden = self._hide(entry, definition)
        if len([w for w in words_of(hidden.replace("___", " ")) if len(w) > 1]) < 2:
            return
        shown = _plain_numbers(hidden)
        distractors = self._term_distractors(entry, shown)
        if len(distractors) < 3 or is_fragment(hidden) or gives_away(entry.term, shown, distractors[:3]):
            return
        prompt = f'Which term is defined as: "{shown}"?'
        explain = f"{entry.term}: {definition}"
        if entry.full_form:
            explain = f"{entry.term} ({entry.full_form}): {definition}"
        yield (
            self._question(
                entry,
                "define",
                1,
                type="single",
                prompt=prompt,
                choices=(entry.term, *distractors[:3]),
                answer=entry.term,
                explain=explain,
            ),
            f"{entry.id}#define",
        )

    def _ambiguous(self, entry: Entry, candidate: Entry, prompt: str) -> bool:
        """A distractor that is also a defensible answer: linked to the entry, stating
        the same figure, named after the same idea ("Concurrent executions" for the
        "Concurrency limit in Lambda"), or fitting the prompt's words better than the
        answer does ("SQS Access Policies" for "IAM policies to regulate access to the
        SQS API")."""
        if candidate.id in entry.related or entry.id in candidate.related:
            return True
        numbers = set(markup.key_numbers(entry.definition or ""))
        if numbers & set(markup.key_numbers(" ".join([candidate.definition or "", *candidate.notes]))):
            return True
        shown = stems(prompt)
        if len(stems(candidate.term) & shown) > len(stems(entry.term) & shown):
            return True
        named = {"api", "command", "type"}
        if entry.kind in named and candidate.kind in named:
            return False  # DeleteQueue / DeleteItem, gp2 / gp3: variants meant to be told apart
        context = set(stems(self.course.by_topic[entry.topic_id].title))
        if entry.parent_id and entry.parent_id == candidate.parent_id:
            context |= stems(self.course.entries[entry.parent_id].term)  # siblings share their parent's words
        long_words = {s for s in stems(entry.term) if len(s) == 5} - context
        return bool(long_words & stems(candidate.term))

    def _term_distractors(self, entry: Entry, prompt: str = "") -> list[str]:
        term, definition, full_form, aliases = self.norm[entry.id]
        own_names = {term, *aliases} | ({full_form} if full_form else set())
        same_kind = self.by_kind_topic
        siblings = [c for c in self.children_of.get(entry.parent_id or "", ()) if c.kind == entry.kind]
        sibling_ids = {c.id for c in siblings}

        def tier(entries: Sequence[Entry], salt: str) -> Iterator[Entry]:
            # Entries with a definition of their own are real terms: prefer them.
            turned = rotated(entries, salt)
            yield from (e for e in turned if e.definition is not None)
            yield from (e for e in turned if e.definition is None)

        salt = f"{entry.id}#define"
        candidates = itertools.chain(
            tier(siblings, salt),
            (c for c in tier(same_kind.get((entry.kind, entry.topic_id), ()), salt) if c.id not in sibling_ids),
            (c for c in tier(self.by_kind[entry.kind], salt) if c.topic_id != entry.topic_id),
        )
        picked: list[str] = []
        seen = set(own_names)
        for candidate in candidates:
            if candidate.id in (entry.id, entry.parent_id) or candidate.parent_id == entry.id:
                continue
            other_term, other_definition, _, other_aliases = self.norm[candidate.id]
            if other_term in seen or (definition and other_definition == definition):
                continue
            if "example" in other_term or own_names.intersection(other_aliases):
                continue
            if self._ambiguous(entry, candidate, prompt):
                continue
            seen.add(other_term)
            picked.append(candidate.term)
            if len(picked) == 40:
                break
        # When the prompt shares words with the answer, terms sharing as many come first:
        # otherwise matching words would give the answer away (see gives_away).
        shown = stems(prompt)
        own = len(stems(entry.term) & shown)
        if own:
            picked.sort(key=lambda other: len(stems(other) & shown) != own)
        return picked[:3]

    # -- numbers: true statement and false twin --------------------------------

    def number_questions(self, entry: Entry) -> Iterator[tuple[Question, str]]:
        if entry.updates or entry.unverified or entry.kind == "practice":
            return
        texts = ([entry.definition] if entry.definition else []) + list(entry.notes)
        if not any("{{" in text for text in texts):
            return
        entry_numbers = numbers_of(" ".join([entry.term, *texts]))
        stale = self.stale_numbers.get(entry.topic_id, set())
        n = 0
        for sentence in texts:
            if "{{" not in sentence:
                continue
            if re.search(r"\bexamples?\b|\be\.g\.", sentence, re.IGNORECASE):
                continue
            pieces = list(markup.spans(sentence))
            marks = [(i, parse_mark(text)) for i, (kind, text) in enumerate(pieces) if kind == "number"]
            if any(m is None for _, m in marks):
                continue
            if any(m.value in stale for _, m in marks if m is not None):
                continue
            changed = twin(entry.id, sentence, pieces, marks, entry_numbers)
            if changed is None:
                continue
            n += 1
            label = self._label(entry)
            statement = sentence if self._names_entry(entry, sentence) else f"{label}: {sentence}"
            fact = f"{entry.id}#number-{n}"
            cite = f"{label}: {sentence}"
            twin_sentence, original, new = changed
            twin_statement = twin_sentence if statement == sentence else f"{label}: {twin_sentence}"
            for kind, shown, right, explain in (
                ("fact", statement, True, f"True. From the notes: {cite}"),
                ("twin", twin_statement, False, f"False: {original}, not {new}. From the notes: {cite}"),
            ):
                question = self._question(
                    entry, kind, n, type="truefalse", prompt=_plain_numbers(shown), answer=right, explain=explain
                )
                yield question, fact

    def _label(self, entry: Entry) -> str:
        """The entry's term, led by its parent's unless the term already shares a word with
        both the parent and the topic ("Lambda execution limits – Environment variables size")."""
        if not entry.parent_id:
            return entry.term
        parent = self.course.entries[entry.parent_id].term

        def stems(text: str) -> set[str]:
            words = re.findall(r"[a-z0-9][a-z0-9-]+", markup.plain(text).casefold())
            return {w.rstrip("s") for w in words if w not in _GENERIC_WORDS}

        own = stems(entry.term)
        if own & stems(parent) and own & stems(self.course.by_topic[entry.topic_id].title):
            return entry.term
        return f"{parent} – {entry.term}"

    def _names_entry(self, entry: Entry, sentence: str) -> bool:
        names = [entry.term]
        if entry.full_form:
            names.append(entry.full_form)
        if entry.id in self.acronym:
            names.append(self.acronym[entry.id])
        return any(_mentions(sentence, n) for n in names if len(n) >= 3)
