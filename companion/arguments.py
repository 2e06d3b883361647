"""The `companion` command line's grammar: every command and option, checked by argparse.

The second of two passes (first_pass.py): built only when the command line needs it.
`companion`, `companion breathe` and `companion --version` as people type them are answered
without it.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import NoReturn

from companion import __version__
from companion.exits import EXIT_USAGE

MAX_MINUTES = 120.0
FORMATS = ("table", "markdown", "json")  # of week and the looking-back commands
MAX_DEMO_DAYS = 36_500


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage block.
        self.exit(EXIT_USAGE, f"companion: {message} (see `companion --help`)\n")


def _positive_minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes a number, not {text!r}") from None
    if not 0 < value <= MAX_MINUTES:
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_MINUTES:g}, not {text}"
        )
    return value


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"takes a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {text}")
        return value

    return parse


# The weeks `week --week` can show: a week, its days in any time zone and a week starting on
# Sunday all reach past its seven days, and Python's calendar ends at 0001-01-01 and 9999-12-31
# (0001-W01 and 9999-W52 would end in an overflow, not a review).
FIRST_WEEK = date(1, 1, 8)  # the Monday of 0001-W02
LAST_WEEK = date(9999, 12, 20)  # the Monday of 9999-W51


def iso_week(text: str) -> date:
    """The Monday of an ISO week written as YYYY-Www (e.g. 2026-W47)."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        monday = date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes a week like 2026-W47 that exists in the calendar, not {text!r}"
        ) from None
    if not FIRST_WEEK <= monday <= LAST_WEEK:
        raise argparse.ArgumentTypeError(
            f"takes a week from 0001-W02 to 9999-W51, not {text!r}"
        )
    return monday


def month(text: str) -> date:
    """The first day of a month written as YYYY-MM (e.g. 2026-11)."""
    try:
        year_text, month_text = text.strip().split("-")
        if len(year_text) != 4 or len(month_text) != 2:
            raise ValueError
        return date(int(year_text), int(month_text), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes a month like 2026-11 that exists in the calendar, not {text!r}"
        ) from None


def day(text: str) -> date:
    """A day written as YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes a day like 2026-11-23 that exists in the calendar, not {text!r}"
        ) from None


def entry_id(text: str) -> str:
    """An entry's id: a UUID with dashes, in any case (as exports and `--format json` show)."""
    import uuid

    try:
        parsed = uuid.UUID(text.strip())
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != text.strip().lower():
        raise argparse.ArgumentTypeError(
            f"takes an entry's id, like 6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11, not {text!r:.60}"
        )
    return str(parsed)


def _words(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("takes a word, not nothing")
    return text


def _looking_back(command: Callable[..., argparse.ArgumentParser]) -> None:
    """month, year, insights, repairs and search (companion/looking.py)."""
    month_command = command("month", help="print a month: every day, feelings, needs, repairs")
    which = month_command.add_mutually_exclusive_group()
    which.add_argument("--month", metavar="YYYY-MM", type=month, help="a month")
    which.add_argument("--offset", metavar="N", type=_whole_number(-1200, 1200), default=0,
                       help="months from this one (-1 is last month)")
    month_command.add_argument("--format", choices=FORMATS, default="table")

    year = command("year", help="print a year at a glance, one cell a day")
    year.add_argument("--year", metavar="YYYY", type=_whole_number(1, 9999), help="a year")
    year.add_argument("--format", choices=FORMATS, default="table")

    insights = command("insights", help="what helps you, and what comes with hard moments")
    span = insights.add_mutually_exclusive_group()
    # No default here: argparse would not see `--months 3 --all` as both given.
    span.add_argument("--months", metavar="N", type=_whole_number(1, 1200),
                      help="the last N months, this one included (default 3)")
    span.add_argument("--all", action="store_true", help="your whole history")
    insights.add_argument("--format", choices=FORMATS, default="table")

    repairs = command("repairs", help="list your repairs, oldest first")
    repairs.add_argument("--open", action="store_true", help="only those still open")
    repairs.add_argument("--format", choices=FORMATS, default="table")
    mark = repairs.add_mutually_exclusive_group()
    mark.add_argument("--done", metavar="ID", type=_words,
                      help="mark a repair done (its id as listed, or more of it)")
    mark.add_argument("--let-go", metavar="ID", type=_words,
                      help="mark a repair let go: closed, not called done")

    search = command("search", help="find past entries by what they hold")
    search.add_argument("text", metavar="TEXT", help='words to find (all of them; "" for any)')
    search.add_argument("--feeling", metavar="WORD", type=_words, help="a feeling word named")
    search.add_argument("--need", metavar="KEY", type=_words, help="a need (key or label)")
    search.add_argument("--with", dest="with_whom", metavar="WHO", type=_words,
                        help="who a repair was with (key or label)")
    search.add_argument("--since", metavar="YYYY-MM-DD", type=day, help="from this day on")
    search.add_argument("--format", choices=FORMATS, default="table")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="companion",
        description="Notice, ground, name, repair — a terminal companion for activated moments.",
        epilog="Run without a command to open the app. Your history stays on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        help="where your history lives (default: $COMPANION_DATA_DIR or your user data folder)",
    )
    # --data-dir works after the command too (`companion week --data-dir DIR`); SUPPRESS keeps
    # a subcommand from resetting one given before it.
    data_dir = _Parser(add_help=False)
    data_dir.add_argument(
        "--data-dir", metavar="DIR", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    command = functools.partial(commands.add_parser, parents=[data_dir])

    command("checkin", help="open straight on a check-in")

    breathe = command("breathe", help="a breathing break, starting at once")
    breathe.add_argument("--pattern", metavar="NAME", help="a pattern (see `companion patterns`)")
    length = breathe.add_mutually_exclusive_group()
    length.add_argument("--minutes", metavar="M", type=_positive_minutes, help="how long")
    length.add_argument(
        "--cycles", metavar="N", type=_whole_number(1, 1000), help="how many breaths"
    )
    breathe.add_argument(
        "--plain", action="store_true", help="no TUI: one line per phase, for screen readers"
    )

    command("review", help="open the app on this week's review")

    week = command("week", help="print a week's review")
    which = week.add_mutually_exclusive_group()
    which.add_argument("--week", metavar="YYYY-Www", type=iso_week, help="an ISO week")
    which.add_argument(
        "--offset",
        metavar="N",
        type=_whole_number(-5200, 5200),
        default=0,
        help="weeks from this one (-1 is last week)",
    )
    week.add_argument("--format", choices=FORMATS, default="table")

    export = command("export", help="write out your whole history")
    export.add_argument("--format", choices=("json", "csv", "markdown"), default="json")
    export.add_argument("--out", metavar="FILE", type=Path, help="a file (default: stdout)")

    importer = command("import", help="add the entries of an export file")
    importer.add_argument("file", metavar="FILE", type=Path)

    forget = command("forget", help="delete your whole history")
    forget.add_argument("--yes", action="store_true", help="yes, really delete it")

    delete = command("delete", help="delete one entry (by its id, as export and json show it)")
    delete.add_argument("id", metavar="ID", type=entry_id, help="the entry's id")
    delete.add_argument("--yes", action="store_true", help="yes, really delete it")

    devices = command("devices", help="the machines that share this history, and when each "
                      "last wrote")
    devices.add_argument("--format", choices=("table", "json"), default="table")

    command("patterns", help="list the breathing patterns")

    demo = command("demo", help="try the app on a generated history")
    demo.add_argument(
        "--days",
        metavar="N",
        type=_whole_number(1, MAX_DEMO_DAYS),
        default=28,
        help="how many days of history (default 28)",
    )
    demo.add_argument("--out", metavar="DIR", type=Path, help="write it here instead of opening")
    _looking_back(command)
    _one_line_commands(command)
    return parser


def _key(text: str) -> str:
    """A key as people type it: `revved-up`, `Revved up` and `revved_up` are the same."""
    return "_".join(text.strip().lower().replace("-", " ").split())


def _one_line_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """log, completions and tmux: companion from any terminal, in one keystroke or line."""
    from companion.vocabulary import QUADRANTS, STATES

    log = command(
        "log",
        help="a check-in in one line, without the app",
        description="Save a check-in from the command line: every part is optional.",
        epilog="A repair on its own: `companion log --with partner --what 'I cut you off'`.",
    )
    log.add_argument("activation", metavar="ACTIVATION", nargs="?",
                     type=_whole_number(0, 10), help="how activated you are, 0 to 10")
    log.add_argument("--feel", metavar="WORD", action="append", default=[],
                     help="a feeling word (again for more; see the app's Name step)")
    log.add_argument("--quadrant", metavar="QUADRANT", type=_key, choices=QUADRANTS,
                     help="where your own words go (words companion does not know), like "
                     "low_unpleasant; without it, the line says where they went")
    log.add_argument("--need", metavar="KEY", action="append", default=[], type=_key,
                     help="a need, like tired or need_a_break (again for more)")
    log.add_argument("--body", metavar="KEY", action="append", default=[], type=_key,
                     help="a body signal, like tight_chest (again for more)")
    log.add_argument("--state", metavar="STATE", type=_key, choices=STATES,
                     help=f"where you are: {', '.join(STATES)}")
    log.add_argument("--note", metavar="TEXT", help="what's happening, in your words")
    log.add_argument("--with", dest="with_whom", metavar="WHO", type=_key,
                     help="a repair with someone: child, partner, co_parent, friend, ...")
    log.add_argument("--what", metavar="TEXT", help="what happened, for the repair")
    log.add_argument("--step", metavar="KEY", type=_key,
                     help="the repair step, like apologised or will_try_later")
    log.add_argument("--done", action="store_true",
                     help="the repair is done (without it, it is planned)")

    completions = command("completions", help="print shell completions (bash, zsh or fish)")
    completions.add_argument("shell", metavar="SHELL", nargs="?", choices=("bash", "zsh", "fish"),
                             help="bash, zsh or fish")
    # What the completion scripts ask companion for as you press Tab (your own patterns and
    # words too): not for people, so not in the help.
    completions.add_argument("--names", choices=("patterns", "feelings", "needs", "body",
                                                 "people", "steps"), help=argparse.SUPPRESS)

    tmux = command("tmux", help="print a tmux key binding for a breathing break in a popup")
    tmux.add_argument("--key", metavar="KEY", default="B", help="the key after tmux's prefix "
                      "(default B)")
