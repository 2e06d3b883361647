"""Mutation testing of the pure modules: `python3 tools/mutation.py [MODULE ...]`.

mutmut changes one thing at a time in a module (a `<` into `<=`, a string into another, a
value removed) and runs the module's own unit tests against each change. A change the tests
notice is killed; one they do not notice survived: a behaviour no test pins down. This runs
mutmut once per pure module listed in MODULES, each against only its own fast unit tests, and
prints a table: mutants, killed, survived (and how many of those no test even reached), the
score (killed / mutants) and how long the module took. Exit status 0 when every module is at
TARGET or above, 1 when one is below, 2 for a bad command line.

Each module runs in its own folder, mutants/NAME/ (git-ignored, replaced on every run), so
the survivors stay there to read: `cd mutants/NAME && mutmut results`, then `mutmut show KEY`
(or pass --survivors to have them printed here). The settings shared by every run are in
pyproject.toml under [tool.mutmut]; this script adds, per module, what to mutate and which
tests to run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent


class Module(NamedTuple):
    tests: tuple[str, ...]  # its own fast unit test files (or single tests: FILE::NAME)
    # Functions of the module that read files or print, named as in the source ("print_week",
    # "Class.method"): mutated all the same, but not counted, as the unit tests leave them to
    # the command-line tests.
    left_out: tuple[str, ...] = ()


# The pure modules and the unit tests that pin each one. Pure: no Textual, and nothing in the
# logic needs a real file, terminal, clock or network (a clock is injected, content is passed
# in). A module a later change adds goes here, with its own fast test file(s); the README's
# "Mutation testing" section lists the same modules.
MODULES: dict[str, Module] = {
    "companion/breathing.py": Module(("tests/test_breathing_schedule.py",)),
    "companion/summary.py": Module(("tests/test_summary.py",)),
    "companion/entries.py": Module(("tests/test_entry_model.py",)),
    "companion/checkin.py": Module(("tests/test_checkin_draft.py",)),
    "companion/report.py": Module(("tests/test_week_renderings.py",),
                                  left_out=("print_week", "_say")),
    "companion/text.py": Module(("tests/test_text.py", "tests/test_printable.py")),
    "companion/guidance.py": Module(("tests/test_guidance.py",)),
    # Not tests/test_spans_properties.py: its Hypothesis properties add half a minute and kill
    # nothing the hand-made cases leave.
    "companion/spans.py": Module(("tests/test_spans.py",)),
    "companion/insights.py": Module(("tests/test_insights.py",)),
    "companion/insights_sums.py": Module(("tests/test_insights_sums.py",)),
    "companion/year_sums.py": Module(("tests/test_year_sums.py",)),
    "companion/search.py": Module(("tests/test_search.py",)),
    "companion/spans_report.py": Module(("tests/test_span_renderings.py",)),
    "companion/insights_report.py": Module(("tests/test_insights_renderings.py",)),
    "companion/sync_stamps.py": Module(("tests/test_sync_stamps.py",)),
    "companion/sync_names.py": Module(("tests/test_sync_names.py",)),
    # Not tests/test_sync_model.py (many machines syncing at random, under Hypothesis) nor
    # tests/test_sync_folders.py (real git and rclone folders): minutes each, every mutant.
    "companion/sync.py": Module(("tests/test_sync.py", "tests/test_sync_merge_rules.py")),
    "companion/sync_records.py": Module(("tests/test_sync.py", "tests/test_sync_merge_rules.py")),
    "companion/sync_writer.py": Module(("tests/test_sync.py", "tests/test_sync_merge_rules.py")),
}

TARGET = 90.0  # percent of mutants killed, for every module

# What a mutant-run folder needs besides the module's tests: the package, the folders
# pyproject.toml maps into it, and pyproject.toml itself (mutmut's and pytest's settings).
COPIED = ("companion", "screens", "data", "tests", "pyproject.toml")
NOT_COPIED = shutil.ignore_patterns("__pycache__", "__snapshots__", "*.pyc")

# Run in a fresh interpreter in the module's folder: mutmut reads its settings from
# pyproject.toml there, and this sets what differs per module before the run starts.
_RUN_ONE = """
import sys
from mutmut.configuration import config

module, children, *tests = sys.argv[1:]
settings = config()
settings.only_mutate = [module]
settings.pytest_add_cli_args_test_selection = tests
from mutmut.__main__ import cli

cli(["run", "--max-children", children])
"""


@dataclass(frozen=True, slots=True)
class Score:
    module: str
    mutants: int
    killed: int  # a test failed, or the tests ran out of time (an endless loop is noticed too)
    survived: int  # every test still passed
    not_reached: int  # of the survivors: no test even ran the function
    seconds: float

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.mutants if self.mutants else 100.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/mutation.py", description=__doc__.split("\n")[0],
        epilog="modules: " + ", ".join(name_of(m) for m in MODULES))
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help="only these (e.g. breathing summary); all of them when none")
    parser.add_argument("--survivors", action="store_true",
                        help="print every surviving mutant as a diff after the table")
    parser.add_argument("--max-children", type=int, default=2, metavar="N",
                        help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    by_name = {name_of(m): m for m in MODULES}
    unknown = [n for n in args.modules if n not in by_name]
    if unknown:
        parser.error(f"{unknown[0]!r} is not one of the pure modules "
                     f"({', '.join(by_name)})")
    if args.max_children < 1:
        parser.error("--max-children must be 1 or more")
    missing = [p for m in MODULES for p in (m, *MODULES[m].tests)
               if not (ROOT / p.split("::")[0]).is_file()]
    if missing:
        print(f"tools/mutation.py: {missing[0]} is listed in MODULES but does not exist",
              file=sys.stderr)
        return 1
    if importlib.util.find_spec("mutmut") is None:
        print("tools/mutation.py: mutmut is not installed here; "
              "python3 -m pip install '.[test,mutation]' installs it", file=sys.stderr)
        return 1
    chosen = [by_name[n] for n in args.modules] or list(MODULES)

    scores = []
    for module in chosen:
        say(f"{name_of(module)}: mutating {module}, testing with "
            f"{', '.join(MODULES[module].tests)}")
        score = run_module(module, MODULES[module], args.max_children)
        if score is None:
            return 1
        say(f"{name_of(module)}: {score.killed} of {score.mutants} killed "
            f"({score.percent:.1f}%) in {minutes(score.seconds)}")
        scores.append(score)
    print()
    print(format_table(scores))
    if args.survivors:
        for score in scores:
            print_survivors(score.module)
    else:
        print("\nSurvivors: cd mutants/NAME && mutmut results (and mutmut show KEY), "
              "or run again with --survivors.")
    return 0 if all(s.percent >= TARGET for s in scores) else 1


def name_of(module: str) -> str:
    return Path(module).stem


def folder_of(module: str) -> Path:
    return ROOT / "mutants" / name_of(module)


def run_module(module: str, pure: Module, max_children: int) -> Score | None:
    """Mutate one module in a fresh folder and test every mutant against its own tests."""
    folder = folder_of(module)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=NOT_COPIED)
        else:
            shutil.copy2(source, folder / name)
    log = folder / "mutmut.log"
    began = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-c", _RUN_ONE, module, str(max_children), *pure.tests],
            cwd=folder, stdout=out, stderr=subprocess.STDOUT, check=False)
    seconds = time.monotonic() - began
    meta = folder / "mutants" / f"{module}.meta"
    if done.returncode != 0 or not meta.is_file():
        print(f"tools/mutation.py: mutmut failed on {module} (exit {done.returncode}); "
              f"the end of {log.relative_to(ROOT)}:", file=sys.stderr)
        print(readable_tail(log), file=sys.stderr)
        return None
    exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
    counted = {key: code for key, code in exit_codes.items()
               if function_of(key) not in pure.left_out}
    return tally(module, counted, seconds)


def function_of(key: str) -> str:
    """The function a mutant is in, from its key: "companion.report.x_print_week__mutmut_3" is
    in print_week, "companion.breathing.xǁBreathingSessionǁpause__mutmut_1" in
    BreathingSession.pause."""
    name = key.rsplit(".", 1)[-1].rsplit("__mutmut_", 1)[0]
    return name.removeprefix("x_") if name.startswith("x_") else ".".join(name.split("ǁ")[1:])


def tally(module: str, exit_codes: dict[str, int | None], seconds: float) -> Score:
    from mutmut.stats import status_by_exit_code

    statuses = [status_by_exit_code[code] for code in exit_codes.values()]
    killed = sum(s in ("killed", "timeout") for s in statuses)
    not_reached = statuses.count("no tests")
    return Score(module, len(statuses), killed, len(statuses) - killed, not_reached, seconds)


def format_table(scores: list[Score]) -> str:
    """A markdown table, so the latest run can go into the README as printed."""
    lines = ["| module | mutants | killed | survived (no test reached) | score | time |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for s in scores:
        lines.append(f"| {s.module} | {s.mutants} | {s.killed} | {s.survived} "
                     f"({s.not_reached}) | {s.percent:.1f}% | {minutes(s.seconds)} |")
    below = [name_of(s.module) for s in scores if s.percent < TARGET]
    verdict = (f"every module at {TARGET:g}% or more" if not below
               else f"below {TARGET:g}%: {', '.join(below)}")
    total = sum(s.seconds for s in scores)
    notes = [f"{verdict}; {minutes(total)} in all."]
    left_out = [f"{s.module} {', '.join(MODULES[s.module].left_out)}"
                for s in scores if MODULES.get(s.module, Module(())).left_out]
    if left_out:
        notes.append(f"Not counted (they read files or print): {'; '.join(left_out)}.")
    return "\n".join([*lines, "", *notes])


def print_survivors(module: str) -> None:
    folder = folder_of(module)
    results = mutmut(["results"], folder)
    keys = [line.strip().split(":")[0] for line in results.stdout.splitlines()
            if line.strip().endswith((": survived", ": no tests"))]
    keys = [key for key in keys if function_of(key) not in MODULES[module].left_out]
    print(f"\n## {module}: {len(keys)} surviving\n")
    for key in keys:
        shown = mutmut(["show", key], folder)
        print(shown.stdout.rstrip() or f"# {key}: (no diff: {shown.stderr.strip()[-200:]})")
        print()


def mutmut(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "import sys; from mutmut.__main__ import cli; cli(sys.argv[1:])",
         *args], cwd=folder, capture_output=True, text=True, check=False)


def readable_tail(log: Path, lines: int = 30) -> str:
    # mutmut redraws its progress line with carriage returns; keep the last drawing of each.
    text = log.read_text(errors="replace")
    return "\n".join(line.split("\r")[-1] for line in text.splitlines()[-lines:])


def minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
