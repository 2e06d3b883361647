"""Taking the history out (`export`), bringing it back (`import`) and deleting it (`forget`).

The json export is the complete history and exactly what `import` reads; csv (one row per entry,
keys and their labels) and markdown (a readable report) are for people and spreadsheets. User
text is data in every format: json escapes control characters (so the file is identical once
parsed), csv and markdown show them as a visible replacement character, csv guards against
spreadsheet formulas, markdown escapes anything that would change the document's structure.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.content import Content, load_content
from companion.entries import SCHEMA, Entry, InvalidEntry
from companion.history import HistoryStore
from companion.storage import DIR_MODE, write_atomically
from companion.summary import status_words

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

# An export of a very long history (ten entries a day for fifty years) is well under this; a
# bigger file is not a companion export and would only fill the memory.
MAX_IMPORT_BYTES = 256 * 1024 * 1024

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection";
# the full-width forms are read as formulas by some spreadsheets too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Direction overrides and isolates can make text display as something it is not.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JOINERS = frozenset("\u200c\u200d")  # needed inside emoji and some scripts; harmless
_REPLACEMENT = "\ufffd"

CSV_COLUMNS = (
    "id", "schema", "kind", "complete", "started_at", "saved_at",
    "activation_before", "activation_after", "state", "state_label",
    "body_signals", "body_signal_labels", "needs", "need_labels", "note",
    "breathing_pattern", "breathing_pattern_label", "breathing_seconds", "breathing_cycles",
    "breathing_completed", "senses_steps", "feelings", "feeling_quadrants",
    "feeling_quadrant_labels", "repair_with_whom", "repair_with_whom_label",
    "repair_what_happened", "repair_my_part", "repair_step", "repair_step_label",
    "repair_status", "repair_done_at",
    # Added later, at the end, so the columns before them keep their places.
    "kind_steps", "kind_step_labels", "repair_their_side", "repair_next_time",
    "repair_to_a_friend",
)
LIST_SEPARATOR = "; "


# -- export ---------------------------------------------------------------------------------


def export_history(data_dir: Path, fmt: str = "json", out: Path | None = None) -> int:
    """Write the whole history to `out` (or stdout); 1 if some history files could not be read."""
    if out is not None:
        problem = _unusable_out(data_dir, out)
        if problem:
            print(f"companion: {problem}", file=sys.stderr)
            return EXIT_USAGE
    store = HistoryStore(data_dir)
    entries = store.all()
    render = _RENDERERS[fmt]
    text = render(entries, _content_for(data_dir) if fmt != "json" else None)
    _print_notices(store.notices)
    if out is None:
        _write_stdout(text)
    else:
        write_atomically(out, text)
        count = _count(len(entries), "entry", "entries")
        print(f"Exported {count} to {out} ({fmt}, readable only by you).")
    for problem in store.problems.values():
        print(
            f"companion: left out of this export: {problem.path} {problem.reason}.",
            file=sys.stderr,
        )
    if store.problems:
        print("companion: the export is incomplete (see above).", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def _unusable_out(data_dir: Path, out: Path) -> str | None:
    if out.is_dir():
        return f"--out {out} is a folder; give a file name, like {out / 'companion-export'}."
    if not out.parent.is_dir():
        return f"--out {out}: the folder {out.parent} does not exist."
    history = (data_dir / "history").resolve()
    if out.resolve().parent == history or data_dir.joinpath("history.json").resolve() == (
        out.resolve()
    ):
        return f"--out {out} is inside your history folder; choose a file elsewhere."
    return None


def export_json(entries: list[Entry], content: Content | None = None) -> str:
    """The README's export format: every field of every entry, as `import` reads it."""
    document = {
        "schema": SCHEMA,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "entries": [entry.to_dict() for entry in entries],
    }
    return _escape_invisible(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def export_csv(entries: list[Entry], content: Content | None = None) -> str:
    """One row per entry, with each key beside its label; cells made safe for spreadsheets."""
    content = content or load_content()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = _csv_row(entry, content)
        writer.writerow([csv_cell(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    """A value as a csv cell: text cells that a spreadsheet would run as a formula get a
    leading apostrophe, and control characters are replaced so they cannot reach a terminal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    text = visible(str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _csv_row(entry: Entry, content: Content) -> dict[str, Any]:
    breathing, repair = entry.breathing, entry.repair
    pattern = content.pattern(breathing.pattern) if breathing else None
    return {
        "id": entry.id,
        "schema": entry.schema,
        "kind": entry.kind,
        "complete": entry.complete,
        "started_at": entry.started_at.isoformat(),
        "saved_at": entry.saved_at.isoformat() if entry.saved_at else None,
        "activation_before": entry.activation_before,
        "activation_after": entry.activation_after,
        "state": entry.state,
        "state_label": content.label_of(content.states, entry.state) or None,
        "body_signals": _joined(entry.body_signals),
        "body_signal_labels": _joined(
            content.label_of(content.body_signals, key) for key in entry.body_signals
        ),
        "needs": _joined(entry.needs),
        "need_labels": _joined(content.label_of(content.needs, key) for key in entry.needs),
        "note": entry.note,
        "breathing_pattern": breathing.pattern if breathing else None,
        "breathing_pattern_label": (pattern.label if pattern else breathing.pattern)
        if breathing
        else None,
        "breathing_seconds": float(breathing.seconds) if breathing else None,
        "breathing_cycles": breathing.cycles if breathing else None,
        "breathing_completed": breathing.completed if breathing else None,
        "senses_steps": entry.senses_steps,
        "feelings": _joined(f.word for f in entry.feelings),
        "feeling_quadrants": _joined(f.quadrant for f in entry.feelings),
        "feeling_quadrant_labels": _joined(
            content.quadrant(f.quadrant).label for f in entry.feelings
        ),
        "repair_with_whom": repair.with_whom if repair else None,
        "repair_with_whom_label": content.label_of(content.people, repair.with_whom) or None
        if repair
        else None,
        "repair_what_happened": repair.what_happened if repair else None,
        "repair_my_part": repair.my_part if repair else None,
        "repair_step": repair.step if repair else None,
        "repair_step_label": content.label_of(content.repair_steps, repair.step) or None
        if repair
        else None,
        "repair_status": repair.status if repair else None,
        "repair_done_at": repair.done_at.isoformat() if repair and repair.done_at else None,
        "kind_steps": _joined(entry.kind_steps),
        "kind_step_labels": _joined(
            content.label_of(content.kind_steps, key) for key in entry.kind_steps
        ),
        "repair_their_side": repair.their_side if repair else None,
        "repair_next_time": repair.next_time if repair else None,
        "repair_to_a_friend": repair.to_a_friend if repair else None,
    }


def _joined(values: Any) -> str | None:
    items = list(values)
    return LIST_SEPARATOR.join(items) if items else None


def export_markdown(entries: list[Entry], content: Content | None = None) -> str:
    """A readable report, newest month last; every piece of user text escaped."""
    content = content or load_content()
    now = datetime.now().astimezone()
    lines = ["# Your companion history", ""]
    if entries:
        first, last = entries[0].started_at.date(), entries[-1].started_at.date()
        lines.append(
            f"{_count(len(entries), 'entry', 'entries')} from {_long_date(first)} to "
            f"{_long_date(last)}, exported {now:%Y-%m-%d %H:%M}. Times are as they were "
            "where each moment happened."
        )
    else:
        lines.append(f"No entries yet (exported {now:%Y-%m-%d %H:%M}).")
    month = day = None
    for entry in entries:
        moment = entry.started_at
        if (moment.year, moment.month) != month:
            month = (moment.year, moment.month)
            lines += ["", f"## {moment:%B %Y}"]
        if moment.date() != day:
            day = moment.date()
            lines += ["", f"### {_long_date(day)}"]
        lines += ["", *_markdown_entry(entry, content)]
    return "\n".join(lines) + "\n"


_KIND_NAMES = {"checkin": "check-in", "breathing": "breathing break", "repair": "repair"}


def _markdown_entry(entry: Entry, content: Content) -> list[str]:
    title = f"**{entry.started_at:%H:%M} · {_KIND_NAMES.get(entry.kind, entry.kind)}**"
    if not entry.complete:
        title += " (left part-way)" if entry.kind != "breathing" else " (stopped early)"
    lines = [title, ""]
    items: list[str] = []
    if entry.activation_before is not None or entry.activation_after is not None:
        before = _or_dash(entry.activation_before)
        after = _or_dash(entry.activation_after)
        if entry.activation_before is None and entry.kind == "breathing":
            items.append(f"Activation afterwards: {after}")
        else:
            items.append(f"Activation: {before} → {after}")
    if entry.state:
        items.append(f"State: {md_inline(content.label_of(content.states, entry.state))}")
    if entry.body_signals:
        labels = (content.label_of(content.body_signals, k) for k in entry.body_signals)
        items.append("Body: " + ", ".join(md_inline(label) for label in labels))
    if entry.needs:
        labels = (content.label_of(content.needs, k) for k in entry.needs)
        items.append("Needs: " + ", ".join(md_inline(label) for label in labels))
    if entry.kind_steps:
        labels = (content.label_of(content.kind_steps, k) for k in entry.kind_steps)
        items.append("Kind steps: " + ", ".join(md_inline(label) for label in labels))
    if entry.breathing:
        items.append("Breathing: " + _breathing_text(entry, content))
    if entry.senses_steps:
        items.append(f"5-4-3-2-1 senses: {entry.senses_steps} of 5 steps")
    if entry.feelings:
        items.append("Feelings: " + ", ".join(
            f"{md_inline(f.word)} ({md_inline(content.quadrant(f.quadrant).label.lower())})"
            for f in entry.feelings
        ))
    if entry.repair:
        items += _repair_lines(entry, content)
    lines += [item if item.startswith("  - ") else f"- {item}" for item in items]
    if entry.note:
        if items:
            lines.append("")
        quoted = md_block(entry.note)
        # Two trailing spaces keep the note's own line breaks when the markdown is rendered.
        lines += [f"> {line}  " if line else ">" for line in quoted[:-1]]
        lines.append(f"> {quoted[-1]}" if quoted[-1] else ">")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _breathing_text(entry: Entry, content: Content) -> str:
    breathing = entry.breathing
    assert breathing is not None
    pattern = content.pattern(breathing.pattern)
    label = pattern.label if pattern else breathing.pattern
    minutes, seconds = divmod(round(breathing.seconds), 60)
    length = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    breaths = _count(breathing.cycles, "breath", "breaths")
    ending = "" if breathing.completed else ", stopped early"
    return f"{md_inline(label)}, {length}, {breaths}{ending}"


def _repair_lines(entry: Entry, content: Content) -> list[str]:
    repair = entry.repair
    assert repair is not None
    who = content.label_of(content.people, repair.with_whom) or "someone"
    status = status_words(repair.status)
    line = f"Repair ({status}) with {md_inline(who)}"
    if repair.step:
        line += f": {md_inline(content.label_of(content.repair_steps, repair.step))}"
    if repair.status == "done" and repair.done_at:
        line += f" ({repair.done_at:%Y-%m-%d %H:%M})"
    lines = [line]
    if repair.what_happened:
        lines.append(f"  - What happened: {md_inline(repair.what_happened)}")
    if repair.my_part:
        lines.append(f"  - My part: {md_inline(repair.my_part)}")
    if repair.their_side:
        lines.append(f"  - What they might have felt or needed: {md_inline(repair.their_side)}")
    if repair.to_a_friend:
        lines.append(f"  - What I'd say to a friend: {md_inline(repair.to_a_friend)}")
    if repair.next_time:
        lines.append(f"  - Next time: {md_inline(repair.next_time)}")
    return lines


def _or_dash(value: int | None) -> str:
    return "–" if value is None else str(value)


def _long_date(day: Any) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


_RENDERERS: dict[str, Callable[[list[Entry], Content | None], str]] = {
    "json": export_json,
    "csv": export_csv,
    "markdown": export_markdown,
}


# -- making user text safe ------------------------------------------------------------------


def visible(text: str) -> str:
    """Text safe to show: line breaks become \\n, other control characters and direction
    overrides become U+FFFD (they could move a terminal's cursor or disguise the text)."""
    if text.isprintable():  # the usual case, and quick: nothing to replace
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        _REPLACEMENT
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in _BIDI_CONTROLS
        else ch
        for ch in text
    )


# Every character markdown could read as structure, escaped wherever it appears.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# At the start of a line these begin a list, a heading underline or a thematic break.
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_inline(text: str) -> str:
    """User text for one line of markdown: line breaks become spaces, structure is escaped."""
    one_line = " ".join(visible(text).replace("\t", " ").split("\n"))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


def md_block(text: str) -> list[str]:
    """User text as markdown lines (for a quote): each line escaped, the lines kept."""
    lines = []
    for raw in visible(text).replace("\t", " ").split("\n"):
        line = _MARKDOWN_SPECIAL.sub(r"\\\1", raw.strip())
        lines.append(_LINE_START.sub(_escape_line_start, line))
    return lines


def _escape_line_start(match: re.Match[str]) -> str:
    start = match.group(1)
    # "1." is escaped as "1\." (a backslash before a digit would show); "-" as "\-".
    return f"{start}\\" if start[0].isdigit() else f"\\{start}"


def _escape_invisible(text: str) -> str:
    """Escape control, format and separator characters in json text as \\uXXXX.

    json.dumps escapes only U+0000–U+001F; DEL, the C1 controls (some terminals obey them) and
    direction overrides would otherwise reach a terminal. Parsed, the text is the same.
    """
    return _NON_ASCII.sub(_json_escape, text)


_NON_ASCII = re.compile(r"[^\x00-\x7e]")


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _JOINERS or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"):
        return ch
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


# -- import ---------------------------------------------------------------------------------


class ImportRefused(Exception):
    """An export file that will not be imported; the message is one sentence for the person."""


def import_history(data_dir: Path, path: Path) -> int:
    """Add the entries of a json export that are not in the history yet; all or nothing."""
    try:
        entries = read_export(path)
    except ImportRefused as error:
        print(f"companion: {error} Nothing was imported.", file=sys.stderr)
        return EXIT_PROBLEM
    if not data_dir.exists():
        # Created private from the start (not made private afterwards, with a notice).
        try:
            data_dir.mkdir(mode=DIR_MODE, parents=True)
        except OSError as error:
            print(f"companion: could not create the data folder {data_dir} "
                  f"({error.strerror or error}); nothing was imported.", file=sys.stderr)
            return EXIT_PROBLEM
    store = HistoryStore(data_dir)
    added = store.add_missing(entries)
    _print_notices(store.notices)
    already = len(entries) - added
    were = "was" if already == 1 else "were"
    print(f"Added {_count(added, 'entry', 'entries')} ({already:,} {were} already here).")
    return EXIT_OK


def read_export(path: Path) -> list[Entry]:
    """Every entry of a json export, checked; ImportRefused names the first problem."""
    name = str(path)
    try:
        if path.is_dir():
            raise ImportRefused(f"{name} is a folder, not an export file.")
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportRefused(
                f"{name} is {size // (1024 * 1024)} MB, too big for a companion export "
                f"(at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB)."
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(f"{name} does not exist.") from None
    except OSError as error:
        raise ImportRefused(f"{name} could not be read ({error.strerror or error}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(f"{name} is not a text file (it may be binary).") from None
    if "\x00" in text:
        raise ImportRefused(f"{name} is not a text file (it may be binary).")
    if not text.strip():
        raise ImportRefused(f"{name} is empty.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"{name} is not valid JSON (line {error.lineno}, column {error.colno}): "
            f"is it a `companion export` file?"
        ) from None
    except RecursionError:
        raise ImportRefused(f"{name} is nested too deeply to be a companion export.") from None
    return _entries_of(document, name)


def _entries_of(document: Any, name: str) -> list[Entry]:
    if not isinstance(document, dict) or "entries" not in document:
        found = f"a JSON {_json_type(document)}" if not isinstance(document, dict) else (
            "an object without \"entries\""
        )
        raise ImportRefused(
            f"{name} holds {found}, not a companion export "
            '(an object with "schema" and "entries").'
        )
    schema = document.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ImportRefused(f"{name} has no schema version a companion export would have.")
    if schema > SCHEMA:
        raise ImportRefused(
            f"{name} was written by a newer companion (schema {schema}); "
            f"this one reads schema {SCHEMA}. Update companion to import it."
        )
    raw_entries = document["entries"]
    if not isinstance(raw_entries, list):
        raise ImportRefused(f'{name}: "entries" must be a list, not a {_json_type(raw_entries)}.')
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_entries, start=1):
        try:
            entry = Entry.from_dict(raw)
        except (InvalidEntry, TypeError, ValueError) as error:
            raise ImportRefused(f"{name}: entry {index}{_id_note(raw)}: {error}.") from None
        key = entry.id.lower()
        if key in seen:
            raise ImportRefused(
                f"{name}: entries {seen[key]} and {index} have the same id {entry.id}."
            )
        seen[key] = index
        entries.append(entry)
    return entries


def _id_note(raw: Any) -> str:
    entry_id = raw.get("id") if isinstance(raw, dict) else None
    return f" (id {entry_id!r:.50})" if isinstance(entry_id, str) else ""


def _json_type(value: Any) -> str:
    return {list: "array", dict: "object", str: "string", bool: "true/false"}.get(
        type(value), "number" if isinstance(value, int | float) else "null"
    )


# -- forget ---------------------------------------------------------------------------------


def forget_history(data_dir: Path, yes: bool = False) -> int:
    """Delete the whole history with --yes; without it, say what would go and change nothing."""
    store = HistoryStore(data_dir)
    history_dir = data_dir / "history"
    files = _history_files(data_dir)
    if not files:
        print(f"There is no history in {data_dir} to delete.")
        return EXIT_OK
    if not yes:
        count = len(store.all())
        unread = f" (and {len(store.problems)} files that could not be read)" \
            if store.problems else ""
        print(
            f"companion: this would delete your whole history: {_count(count, 'entry', 'entries')}"
            f"{unread} in {history_dir}. Nothing was changed; to delete it, run "
            f"`companion forget --yes` (an export first keeps a copy: `companion export`).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    removed = store.forget()
    print(f"Deleted your history: {_count(removed, 'file', 'files')} removed from {history_dir}.")
    return EXIT_OK


def _history_files(data_dir: Path) -> list[Path]:
    """The files `HistoryStore.forget` would remove (month files and a legacy single file)."""
    history_dir = data_dir / "history"
    month_files = (
        [p for p in history_dir.iterdir() if p.suffix == ".json" and p.name[:1].isdigit()]
        if history_dir.is_dir()
        else []
    )
    legacy = list(data_dir.glob("history.json*")) if data_dir.is_dir() else []
    return month_files + legacy


# -- shared ---------------------------------------------------------------------------------


def _content_for(data_dir: Path) -> Content:
    # The person's own patterns and words, so their labels appear; warnings about those files
    # belong to `companion patterns` and the app, not to an export.
    try:
        return load_content(user_dir=data_dir if data_dir.is_dir() else None)
    except OSError:
        return load_content()


def _print_notices(notices: list[str]) -> None:
    for notice in notices:
        print(f"companion: {notice}", file=sys.stderr)


def _write_stdout(text: str) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    stream.write(text.encode("utf-8"))
    stream.flush()


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"

