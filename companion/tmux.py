"""`companion tmux`: a key binding for the person's tmux config that opens a breathing break in a
popup (tmux 3.2 or newer), e.g. `bind-key B display-popup -EE -w 60 -h 20 "companion breathe"`.

The command in it is the companion that printed it: `companion` when that is what the shell
finds, else its full path (a tmux server may not share the shell's PATH, e.g. a virtual
environment's). A data folder given with --data-dir or COMPANION_DATA_DIR goes in too, as the
tmux server may have been started without that variable.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from companion.exits import UsageError

# Room for the breath, its countdown and the footer inside the popup's border.
WIDTH, HEIGHT = 60, 20


def print_binding(key: str, data_dir: Path | None) -> int:
    if not key or not key.isprintable() or " " in key:
        raise UsageError(f"--key takes one tmux key, like B or M-b, not {key!r}")
    command = [*companion_command(), *_data_dir_option(data_dir), "breathe"]
    # -EE: the popup closes when the break is saved; if companion could not start (a data
    # folder it cannot use), it stays open to show why, until Esc is pressed.
    binding = (f"bind-key {key} display-popup -EE -w {WIDTH} -h {HEIGHT} "
               f"{_tmux_quote(shlex.join(command))}")
    print(f"# companion: prefix + {key} opens a breathing break in a popup (tmux 3.2 or newer).")
    print("# Add this line to ~/.tmux.conf, then: tmux source-file ~/.tmux.conf")
    print(binding)
    return 0


def companion_command() -> list[str]:
    """How a tmux server should start this companion."""
    script = Path(sys.argv[0])
    if script.name != "companion":  # run as `python -m companion.cli`
        return [sys.executable, "-m", "companion.cli"]
    found = shutil.which("companion")
    try:
        same = found is not None and Path(found).resolve() == script.resolve()
    except OSError:
        same = False
    return ["companion"] if same else [str(script.resolve())]


def _data_dir_option(data_dir: Path | None) -> list[str]:
    if data_dir is None and not os.environ.get("COMPANION_DATA_DIR", "").strip():
        return []
    from companion.locations import resolve_data_dir

    return ["--data-dir", str(resolve_data_dir(data_dir).resolve())]


def _tmux_quote(command: str) -> str:
    """One argument in tmux's config language: inside double quotes tmux reads \\, " and $
    itself, so each is escaped (display-popup expands no #{formats} in its command)."""
    escaped = command.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'"{escaped}"'
