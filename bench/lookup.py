"""How fast is ``awstutor lookup``? Compared with importing rich, in the same run.

    python bench/lookup.py [--runs 30] [--query sqs visibility timeout]

Each timing is a fresh ``python`` process (the OS file cache is warm, as it is
for a user). The lookup runs with a built index cache in a temporary folder
(``AWSTUTOR_CACHE_DIR``; the data and config folders are a user's own, only read);
the first run, which builds that cache, is timed on its own. Commands run
alternately so that machine noise hits both alike. Prints both medians and
their ratio; the goal is a ratio of at most 1.5. The installed console script
``awstutor`` next to the interpreter is timed too when it exists.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (default 30)")
    parser.add_argument("--query", nargs="+", default=["sqs", "visibility", "timeout"], help="the lookup query")
    args = parser.parse_args(argv)

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="awstutor-bench-") as temp:
        env = dict(os.environ)
        # A fresh cache folder; data and config folders resolve as a user's do
        # (platformdirs and all: that is part of the cost), and are only read.
        env["AWSTUTOR_CACHE_DIR"] = os.path.join(temp, "cache")
        for kind in ("data", "config"):
            env.pop(f"AWSTUTOR_{kind.upper()}_DIR", None)
        env.pop("NO_COLOR", None)
        # Not PYTHONDONTWRITEBYTECODE: a user's install has compiled .pyc files.
        env.pop("PYTHONDONTWRITEBYTECODE", None)

        lookup = [python, "-m", "tui", "lookup", *args.query]
        rich = [python, "-c", "import rich.console"]
        commands = {
            "lookup": lookup,
            "rich": rich,
            # For context: the floor (python itself) and the awstutor command doing nothing.
            "python": [python, "-c", "pass"],
            "version": [python, "-m", "tui", "--version"],
        }
        script = Path(python).parent / "awstutor"
        if script.is_file() and os.access(script, os.X_OK):
            commands["script"] = [str(script), "lookup", *args.query]

        # Compile every module once, so the first timed run measures the index build only.
        subprocess.run([python, "-m", "tui", "--version"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(rich, env=env, cwd=ROOT, check=True)
        first = timed(lookup, env)  # no cache yet: parses the course and writes the index
        if not any(Path(temp, "cache").iterdir()):
            raise SystemExit("the first lookup wrote no index cache")
        second = timed(lookup, env)

        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))

    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    spread = {name: (min(values) * 1000, max(values) * 1000) for name, values in times.items()}
    ratio = median["lookup"] / median["rich"]
    print(f"python: {python} ({sys.version.split()[0]}), {args.runs} runs each, alternating")
    print(f"query: {' '.join(args.query)}")
    print(f"first lookup (builds the index cache): {first * 1000:7.1f} ms")
    print(f"second lookup (reads the cache):       {second * 1000:7.1f} ms")
    print(
        f"{' '.join(lookup[1:])!s:<52} median {median['lookup']:6.1f} ms  (min {spread['lookup'][0]:.1f}, max {spread['lookup'][1]:.1f})"
    )
    print(
        f"{' '.join(rich[1:])!s:<52} median {median['rich']:6.1f} ms  (min {spread['rich'][0]:.1f}, max {spread['rich'][1]:.1f})"
    )
    print(f"{'-c pass (python start-up, for context)':<52} median {median['python']:6.1f} ms")
    print(f"{'-m tui --version (the command doing nothing)':<52} median {median['version']:6.1f} ms")
    if "script" in median:
        print(f"{'awstutor lookup (console script)':<52} median {median['script']:6.1f} ms")
    else:
        print("awstutor console script: not installed next to this python (skipped)")
    verdict = "ok" if ratio <= GOAL else "TOO SLOW"
    print(f"ratio lookup / rich: {ratio:.2f} (goal <= {GOAL}) {verdict}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
