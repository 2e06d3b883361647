"""The `companion` command line: runs the module each command names.

Commands that need no TUI (week, month, year, insights, repairs, search, export, import, forget,
patterns, demo --out, breathe --plain, log, completions, tmux, --help, --version) never import
Textual: a quick look at the week should be quick (the import contracts in pyproject.toml and
a test per command hold this). The app opens through startup.run_app. Every problem ends as one
line on stderr and a non-zero exit (exits.py), never a traceback; output that could not all be
written (a full disk, a closed stdout) is such a problem too (output.py).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from companion.exits import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, UsageError
from companion.first_pass import parse_args
from companion.locations import resolve_data_dir
from companion.output import WatchedStdout, to_devnull, unwritten

if TYPE_CHECKING:
    from companion.content import Opening
    from companion.plain import BreatheRequest
    from companion.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    stdout = WatchedStdout.install()
    try:
        return _main(argv, stdout)
    finally:
        stdout.uninstall()


def _main(argv: Sequence[str] | None, stdout: WatchedStdout) -> int:
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        code = _dispatch(args)
    except SystemExit as stop:
        # argparse's --help, --version and bad command lines, and Rich on a broken pipe.
        stdout.flush()
        if stdout.failure is None:
            raise
        code = stop.code if isinstance(stop.code, int) else EXIT_PROBLEM
        if isinstance(stdout.failure, BrokenPipeError):
            code = EXIT_OK
    except UsageError as error:
        from companion.text import printable

        _say(printable(str(error)))  # it may name a pattern from your own patterns.toml
        code = EXIT_USAGE
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        code = EXIT_OK  # the reader went away (e.g. `companion export | head`)
    except Exception as error:
        code = EXIT_PROBLEM
        if stdout.failure is None:  # if it is, the line below says what went wrong
            from companion.content import ContentError
            from companion.storage import StoreError
            from companion.text import printable

            # Messages carry paths and file contents: control characters never reach the
            # terminal.
            if isinstance(error, StoreError | ContentError):
                _say(printable(str(error)))
            else:
                _say(f"something went wrong: {printable(repr(error)):.200}")
    # Flushed here, not at exit: a full disk or a closed stdout is said and changes the exit
    # code, where the interpreter's own flush would print a traceback or nothing at all.
    stdout.flush()
    failure = stdout.failure
    if failure is None:
        return code
    stdout.silence()
    if isinstance(failure, BrokenPipeError):
        return code  # nobody is reading any more; nothing to say
    _say(unwritten(failure))
    return code or EXIT_PROBLEM


def _say(line: str) -> None:
    """One line on stderr; a stderr that cannot take it either is left at that."""
    try:
        print(f"companion: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        to_devnull(sys.stderr)


def _dispatch(args: SimpleNamespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    command = args.command
    if command == "patterns":
        from companion import listing

        return listing.print_patterns(data_dir)
    if command == "breathe":
        from companion import plain
        from companion.content import load_opening
        from companion.settings import load_settings
        from companion.text import printable

        # Read once, for the check and the app; the rest of data/ after the first frame.
        opening = load_opening(user_dir=data_dir)
        settings, warnings = load_settings(data_dir, patterns=[p.name for p in opening.patterns])
        told = (*opening.warnings, *warnings)
        if args.pattern is not None and opening.pattern(args.pattern) is None:
            # Said before "there is no pattern called …": it may be one of yours that was
            # skipped, and the warning says why.
            for warning in told:
                _say(printable(warning))
        request = plain.breathe_request(
            data_dir, args.pattern, args.minutes, args.cycles,
            default_pattern=settings.default_pattern, default_minutes=settings.default_minutes,
            opening=opening,
        )
        plain_lines = args.plain or not _is_terminal(sys.stdout)
        if not args.plain and plain_lines:
            # A pipe or a file would get the app's escape codes; the plain lines read well there.
            _say("standard output is not a terminal, so the breathing is in plain lines "
                 "(as with --plain).")
        if plain_lines:
            for warning in told:  # the app shows them itself
                _say(printable(warning))
            return plain.run_plain(data_dir, request)
        return _run_app(data_dir, "breathe", breathe=request, opening=opening,
                        settings=(settings, warnings))
    if command == "week":
        from companion import report

        return report.print_week(data_dir, week=args.week, offset=args.offset, fmt=args.format)
    if command == "export":
        from companion import export

        return export.export_history(data_dir, fmt=args.format, out=args.out)
    if command == "import":
        from companion import importing

        return importing.import_history(data_dir, args.file)
    if command == "forget":
        from companion import forgetting

        return forgetting.forget_history(data_dir, yes=args.yes)
    if command == "delete":
        from companion import forgetting

        return forgetting.delete_entry(data_dir, args.id, yes=args.yes)
    if command == "devices":
        from companion import machines

        return machines.print_devices(data_dir, args.format)
    if command == "demo":
        from companion import demo

        return demo.run_demo(args.days, args.out)
    if command in LOOKING_BACK:
        return _look_back(data_dir, args)
    if command == "log":
        from companion import quicklog

        return quicklog.run_log(data_dir, quicklog.LogRequest.from_args(args))
    if command == "completions":
        from companion import completions

        return completions.run_completions(args.shell, args.names, data_dir)
    if command == "tmux":
        from companion import tmux

        return tmux.print_binding(args.key, args.data_dir)
    return _run_app(data_dir, command or "home")


LOOKING_BACK = ("month", "year", "insights", "repairs", "search")


def _look_back(data_dir: Path, args: SimpleNamespace) -> int:
    """A looking-back command, with the cycle collector paused from its imports to its exit:
    importing and reading make tens of thousands of objects that all live to the end, and
    collecting looked through them again and again (about 15 ms of importing alone)."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        return _look_back_with(data_dir, args)
    finally:
        if was:
            gc.enable()


def _look_back_with(data_dir: Path, args: SimpleNamespace) -> int:
    from companion import looking

    if args.command == "month":
        return looking.print_month(data_dir, args.month, args.offset, args.format)
    if args.command == "year":
        return looking.print_year(data_dir, args.year, args.format)
    if args.command == "insights":
        months = None if args.all else args.months or looking.DEFAULT_MONTHS
        return looking.print_insights(data_dir, months, args.format)
    if args.command == "repairs":
        if args.done or args.let_go:
            return looking.mark_repair(data_dir, args.done or args.let_go,
                                       "done" if args.done else "let_go")
        return looking.print_repairs(data_dir, args.open, args.format)
    return looking.print_search(data_dir, args.text, feeling=args.feeling, need=args.need,
                                with_whom=args.with_whom, since=args.since, fmt=args.format)


def _run_app(
    data_dir: Path,
    start: str,
    *,
    breathe: BreatheRequest | None = None,
    opening: Opening | None = None,
    settings: tuple[Settings, list[str]] | None = None,
) -> int:
    from datetime import datetime

    from companion import startup

    began = datetime.now().astimezone()  # whatever this visit saves starts after this
    app = startup.run_app(data_dir, start, breathe=breathe, opening=opening, settings=settings)
    # Once the screen is restored: one line on what this visit kept, as --plain ends.
    from companion.closing import say_what_was_kept

    say_what_was_kept(data_dir, began, unsaved=app.unsaved, patterns=app.opening.patterns)
    return app.return_code or EXIT_OK


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return callable(isatty) and bool(isatty())
    except (AttributeError, OSError, ValueError):  # closed, or not a real stream
        return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
