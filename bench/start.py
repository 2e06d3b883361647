"""1. Start: time to the first frame in a real terminal (tmux), against a bare Textual app.

Each run starts a command in a fresh 80x24 tmux session and polls `capture-pane` every 5 ms
until a string that only the first useful frame shows appears: the bare app's Static, home's
list of ways in, the breathing's "breath 1 of". The time is from just before tmux is asked to
start the command to the poll that saw the string, so it includes tmux starting the process
(the same for all) and up to one poll interval (5 ms) of the harness's own resolution.
`companion` and `companion breathe` run as a person types them, their history (20,000 entries)
found through COMPANION_DATA_DIR. The commands take turns (bare, home, breathe, bare with the
collector paused, bare, …) so a slow moment on the machine hits all of them alike; one warm-up
round is not counted.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

from bench.rows import Row, mid, ms
from bench.terminal import POLL_SECONDS, Terminal

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TARGET_RATIO = 1.2
# companion pauses Python's cycle collector until its first frame (~15 ms, most of it during
# Textual's own import); the bare app with the same pause shows what is left of companion's own.
PAUSED = "bare Textual app, collector paused"


_regular_install: Path | None = None


def use_regular_install(folder: Path) -> str:
    """Install this checkout into a virtual environment of its own in `folder`, as a person's
    `pip install .` lays it out, and measure that copy.

    A development checkout is usually installed editable (`pip install -e`): its finder, run
    by the interpreter's site-packages at every start, imports pathlib and more (~18 ms before
    any command, `python -c pass` too, which hides what companion itself costs), and finds each
    companion module through a finder of its own (2-3 ms more per module). The environment
    made here holds companion alone; its dependencies are found through a .pth file naming this
    Python's site-packages (a folder named there is added to sys.path, but no .pth file in it
    is run, so an editable install's finder stays out). Returns a line saying which copy is
    measured.
    """
    global _regular_install
    venv = folder / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                          capture_output=True, text=True, check=False)
    python = venv / "bin" / "python"
    done = made if made.returncode else subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    script = venv / "bin" / "companion"
    if done.returncode != 0 or not script.is_file():
        reason = (done.stderr.strip().splitlines() or ["no console script"])[-1]
        return f"could not make a regular install ({reason}); measuring {companion_command()}"
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    own = subprocess.run([str(python), "-c", where], capture_output=True, text=True,
                         check=True).stdout.strip()
    Path(own, "bench-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    _regular_install = venv
    return f"measuring a regular install of this checkout in {venv}"


def companion_command() -> str:
    """The `companion` console script: of the regular install when there is one (see
    use_regular_install), else the one beside this Python."""
    if _regular_install is not None:
        return str(_regular_install / "bin" / "companion")
    return str(Path(sys.executable).with_name("companion"))


def companion_python() -> str:
    """The interpreter that runs the `companion` script (its #! line): every comparison with
    a bare Python or a bare Textual app runs this one, so the two start the same way."""
    try:
        with open(companion_command(), "rb") as script:
            first = script.readline()
    except OSError:
        return sys.executable
    if not first.startswith(b"#!"):
        return sys.executable
    return first[2:].decode().strip().split()[0]


def commands() -> dict[str, tuple[list[str], str]]:
    companion = companion_command()
    python = companion_python()
    return {
        "bare Textual app": ([python, str(BENCH / "bare_app.py")], "A bare Textual app"),
        PAUSED: ([python, str(BENCH / "bare_app.py"), "--collector-paused"],
                 "A bare Textual app"),
        # As a person types them; the history is found through COMPANION_DATA_DIR.
        "companion (home)": ([companion], "notice · ground · name"),
        "companion breathe": ([companion, "breathe"], "breath 1 of"),
    }


def first_frames(data_dir: Path, runs: int = 9) -> dict[str, list[float]]:
    """Seconds to the first frame, `runs` each, interleaved, after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in commands()}
    with Terminal(env={**os.environ, "COMPANION_DATA_DIR": str(data_dir)}) as terminal:
        for round_number in range(runs + 1):
            for name, (argv, ready) in commands().items():
                session = f"start{round_number}-{len(times[name])}-{name.split()[-1].strip('()')}"
                started = terminal.launch(session, argv)
                pid = terminal.pid(session)
                try:
                    seen = terminal.wait_for(session, ready)
                finally:
                    # Only the first frame matters here: no need to wait for a tidy exit.
                    terminal.close_session(session, pid, kill=True)
                if round_number:
                    times[name].append(seen - started)
    return times


def measure(data_dir: Path, entries: int, runs: int = 9) -> list[Row]:
    times = first_frames(data_dir, runs)
    bare = mid(times["bare Textual app"])
    rows = [Row("start: bare Textual app, first frame", ms(bare), "(baseline)", None,
                data={"seconds": times["bare Textual app"]})]
    for name in ("companion (home)", "companion breathe"):
        value = mid(times[name])
        # Each round runs the three commands within about a second, so a round's ratio is
        # side by side; this VM has slow spells of several seconds (every command ~30% slower)
        # that move a ratio of whole-run medians by ±0.1 from one run to the next.
        ratio = mid([ours / base for ours, base in zip(times[name], times["bare Textual app"],
                                                        strict=True)])
        rows.append(Row(
            f"start: {name}, first frame",
            f"{ms(value)}; {ratio:.2f}x bare (median of rounds)",
            f"<= {TARGET_RATIO}x bare", ratio <= TARGET_RATIO,
            data={"seconds": times[name], "ratio": ratio, "ratio_of_medians": value / bare},
        ))
    paused = times[PAUSED]
    ratios = {
        name: mid([ours / base for ours, base in zip(times[name], paused, strict=True)])
        for name in ("companion (home)", "companion breathe")
    }
    rows.append(Row(
        f"start: {PAUSED} as companion's is",
        f"{ms(mid(paused))}; home {ratios['companion (home)']:.2f}x, "
        f"breathe {ratios['companion breathe']:.2f}x this",
        "(comparison)", None,
        data={"seconds": paused, "ratios": ratios},
    ))
    rows[0] = Row(rows[0].measurement, rows[0].value, rows[0].target, None,
                  note=f"tmux, 80x24, {runs} interleaved runs each, {entries:,}-entry history, "
                  f"polled every {POLL_SECONDS * 1000:g} ms, "
                  + ("a regular install" if _regular_install else "the install in use"),
                  data=rows[0].data)
    return rows
