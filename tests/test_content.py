"""Content loading: the shipped data is complete, and a malformed file is named clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from companion.content import ContentError, builtin_data_dir, load_content, load_opening
from companion.entries import QUADRANTS

JUDGING = ("good feeling", "bad feeling", "negative", "positive", "calm down", "you should",
           "streak")


def test_the_shipped_content_loads_with_everything_the_product_promises(content):
    assert [p.name for p in content.patterns] == [
        "box", "4-7-8", "coherent", "cyclic-sigh", "long-exhale"]
    assert [q.key for q in content.quadrants] == list(QUADRANTS)
    assert all(len(q.words) >= 30 for q in content.quadrants)
    assert sum(len(q.words) for q in content.quadrants) > 120
    assert all(w.meaning for q in content.quadrants for w in q.words)
    assert {s.key for s in content.states} == {"revved_up", "shut_down", "steady"}
    assert {p.key for p in content.people} >= {
        "child", "partner", "co_parent", "friend", "colleague", "myself", "other"}
    assert [s.count for s in content.senses] == [5, 4, 3, 2, 1]


def test_the_cyclic_sigh_has_a_top_up_inhale_and_a_long_exhale(content):
    sigh = content.pattern("cyclic-sigh")
    assert [p.kind for p in sigh.phases] == ["in", "top_up", "out"]
    assert sigh.phases[2].seconds > sigh.phases[0].seconds + sigh.phases[1].seconds


def test_long_holds_are_flagged_for_the_dizziness_note(content):
    assert content.pattern("4-7-8").has_long_hold
    assert not content.pattern("coherent").has_long_hold


def test_the_copy_does_not_judge_feelings(content):
    text = " ".join(
        [content.welcome, *content.lines_of_day, *content.saved_lines, *content.empty_week,
         *content.reframes, *(t.body for t in content.help_topics),
         *(w.meaning for q in content.quadrants for w in q.words),
         *(q.label + q.hint for q in content.quadrants)]
    ).lower()
    assert [phrase for phrase in JUDGING if phrase in text] == []


def copy_of_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(builtin_data_dir(), folder)
    return folder


def test_a_file_that_is_not_toml_is_named_in_the_error(tmp_path: Path):
    folder = copy_of_data(tmp_path)
    (folder / "feelings.toml").write_text("[[quadrant]\nkey = ")
    with pytest.raises(ContentError, match=r"feelings\.toml: not valid TOML"):
        load_content(folder)


def test_a_missing_file_is_named_in_the_error(tmp_path: Path):
    folder = copy_of_data(tmp_path)
    (folder / "patterns.toml").unlink()
    with pytest.raises(ContentError, match=r"patterns\.toml: the file is missing"):
        load_content(folder)


def test_a_pattern_with_an_unknown_phase_kind_names_the_pattern_and_phase(tmp_path: Path):
    folder = copy_of_data(tmp_path)
    text = (folder / "patterns.toml").read_text().replace('kind = "hold"', 'kind = "pause"', 1)
    (folder / "patterns.toml").write_text(text)
    with pytest.raises(ContentError, match=r"patterns\.toml pattern 1 \(box\) phase 2: kind"):
        load_content(folder)


def test_the_opening_is_what_the_whole_content_says(data_dir: Path, content):
    opening = load_opening(user_dir=data_dir)
    assert opening.patterns == content.patterns
    assert (opening.welcome, opening.lines_of_day) == (content.welcome, content.lines_of_day)
    assert opening.dizzy_note == content.safety.dizzy_note
    assert content.opening == opening


def test_the_opening_reads_only_what_a_first_frame_needs(tmp_path: Path):
    folder = copy_of_data(tmp_path)
    for later in ("feelings.toml", "help.toml", "checkin.toml", "repair.toml"):
        (folder / later).write_text("not = [toml")
    assert load_opening(folder).pattern("box")
    with pytest.raises(ContentError, match=r"feelings\.toml: not valid TOML"):
        load_content(folder)  # the rest is still checked, once it is read


def test_a_broken_file_the_opening_needs_is_named_in_its_error(tmp_path: Path):
    folder = copy_of_data(tmp_path)
    (folder / "prompts.toml").write_text('welcome = ""\n')
    with pytest.raises(ContentError, match=r"prompts\.toml: 'welcome' must be text"):
        load_opening(folder)
