"""`companion tmux` prints a binding tmux itself reads back as written, and the popup it opens
breathes and saves in a real tmux client.

The popup test runs two tmux servers of its own: an outer one whose only window is a client
attached to the inner one, so the inner server has a client to open the popup on (a detached
session has none) and the outer pane shows what that client shows.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from companion.history import HistoryStore

COMPANION = Path(sys.executable).with_name("companion")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux_version() -> tuple[int, int]:
    shown = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)\.(\d+)", shown)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def printed(tmp_path: Path, *args: str, path_has_companion: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if not COMPANION.is_file():
        pytest.skip("no companion console script beside this Python")
    folders = [str(COMPANION.parent)] if path_has_companion else []
    env = {**{k: v for k, v in os.environ.items() if k != "COMPANION_DATA_DIR"}, **(env or {}),
           "PATH": os.pathsep.join([*folders, "/usr/bin", "/bin"])}
    return subprocess.run([str(COMPANION), "tmux", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def binding(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert len(lines) == 1, result.stdout
    return lines[0]


@pytest.fixture
def server(tmp_path: Path):
    """A tmux server of this test's own (its socket in tmp_path), killed afterwards."""
    sockets: list[Path] = []

    def start(name: str, *command: str, config: str = "/dev/null",
              env: dict[str, str] | None = None) -> list[str]:
        socket = tmp_path / f"tmux-{name}"
        sockets.append(socket)
        tmux = ["tmux", "-S", str(socket)]
        subprocess.run([*tmux, "-f", config, "new-session", "-d", "-s", name, "-x", "100",
                        "-y", "30", *command], check=True, env=env or os.environ)
        return tmux

    yield start
    for socket in sockets:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)


def test_the_binding_runs_companion_breathe_in_a_60_by_20_popup(tmp_path):
    line = binding(printed(tmp_path))
    assert line == 'bind-key B display-popup -EE -w 60 -h 20 "companion breathe"'


def test_a_companion_the_shell_would_not_find_is_named_by_its_full_path(tmp_path):
    line = binding(printed(tmp_path, "--key", "M-b", path_has_companion=False))
    assert line == (f'bind-key M-b display-popup -EE -w 60 -h 20 "{COMPANION.resolve()} '
                    'breathe"')


def test_a_bad_key_is_one_line_and_exit_2(tmp_path):
    result = printed(tmp_path, "--key", "B C")
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(tmux_version() < (3, 2), reason="display-popup needs tmux 3.2")
def test_the_popup_breathes_and_saves_in_a_real_tmux_client(tmp_path, server):
    # A folder name with everything tmux's config or the shell would read as their own.
    data_dir = tmp_path / "my data #1 $HOME \\ \"quoted\" it's"
    line = binding(printed(tmp_path, env={"COMPANION_DATA_DIR": str(data_dir)}))
    config = tmp_path / "tmux.conf"
    config.write_text(f"set -g status off\n{line}\n")
    env = {**os.environ, "PATH": f"{COMPANION.parent}{os.pathsep}{os.environ['PATH']}",
           "TERM": "xterm-256color"}
    env.pop("TMUX", None)
    inner = server("inner", config=str(config), env=env)
    outer = server("outer", *inner, "attach", "-t", "inner", env=env)

    def screen() -> str:
        return subprocess.run([*outer, "capture-pane", "-p", "-t", "outer"],
                              capture_output=True, text=True).stdout

    def wait_for(seen, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = screen()
            if seen(shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"never appeared; the screen:\n{screen()}")

    wait_for(lambda shown: True, timeout=5)
    time.sleep(0.5)  # the client has attached
    subprocess.run([*outer, "send-keys", "-t", "outer", "C-b", "B"], check=True)
    # The breath and, below it, the footer: all of it fits in the popup.
    shown = wait_for(lambda shown: "breath 1 of" in shown and "Pause" in shown)
    rows = [row for row in shown.splitlines() if "│" in row]
    assert len(rows) == 18, shown  # 20 rows high, less its border
    time.sleep(2)
    subprocess.run([*outer, "send-keys", "-t", "outer", "x"], check=True)
    wait_for(lambda shown: "breath 1 of" not in shown and "│" not in shown)
    entries = HistoryStore(data_dir).all()
    assert [e.kind for e in entries] == ["breathing"]  # in that folder: tmux read it intact
    assert entries[0].breathing is not None and entries[0].breathing.seconds >= 1
