"""How fast does the app open? Compared with a minimal Textual app, in the same run.

    .venv/bin/python bench/startup.py [--runs 15] [--timeout 20] [--no-imports]

The goal: time from launch to an interactive main screen within 1.5x that of a
minimal Textual app (Header, Tree, Markdown, Footer).

Each timing is a fresh process in a real pseudo-terminal of 80x24
(TERM=xterm-256color) that is its controlling terminal, as in a terminal
window. The clock runs from spawn until the screen is interactive, as read from
what the app writes (escape sequences removed):

* the minimal app: its Markdown's marker word, then the Footer's "palette" key;
* awstutor (``python -m tui`` from the project folder): the status bar's
  "entry N of M", then the main screen's footer ("Got it", "palette"). Textual
  paints the footer's keys last, so the screen is complete when they appear.

Then the app gets ctrl+q (and is killed if it does not quit): shutdown is not
timed. The two apps run alternately so that machine noise hits both alike.
awstutor's data, config and cache folders are in a temporary folder. Its first
run creates the progress store and welcomes a new user: it is timed on its own
and not counted. In that run g g marks two entries learned, so the timed runs
are a returning user's (some marks and scheduler cards, resuming at entry 3).

"first output" is when an app first wrote to the terminal (Textual's driver
starting): before it, imports and loading; after it, "screen build": composing,
styling and painting the screen until interactive.

Then one more run of each app with ``-X importtime``, stopped once interactive,
lists the modules awstutor imports on the way to its screen that the minimal
app does not, ranked by what each adds (its own time plus the imports it pulls
in that the minimal app does not make). Lazy imports count too: Textual draws on
stderr, so the import lines come through the pty with the frames.

Exit status: 0 when the ratio meets the goal, 1 when it does not, 2 when an app
failed to start (the tail of its output is printed).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
COLUMNS, LINES = 80, 24
MARKER = "Quokkaberry"  # a word in the minimal app's Markdown, found nowhere else

MINIMAL_APP = f"""\
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Markdown, Tree


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        tree: Tree[None] = Tree("Course")
        tree.root.expand()
        for number in range(1, 4):
            topic = tree.root.add(f"Topic {{number}}", expand=number == 1)
            for entry in range(1, 4):
                topic.add_leaf(f"Entry {{number}}.{{entry}}")
        yield tree
        yield Markdown("# Lesson\\n\\nA short text with the word {MARKER} in it.\\n\\n- one\\n- two\\n")
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
"""

# CSI (with private and intermediate bytes), OSC (ended by BEL or ST), DCS/PM/APC strings,
# then any other escape (ESC, intermediates, final byte: ESC 7, ESC =, ESC ( B...).
ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[P^_][^\x1b]*\x1b\\|\x1b[ -/]*[0-~]"
)


@dataclass(frozen=True)
class Target:
    name: str
    command: list[str]
    ready: list[re.Pattern[bytes]]  # all must appear, in this order, in the text drawn


@dataclass(frozen=True)
class Run:
    first_output: float  # seconds from spawn to the first byte written to the terminal
    interactive: float  # seconds from spawn to the last marker drawn
    quit_cleanly: bool  # ctrl+q ended it (the app was taking keys)
    output: bytes = field(default=b"", repr=False)  # what it wrote, up to interactive (or then's pattern)


class StartFailed(Exception):
    def __init__(self, app: str, reason: str, output: bytes) -> None:
        super().__init__(f"{app}: {reason}")
        self.output = output


def text_of(raw: bytes) -> bytes:
    """What the terminal would print, as one stream: escape sequences removed."""
    return ESCAPES.sub(b"", raw)


def ready_in(text: bytes, patterns: list[re.Pattern[bytes]]) -> bool:
    position = 0
    for pattern in patterns:
        found = pattern.search(text, position)
        if found is None:
            return False
        position = found.end()
    return True


def _controlling_terminal() -> None:  # in the child, after setsid: the pty becomes its terminal
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_once(
    app: Target,
    env: dict[str, str],
    timeout: float,
    *,
    quit: bool = True,
    then: tuple[bytes, re.Pattern[bytes]] | None = None,
) -> Run:
    """Spawn ``app`` in a fresh 80x24 pty; time it until its screen is interactive.

    ``then``: once interactive, type these keys and wait until the pattern is drawn (untimed).
    ``quit``: then send ctrl+q (False: kill it there, so nothing more is written).
    """
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        app.command,
        cwd=ROOT,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=_controlling_terminal,  # safe: this script starts no threads
    )
    os.close(slave)
    try:
        output = _Output(app.name, process, master, start, timeout)
        output.read_until(app.ready, "interactive")
        interactive = output.last - start
        if then is not None:
            keys, pattern = then
            mark = len(output.raw)
            os.write(master, keys)
            output.read_until([pattern], f"showing {pattern.pattern!r} after {keys!r}", since=mark)
        assert output.first is not None
        return Run(output.first - start, interactive, _stop(process, master) if quit else False, output.raw)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)


class _Output:
    """What an app writes to its terminal, read as it comes, with when it came."""

    def __init__(self, name: str, process: subprocess.Popen[bytes], master: int, start: float, timeout: float) -> None:
        self.name, self.process, self.master = name, process, master
        self.timeout, self.deadline = timeout, start + timeout
        self.raw = b""
        self.first: float | None = None  # when the first byte came
        self.last = 0.0  # when the last chunk came

    def read_until(self, patterns: list[re.Pattern[bytes]], what: str, since: int = 0) -> None:
        """Read until ``patterns`` have all been drawn, in order, in the output from byte ``since``."""
        while not ready_in(text_of(self.raw[since:]), patterns):
            left = self.deadline - time.perf_counter()
            if left <= 0:
                raise StartFailed(self.name, f"not {what} after {self.timeout:g} s", self.raw)
            readable, _, _ = select.select([self.master], [], [], left)
            if not readable:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the app closed the terminal (it exited)
                chunk = b""
            self.last = time.perf_counter()
            if not chunk:
                self.process.wait()
                raise StartFailed(self.name, f"exited ({self.process.returncode}) before {what}", self.raw)
            if self.first is None:
                self.first = self.last
            self.raw += chunk


def _stop(process: subprocess.Popen[bytes], master: int) -> bool:
    """ctrl+q, reading what the app writes as it exits (a full pty would block it); kill after 5 s."""
    os.write(master, b"\x11")
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:
        readable, _, _ = select.select([master], [], [], 0.05)
        if readable:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
        if process.poll() is not None:
            break
    try:
        process.wait(timeout=max(0.0, deadline - time.perf_counter()))
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False


def show_failure(error: StartFailed) -> None:
    print(f"start failed: {error}", file=sys.stderr)
    tail = error.output[-3000:]
    print("--- raw output (tail) ---", file=sys.stderr)
    print(repr(tail), file=sys.stderr)
    print("--- as text (tail) ---", file=sys.stderr)
    print(text_of(error.output)[-1500:].decode("utf-8", "replace"), file=sys.stderr)


# ------------------------------------------------------------------ import time


IMPORT_LINE = re.compile(rb"import time:\s*(\d+) \|\s*(\d+) \| ( *)([^\r\n]*)")


@dataclass(frozen=True)
class Imported:
    name: str
    depth: int  # nesting: 0 for a module imported by code that was already running
    own: int  # microseconds in the module itself
    cumulative: int  # with everything it imported first


def import_times(app: Target, env: dict[str, str], timeout: float) -> list[Imported]:
    """The modules ``app`` imports on the way to its screen, in ``-X importtime`` order.

    Textual draws on stderr, so the ``-X importtime`` lines come through the pty too, each
    in one write of its own: before the screen, and between frames for lazy imports.
    """
    run = run_once(app, {**env, "PYTHONPROFILEIMPORTTIME": "1"}, timeout, quit=False)
    return [
        Imported(name.decode().strip(), len(indent) // 2, int(own), int(cumulative))
        for own, cumulative, indent, name in IMPORT_LINE.findall(run.output)
    ]


def extra_cost(modules: list[Imported], base: set[str]) -> dict[str, int]:
    """module -> microseconds it adds over ``base``: its own time and its imports', less
    the modules in ``base`` (a module imported by awstutor and the minimal app alike
    is no cost of awstutor's, whoever imports it first)."""
    cost: dict[str, int] = {}
    pending: list[tuple[int, int]] = []  # (depth, extra) of modules whose importer is not listed yet
    for module in modules:  # children are listed before their importer, one level deeper
        children = 0
        while pending and pending[-1][0] > module.depth:
            children += pending.pop()[1]
        extra = children + (0 if module.name in base else module.own)
        pending.append((module.depth, extra))
        cost.setdefault(module.name, extra)
    return cost


def report_imports(minimal: Target, awstutor: Target, env: dict[str, str], timeout: float) -> None:
    top = 15
    base = import_times(minimal, env, timeout)
    ours = import_times(awstutor, env, timeout)
    base_names = {m.name for m in base}
    only = [m for m in ours if m.name not in base_names]
    cost = extra_cost(ours, base_names)
    own = {m.name: m.own for m in ours}

    def ms(modules: list[Imported]) -> float:
        return sum(m.own for m in modules) / 1000

    print()
    print("imports on the way to an interactive screen (one more run each, -X importtime; times inflated by it):")
    print(f"  minimal app: {len(base)} modules, {ms(base):.0f} ms;  awstutor: {len(ours)} modules, {ms(ours):.0f} ms")
    print(f"  modules only awstutor imports: {len(only)}, {ms(only):.0f} ms")
    print(f"  top {top} of those by what each adds (itself and what it imports that the minimal app does not):")
    print(f"  {'adds':>8} {'self':>8}  module")
    ranked = sorted((name for name in cost if name not in base_names), key=lambda name: -cost[name])
    for name in ranked[:top]:
        print(f"  {cost[name] / 1000:6.1f}ms {own[name] / 1000:6.1f}ms  {name}")


# ------------------------------------------------------------------ main


def describe(app: Target) -> str:
    return " then ".join(f"'{p.pattern.decode()}'" for p in app.ready)


def summary(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{label:<28} median {statistics.median(ms):6.0f} ms  (min {min(ms):.0f}, max {max(ms):.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each app (default 15)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds an app may take to start (default 20)")
    parser.add_argument("--no-imports", action="store_true", help="skip the import-time report")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    python = sys.executable
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="awstutor-bench-") as temp:
        env = dict(os.environ)
        env["TERM"] = "xterm-256color"
        for kind in ("data", "config", "cache"):
            env[f"AWSTUTOR_{kind.upper()}_DIR"] = os.path.join(temp, kind)
        # Nothing that changes how Textual or Python behave from what a user gets.
        for name in ("COLUMNS", "LINES", "NO_COLOR", "TEXTUAL", "TEXTUAL_DRIVER", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        script = Path(temp, "minimal_app.py")
        script.write_text(MINIMAL_APP, encoding="utf-8")

        minimal = Target(
            "minimal",
            [python, str(script)],
            [re.compile(MARKER.encode()), re.compile(rb"palette")],
        )
        awstutor = Target(
            "awstutor",
            [python, "-m", "tui"],
            [re.compile(rb"entry \d+ of \d+"), re.compile(rb"Got it"), re.compile(rb"palette")],
        )
        try:
            # Compile every module once (a user's install has .pyc files). The first run creates
            # the data folder (and welcomes a new user): reported, not counted. In it, g g marks
            # two entries learned, so the timed runs are a returning user's: some progress (marks,
            # scheduler cards), resuming at the third entry.
            subprocess.run([python, "-m", "compileall", "-q", "lessons", "progress", "tui"], cwd=ROOT, env=env)
            first = run_once(awstutor, env, args.timeout, then=(b"gg", re.compile(rb"entry 3 of")))
            warm_minimal = run_once(minimal, env, args.timeout)
            runs: dict[str, list[Run]] = {"minimal": [], "awstutor": []}
            for _ in range(args.runs):
                for app in (minimal, awstutor):
                    runs[app.name].append(run_once(app, env, args.timeout))
        except StartFailed as error:
            show_failure(error)
            return 2

        load_after = os.getloadavg()[0]
        print(f"python: {python} ({sys.version.split()[0]}), {args.runs} runs each, alternating, {COLUMNS}x{LINES} pty")
        print(f"load average (1 min) before/after: {load_before:.2f}/{load_after:.2f} on {os.cpu_count()} CPUs")
        print(f"interactive when drawn: minimal {describe(minimal)}; awstutor {describe(awstutor)}")
        print(
            f"awstutor first run (new user: creates the data folder): {first.interactive * 1000:.0f} ms (not counted)"
        )
        print(
            f"minimal warm-up run:                                    {warm_minimal.interactive * 1000:.0f} ms (not counted)"
        )
        for name in ("minimal", "awstutor"):
            results = runs[name]
            print(summary(f"{name} interactive", [r.interactive for r in results]))
            print(summary(f"{name} first output", [r.first_output for r in results]))
            print(summary(f"{name} screen build", [r.interactive - r.first_output for r in results]))
            unclean = sum(not r.quit_cleanly for r in results)
            if unclean:
                print(f"  {name}: {unclean} runs did not quit on ctrl+q and were killed")
        medians = {name: statistics.median(r.interactive for r in results) for name, results in runs.items()}
        ratio = medians["awstutor"] / medians["minimal"]
        verdict = "ok" if ratio <= GOAL else "TOO SLOW"
        print(f"ratio awstutor / minimal (interactive medians): {ratio:.2f} (goal <= {GOAL}) {verdict}")

        if not args.no_imports:
            try:
                report_imports(minimal, awstutor, env, args.timeout)
            except StartFailed as error:
                show_failure(error)
                return 2
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
