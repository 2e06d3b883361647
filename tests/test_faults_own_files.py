"""Your own files (settings.toml, patterns.toml, feelings.toml) hold anything at all.

Whatever a person (or a broken sync, or someone else) puts in them, companion starts: a bad
entry is skipped with one warning naming the file and the entry, a file that cannot be read at
all is one warning and the defaults, and a pattern's name never acts on the terminal. The
built-in files in data/ may only fail with the documented ContentError (one line, exit 1).

Hypothesis writes the documents: every field of a valid file given every type and shape, whole
documents of random keys and values, nesting and numbers too deep or long to read, random
bytes. COMPANION_FAULT_TOML sets how many of each (default 150; the README names the run by
hand). A failing example is printed by Hypothesis and replays from its database.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import content as content_module
from companion.app import CompanionApp
from companion.cli import main
from companion.content import (
    MAX_WARNINGS_PER_FILE,
    ContentError,
    builtin_data_dir,
    load_content,
    load_opening,
)
from companion.settings import MAX_WARNINGS, Settings, load_settings
from companion.vocabulary import QUADRANTS, STATES

EXAMPLES = int(os.environ.get("COMPANION_FAULT_TOML", "150"))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One folder serves every example: each writes its files afresh.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# -- writing TOML -----------------------------------------------------------------------------


def toml_value(value: Any) -> str:
    """`value` as a TOML inline value (tomllib reads back the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a TOML basic string, except that TOML wants DEL escaped as well.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def toml_document(document: dict[str, Any]) -> str:
    """A document as a person writes one: arrays of tables as [[name]] sections."""
    lines = []
    tables = []
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, value))
        else:
            lines.append(f"{toml_value(key)} = {toml_value(value)}")
    for key, items in tables:
        for item in items:
            lines += ["", f"[[{toml_value(key)}]]"]
            lines += [f"{toml_value(k)} = {toml_value(v)}" for k, v in item.items()]
    return "\n".join(lines) + "\n"


# -- hostile values and documents -------------------------------------------------------------

# Text with anything TOML can hold: escape sequences, right-to-left marks, no surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
KEYS = st.one_of(TEXT, st.sampled_from(["name", "label", "phases", "kind", "seconds", "suits",
                                         "word", "quadrant", "meaning", "pattern", "contacts"]))
SCALARS = st.one_of(
    TEXT,
    st.sampled_from(["in", "out", "hold", "top_up", "box", "revved_up", "low_pleasant",
                     "monday", "\x1b]0;title\x07", "\x1b]52;c;aGk=\x07", "[b]x[/b]", " ", ""]),
    st.integers(),
    st.sampled_from([0, -1, 1, 4, 20, 21, 10**18, 10**400, -(10**400)]),
    st.floats(),  # nan and ±inf too
    st.booleans(),
    st.datetimes(timezones=st.sampled_from([None, UTC])),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """`document` with one place in it changed: replaced by any value, removed, or added to."""
    if isinstance(document, dict) and document and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(document)))
        action = draw(st.sampled_from(["descend", "descend", "replace", "remove", "add"]))
        changed = dict(document)
        if action == "descend":
            changed[key] = draw(mutated(document[key]))
        elif action == "replace":
            changed[key] = draw(VALUES)
        elif action == "remove":
            del changed[key]
        else:
            changed[draw(KEYS)] = draw(VALUES)
        return changed
    if isinstance(document, list) and document and draw(st.booleans()):
        index = draw(st.integers(0, len(document) - 1))
        changed = list(document)
        action = draw(st.sampled_from(["descend", "descend", "replace", "remove", "add"]))
        if action == "descend":
            changed[index] = draw(mutated(document[index]))
        elif action == "replace":
            changed[index] = draw(VALUES)
        elif action == "remove":
            del changed[index]
        else:
            changed.insert(index, draw(VALUES))
        return changed
    return draw(VALUES)


def mutations(document: dict[str, Any]) -> st.SearchStrategy[str]:
    """The document with one to three changes, as TOML text."""
    def changed(steps: int) -> st.SearchStrategy[Any]:
        strategy: st.SearchStrategy[Any] = st.just(document)
        for _ in range(steps):
            strategy = strategy.flatmap(mutated)
        return strategy

    return st.integers(1, 3).flatmap(changed).filter(lambda d: isinstance(d, dict)).map(
        toml_document
    )


# What no parser should have to take, and tomllib does not (RecursionError, ValueError).
UNREADABLE = st.one_of(
    st.integers(340, 20_000).map(lambda n: "a = " + "[" * n + "]" * n + "\n"),
    st.integers(340, 20_000).map(lambda n: "a = " + "{b = " * n + "1" + "}" * n + "\n"),
    st.integers(4_301, 9_000).map(lambda n: "default_minutes = 1" + "0" * n + "\n"),
    st.integers(4_301, 9_000).map(
        lambda n: f'[[pattern]]\nname = "x"\nphases = [{{kind = "in", seconds = 1{"0" * n}}}]\n'
    ),
)
ANY_DOCUMENT = st.dictionaries(KEYS, VALUES, max_size=6).map(toml_document)
RANDOM_BYTES = st.binary(max_size=200)


# -- valid files to start from ----------------------------------------------------------------

PATTERNS = {
    "pattern": [
        {"name": "slow-out", "label": "Slow out", "about": "A long, easy out-breath.",
         "timing": "3-9", "why": "Longer out.", "suits": ["revved_up"],
         "phases": [{"kind": "in", "seconds": 3}, {"kind": "out", "seconds": 9}]},
        {"name": "long-hold", "label": "Long hold",
         "phases": [{"kind": "in", "seconds": 4}, {"kind": "hold", "seconds": 12.5},
                    {"kind": "top_up", "seconds": 1}, {"kind": "out", "seconds": 8}]},
    ]
}
FEELINGS = {
    "word": [
        {"word": "knackered", "quadrant": "low_unpleasant", "meaning": "Tired right through."},
        {"word": "buzzing", "quadrant": "high_pleasant"},
    ]
}
SETTINGS = {
    "default_pattern": "box", "default_minutes": 3.0, "reduced_motion": True, "bell": False,
    "week_start": "sunday", "theme": "textual-light",
    "contacts": [{"name": "Sam", "how": "07700 900123"}, {"name": "GP", "how": "01632 960000"}],
}
BUILT_IN_NAMES = ("box", "4-7-8", "coherent", "cyclic-sigh", "long-exhale")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- what must hold of whatever was read ------------------------------------------------------


def assert_usable_patterns_and_words(folder: Path) -> None:
    """The loaders return; what they return is only what companion can use."""
    opening = load_opening(user_dir=folder)
    everything = load_content(user_dir=folder, opening=opening)
    patterns_file = str(folder / "patterns.toml")
    words_file = str(folder / "feelings.toml")
    assert [p.name for p in opening.patterns[:5]] == list(BUILT_IN_NAMES)
    names = [p.name for p in opening.patterns]
    assert len(names) == len(set(names))
    for pattern in opening.patterns[5:]:
        assert pattern.custom
        assert pattern.name.isprintable() and " " not in pattern.name
        assert 1 <= len(pattern.name) <= 30
        assert all(isinstance(t, str) for t in (pattern.label, pattern.about, pattern.why,
                                                pattern.timing))
        assert set(pattern.suits) <= set(STATES)
        assert any(p.kind == "in" for p in pattern.phases)
        assert any(p.kind == "out" for p in pattern.phases)
        for phase in pattern.phases:
            assert type(phase.seconds) is float and 1 <= phase.seconds <= 20
        pattern.timing_text  # noqa: B018 (shown by the app: must not raise)
    words = [w for q in everything.quadrants for w in q.words]
    assert len({w.word for w in words}) == len(words)
    for word in (w for w in words if w.custom):
        assert word.word.isprintable() and 1 <= len(word.word) <= 40
        assert word.quadrant in QUADRANTS and isinstance(word.meaning, str) and word.meaning
    for warnings, path in ((opening.warnings, patterns_file),
                           (everything.warnings[len(opening.warnings):], words_file)):
        assert len(warnings) <= MAX_WARNINGS_PER_FILE
        for warning in warnings:
            assert isinstance(warning, str) and warning.startswith(path)


def assert_usable_settings(folder: Path) -> None:
    loaded, warnings = load_settings(folder, patterns=BUILT_IN_NAMES)
    assert isinstance(loaded, Settings)
    assert loaded.default_pattern in BUILT_IN_NAMES
    assert type(loaded.default_minutes) is float and 0.5 <= loaded.default_minutes <= 30
    assert type(loaded.reduced_motion) is bool and type(loaded.bell) is bool
    assert loaded.week_start in ("monday", "sunday")
    assert isinstance(loaded.theme, str) and loaded.theme.isprintable()
    assert len(loaded.contacts) <= 10
    assert all(isinstance(c.name, str) and isinstance(c.how, str) for c in loaded.contacts)
    assert len(warnings) <= MAX_WARNINGS
    assert all(str(folder / "settings.toml") in warning for warning in warnings)


# -- the properties ---------------------------------------------------------------------------


@HYPOTHESIS
@given(text=st.one_of(mutations(PATTERNS), ANY_DOCUMENT, UNREADABLE, RANDOM_BYTES))
def test_any_patterns_file_gives_patterns_and_warnings(tmp_path: Path, text):
    write(tmp_path, "patterns.toml", text)
    assert_usable_patterns_and_words(tmp_path)


@HYPOTHESIS
@given(text=st.one_of(mutations(FEELINGS), ANY_DOCUMENT, UNREADABLE, RANDOM_BYTES))
def test_any_feelings_file_gives_words_and_warnings(tmp_path: Path, text):
    write(tmp_path, "feelings.toml", text)
    assert_usable_patterns_and_words(tmp_path)


@HYPOTHESIS
@given(text=st.one_of(mutations(SETTINGS), ANY_DOCUMENT, UNREADABLE, RANDOM_BYTES))
def test_any_settings_file_gives_settings_and_warnings(tmp_path: Path, text):
    write(tmp_path, "settings.toml", text)
    assert_usable_settings(tmp_path)


BUILT_IN = {name: tomllib.loads((builtin_data_dir() / name).read_text("utf-8"))
            for name in sorted(p.name for p in builtin_data_dir().glob("*.toml"))}


@HYPOTHESIS
@given(data=st.data())
def test_a_built_in_file_either_loads_or_is_a_content_error(tmp_path: Path, data):
    folder = tmp_path / "data"
    if not folder.exists():
        shutil.copytree(builtin_data_dir(), folder)
    name = data.draw(st.sampled_from(sorted(BUILT_IN)), label="file")
    text = data.draw(st.one_of(mutations(BUILT_IN[name]), UNREADABLE, RANDOM_BYTES), label="text")
    original = (folder / name).read_bytes()
    write(folder, name, text)
    try:
        load_content(folder)
    except ContentError as error:
        assert name in str(error)
    finally:
        (folder / name).write_bytes(original)


# -- the cases that were found, each by hand --------------------------------------------------

ONE_PATTERN = """
[[pattern]]
name = "mine"
{extra}
phases = [{{ kind = "in", seconds = 4 }}, {{ kind = "out", seconds = {out} }}]
"""
SLOW = ONE_PATTERN.format(extra="", out=6).replace('"mine"', '"slow"')


@pytest.mark.parametrize("extra", ["suits = 5", "suits = 1.5", "suits = true",
                                   'suits = "revved_up"', 'suits = ["calm"]', "suits = [[1]]",
                                   "label = 5", "about = [1]"])
@pytest.mark.parametrize(
    "command",
    [["patterns"], ["export", "--format", "csv"], ["breathe", "--plain", "--pattern", "slow"]],
    ids=["patterns", "export", "breathe"],
)
def test_one_bad_field_skips_only_its_pattern(data_dir: Path, capsys, monkeypatch, extra: str,
                                              command: list[str]):
    from companion import plain

    write(data_dir, "patterns.toml", ONE_PATTERN.format(extra=extra, out=6) + SLOW)
    monkeypatch.setattr(plain, "run_plain", lambda folder, request: print(request.pattern.name))
    assert main(["--data-dir", str(data_dir), *command]) in (0, None)
    out, err = capsys.readouterr()
    if command[0] == "export":
        assert err == ""  # warnings about your files belong to `patterns` and the app
        return
    assert err.count("\n") == 1, err
    assert "patterns.toml pattern 1 (mine): " in err and "this pattern was skipped." in err
    assert "slow" in out and "mine" not in out


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("patterns.toml", "a = " + "[" * 3000 + "]" * 3000, "nested too deeply to read"),
        ("patterns.toml", "a = 1" + "0" * 5000, "a number too long to read"),
        ("feelings.toml", "word = " + "{a = " * 3000 + "1" + "}" * 3000, "nested too deeply"),
        ("feelings.toml", "a = -1" + "0" * 5000, "a number too long to read"),
        ("settings.toml", "theme = " + "[" * 3000 + "]" * 3000, "nested too deeply to read"),
        ("settings.toml", "default_minutes = 1" + "0" * 5000, "a number too long to read"),
    ],
    ids=["patterns-deep", "patterns-long", "feelings-deep", "feelings-long", "settings-deep",
         "settings-long"],
)
def test_a_file_too_deep_or_long_to_read_is_one_warning_and_the_defaults(
    data_dir: Path, capsys, name: str, text: str, said: str
):
    write(data_dir, name, text)
    assert main(["--data-dir", str(data_dir), "patterns"]) == 0
    assert main(["--data-dir", str(data_dir), "week"]) == 0
    out, err = capsys.readouterr()
    assert "coherent" in out and "Your week" in out
    lines = [line for line in err.splitlines() if name in line]
    # `patterns` reads your patterns, `week` your settings, and neither needs your words.
    expected = {"patterns.toml": 1, "settings.toml": 1, "feelings.toml": 0}[name]
    assert len(lines) == expected and all(said in line for line in lines)
    content = load_content(user_dir=data_dir)
    if name != "settings.toml":
        assert [w for w in content.warnings if name in w] == [
            next(w for w in content.warnings if name in w)
        ]
        assert said in content.warnings[0] and "it was not used" in content.warnings[0]


def test_a_phase_longer_than_a_float_is_skipped_not_a_crash(data_dir: Path):
    write(data_dir, "patterns.toml", ONE_PATTERN.format(extra="", out="1" + "0" * 400) + SLOW)
    opening = load_opening(user_dir=data_dir)
    assert [p.name for p in opening.patterns if p.custom] == ["slow"]
    assert opening.warnings == (
        f"{data_dir / 'patterns.toml'} pattern 1 (mine) phase 2: seconds must be from 1 to 20; "
        "this pattern was skipped.",
    )


async def test_the_app_opens_and_keeps_running_with_a_feelings_file_it_cannot_read(
    data_dir: Path,
):
    write(data_dir, "feelings.toml", "word = " + "[" * 3000 + "]" * 3000)
    write(data_dir, "patterns.toml", ONE_PATTERN.format(extra="suits = 5", out=6) + SLOW)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()  # the rest of data/ is read just after the first frame
        said = [n.message for n in app._notifications]
        assert sum("feelings.toml: nested too deeply to read" in m for m in said) == 1
        assert sum("patterns.toml pattern 1 (mine)" in m for m in said) == 1
        assert app.content.pattern("slow") is not None
        assert app.is_running


def test_a_built_in_file_too_deep_to_read_is_one_line_and_exit_1(
    tmp_path: Path, capsys, monkeypatch
):
    folder = tmp_path / "data"
    shutil.copytree(builtin_data_dir(), folder)
    (folder / "patterns.toml").write_text("a = " + "[" * 3000 + "]" * 3000)
    monkeypatch.setattr(content_module, "builtin_data_dir", lambda: folder)
    assert main(["--data-dir", str(tmp_path / "mine"), "patterns"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"companion: {folder / 'patterns.toml'}: nested too deeply to read\n"


# -- names that would act on the terminal -----------------------------------------------------

TITLE = "\x1b]0;pwned\x07"
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"


@pytest.mark.parametrize("name", [f"a{TITLE}", f"{CLIPBOARD}b", "a\u202eb", "a\tb", "a\x9bb"],
                         ids=["title", "clipboard", "rtl-override", "tab", "c1"])
@pytest.mark.parametrize("command", [["patterns"], ["breathe", "--plain", "--pattern", "nope"]],
                         ids=["patterns", "unknown-pattern"])
def test_a_name_that_is_an_escape_sequence_never_reaches_the_terminal(
    data_dir: Path, name: str, command: list[str]
):
    write(data_dir, "patterns.toml", f"[[pattern]]\nname = {toml_value(name)}\n"
          'phases = [{ kind = "in", seconds = 4 }, { kind = "out", seconds = 6 }]\n' + SLOW)
    result = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), *command],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert not RAW_CONTROL.search(result.stdout + result.stderr)
    assert "\u202e" not in result.stdout + result.stderr
    warning, *rest = result.stderr.splitlines()
    assert "patterns.toml pattern 1: name must be one word" in warning and "skipped" in warning
    if command == ["patterns"]:
        assert result.returncode == 0 and "slow " in result.stdout
    else:
        assert result.returncode == 2
        assert rest == ["companion: there is no breathing pattern called 'nope'; try one of: "
                        "box, 4-7-8, coherent, cyclic-sigh, long-exhale, slow"]


def test_names_are_shown_escaped_even_past_the_check(data_dir: Path, capsys, monkeypatch):
    """However a name got in, `patterns` and the unknown-pattern line print it as text."""
    from companion import listing

    opening = load_opening(user_dir=data_dir)
    box = opening.patterns[0]
    sneaky = replace(opening, patterns=(replace(box, name=f"box{TITLE}"),))
    monkeypatch.setattr(listing, "load_opening", lambda **_: sneaky)
    monkeypatch.setattr(content_module, "load_opening", lambda **_: sneaky)
    assert main(["--data-dir", str(data_dir), "patterns"]) == 0
    assert main(["--data-dir", str(data_dir), "breathe", "--plain", "--pattern", "x"]) == 2
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert out.startswith("box\ufffd]0;pwned\ufffd  Box breathing: in 4")
    assert err == ("companion: there is no breathing pattern called 'x'; try one of: "
                   "box\ufffd]0;pwned\ufffd\n")


def test_hundreds_of_bad_patterns_are_a_few_lines_not_hundreds_of_notices(data_dir: Path):
    bad = '[[pattern]]\nname = "x"\nphases = []\n'
    path = write(data_dir, "patterns.toml", bad * 300 + SLOW)
    opening = load_opening(user_dir=data_dir)
    assert [p.name for p in opening.patterns if p.custom] == ["slow"]
    assert len(opening.warnings) == MAX_WARNINGS_PER_FILE == 8
    assert opening.warnings[0].startswith(f"{path} pattern 1: needs a non-empty list 'phases'")
    assert opening.warnings[-1] == (
        f"{path}: 293 more problems like these; each of those was skipped too."
    )
