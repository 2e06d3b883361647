"""Personal settings, kept as settings.toml in the data folder (readable and editable by hand).

A setting that cannot be used gets one warning naming it and the default used instead; the rest
of the file still counts, whatever it holds (any type in any key; a file nested too deeply or
with a number too long to read is one warning, and the defaults). A file with any problem is
never overwritten: saving refuses with a clear message until the person fixes (or removes) it,
so a hand edit is never lost silently. Saving rewrites the whole file in a standard form, so
comments written by hand are not kept (the file's first line says so).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from companion.storage import DIR_MODE, SpecialFile, StoreError, open_regular, write_atomically

SETTINGS_FILE = "settings.toml"
WEEK_STARTS = ("monday", "sunday")
MINUTES_RANGE = (0.5, 30.0)
MAX_CONTACTS = 10
MAX_CONTACT_NAME = 60
MAX_CONTACT_HOW = 120
MAX_WARNINGS = 8
HEADER = (
    "# companion settings. Edit by hand while companion is closed, or press , in the app.\n"
    "# Saving from the app rewrites this file; comments are not kept.\n"
)


class SettingsError(StoreError):
    """Settings that could not be saved; the file on disk is as it was."""


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone to reach when things are hard: a name and how (a number, an address, a note)."""

    name: str
    how: str


@dataclass(frozen=True, slots=True)
class Settings:
    """What a person has chosen in settings.toml (or the defaults)."""

    default_pattern: str = "coherent"
    default_minutes: float = 1.0
    reduced_motion: bool = False
    bell: bool = False
    week_start: str = "monday"  # or "sunday"
    theme: str = "textual-dark"
    contacts: tuple[Contact, ...] = ()


DEFAULTS = Settings()
KNOWN_KEYS = tuple(field.name for field in fields(Settings))


def load_settings(
    data_dir: Path, *, patterns: Collection[str] | None = None
) -> tuple[Settings, list[str]]:
    """The person's settings and warnings about any that could not be used (defaults instead).

    `patterns`, when given, are the known breathing pattern names: another default_pattern is
    a warning too.
    """
    path = data_dir / SETTINGS_FILE
    raw, problem = _read(path)
    if problem:
        return Settings(), [problem]
    return _settings_from(raw, path, patterns)


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write settings.toml atomically (mode 0600); SettingsError if it must not be replaced.

    A file that has problems right now (not TOML, an unknown key, a value that cannot be used)
    is left exactly as it is: it holds something the person wrote that this would throw away.
    """
    path = data_dir / SETTINGS_FILE
    raw, problem = _read(path)
    if not problem:
        _, warnings = _settings_from(raw, path, None)
        problem = warnings[0] if warnings else ""
    if problem:
        raise SettingsError(
            f"{path} was left as it is because {_clause(problem, path)}. Fix it by hand or "
            "remove it, then save again; until then your changes last until companion closes."
        )
    try:
        data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or error
        raise SettingsError(f"{data_dir} could not be created ({reason}).") from None
    write_atomically(path, settings_text(settings))


class SettingsSaver:
    """Saves a person's settings from any thread, one save at a time, each writing the newest
    settings: the last file written is always the last change made."""

    def __init__(self, data_dir: Path) -> None:
        import threading  # only the app saves from threads; the command line need not import it

        self.data_dir = data_dir
        self._lock = threading.Lock()

    def save(self, newest: Callable[[], Settings]) -> str:
        """Save `newest()` (read once the lock is held); why it could not be saved, or ""."""
        with self._lock:
            try:
                save_settings(self.data_dir, newest())
            except StoreError as error:
                return str(error)
        return ""


def settings_text(settings: Settings) -> str:
    """settings.toml for these settings: every key, in a form tomllib reads back the same."""
    lines = [
        HEADER,
        f"default_pattern = {_toml_string(settings.default_pattern)}",
        f"default_minutes = {float(settings.default_minutes)!r}",
        f"reduced_motion = {_toml_bool(settings.reduced_motion)}",
        f"bell = {_toml_bool(settings.bell)}",
        f"week_start = {_toml_string(settings.week_start)}",
        f"theme = {_toml_string(settings.theme)}",
    ]
    for contact in settings.contacts:
        lines += [
            "",
            "[[contacts]]",
            f"name = {_toml_string(contact.name)}",
            f"how = {_toml_string(contact.how)}",
        ]
    return "\n".join(lines) + "\n"


def contact_problem(name: str, how: str) -> str:
    """Why this contact cannot be kept, or "" if it can (used by the screen and the loader)."""
    if not name.strip() or not how.strip():
        return "a contact needs a name and how to reach them"
    if len(name) > MAX_CONTACT_NAME:
        return f"a contact's name can be at most {MAX_CONTACT_NAME} characters"
    if len(how) > MAX_CONTACT_HOW:
        return f"how to reach a contact can be at most {MAX_CONTACT_HOW} characters"
    return ""


# -- reading -------------------------------------------------------------------------------------


def _read(path: Path) -> tuple[dict[str, Any], str]:
    try:
        # Only a regular file: a FIFO named settings.toml would wait for a writer forever.
        with open_regular(path) as handle:
            return tomllib.load(handle), ""
    except FileNotFoundError:
        return {}, ""
    except SpecialFile as error:
        return {}, f"{path} is {error.kind}, not a settings file; using the defaults."
    except tomllib.TOMLDecodeError as error:
        return {}, f"{path} is not valid TOML ({error}); using the defaults."
    except UnicodeDecodeError:
        return {}, f"{path} is not UTF-8 text; using the defaults."
    except OSError as error:
        return {}, f"{path} could not be read ({error.strerror or error}); using the defaults."
    except RecursionError:
        return {}, f"{path} is nested too deeply to read; using the defaults."
    except ValueError:  # tomllib's answer to a number with thousands of digits
        return {}, f"{path} holds a number too long to read; using the defaults."


def _settings_from(
    raw: dict[str, Any], path: Path, patterns: Collection[str] | None
) -> tuple[Settings, list[str]]:
    warnings: list[str] = []
    values: dict[str, Any] = {}

    def refuse(key: str, why: str) -> None:
        default = getattr(DEFAULTS, key)
        warnings.append(f"{path}: {key} {why}; using {_shown_default(default)}.")

    for key in raw:
        if key not in KNOWN_KEYS:
            shown = repr(key if len(key) <= 40 else key[:40] + "…")
            warnings.append(
                f"{path}: {shown} is not a setting companion knows "
                f"({', '.join(KNOWN_KEYS)}); it was ignored."
            )

    if "default_pattern" in raw:
        value = raw["default_pattern"]
        is_name = isinstance(value, str) and value.strip().isprintable() and len(value) <= 30
        if not is_name or len(value.split()) != 1:
            refuse("default_pattern", 'must be a pattern\'s name, like "box"')
        elif patterns is not None and value.strip().lower() not in patterns:
            known = ", ".join(patterns)
            refuse("default_pattern", f"is {value!r}, which is not a pattern ({known})")
        else:
            values["default_pattern"] = value.strip().lower()

    if "default_minutes" in raw:
        value = raw["default_minutes"]
        low, high = MINUTES_RANGE
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or not low <= value <= high:
            refuse("default_minutes", f"must be a number of minutes from {low:g} to {high:g}")
        else:
            values["default_minutes"] = float(value)

    for key in ("reduced_motion", "bell"):
        if key in raw:
            if isinstance(raw[key], bool):
                values[key] = raw[key]
            else:
                refuse(key, "must be true or false")

    if "week_start" in raw:
        value = raw["week_start"]
        if isinstance(value, str) and value.strip().lower() in WEEK_STARTS:
            values["week_start"] = value.strip().lower()
        else:
            refuse("week_start", 'must be "monday" or "sunday"')

    if "theme" in raw:
        value = raw["theme"]
        if isinstance(value, str) and value.strip() and len(value) <= 60 and value.isprintable():
            values["theme"] = value.strip()
        else:
            refuse("theme", 'must be a theme\'s name, like "textual-dark"')

    if "contacts" in raw:
        values["contacts"] = _contacts(raw["contacts"], path, warnings)

    return Settings(**values), _at_most(warnings, path)


def _at_most(warnings: list[str], path: Path) -> list[str]:
    """A file with hundreds of problems is a few lines on screen, not hundreds of notices."""
    if len(warnings) <= MAX_WARNINGS:
        return warnings
    kept = warnings[: MAX_WARNINGS - 1]
    more = len(warnings) - len(kept)
    return [*kept, f"{path}: {more} more problems like these; each of those was ignored too."]


def _contacts(value: Any, path: Path, warnings: list[str]) -> tuple[Contact, ...]:
    if not isinstance(value, list):
        warnings.append(
            f"{path}: contacts must be [[contacts]] tables with a name and how; using none."
        )
        return ()
    kept: list[Contact] = []
    for i, item in enumerate(value):
        where = f"{path}: contacts {i + 1}"
        if not isinstance(item, dict):
            warnings.append(f"{where} must be a table with a name and how; it was skipped.")
            continue
        name, how = item.get("name"), item.get("how")
        extra = sorted(set(item) - {"name", "how"})
        if not isinstance(name, str) or not isinstance(how, str):
            warnings.append(f"{where} needs a name and how as text; it was skipped.")
        elif problem := contact_problem(name, how):
            warnings.append(f"{where}: {problem}; it was skipped.")
        elif extra:
            warnings.append(
                f"{where}: unknown key {extra[0]!r} (a contact has name and how); it was skipped."
            )
        elif len(kept) >= MAX_CONTACTS:
            warnings.append(f"{where}: at most {MAX_CONTACTS} contacts; it was skipped.")
        else:
            kept.append(Contact(name.strip(), how.strip()))
    return tuple(kept)


# -- writing -------------------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    import json  # only when saving: reading the settings for the first frame needs none

    # A JSON string is a TOML basic string, except that TOML wants DEL escaped as well.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_bool(value: bool) -> str:
    return "true" if value else "false"


def _shown_default(value: Any) -> str:
    if isinstance(value, bool):
        return _toml_bool(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, float):
        return f"{value:g}"
    if value == ():
        return "none"
    return str(value)


def _clause(warning: str, path: Path) -> str:
    """A loading warning as a clause of another sentence: no path, no "using…", no full stop."""
    text = warning.removeprefix(f"{path}: ").removeprefix(f"{path} ")
    if text.startswith(("is ", "could ")):
        text = f"it {text}"
    return text.split("; ")[0].removesuffix(".")
