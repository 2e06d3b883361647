"""A real terminal for the benchmarks: a private tmux server driven through one control client.

Commands go to tmux over a `tmux -C` (control mode) pipe instead of a new `tmux` process each
time, so polling `capture-pane` every few milliseconds costs a pipe round trip (well under a
millisecond), not a fork and exec that would compete with the app being measured for the CPU.
The server has its own socket (`-L`), so it never touches anyone else's tmux.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shlex
import signal
import subprocess
import time
from pathlib import Path

POLL_SECONDS = 0.005
_numbers = itertools.count()
SIZE = (80, 24)


class TmuxError(RuntimeError):
    pass


class Terminal:
    """A tmux server of our own; `launch` starts a command in a fresh 80x24 session."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.socket = f"companion-bench-{os.getpid()}-{next(_numbers)}"
        self.env = {k: v for k, v in (env or os.environ).items() if not k.startswith("TEXTUAL")}
        self.env.pop("TMUX", None)
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        subprocess.run([*base, "new-session", "-d", "-s", "ctl", "-x", "80", "-y", "24",
                        "exec sleep 100000"], check=True, env=self.env)
        self._client = subprocess.Popen(
            [*base, "-C", "attach", "-t", "ctl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=self.env, text=True, bufsize=1,
        )
        self._read_block()  # the reply to the attach itself
        # No %output notifications: nobody reads them, and the apps write a lot.
        self.command("refresh-client -f no-output")
        self.command("set-option -g status off")
        self.command("set-option -g remain-on-exit off")

    # -- talking to tmux ------------------------------------------------------------------------

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (TmuxError if tmux reports an error)."""
        assert self._client.stdin is not None
        self._client.stdin.write(line + "\n")
        self._client.stdin.flush()
        ok, out = self._read_block()
        if not ok:
            raise TmuxError(f"tmux: {line!r}: {' '.join(out)}")
        return out

    def _read_block(self) -> tuple[bool, list[str]]:
        # Replies come as %begin … %end (or %error) with matching numbers; notifications such
        # as %session-changed arrive between blocks and are skipped.
        assert self._client.stdout is not None
        out: list[str] = []
        begin = None
        while True:
            text = self._client.stdout.readline()
            if not text:
                raise TmuxError("the tmux control client went away")
            text = text.rstrip("\n")
            if begin is None:
                if text.startswith("%begin "):
                    begin = text.split()[2]
                continue
            parts = text.split()
            if len(parts) == 4 and parts[0] in ("%end", "%error") and parts[2] == begin:
                return parts[0] == "%end", out
            out.append(text)

    def launch(self, name: str, argv: list[str], cwd: Path | None = None) -> float:
        """Start `argv` in a new session; returns the monotonic time just before asking tmux."""
        command = "exec " + shlex.join(argv)
        line = (
            f"new-session -d -s {name} -x {SIZE[0]} -y {SIZE[1]}"
            + (f" -c {shlex.quote(str(cwd))}" if cwd else "")
            + f" {shlex.quote(command)}"
        )
        started = time.monotonic()
        self.command(line)
        return started

    def screen(self, name: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -t ={name}:"))

    def pid(self, name: str) -> int:
        return int(self.command(f"display-message -p -t ={name}: '#{{pane_pid}}'")[0])

    def wait_for(self, name: str, text: str, timeout: float = 20.0) -> float:
        """Poll the screen every POLL_SECONDS until `text` shows; the monotonic time it did."""
        deadline = time.monotonic() + timeout
        next_poll = time.monotonic()
        while True:
            if text in self.screen(name):
                return time.monotonic()
            if time.monotonic() > deadline:
                raise TmuxError(f"{text!r} did not appear in {name}:\n{self.screen(name)}")
            next_poll += POLL_SECONDS
            time.sleep(max(0.0, next_poll - time.monotonic()))

    def close_session(self, name: str, pid: int | None = None, wait: float = 5.0,
                      kill: bool = False) -> None:
        """End a session and make sure the process we started in it has gone.

        `kill` ends our process at once (SIGKILL) instead of letting it close on the hang-up.
        """
        if kill and pid is not None and _alive(pid):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(TmuxError):
            self.command(f"kill-session -t ={name}")
        if pid is None:
            return
        deadline = time.monotonic() + wait
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)

    def close(self) -> None:
        with contextlib.suppress(TmuxError, BrokenPipeError, OSError):
            self.command("kill-server")
        self._client.wait(timeout=5)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"
