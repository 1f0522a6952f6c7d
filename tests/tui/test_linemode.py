"""The line mode (``awstutor --plain``): the course on numbered prompts, driven through stdin."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessons.bank import QuestionBank
from lessons.quiz import QuizItem, QuizSpec, build_quiz
from lessons.session import AnswerRejected
from tui.linemode import run_line_mode
from tui.linemode_quiz import parse_response
from tui.terminal import Terminal
from tui.tutor import Tutor

ROOT = Path(__file__).resolve().parents[2]


class Typist(io.StringIO):
    """stdin that lets ``minutes`` pass on the clock before each line it hands over."""

    def __init__(self, text: str, clock=None, minutes: float = 0.0) -> None:
        super().__init__(text)
        self.clock = clock
        self.minutes = minutes

    def readline(self, *args) -> str:  # type: ignore[override]
        if self.clock is not None and self.minutes:
            self.clock.advance(minutes=self.minutes)
        return super().readline(*args)

    def isatty(self) -> bool:
        return False


def run(course, store, text: str, clock=None, minutes: float = 0.0, **kwargs) -> str:
    out = io.StringIO()
    status = run_line_mode(
        course, store, stdin=Typist(text, clock, minutes), stdout=out, clock=clock, terminal=Terminal(), **kwargs
    )
    assert status == 0
    return out.getvalue()


def right_answer(item: QuizItem) -> str:
    """What a learner who knows types for ``item``."""
    question = item.question
    if question.type in ("single", "multi"):
        return ",".join(str(item.choices.index(c) + 1) for c in item.correct)
    if question.type == "truefalse":
        return "t" if item.correct == ("True",) else "f"
    answer = question.answer
    return str(int(answer)) if isinstance(answer, float) and answer.is_integer() else str(item.correct[0])


def quiz_of(course, mode: str, topics: list[str] | None = None, seed: int = 7):
    return build_quiz(QuestionBank.build(course), QuizSpec(mode=mode, topics=topics or [], seed=seed))


# ------------------------------------------------------------------ reading


def test_reading_marking_and_searching(course, store, clock) -> None:
    out = run(course, store, "n\ng\n/visibility timeout\n1\nt\n18\nhelp\nbogus\x1b[A\nquit\n", clock)
    assert "Region" in out and "IAM (Identity and Access Management)" in out
    assert "Marked 'IAM': got it." in out
    assert re.search(r"1\. SQS Visibility Timeout - topic 16", out)
    assert "By default, the message visibility timeout is 30 seconds." in out
    assert "25. Secrets and Sensitive Data" in out
    assert "Topic 18 DynamoDB  [1 of" in out
    assert "/ WORDS      search" in out
    assert "Not a command: bogus?[A." in out  # control characters are not echoed
    assert "\x1b" not in out
    assert out.rstrip().endswith("Bye. Your progress is saved.")
    assert store.entry_state("iam-ec2/iam").learned
    assert store.position()[1].startswith("dynamodb/")


def test_links_are_numbered_and_followed(course, store, clock) -> None:
    out = run(course, store, "1\n", clock)
    region = course.entry("iam-ec2/region")
    first = course.entry(region.related[0])
    assert f"[1] {first.title}" in out
    assert out.count(first.title) >= 2  # listed, then opened
    assert store.position()[1] == first.id


# ------------------------------------------------------------------ quizzes


def test_a_topic_quiz_taken_through_stdin_is_graded_and_recorded(course, store, clock) -> None:
    quiz = quiz_of(course, "topic", ["sqs" if course.topic("sqs") else "messaging"])
    answers = "\n".join(right_answer(item) for item in quiz.items) + "\n"
    out = run(course, store, answers, clock, quiz=quiz)
    assert out.count("Right.") == len(quiz.items), out
    assert f"Score: {len(quiz.items)} of {len(quiz.items)} (100%)" in out
    results = store.last_results()
    assert all(results[item.question.id] for item in quiz.items)
    assert Tutor(course, store).saved_quiz_summary() is None  # finished: nothing left to resume


def test_end_of_input_keeps_the_quiz_to_resume(course, store, clock) -> None:
    quiz = quiz_of(course, "topic", ["iam-ec2"])
    first, second = quiz.items[:2]
    out = run(course, store, f"{right_answer(first)}\n\n:help\n{right_answer(second)}\n", clock, quiz=quiz)
    assert "Type the answer first." in out or "Choose or type an answer first." in out  # the empty line
    assert ":l     back to the lessons" in out
    assert f"Input ended: the quiz is kept (2 of {len(quiz.items)} answered)" in out
    assert Tutor(course, store).saved_quiz_summary() == (2, len(quiz.items))
    assert len(store.last_results()) == 2
    again = run(course, store, "z\n", clock)  # resumed where it stopped
    assert f"Question 3 of {len(quiz.items)}" in again


def test_the_exam_shows_its_clock_on_every_prompt_and_ends_when_time_is_up(course, store, clock) -> None:
    quiz = quiz_of(course, "exam")
    lines = [right_answer(item) for item in quiz.items[:8]]
    out = run(course, store, "\n".join(lines) + "\n", clock, minutes=25, quiz=quiz)
    prompts = re.findall(r"\(([^)]*left)\) answer> ", out)
    assert prompts[:3] == ["2 h 10 min left", "1 h 45 min left", "1 h 20 min left"]
    assert "(5:00 left) answer> " in out  # under 10 minutes: minutes and seconds
    assert "Time is up: the exam is over." in out
    assert "Scaled score:" in out
    attempts = list(store.attempts())
    assert len(attempts) == 5  # the five answers given in time, recorded once, at the end
    assert {a.mode for a in attempts} == {"exam"} and all(a.correct for a in attempts)


def test_exam_commands(course, store, clock) -> None:
    quiz = quiz_of(course, "exam")
    out = run(course, store, f":m\n:n\n:p\n:j\n:j 9\n{right_answer(quiz.items[8])}\n:e\ny\n", clock, quiz=quiz)
    assert "Marked for review." in out
    assert "  1. [unanswered, flagged]" in out
    assert "Question 9 of 65" in out
    assert "64 of 65 unanswered. End the exam now? (y/n)" in out
    assert "Score: 1 of 65" in out
    assert store.last_results() == {quiz.items[8].question.id: True}


def test_the_due_review(course, store, clock) -> None:
    Tutor(course, store, clock=clock).mark_entry("iam-ec2/region", "again")
    clock.advance(days=3)
    out = run(course, store, "\n3\n", clock, review=True)
    assert "Topic 1 IAM and EC2: Region" in out
    assert "A cluster of data centers." in out
    assert "Review done: 1 card (1 good)" in out
    assert store.card("iam-ec2/region")["last_rating"] == "good"


# ------------------------------------------------------------------ reading answers


def test_answers_are_read_as_numbers_letters_or_words(course) -> None:
    quiz = quiz_of(course, "exam", seed=3)
    single = next(i for i in quiz.items if i.question.type == "single")
    multi = next(i for i in quiz.items if i.question.type == "multi")
    assert parse_response(single, "2") == single.choices[1]
    assert parse_response(single, "b") == single.choices[1]
    assert parse_response(multi, "1, 3") == (multi.choices[0], multi.choices[2])
    assert parse_response(multi, "ac") == (multi.choices[0], multi.choices[2])
    for bad in ("9", "zz", "1 2"):
        with pytest.raises(AnswerRejected):
            parse_response(single, bad)


# ------------------------------------------------------------------ the command


def test_plain_works_piped_and_never_imports_textual(cli) -> None:
    result = cli("--plain", input="n\n/sqs dlq\nquit\n")
    assert result.returncode == 0, result.stderr
    assert "awstutor, line mode." in result.stdout and "SQS Dead Letter Queue" in result.stdout
    assert "\x1b" not in result.stdout
    code = (
        "import io, sys\nsys.stdin = io.StringIO('n\\n')\nfrom tui.cli import main\n"
        "import contextlib\nwith contextlib.redirect_stdout(io.StringIO()):\n    main(['--plain'])\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr


def test_without_a_terminal_only_plain_reads_a_pipe(cli) -> None:
    """TERM=dumb picks the line mode on a terminal; a pipe needs --plain, said out loud."""
    for env in ({"TERM": "dumb"}, {"TERM": ""}):
        result = cli(env=env, input="quit\n")
        assert result.returncode == 2 and "--plain" in result.stderr, env
    assert cli("--plain", env={"TERM": "dumb"}, input="quit\n").returncode == 0


def test_a_quiz_in_line_mode_from_the_command(cli) -> None:
    result = cli("quiz", "--topic", "iam-ec2", "--count", "2", "--seed", "1", "--plain", input="1\n1\n")
    assert result.returncode == 0, result.stderr
    assert "Topic quiz: 2 questions." in result.stdout
    assert "Topic quiz: results. Score:" in result.stdout
