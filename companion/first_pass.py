"""The first of two passes over the command line: what people type most, answered without argparse.

`companion`, `companion breathe` and `companion --version` are answered here from the words
alone. Every other command line goes on to the second pass, `arguments.build_parser()`: the
whole grammar, checked by argparse. Importing argparse and building that parser took ~5 ms
before the app's first frame, and most of `--version`'s own time (README, "Architecture").

Each answer here is the one argparse gives for the same words, and tests hold the two to each
other (tests/test_cli.py), so a change to the grammar that this pass does not follow fails there.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import SimpleNamespace

from companion import __version__

# The Namespace argparse gives for each command line answered without it.
WITHOUT_PARSER: dict[tuple[str, ...], dict[str, object]] = {
    (): {"data_dir": None, "command": None},
    ("breathe",): {"data_dir": None, "command": "breathe", "pattern": None, "minutes": None,
                   "cycles": None, "plain": False},
}
VERSION = f"companion {__version__}"  # argparse's --version action prints the same


def parse_args(argv: Sequence[str]) -> SimpleNamespace:
    """The command line as argparse reads it; SystemExit for --help, --version and bad input,
    as argparse does."""
    answer = WITHOUT_PARSER.get(tuple(argv))
    if answer is not None:
        return SimpleNamespace(**answer)
    if list(argv) == ["--version"]:
        sys.stdout.write(f"{VERSION}\n")
        raise SystemExit(0)
    from companion.arguments import build_parser

    return build_parser().parse_args(argv, namespace=SimpleNamespace())
