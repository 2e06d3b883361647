"""2. No Textual where none is needed: imports, `--version` time, the first cue of --plain.

Whether Textual is imported is read from `python -X importtime` running the installed
`companion` script: every module imported is listed there, so "no" means no module named
textual or textual.* was loaded at any point of the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from bench.rows import Row, mid, ms
from bench.start import companion_command, companion_python

VERSION_RATIO = 3.0
FIRST_CUE_SECONDS = 0.1
PLAIN = ["breathe", "--plain", "--pattern", "coherent", "--cycles", "1"]
FIRST_CUE = b"in 5.5\n"


def lean_commands(data_dir: Path) -> dict[str, list[str]]:
    d = ["--data-dir", str(data_dir)]
    return {
        "week": ["week", *d],
        "export": ["export", *d],
        "patterns": ["patterns", *d],
        "--help": ["--help"],
        "--version": ["--version"],
        "breathe --plain": [*PLAIN, *d],
        "log": ["log", "7", "--feel", "frazzled", "--need", "tired", *d],
        "completions bash": ["completions", "bash"],
        "tmux": ["tmux"],
    }


def imported_modules(args: list[str]) -> tuple[set[str], int, str]:
    """Modules the installed script imports for `args`, its exit status and last stderr line."""
    argv = [companion_python(), "-X", "importtime", companion_command(), *args]
    if args[:2] == PLAIN[:2]:
        # Breathe until the first cue, then Ctrl-C: the save after it runs too.
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None
        _read_until(process.stdout.fileno(), FIRST_CUE)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        code = process.returncode
    else:
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=60, check=False)
        err, code = done.stderr, done.returncode
    modules = set()
    other = []
    for line in err.decode(errors="replace").splitlines():
        if line.startswith("import time:"):
            name = line.rsplit("|", 1)[1].strip()
            modules.add(name)
        elif line.strip():
            other.append(line)
    return modules, code, other[-1] if other else ""


def uses_textual(modules: set[str]) -> bool:
    return any(m == "textual" or m.startswith("textual.") for m in modules)


def _read_until(fd: int, wanted: bytes, timeout: float = 10.0) -> float:
    """Read the pipe until `wanted` has arrived; the monotonic time the chunk holding it did."""
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        chunk = os.read(fd, 4096)
        arrived = time.monotonic()
        if not chunk or arrived > deadline:
            raise RuntimeError(f"{wanted!r} never arrived; got {seen[-200:]!r}")
        seen += chunk
    return arrived


def version_times(runs: int = 15) -> tuple[list[float], list[float]]:
    """Whole-process seconds for `companion --version` and `python -c pass`, interleaved; the
    python is the one that runs the companion script."""
    version, bare = [], []
    for n in range(runs + 1):
        for argv, into in (([companion_command(), "--version"], version),
                           ([companion_python(), "-c", "pass"], bare)):
            started = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
            if n:
                into.append(time.perf_counter() - started)
    return version, bare


def first_cue_times(data_dir: Path, runs: int = 7) -> list[float]:
    """Seconds from starting `companion breathe --plain` to its first cue line in a pipe."""
    times = []
    for n in range(runs + 1):
        started = time.monotonic()
        process = subprocess.Popen([companion_command(), *PLAIN, "--data-dir", str(data_dir)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert process.stdout is not None
        arrived = _read_until(process.stdout.fileno(), FIRST_CUE)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
        if n:
            times.append(arrived - started)
    return times


def measure(data_dir: Path, runs: int = 15) -> list[Row]:
    rows = []
    for name, args in lean_commands(data_dir).items():
        modules, code, last = imported_modules(args)
        if code not in (0, 130):
            rows.append(Row(f"no Textual: companion {name}", "not measured", "no", None,
                            note=f"`companion {name}` exited {code}: {last}"))
            continue
        textual = uses_textual(modules)
        rows.append(Row(f"no Textual: companion {name}",
                        "imports Textual" if textual else "no Textual",
                        "no Textual", not textual, data={"modules": len(modules)}))
    version, bare = version_times(runs)
    ratio = mid(version) / mid(bare)
    rows.append(Row("companion --version, whole process",
                    f"{ms(mid(version))} = {ratio:.2f}x python -c pass ({ms(mid(bare))})",
                    f"<= {VERSION_RATIO:g}x", ratio <= VERSION_RATIO,
                    note=f"installed console script vs the same python -c pass, {runs} "
                    "interleaved runs each",
                    data={"version": version, "python_c_pass": bare, "ratio": ratio}))
    cue = first_cue_times(data_dir, max(5, runs // 2))
    rows.append(Row("breathe --plain: first cue through a pipe", ms(mid(cue)),
                    f"<= {FIRST_CUE_SECONDS * 1000:g} ms", mid(cue) <= FIRST_CUE_SECONDS,
                    note="from starting the process to the first cue line read from its pipe",
                    data={"seconds": cue}))
    return rows
