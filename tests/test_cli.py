"""The command line skeleton: help, version, and one clear line for bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from companion import __version__
from companion.cli import main
from companion.first_pass import VERSION, WITHOUT_PARSER, parse_args


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse exits for --help, --version and usage errors
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def test_version_prints_the_version(capsys):
    assert run(capsys, "--version") == (0, f"companion {__version__}\n", "")


def test_help_lists_every_public_command(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("checkin", "breathe", "review", "week", "export", "import", "forget",
                    "patterns", "demo", "--data-dir"):
        assert command in out


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["breathe", "--minutes", "-3"], "--minutes"),
        (["breathe", "--minutes", "soon"], "--minutes"),
        (["breathe", "--cycles", "0"], "--cycles"),
        (["breathe", "--minutes", "1", "--cycles", "3"], "not allowed with"),
        (["week", "--week", "2026-W99"], "--week"),
        (["week", "--week", "W47"], "--week"),
        (["week", "--format", "pdf"], "--format"),
        (["demo", "--days", "-1"], "--days"),
        (["--colour"], "unrecognized arguments"),
        (["dance"], "invalid choice"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(capsys, argv, complaint):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert complaint in err


def test_an_unknown_pattern_lists_the_known_ones(capsys, data_dir: Path):
    code, _, err = run(capsys, "--data-dir", str(data_dir), "breathe", "--pattern", "wave",
                       "--plain")
    assert code == 2
    assert "'wave'" in err and "box" in err and "cyclic-sigh" in err
    assert len(err.strip().splitlines()) == 1


def test_week_53_is_accepted_only_in_years_that_have_it(capsys):
    from companion.arguments import iso_week

    assert iso_week("2026-W53").isoformat() == "2026-12-28"
    code, _, err = run(capsys, "week", "--week", "2027-W53")
    assert code == 2 and "2027-W53" in err


def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path: Path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(not_a_folder), "breathe",
         "--plain", "--cycles", "1", "--pattern", "box"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"companion: The data folder {not_a_folder} is a file, not a folder."
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--data-dir", "/tmp/before", "patterns"], "/tmp/before"),
        (["patterns", "--data-dir", "/tmp/after"], "/tmp/after"),
        (["--data-dir", "/tmp/before", "week", "--data-dir", "/tmp/after"], "/tmp/after"),
    ],
)
def test_data_dir_is_accepted_before_or_after_the_command(argv, expected):
    from companion.arguments import build_parser

    assert build_parser().parse_args(argv).data_dir == Path(expected)


@pytest.mark.parametrize("argv", sorted(WITHOUT_PARSER))
def test_the_command_lines_answered_without_the_parser_get_the_parsers_answer(argv):
    from companion.arguments import build_parser

    assert vars(parse_args(list(argv))) == vars(build_parser().parse_args(list(argv)))


def test_version_without_the_parser_is_what_the_parser_says(capsys):
    from companion.arguments import build_parser

    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"{VERSION}\n"
    with pytest.raises(SystemExit) as stop:
        parse_args(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"{VERSION}\n"


def test_version_is_answered_without_building_the_parser():
    script = (
        "import sys\n"
        "from companion.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0\n"
        "print('argparse' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == (f"{VERSION}\n", "False\n")


def test_companion_as_typed_opens_without_building_the_parser(tmp_path: Path):
    script = (
        "import sys\n"
        "from companion import cli\n"
        "from companion.app import CompanionApp\n"
        "CompanionApp.run = lambda app: None\n"
        "assert cli.main([]) == 0\n"
        "print('argparse' in sys.modules)\n"
    )
    env = {**os.environ, "COMPANION_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
