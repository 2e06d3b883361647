"""The performance bench: `python3 bench/run.py` (about two minutes).

Builds the histories it needs in a temporary folder (1,000, 20,000 and 50,000 entries), runs
every measurement of the performance issue and prints one table: measurement, median or value,
target, pass/FAIL. The table and every raw number go to bench/results/ too. What each row
measures is explained in the README's "Performance" section and in each module here:
start.py, lean.py, scale.py, accuracy.py, load.py, memory.py, quicklog.py, sync.py, looking.py,
views.py.
It runs as a machine of its own (an identity in a temporary state folder, a cache folder of its
own): this machine's own are never touched.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    accuracy,
    lean,
    load,
    looking,
    memory,
    quicklog,
    scale,
    start,
    sync,
    views,
)
from bench.histories import BENCH_DEVICES, build_history  # noqa: E402
from bench.rows import Row, format_table  # noqa: E402

SECTIONS = ("start", "lean", "scale", "accuracy", "load", "memory", "log", "sync", "looking",
            "views")
SIZES = (1_000, 20_000, 50_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--only", metavar="NAMES",
                        help=f"comma-separated sections to run: {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs and shorter windows: to try the bench, not to report")
    parser.add_argument("--keep", action="store_true", help="keep the temporary histories")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results",
                        help="where to write the table and the raw numbers")
    args = parser.parse_args(argv)
    wanted = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(","))
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section {sorted(unknown)[0]!r}")
    quick = args.quick
    _compile_sources()

    began = time.monotonic()
    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="companion-bench-"))
    rows: list[Row] = []
    try:
        _be_the_bench_machine(folder / "state")
        os.environ["COMPANION_CACHE_DIR"] = str(folder / "cache")  # never the person's own
        say(start.use_regular_install(folder / "install"))
        say(f"building histories in {folder}")
        histories = {n: build_history(folder / f"history-{n}", n) for n in SIZES}
        fresh = folder / "fresh"
        fresh.mkdir()
        steps = {
            "start": lambda: start.measure(histories[20_000], 20_000, runs=3 if quick else 21),
            "lean": lambda: lean.measure(histories[20_000], runs=5 if quick else 15),
            "scale": lambda: scale.measure({n: histories[n] for n in (1_000, 50_000)},
                                           runs=8 if quick else 25),
            "accuracy": lambda: accuracy.measure(fresh, real_cycles=1 if quick else 2),
            "load": lambda: load.measure(histories[50_000], window=5 if quick else 15),
            "memory": lambda: memory.measure(folder),
            "log": lambda: quicklog.measure(folder / "five-years", runs=5 if quick else 21),
            "sync": lambda: sync.measure(folder, runs=8 if quick else 25),
            "looking": lambda: looking.measure(folder / "looking-back", runs=5 if quick else 21),
            "views": lambda: views.measure(folder / "looking-back", runs=3 if quick else 9),
        }
        for name in wanted:
            say(f"{name} …")
            section_began = time.monotonic()
            rows += steps[name]()
            say(f"{name} took {time.monotonic() - section_began:.0f} s")
    finally:
        if args.keep:
            say(f"histories kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    took = time.monotonic() - began
    table = format_table(rows)
    header = (f"companion bench, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
              f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{_versions()}; load average {load_before[0]:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after; took {took:.0f} s"
              + (" (--quick: not for reporting)" if quick else ""))
    print(header)
    print()
    print(table)
    _write_results(args.results, header, table, rows, took, quick)
    return 0 if all(r.passed is not False for r in rows) else 1


def _compile_sources() -> None:
    """Bytecode for the project, as an installed copy has: without it every start compiles.

    A shell with PYTHONDONTWRITEBYTECODE set (as some sandboxes have) would otherwise make
    every `companion` run compile companion/ and screens/ from source, which a person's
    installed copy never does.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for folder in ("companion", "screens", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def _be_the_bench_machine(state: Path) -> None:
    """The bench (and every command it starts) saves as the first machine of its histories,
    with its identity and locks in `state`, never in this machine's own state folder."""
    from companion.device import STATE_ENV, Device, give_identity

    give_identity(state, Device(BENCH_DEVICES[0], "bench machine a"))
    os.environ[STATE_ENV] = str(state)


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def _versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("textual", "tinydb"))


def _write_results(folder: Path, header: str, table: str, rows: list[Row], took: float,
                   quick: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + ("-quick" if quick else "")
    (folder / f"{stamp}.txt").write_text(f"{header}\n\n{table}\n")
    (folder / f"{stamp}.json").write_text(json.dumps(
        {"header": header, "seconds": took, "quick": quick,
         "rows": [r.as_dict() for r in rows]}, indent=1, default=str))
    say(f"results in {folder / stamp}.txt and .json")


if __name__ == "__main__":
    sys.exit(main())
