"""`companion log`: a check-in in one command line — every flag, every refusal, what it saved.

Each test runs the real command line (cli.main) on a fresh data folder and then reads the
history back: what was saved is the proof, and a refusal must leave the history as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from companion.checkin import CheckInDraft
from companion.cli import main
from companion.entries import Entry, Feeling
from companion.history import HistoryStore
from companion.safety import offers_help_for


def log(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    try:
        code = main(["log", "--data-dir", str(data_dir), *args])
    except SystemExit as stop:  # argparse's refusals
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def saved(data_dir: Path) -> list[Entry]:
    if not (data_dir / "history").is_dir():
        return []
    return HistoryStore(data_dir).all()


def only(data_dir: Path) -> Entry:
    entries = saved(data_dir)
    assert len(entries) == 1, entries
    return entries[0]


def refused(capsys, data_dir: Path, *args: str, code: int = 2) -> str:
    """Run `companion log ARGS`, expecting one line on stderr, `code`, and nothing saved."""
    result, out, err = log(capsys, data_dir, *args)
    assert result == code, (out, err)
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("companion: ")
    assert "Traceback" not in err
    assert saved(data_dir) == []
    return err


# -- what is saved ------------------------------------------------------------------------------


def test_the_issues_example_is_saved_as_a_complete_check_in_and_said_in_one_line(
    capsys, data_dir
):
    code, out, err = log(capsys, data_dir, "7", "--feel", "frazzled", "--need", "tired")

    assert code == 0, err
    entry = only(data_dir)
    assert (entry.kind, entry.complete, entry.activation_before) == ("checkin", True, 7)
    assert entry.needs == ("tired",)
    assert [f.word for f in entry.feelings] == ["frazzled"]
    assert entry.saved_at is not None
    assert abs(entry.started_at - datetime.now().astimezone()) < timedelta(minutes=1)
    assert out.count("\n") == 1
    assert out.startswith("Saved your check-in: activation 7")
    assert "frazzled (your own word" in out and "needs: tired" in out


def test_every_flag_lands_in_its_field(capsys, data_dir):
    code, _, err = log(
        capsys, data_dir, "4", "--feel", "anxious", "--feel", "worried", "--need", "tired",
        "--need", "need_a_break", "--body", "tight_chest", "--body", "racing_heart",
        "--state", "revved_up", "--note", "the school run again",
        "--with", "child", "--what", "I snapped", "--step", "apologised",
    )

    assert code == 0, err
    entry = only(data_dir)
    assert entry.activation_before == 4 and entry.activation_after is None
    assert [(f.word, f.quadrant) for f in entry.feelings] == [
        ("anxious", "high_unpleasant"), ("worried", "high_unpleasant")]
    assert entry.needs == ("tired", "need_a_break")
    assert entry.body_signals == ("tight_chest", "racing_heart")
    assert entry.state == "revved_up"
    assert entry.note == "the school run again"
    repair = entry.repair
    assert repair is not None
    assert (repair.with_whom, repair.what_happened, repair.step) == ("child", "I snapped",
                                                                   "apologised")
    assert (repair.status, repair.done_at) == ("planned", None)
    assert entry.kind == "checkin" and entry.complete


@pytest.mark.parametrize(
    ("typed", "word", "quadrant"),
    [("ANXIOUS", "anxious", "high_unpleasant"), ("Fed-Up", "fed up", "high_unpleasant"),
     ("worn_out", "worn out", "low_unpleasant"), ("  at   ease ", "at ease", "low_pleasant")],
)
def test_feeling_words_match_in_any_case_and_spelling_of_spaces(
    capsys, data_dir, typed, word, quadrant
):
    assert log(capsys, data_dir, "--feel", typed)[0] == 0
    assert [(f.word, f.quadrant) for f in only(data_dir).feelings] == [(word, quadrant)]


def test_a_word_named_twice_is_kept_once(capsys, data_dir):
    assert log(capsys, data_dir, "--feel", "sad", "--feel", "SAD", "--need", "tired",
               "--need", "tired")[0] == 0
    entry = only(data_dir)
    assert [f.word for f in entry.feelings] == ["sad"]
    assert entry.needs == ("tired",)


def test_needs_and_body_signals_may_be_typed_as_their_labels(capsys, data_dir):
    assert log(capsys, data_dir, "--need", "Need a break", "--body", "tight-chest",
               "--state", "Shut down")[0] == 0
    entry = only(data_dir)
    assert (entry.needs, entry.body_signals, entry.state) == (
        ("need_a_break",), ("tight_chest",), "shut_down")


def test_your_own_feelings_toml_words_are_known_words(capsys, data_dir):
    data_dir.mkdir()
    (data_dir / "feelings.toml").write_text(
        '[[word]]\nword = "knackered"\nquadrant = "low_unpleasant"\n')
    code, out, _ = log(capsys, data_dir, "9", "--feel", "Knackered")
    assert code == 0
    assert [(f.word, f.quadrant) for f in only(data_dir).feelings] == [
        ("knackered", "low_unpleasant")]
    assert "your own word" not in out  # it is in your list: nothing to say about it


# -- your own words -----------------------------------------------------------------------------


def test_a_word_it_does_not_know_is_kept_as_your_own_and_said_so(capsys, data_dir):
    code, out, _ = log(capsys, data_dir, "--feel", "Frazzled", "--quadrant", "low_unpleasant")
    assert code == 0
    assert [(f.word, f.quadrant) for f in only(data_dir).feelings] == [
        ("Frazzled", "low_unpleasant")]  # as typed, as the app keeps your own word
    assert "Frazzled (your own word, low energy, unpleasant)" in out


@pytest.mark.parametrize(
    ("args", "quadrant"),
    [
        # beside the words named with it, when they share a quadrant
        (["2", "--feel", "frazzled", "--feel", "calm"], "low_pleasant"),
        # else by how you said you are: high or low energy, unpleasant side
        (["--feel", "frazzled", "--state", "shut_down", "8"], "low_unpleasant"),
        (["--feel", "frazzled", "--state", "revved_up", "1"], "high_unpleasant"),
        (["--feel", "frazzled", "4"], "low_unpleasant"),
        (["--feel", "frazzled", "5"], "high_unpleasant"),
        (["--feel", "frazzled", "--feel", "calm", "--feel", "angry", "2"], "low_unpleasant"),
        # else where the app's Name step opens
        (["--feel", "frazzled"], "high_unpleasant"),
    ],
)
def test_your_own_word_without_a_quadrant_goes_where_the_line_says(
    capsys, data_dir, args, quadrant
):
    code, out, _ = log(capsys, data_dir, *args)
    assert code == 0
    feeling = next(f for f in only(data_dir).feelings if f.word == "frazzled")
    assert feeling.quadrant == quadrant
    energy, pleasant = quadrant.split("_")
    assert f"frazzled (your own word, {energy} energy, {pleasant}; --quadrant" in out


def test_a_likely_typo_names_the_word_it_resembles_and_saves_nothing(capsys, data_dir):
    err = refused(capsys, data_dir, "6", "--feel", "anxous", "--need", "tired")
    assert "did you mean anxious?" in err
    assert "--quadrant" in err  # how to keep it as typed


def test_a_likely_typo_with_a_quadrant_is_kept_as_meant(capsys, data_dir):
    code, out, _ = log(capsys, data_dir, "--feel", "hangry", "--quadrant", "high_unpleasant")
    assert code == 0
    assert [f.word for f in only(data_dir).feelings] == ["hangry"]
    assert "close to angry" in out


def test_quadrant_is_for_your_own_words_only(capsys, data_dir):
    err = refused(capsys, data_dir, "--feel", "angry", "--quadrant", "low_pleasant")
    assert "your own words" in err


@pytest.mark.parametrize("word", ["x" * 41, "bad\x1b]0;title\x07word", ""])
def test_an_own_word_that_cannot_be_kept_is_refused(capsys, data_dir, word):
    err = refused(capsys, data_dir, "--feel", word, "--quadrant", "low_pleasant")
    assert "\x1b" not in err  # the escape is shown, never sent to the terminal
    assert "40 characters" in err


# -- refusals: one line, exit 2, nothing saved ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        ([], "nothing to log"),
        (["11"], "ACTIVATION: must be from 0 to 10, not 11"),
        (["-1"], "ACTIVATION: must be from 0 to 10, not -1"),
        (["7.5"], "takes a whole number"),
        (["seven"], "takes a whole number"),
        (["7", "8"], "unrecognized arguments"),
        (["--state", "calm"], "--state: invalid choice"),
        (["--feel", "angry", "--quadrant", "middle"], "--quadrant: invalid choice"),
        (["--feel"], "expected one argument"),
        (["--done"], "--step and --done describe a repair"),
        (["--step", "apologised"], "--step and --done describe a repair"),
        (["--with", "kid"], "there is no person called 'kid'"),
        (["--with", "child", "--step", "shouted"], "there is no repair step called 'shouted'"),
        (["--note", "x" * 2001], "up to 2000 characters"),
        (["--with", "child", "--what", "x" * 2001], "up to 2000 characters"),
        (["5", "--colour", "red"], "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_saved(capsys, data_dir, args, complaint):
    assert complaint in refused(capsys, data_dir, *args)


@pytest.mark.parametrize(
    ("flag", "typed", "keys"),
    [("--need", "tird", ["hungry", "tired", "need_a_break", "need_to_be_heard"]),
     ("--body", "sore_feet", ["tight_chest", "clenched_jaw", "shaky", "headache"])],
)
def test_an_unknown_need_or_body_signal_lists_the_valid_ones(
    capsys, data_dir, content, flag, typed, keys
):
    err = refused(capsys, data_dir, "7", "--feel", "sad", flag, typed)
    every = content.needs if flag == "--need" else content.body_signals
    assert all(choice.key in err for choice in every)
    assert all(key in err for key in keys)
    assert f"{flag} takes one of" in err


def test_a_note_with_bytes_that_are_not_text_is_refused(capsys, data_dir):
    # What Python makes of a command-line argument that is not valid UTF-8.
    err = refused(capsys, data_dir, "--note", "caf\udce9")
    assert "broken character" in err


def test_your_text_is_kept_exactly_and_never_printed_as_commands(capsys, data_dir):
    note = "[b]bold[/b] \x1b[31mred\x1b[0m ‮ 👩‍👧"
    code, out, _ = log(capsys, data_dir, "--note", note, "--feel", "[red]x[/red]",
                       "--quadrant", "high_pleasant")
    assert code == 0
    entry = only(data_dir)
    assert entry.note == note
    assert "[red]x[/red] (your own word" in out
    assert "\x1b" not in out


# -- repairs ------------------------------------------------------------------------------------


def test_a_repair_on_its_own_is_saved_as_a_repair(capsys, data_dir):
    code, out, _ = log(capsys, data_dir, "--with", "partner", "--what", "I cut you off")
    assert code == 0
    entry = only(data_dir)
    assert entry.kind == "repair"
    assert entry.repair is not None and entry.repair.status == "planned"
    assert out.startswith("Saved your repair: with my partner, planned.")
    assert "companion review" in out  # where to mark it done


def test_done_marks_the_repair_done_now(capsys, data_dir):
    code, out, _ = log(capsys, data_dir, "--with", "my child", "--step", "hug", "--done")
    assert code == 0
    repair = only(data_dir).repair
    assert repair is not None
    assert (repair.with_whom, repair.step, repair.status) == ("child", "hug", "done")
    assert repair.done_at is not None
    assert abs(repair.done_at - datetime.now().astimezone()) < timedelta(minutes=1)
    assert "done" in out and "companion review" not in out


# -- safety ---------------------------------------------------------------------------------------


def test_at_the_top_of_the_scale_it_says_where_help_is_with_your_people(
    capsys, data_dir, content
):
    data_dir.mkdir()
    (data_dir / "settings.toml").write_text('[[contacts]]\nname = "Sam"\nhow = "07700 900123"\n')
    code, out, _ = log(capsys, data_dir, "10", "--feel", "panicky")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Saved your check-in: activation 10")
    assert lines[1] == content.safety.high_activation
    assert "Sam: 07700 900123" in out
    assert "988" in out and content.safety.elsewhere in out
    assert only(data_dir).activation_before == 10


def test_lower_on_the_scale_it_says_only_what_was_saved(capsys, data_dir, content):
    code, out, _ = log(capsys, data_dir, "5", "--feel", "sad")
    assert code == 0
    assert out.count("\n") == 1
    assert content.safety.high_activation not in out


def test_the_decision_to_offer_help_is_the_app_s_own(content):
    # The check-in's rule (companion/guidance.py): 9 or 10, or a word like hopeless.
    def moment(before=None, after=None, words=()):
        return CheckInDraft(activation_before=before, activation_after=after,
                            feelings=[Feeling(w, "low_unpleasant") for w in words])

    assert offers_help_for(moment(9), content.safety)
    assert offers_help_for(moment(after=10), content.safety)
    assert offers_help_for(moment(3, words=["Hopeless"]), content.safety)
    assert not offers_help_for(moment(8, 2, ["tired"]), content.safety)
    assert not offers_help_for(moment(), content.safety)


def test_a_heavy_word_brings_the_help_lines_too(capsys, data_dir, content):
    code, out, _ = log(capsys, data_dir, "4", "--feel", "trapped")
    assert code == 0
    assert content.safety.high_activation in out


# -- the folder ---------------------------------------------------------------------------------


def test_a_data_dir_that_is_a_file_is_one_line_and_exit_1(capsys, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("mine")
    code, out, err = log(capsys, target, "7")
    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1 and "is a file" in err
    assert target.read_text() == "mine"


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real tmpfs of its own (root only), to be made read-only while companion runs."""
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                          capture_output=True, check=False)
    if done.returncode:
        pytest.skip("mounting a tmpfs needs root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_data_folder_is_one_line_exit_1_and_nothing_lost(capsys, small_disk):
    data_dir = small_disk / "companion"
    assert log(capsys, data_dir, "3", "--feel", "calm")[0] == 0
    files = {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)

    code, out, err = log(capsys, data_dir, "8", "--feel", "angry")

    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1 and "not writable" in err
    assert {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()} == files
    assert [e.activation_before for e in saved(data_dir)] == [3]


# -- whole commands -----------------------------------------------------------------------------


def test_what_log_saved_shows_in_companion_week(capsys, data_dir):
    assert log(capsys, data_dir, "7", "--feel", "frazzled", "--need", "tired")[0] == 0
    assert main(["week", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "frazzled" in out
    assert "Tired (1)" in out
    assert "7 → –" in out


def test_log_never_imports_textual(data_dir):
    script = (
        "import sys; from companion.cli import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual was imported'; sys.exit(code)"
    )
    for args in (["log", "10", "--feel", "frazzled", "--need", "tired", "--with", "child"],
                 ["log", "--feel", "anxous"]):
        done = subprocess.run(
            [sys.executable, "-c", script, "--data-dir", str(data_dir), *args],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert "textual was imported" not in done.stderr
        assert done.returncode in (0, 2), done.stderr
    assert len(HistoryStore(data_dir).all()) == 1
