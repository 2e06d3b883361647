"""Loads the product's words and patterns from data/*.toml into frozen values.

The built-in files ship with the app; a malformed one is a ContentError naming the file and the
problem. What a first frame needs (the patterns, the welcome, the note before long holds) is its
own small read, load_opening; the app reads the rest (load_content) once it has drawn.

A person may add their own breathing patterns (patterns.toml) and feeling words
(feelings.toml) in their data folder; a bad definition there is skipped with a warning that
names the file and the entry, and the app carries on. Whatever such a file holds (any type in
any field, nesting or numbers too deep or long to read), reading it never raises: a file that
cannot be read at all is one warning, and the built-in content is used.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from companion.content_model import (
    CUSTOM_PHASE_SECONDS,
    LONG_HOLD_SECONDS,
    MAX_NAME,
    MAX_WARNINGS_PER_FILE,
    MAX_WORD,
    PHASE_CUES,
    PHASE_KINDS,
    BreathingPattern,
    Choice,
    Content,
    ContentError,
    Country,
    FeelingWord,
    HelpLine,
    HelpTopic,
    Opening,
    Phase,
    Quadrant,
    Safety,
    SensesStep,
)
from companion.vocabulary import MAX_CYCLES, QUADRANTS, STATES

__all__ = [
    "CUSTOM_PHASE_SECONDS", "LONG_HOLD_SECONDS", "MAX_NAME", "MAX_WARNINGS_PER_FILE",
    "MAX_WORD", "PHASE_CUES", "PHASE_KINDS", "BreathingPattern", "Choice", "Content",
    "ContentError", "Country", "FeelingWord", "HelpLine", "HelpTopic", "Opening", "Phase",
    "Quadrant", "Safety", "SensesStep", "builtin_data_dir", "load_content", "load_opening",
]


def builtin_data_dir() -> Path:
    """data/ beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent / "data"


def load_opening(data_dir: Path | None = None, user_dir: Path | None = None) -> Opening:
    """Read what a first frame needs: patterns.toml (and a person's own in `user_dir`), and
    prompts.toml and safety.toml for the welcome and the note before long holds."""
    source = _Files(data_dir or builtin_data_dir())
    patterns_file = source.read("patterns.toml")
    prompts = source.read("prompts.toml")
    safety = source.read("safety.toml")
    patterns = [
        _pattern(item, source.where("patterns.toml", f"pattern {i + 1}"))
        for i, item in enumerate(_list(patterns_file, "pattern", source.where("patterns.toml")))
    ]
    warnings: list[str] = []
    if user_dir is not None:
        patterns += _user_patterns(user_dir / "patterns.toml", patterns, warnings)
    return Opening(
        patterns=tuple(patterns),
        welcome=_text(prompts, "welcome", "prompts.toml"),
        lines_of_day=_strings(prompts, "lines_of_day", "prompts.toml"),
        saved_lines=_strings(prompts, "saved", "prompts.toml"),
        empty_week=_strings(prompts, "empty_week", "prompts.toml"),
        after_breath=_text(prompts, "after_breath", "prompts.toml"),
        senses=tuple(
            SensesStep(
                count=_number(s, "count", f"prompts.toml senses {i + 1}", int),
                sense=_text(s, "sense", f"prompts.toml senses {i + 1}"),
                prompt=_text(s, "prompt", f"prompts.toml senses {i + 1}"),
            )
            for i, s in enumerate(_list(prompts, "senses", "prompts.toml"))
        ),
        safety=_safety(safety),
        warnings=tuple(warnings),
    )


def load_content(
    data_dir: Path | None = None, user_dir: Path | None = None, opening: Opening | None = None
) -> Content:
    """Read the built-in content, plus a person's own patterns and words from `user_dir`.

    `opening`, when the first frame has read it already (from the same folders), is the part
    of the content read from patterns.toml, prompts.toml and safety.toml: those are not read
    again.
    """
    source = _Files(data_dir or builtin_data_dir())
    opening = opening or load_opening(data_dir, user_dir)
    feelings_file = source.read("feelings.toml")
    checkin = source.read("checkin.toml")
    repair = source.read("repair.toml")
    help_file = source.read("help.toml")

    quadrants = _quadrants(feelings_file, source)
    warnings = list(opening.warnings)
    if user_dir is not None:
        quadrants = _with_user_words(user_dir / "feelings.toml", quadrants, warnings)

    return Content(
        opening=opening,
        quadrants=tuple(quadrants),
        body_signals=_choices(checkin, "body_signal", source.where("checkin.toml")),
        needs=_choices(checkin, "need", source.where("checkin.toml")),
        states=_choices(checkin, "state", source.where("checkin.toml")),
        activation_low=_text(_table(checkin, "activation", "checkin.toml"), "low", "checkin.toml"),
        activation_high=_text(checkin["activation"], "high", "checkin.toml [activation]"),
        activation_prompt=_text(checkin["activation"], "prompt", "checkin.toml [activation]"),
        repair_intro=_text(repair, "intro", "repair.toml"),
        people=_choices(repair, "person", source.where("repair.toml")),
        repair_steps=_choices(repair, "step", source.where("repair.toml")),
        reframes=_strings(repair, "reframes", "repair.toml"),
        help_topics=tuple(
            HelpTopic(
                key=_text(t, "key", f"help.toml topic {i + 1}"),
                title=_text(t, "title", f"help.toml topic {i + 1}"),
                body=_text(t, "body", f"help.toml topic {i + 1}").strip(),
            )
            for i, t in enumerate(_list(help_file, "topic", "help.toml"))
        ),
        warnings=tuple(warnings),
        kind_steps=_choices(checkin, "kind_step", source.where("checkin.toml")),
        repair_statuses=_choices(repair, "status", source.where("repair.toml")),
        repair_later=_text(repair, "later", "repair.toml"),
        repair_myself=_text(repair, "myself", "repair.toml"),
        repair_afraid=_text(repair, "afraid", "repair.toml"),
    )


class _Files:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, name: str) -> dict[str, Any]:
        return _read_toml(self.folder / name)

    def where(self, name: str, detail: str = "") -> str:
        return f"{name} {detail}".strip()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"{path}: the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML ({error})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(f"{path}: could not be read ({error})") from None
    except RecursionError:
        raise ContentError(f"{path}: nested too deeply to read") from None
    except ValueError:  # tomllib's answer to a number with thousands of digits
        raise ContentError(f"{path}: holds a number too long to read") from None


def _pattern(item: Any, where: str, *, custom: bool = False) -> BreathingPattern:
    if not isinstance(item, dict):
        raise ContentError(f"{where}: must be a table")
    name = _text(item, "name", where).strip().lower()
    # A name is typed on the command line and printed as it is: one word, nothing a terminal
    # would take as a command (isprintable is false for every control and format character).
    if not name.isprintable() or " " in name or len(name) > MAX_NAME:
        raise ContentError(
            f"{where}: name must be one word of at most {MAX_NAME} letters, digits or signs, "
            "like 'slow-exhale'"
        )
    for key in ("label", "timing", "about", "why"):
        if not isinstance(item.get(key, ""), str):
            raise ContentError(f"{where} ({name}): '{key}' must be text")
    suits = item.get("suits", [])
    if not isinstance(suits, list) or not all(s in STATES for s in suits):
        raise ContentError(
            f"{where} ({name}): 'suits' must be a list of states from {', '.join(STATES)}"
        )
    phases = []
    for j, raw in enumerate(_list(item, "phases", where)):
        spot = f"{where} ({name}) phase {j + 1}"
        if not isinstance(raw, dict):
            raise ContentError(f"{spot}: must look like {{ kind = \"in\", seconds = 4 }}")
        kind = _text(raw, "kind", spot)
        if kind not in PHASE_KINDS:
            raise ContentError(f"{spot}: kind must be one of {', '.join(PHASE_KINDS)}")
        seconds = _number(raw, "seconds", spot, float)
        low, high = CUSTOM_PHASE_SECONDS if custom else (0.5, 60.0)
        if not low <= seconds <= high:  # before float(): an int may be too large for one
            raise ContentError(f"{spot}: seconds must be from {low:g} to {high:g}")
        phases.append(Phase(kind, float(seconds)))
    if not any(p.kind == "in" for p in phases) or not any(p.kind == "out" for p in phases):
        raise ContentError(f"{where} ({name}): needs at least one 'in' and one 'out' phase")
    default_cycles, max_cycles = (
        _breaths(item, key, f"{where} ({name})") for key in ("default_cycles", "max_cycles")
    )
    if default_cycles and max_cycles and default_cycles > max_cycles:
        raise ContentError(f"{where} ({name}): default_cycles is more than max_cycles")
    if not isinstance(item.get("cap_note", ""), str):
        raise ContentError(f"{where} ({name}): 'cap_note' must be text")
    return BreathingPattern(
        name=name,
        label=item.get("label", "").strip() or name,
        phases=tuple(phases),
        timing=item.get("timing", ""),
        about=item.get("about", ""),
        why=item.get("why", ""),
        suits=tuple(suits),
        custom=custom,
        default_cycles=default_cycles,
        max_cycles=max_cycles,
        cap_note=str(item.get("cap_note", "")),
    )


def _breaths(item: dict[str, Any], key: str, where: str) -> int | None:
    if key not in item:
        return None
    value = _number(item, key, where, int)
    if not 1 <= value <= MAX_CYCLES:
        raise ContentError(f"{where}: {key} must be from 1 to {MAX_CYCLES}")
    return int(value)


def _quadrants(data: dict[str, Any], source: _Files) -> list[Quadrant]:
    quadrants = []
    seen_words: set[str] = set()
    for i, item in enumerate(_list(data, "quadrant", "feelings.toml")):
        where = f"feelings.toml quadrant {i + 1}"
        key = _text(item, "key", where)
        if key not in QUADRANTS:
            raise ContentError(f"{where}: key must be one of {', '.join(QUADRANTS)}")
        words = []
        for j, raw in enumerate(_list(item, "words", where)):
            spot = f"{where} ({key}) word {j + 1}"
            word = _text(raw, "word", spot).strip().lower()
            if word in seen_words:
                raise ContentError(f"{spot}: {word!r} appears twice")
            seen_words.add(word)
            words.append(FeelingWord(word, _text(raw, "meaning", spot), key))
        quadrants.append(
            Quadrant(
                key=key,
                label=_text(item, "label", where),
                symbol=_text(item, "symbol", where),
                colour=_text(item, "colour", where),
                hint=_text(item, "hint", where),
                words=tuple(words),
            )
        )
    if [q.key for q in quadrants] != list(QUADRANTS):
        raise ContentError(f"feelings.toml: needs the quadrants {', '.join(QUADRANTS)} in order")
    return quadrants


def _user_patterns(
    path: Path, builtin: list[BreathingPattern], warnings: list[str]
) -> list[BreathingPattern]:
    data = _read_user_file(path, warnings)
    if data is None:
        return []
    found: list[str] = _unknown_keys(data, "pattern", path)
    added: list[BreathingPattern] = []
    taken = {p.name for p in builtin}
    items = data.get("pattern", [])
    if not isinstance(items, list):
        found.append(f"{path}: use [[pattern]] tables for your patterns.")
        items = []
    for i, item in enumerate(items):
        try:
            pattern = _pattern(item, f"{path} pattern {i + 1}", custom=True)
        except ContentError as error:
            found.append(f"{error}; this pattern was skipped.")
            continue
        if pattern.name in taken:
            found.append(
                f"{path} pattern {i + 1}: the name {pattern.name!r} is taken; it was skipped."
            )
            continue
        taken.add(pattern.name)
        added.append(pattern)
    warnings += _at_most(found, path)
    return added


def _with_user_words(
    path: Path, quadrants: list[Quadrant], warnings: list[str]
) -> list[Quadrant]:
    data = _read_user_file(path, warnings)
    if data is None:
        return quadrants
    found: list[str] = _unknown_keys(data, "word", path)
    items = data.get("word", [])
    if not isinstance(items, list):
        found.append(f"{path}: use [[word]] tables for your words.")
        items = []
    known = {w.word for q in quadrants for w in q.words}
    extra: dict[str, list[FeelingWord]] = {q.key: [] for q in quadrants}
    for i, item in enumerate(items):
        where = f"{path} word {i + 1}"
        try:
            word = _text(item, "word", where).strip().lower()
            quadrant = _text(item, "quadrant", where)
            if not word or not word.isprintable() or len(word) > MAX_WORD:
                raise ContentError(
                    f"{where}: a word needs 1 to {MAX_WORD} characters and no control characters"
                )
            if quadrant not in QUADRANTS:
                raise ContentError(f"{where}: quadrant must be one of {', '.join(QUADRANTS)}")
            meaning = item.get("meaning", "")
            if not isinstance(meaning, str):
                raise ContentError(f"{where} ({word}): 'meaning' must be text")
        except ContentError as error:
            found.append(f"{error}; this word was skipped.")
            continue
        if word in known:
            found.append(f"{where}: {word!r} is already in the list; this word was skipped.")
            continue
        known.add(word)
        meaning = meaning.strip() or "Your own word."
        extra[quadrant].append(FeelingWord(word, meaning, quadrant, custom=True))
    warnings += _at_most(found, path)
    return [replace(q, words=q.words + tuple(extra[q.key])) for q in quadrants]


def _read_user_file(path: Path, warnings: list[str]) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        return _read_toml(path)
    except ContentError as error:
        warnings.append(f"{error}; it was not used.")
        return None


def _unknown_keys(data: dict[str, Any], table: str, path: Path) -> list[str]:
    """A misspelt table ([[patterns]]) would otherwise vanish without a word."""
    return [
        f"{path}: {_shown_key(key)} is not something companion reads here (it reads [[{table}]] "
        "tables); it was ignored."
        for key in data
        if key != table
    ]


def _shown_key(key: str) -> str:
    return repr(key if len(key) <= MAX_NAME else key[:MAX_NAME] + "…")


def _at_most(found: list[str], path: Path) -> list[str]:
    if len(found) <= MAX_WARNINGS_PER_FILE:
        return found
    kept = found[: MAX_WARNINGS_PER_FILE - 1]
    more = len(found) - len(kept)
    return [*kept, f"{path}: {more} more problems like these; each of those was skipped too."]


def _safety(data: dict[str, Any]) -> Safety:
    where = "safety.toml"
    countries = []
    for i, item in enumerate(_list(data, "country", where)):
        spot = f"{where} country {i + 1}"
        lines = tuple(
            HelpLine(_text(line, "label", spot), _text(line, "number", spot))
            for line in _list(item, "lines", spot)
        )
        abuse = tuple(
            HelpLine(_text(line, "label", spot), _text(line, "number", spot))
            for line in item.get("abuse", ())
        )
        countries.append(Country(_text(item, "name", spot), lines, abuse))
    return Safety(
        title=_text(data, "title", where),
        statement=_text(data, "statement", where),
        high_activation=_text(data, "high_activation", where),
        dizzy_note=_text(data, "dizzy_note", where),
        elsewhere=_text(data, "elsewhere", where),
        countries=tuple(countries),
        contacts_title=_text(data, "contacts_title", where),
        no_contacts=_text(data, "no_contacts", where),
        offered=_text(data, "offered", where),
        offer_for_words=tuple(w.lower() for w in _strings(data, "offer_for_words", where)),
        afraid_title=_text(data, "afraid_title", where),
        afraid=_text(data, "afraid", where),
        afraid_elsewhere=_text(data, "afraid_elsewhere", where),
    )


def _choices(data: dict[str, Any], key: str, where: str) -> tuple[Choice, ...]:
    choices = []
    for i, item in enumerate(_list(data, key, where)):
        spot = f"{where} {key} {i + 1}"
        choice_key, label = _text(item, "key", spot), _text(item, "label", spot)
        hint = item.get("hint", "")
        if not isinstance(hint, str):
            raise ContentError(f"{spot}: 'hint' must be text")
        choices.append(Choice(choice_key, label, hint))
    return tuple(choices)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ContentError(f"{where}: needs a [{key}] table")
    return value


def _list(data: Any, key: str, where: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: needs a non-empty list '{key}'")
    return value


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _list(data, key, where)
    if not all(isinstance(v, str) and v.strip() for v in values):
        raise ContentError(f"{where}: every item of '{key}' must be text")
    return tuple(values)


def _text(data: Any, key: str, where: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: '{key}' must be text")
    return value


def _number(data: Any, key: str, where: str, kind: type) -> Any:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ContentError(f"{where}: '{key}' must be a number")
    if kind is int and not isinstance(value, int):
        raise ContentError(f"{where}: '{key}' must be a whole number")
    return value
