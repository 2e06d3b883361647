"""The `companion` command line.

Commands that need no TUI (week, export, import, forget, patterns, demo --out, breathe --plain,
--help, --version) never import Textual: a quick look at the week should be quick. Every
problem ends as one line on stderr and a non-zero exit (2 for a bad command line, 1 for
anything else), never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from companion import __version__

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2
MAX_MINUTES = 120.0
MAX_DEMO_DAYS = 36_500


class UsageError(Exception):
    """A command line that asks for something impossible; exits 2."""


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


def _whole_number(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"takes a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {text}")
        return value

    return parse


def iso_week(text: str) -> date:
    """The Monday of an ISO week written as YYYY-Www (e.g. 2026-W47)."""
    try:
        year_text, week_text = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"takes a week like 2026-W47 that exists in the calendar, not {text!r}"
        ) from None


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
    week.add_argument("--format", choices=("table", "markdown", "json"), default="table")

    export = command("export", help="write out your whole history")
    export.add_argument("--format", choices=("json", "csv", "markdown"), default="json")
    export.add_argument("--out", metavar="FILE", type=Path, help="a file (default: stdout)")

    importer = command("import", help="add the entries of an export file")
    importer.add_argument("file", metavar="FILE", type=Path)

    forget = command("forget", help="delete your whole history")
    forget.add_argument("--yes", action="store_true", help="yes, really delete it")

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
    return parser


def resolve_data_dir(option: Path | None) -> Path:
    """--data-dir, then $COMPANION_DATA_DIR, then the platform's user data folder."""
    if option is not None:
        return option.expanduser()
    from_env = os.environ.get("COMPANION_DATA_DIR", "").strip()
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except UsageError as error:
        print(f"companion: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `companion export | head`); nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        from companion.content import ContentError
        from companion.listing import printable
        from companion.storage import StoreError

        # Messages carry paths and file contents: control characters never reach the terminal.
        if isinstance(error, StoreError | ContentError):
            print(f"companion: {printable(str(error))}", file=sys.stderr)
        else:
            print(f"companion: something went wrong: {printable(repr(error)):.200}",
                  file=sys.stderr)
        return EXIT_PROBLEM


def _dispatch(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    command = args.command
    if command == "patterns":
        from companion import listing

        return listing.print_patterns(data_dir)
    if command == "breathe":
        from companion import plain
        from companion.content import load_opening
        from companion.listing import printable
        from companion.settings import load_settings

        # Read once, for the check and the app; the rest of data/ after the first frame.
        opening = load_opening(user_dir=data_dir)
        settings, warnings = load_settings(data_dir, patterns=[p.name for p in opening.patterns])
        request = plain.breathe_request(
            data_dir, args.pattern, args.minutes, args.cycles,
            default_pattern=settings.default_pattern, default_minutes=settings.default_minutes,
            opening=opening,
        )
        if args.plain:
            for warning in (*opening.warnings, *warnings):  # the app shows them itself
                print(f"companion: {printable(warning)}", file=sys.stderr)
            return plain.run_plain(data_dir, request)
        return _run_app(data_dir, "breathe", breathe=request, opening=opening,
                        settings=(settings, warnings))
    if command == "week":
        from companion import report

        return report.print_week(data_dir, week=args.week, offset=args.offset, fmt=args.format)
    if command == "export":
        from companion import transfer

        return transfer.export_history(data_dir, fmt=args.format, out=args.out)
    if command == "import":
        from companion import transfer

        return transfer.import_history(data_dir, args.file)
    if command == "forget":
        from companion import transfer

        return transfer.forget_history(data_dir, yes=args.yes)
    if command == "demo":
        from companion import demo

        return demo.run_demo(args.days, args.out)
    return _run_app(data_dir, command or "home")


def _run_app(data_dir: Path, start: str, **options: object) -> int:
    import gc

    # Python's cycle collector waits until the first frame (the app starts it again then): on
    # the way there it would run ~100 times over objects that all live on (~12-15 ms).
    gc.disable()
    from companion.app import CompanionApp

    app = CompanionApp(data_dir=data_dir, start=start, **options)
    app.run()
    return app.return_code or EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
