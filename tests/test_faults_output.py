"""Output that cannot be written: a full disk or device, a closed stdout, a reader that left.

A backup that silently lies is the worst kind: `companion export > FILE` on a full disk must
end in one line on stderr and exit 1, never a truncated file and exit 0. The same holds for
every command that prints. Each case runs as a person runs it: a real process with its stdout
on /dev/full, closed (`>&-`), on a small full tmpfs, or a pipe whose reader goes away (`| head`,
which stays quiet and exits 0). Python buffers stdout unless told not to (`python -u`,
PYTHONUNBUFFERED), and each way loses output differently, so both are tried.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion import cli
from companion.demo import write_demo_history
from companion.history import HistoryStore
from companion.plain import breathe_request, run_plain

FULL = "companion: could not write to standard output (No space left on device); what reached it is incomplete."  # noqa: E501
CLOSED = "companion: standard output is closed, so nothing could be written there."

COMMANDS = [
    ["export"],
    ["export", "--format", "csv"],
    ["export", "--format", "markdown"],
    ["week", "--week", "2026-W47"],
    ["week", "--week", "2026-W47", "--format", "json"],
    ["week", "--week", "2026-W47", "--format", "markdown"],
    ["patterns"],
    ["--help"],
    ["week", "--help"],
    ["--version"],
    # Said before the first breath: the title line is the first thing written.
    ["breathe", "--plain", "--pattern", "box", "--cycles", "1"],
]
IDS = ["-".join(argv).replace("--", "") for argv in COMMANDS]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Thirty days of demo history, ending in the week the commands ask for."""
    folder = tmp_path_factory.mktemp("output") / "data"
    now = datetime(2026, 11, 22, 20, tzinfo=timezone(timedelta(hours=1)))
    write_demo_history(folder, 30, now)
    return folder


def companion(
    data_dir: Path, argv: list[str], *, buffered: bool = True
) -> tuple[list[str], dict[str, str]]:
    """The command and its environment; Python buffers stdout unless `buffered` is False."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    env["COMPANION_DATA_DIR"] = str(data_dir)
    return [sys.executable, "-m", "companion.cli", *argv], env


def run(data_dir: Path, argv: list[str], *, buffered: bool = True, shell_redirect: str = "",
        stdout: object = None) -> subprocess.CompletedProcess[str]:
    command, env = companion(data_dir, argv, buffered=buffered)
    if shell_redirect:
        # `exec "$0" "$@" >&-`: the redirection a person types, done by a real shell.
        command = ["sh", "-c", f'exec "$0" "$@" {shell_redirect}', *command]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env,
                          timeout=60, check=False)


def said(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    return result.stderr.splitlines()


needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")


@needs_dev_full
@pytest.mark.parametrize("argv", COMMANDS, ids=IDS)
def test_a_full_device_is_one_line_and_exit_1(history: Path, argv: list[str]):
    with open("/dev/full", "w") as full:
        result = run(history, argv, stdout=full)
    assert (result.returncode, said(result)) == (1, [FULL])


@needs_dev_full
@pytest.mark.parametrize("argv", [["export"], ["week", "--week", "2026-W47"], ["--help"]],
                         ids=["export", "week", "help"])
def test_a_full_device_is_said_when_python_does_not_buffer_stdout_too(history, argv):
    with open("/dev/full", "w") as full:
        result = run(history, argv, stdout=full, buffered=False)
    assert (result.returncode, said(result)) == (1, [FULL])


@pytest.mark.parametrize("argv", COMMANDS, ids=IDS)
def test_a_closed_stdout_is_one_line_and_exit_1(history: Path, argv: list[str]):
    result = run(history, argv, shell_redirect=">&-")
    assert (result.returncode, said(result)) == (1, [CLOSED])


def test_the_app_needs_no_stdout_and_a_closed_one_is_no_reason_to_refuse(history: Path):
    script = (
        "import sys\n"
        "from companion import cli\n"
        "from companion.app import CompanionApp\n"
        "CompanionApp.run = lambda app: None\n"
        "sys.exit(cli.main([]))\n"
    )
    env = {**os.environ, "COMPANION_DATA_DIR": str(history)}
    result = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-c", script],
                            stderr=subprocess.PIPE, text=True, env=env, timeout=60, check=False)
    assert (result.returncode, said(result)) == (0, [])


# -- a disk that is really full -------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, smaller than the history's export (needs root, as the suite runs)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_onto_a_full_disk_is_never_a_silent_short_backup(
    history: Path, small_disk: Path, fmt: str, buffered: bool
):
    whole = run(history, ["export", "--format", fmt], stdout=subprocess.PIPE).stdout
    assert len(whole.encode()) > 64 * 1024  # more than the disk can take
    backup = small_disk / f"backup.{fmt}"
    with backup.open("w") as out:
        result = run(history, ["export", "--format", fmt], stdout=out, buffered=buffered)
    assert (result.returncode, said(result)) == (1, [FULL])
    assert backup.stat().st_size < len(whole.encode())  # what the line above warns of


# -- a reader that goes away ----------------------------------------------------------------


def test_a_reader_that_leaves_early_is_no_error(history: Path):
    command, env = companion(history, ["export"])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b"{")  # like `companion export | head -c 100`
    process.stdout.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


# -- breathing on while the output fills --------------------------------------------------


class FillsUp(io.StringIO):
    """An output that takes `room` lines, then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        super().__init__()
        self.room = room

    def write(self, text: str) -> int:
        if text.strip() and self.room == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= bool(text.strip())
        return super().write(text)


def test_breathing_whose_output_fills_up_is_still_saved(data_dir: Path):
    request = breathe_request(data_dir, "box", None, 2)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(OSError, match="No space left"):
        run_plain(data_dir, request, out=FillsUp(room=4), clock=lambda: now[0], sleep=sleep)
    [entry] = HistoryStore(data_dir).all()
    assert entry.kind == "breathing" and not entry.complete
    # The opening line and the note on dizziness, then in 4 and hold 4 were cued; "out" was not.
    assert entry.breathing.seconds == 8
    json.dumps(entry.to_dict())  # an ordinary entry


def test_in_process_the_stand_in_for_stdout_is_put_back(data_dir: Path, capsys):
    real = sys.stdout
    assert cli.main(["--data-dir", str(data_dir), "patterns"]) == 0
    assert sys.stdout is real
    assert "box" in capsys.readouterr().out
