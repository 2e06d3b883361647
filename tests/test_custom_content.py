"""Your own breathing patterns (patterns.toml) and feeling words (feelings.toml) in the data
folder: they appear beside the built-in ones everywhere; a bad one is skipped with one message
naming the file and the entry, and everything else still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.cli import main
from companion.content import load_content
from companion.settings import Settings, save_settings

SLOW = """
[[pattern]]
name = "slow-out"
label = "Slow out"
about = "A long, easy out-breath."
phases = [{ kind = "in", seconds = 3 }, { kind = "out", seconds = 9 }]
"""

HOLDING = """
[[pattern]]
name = "long-hold"
label = "Long hold"
phases = [
  { kind = "in", seconds = 4 }, { kind = "hold", seconds = 12 }, { kind = "out", seconds = 8 },
]
"""

WORDS = """
[[word]]
word = "Knackered"
quadrant = "low_unpleasant"
meaning = "Tired right through."

[[word]]
word = "buzzing"
quadrant = "high_pleasant"
"""


EVEN = 'phases = [{ kind = "in", seconds = 4 }, { kind = "out", seconds = 4 }]'


def own(data_dir: Path, patterns: str = "", feelings: str = "") -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    if patterns:
        (data_dir / "patterns.toml").write_text(patterns, encoding="utf-8")
    if feelings:
        (data_dir / "feelings.toml").write_text(feelings, encoding="utf-8")
    return data_dir


# -- patterns -------------------------------------------------------------------------------------


def test_your_patterns_come_after_the_built_in_ones(data_dir: Path):
    content = load_content(user_dir=own(data_dir, SLOW + HOLDING))
    assert content.warnings == ()
    assert [p.name for p in content.patterns][-2:] == ["slow-out", "long-hold"]
    slow = content.pattern("slow-out")
    assert slow.custom and slow.cycle_seconds == 12 and slow.about == "A long, easy out-breath."
    assert content.pattern("long-hold").has_long_hold  # so the dizzy note is shown with it
    assert not any(p.custom for p in load_content().patterns)


def test_companion_patterns_lists_yours_marked_as_yours(data_dir: Path, capsys):
    assert main(["patterns", "--data-dir", str(own(data_dir, SLOW))]) == 0
    out, err = capsys.readouterr()
    assert "Slow out (yours): in 3, out 9 (12 s a breath)" in out
    assert "box" in out and err == ""


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        (
            'name = "x"\nphases = [{ kind = "in", seconds = 0.5 }, { kind = "out", seconds = 4 }]',
            "seconds must be from 1 to 20",
        ),
        (
            'name = "x"\nphases = [{ kind = "in", seconds = 4 }, { kind = "out", seconds = 21 }]',
            "seconds must be from 1 to 20",
        ),
        (
            'name = "x"\nphases = [{ kind = "in", seconds = "4" }, { kind = "out", seconds = 4 }]',
            "'seconds' must be a number",
        ),
        ('name = "x"\nphases = [{ kind = "breathe", seconds = 4 }]', "kind must be one of"),
        ('name = "x"\nphases = [{ kind = "in", seconds = 4 }]', "at least one 'in' and one 'out'"),
        ('name = "x"\nphases = []', "needs a non-empty list 'phases'"),
        (
            f'name = "two words"\n{EVEN}',
            "name must be one word",
        ),
        (
            f'name = "x"\nlabel = 3\n{EVEN}',
            "'label' must be text",
        ),
        (
            f'label = "No name"\n{EVEN}',
            "'name' must be text",
        ),
        (
            f'name = "box"\n{EVEN}',
            "the name 'box' is taken",
        ),
        (f'name = "x"\nsuits = 5\n{EVEN}', "'suits' must be a list of states"),
        (f'name = "x"\nsuits = ["calm"]\n{EVEN}', "'suits' must be a list of states"),
        (f'name = "x\\u001b]0;title\\u0007"\n{EVEN}', "name must be one word"),
        (  # an int too large for a float
            f'name = "x"\nphases = [{{ kind = "in", seconds = 1{"0" * 400} }}, '
            '{ kind = "out", seconds = 4 }]',
            "seconds must be from 1 to 20",
        ),
    ],
)
def test_a_bad_pattern_gets_one_message_naming_the_file_and_entry(
    data_dir: Path, entry: str, complaint: str
):
    content = load_content(user_dir=own(data_dir, SLOW + f"\n[[pattern]]\n{entry}\n" + HOLDING))
    assert len(content.warnings) == 1
    warning = content.warnings[0]
    assert str(data_dir / "patterns.toml") in warning
    assert "pattern 2" in warning and complaint in warning and "skipped" in warning
    assert [p.name for p in content.patterns if p.custom] == ["slow-out", "long-hold"]


def test_a_patterns_file_that_is_not_toml_is_named_and_the_app_carries_on(data_dir: Path):
    content = load_content(user_dir=own(data_dir, "[[pattern]\nname = \n"))
    assert len(content.warnings) == 1
    assert "patterns.toml" in content.warnings[0] and "not valid TOML" in content.warnings[0]
    assert not any(p.custom for p in content.patterns)


def test_bad_patterns_are_said_on_stderr_by_companion_patterns(data_dir: Path, capsys):
    bad = '[[pattern]]\nname = "x"\nphases = [{ kind = "in", seconds = 99 }]\n'
    assert main(["patterns", "--data-dir", str(own(data_dir, SLOW + bad))]) == 0
    out, err = capsys.readouterr()
    assert "slow-out" in out
    assert err.count("\n") == 1 and "patterns.toml pattern 2" in err


async def test_your_patterns_can_be_breathed_chosen_as_default_and_found_by_name(data_dir: Path):
    own(data_dir, SLOW)
    save_settings(data_dir, Settings(default_pattern="slow-out"))
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.setting_warnings == []
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Breathe: Slow out" in titles
        await pilot.press("b")
        options = app.screen.query_one(OptionList)
        assert options.get_option_at_index(options.highlighted).id == "slow-out"
        await pilot.press("escape", "comma")
        select = app.screen.query_one("#default_pattern", Select)
        assert select.value == "slow-out"


# -- words ----------------------------------------------------------------------------------------


def test_your_words_join_their_quadrant(data_dir: Path):
    content = load_content(user_dir=own(data_dir, feelings=WORDS))
    assert content.warnings == ()
    low = content.quadrant("low_unpleasant").words
    assert low[-1].word == "knackered" and low[-1].custom
    assert low[-1].meaning == "Tired right through."
    high = content.quadrant("high_pleasant").words[-1]
    assert high.word == "buzzing" and high.meaning  # a word without a meaning still has one


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ('word = "meh"\nquadrant = "middle"', "quadrant must be one of"),
        ('word = "meh"', "'quadrant' must be text"),
        ('quadrant = "low_pleasant"', "'word' must be text"),
        (f'word = "{"a" * 41}"\nquadrant = "low_pleasant"', "1 to 40 characters"),
        ('word = "Calm"\nquadrant = "high_unpleasant"', "'calm' is already in the list"),
        ('word = "meh"\nquadrant = "low_pleasant"\nmeaning = 5', "'meaning' must be text"),
        ('word = "m\\u001b[2Jeh"\nquadrant = "low_pleasant"', "no control characters"),
    ],
)
def test_a_bad_word_gets_one_message_naming_the_file_and_entry(
    data_dir: Path, entry: str, complaint: str
):
    content = load_content(user_dir=own(data_dir, feelings=WORDS + f"\n[[word]]\n{entry}\n"))
    assert len(content.warnings) == 1
    warning = content.warnings[0]
    assert str(data_dir / "feelings.toml") in warning
    assert "word 3" in warning and complaint in warning and "skipped" in warning
    custom = [w.word for q in content.quadrants for w in q.words if w.custom]
    assert sorted(custom) == ["buzzing", "knackered"]


def test_a_words_file_in_the_wrong_shape_is_named(data_dir: Path):
    content = load_content(user_dir=own(data_dir, feelings='word = "meh"\n'))
    assert content.warnings == (
        f"{data_dir / 'feelings.toml'}: use [[word]] tables for your words.",
    )


@pytest.mark.parametrize("start", ["home", "checkin", "review"])
async def test_warnings_about_your_files_are_shown_when_the_app_starts(data_dir: Path, start):
    own(data_dir, '[[pattern]]\nname = "[b]x"\nphases = []\n', '[[word]]\nword = "meh"\n')
    app = CompanionApp(data_dir=data_dir, start=start)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert sum("patterns.toml pattern 1" in m for m in said) == 1
        assert sum("feelings.toml word 1" in m for m in said) == 1


async def test_your_words_are_offered_on_the_name_screen(data_dir: Path):
    name = pytest.importorskip("companion.screens.name")
    own(data_dir, feelings=WORDS)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(name.NameScreen(CheckInDraft()))
        await pilot.pause()
        await pilot.press("down", "enter")  # the grid: low energy, unpleasant
        assert isinstance(app.focused, Input)
        await pilot.press(*"knack")
        words = app.screen.query_one("#word-list", OptionList)
        prompts = [str(words.get_option_at_index(i).prompt) for i in range(words.option_count)]
        assert any("knackered" in p for p in prompts)
