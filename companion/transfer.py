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
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from json.encoder import encode_basestring as _encode_text
from pathlib import Path
from typing import Any

from companion.content import Content, load_content
from companion.entries import SCHEMA, Entry, InvalidEntry, id_key
from companion.exits import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from companion.history import HistoryStore, PartlyAdded, Record
from companion.storage import (
    DIR_MODE,
    JsonProblem,
    JsonStream,
    SaveFailed,
    SpecialFile,
    StagedFile,
    file_kind,
    open_regular,
    remove_leftover_copies,
    sync_folder,
)
from companion.summary import KIND_NAMES, status_words
from companion.text import escape_invisible, md_block, md_inline, visible

# An export of a very long history (ten entries a day for fifty years) is well under this; a
# bigger file is not a companion export and would only fill the memory.
MAX_IMPORT_BYTES = 256 * 1024 * 1024

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection";
# the full-width forms are read as formulas by some spreadsheets too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

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
    """Write the whole history to `out` (or stdout); 1 if some history files could not be read.

    Streamed: the history is read a month at a time and written as it is read, so the memory
    used does not grow with the history. A file is written beside `out` and replaces it only
    when complete; copies a killed export left beside it are removed first.
    """
    if out is not None:
        unusable = _unusable_out(data_dir, out)
        if unusable:
            print(f"companion: {unusable}", file=sys.stderr)
            return EXIT_USAGE
    store = HistoryStore(data_dir)
    content = _content_for(data_dir) if fmt != "json" else None
    counted = _Counted(store.entries())
    if fmt == "json":
        chunks = json_chunks(counted)
    elif fmt == "csv":
        chunks = csv_chunks(counted, content)
    else:
        # The heading says how many entries from when to when: a first pass counts them.
        chunks = markdown_chunks(counted, content, _span(store.entries()))
    if out is None:
        _write_stdout(chunks)
    else:
        remove_leftover_copies(out)
        staged = StagedFile(out, lock=True)
        try:
            for chunk in chunks:
                staged.write(chunk)
            staged.commit()
        finally:
            staged.discard()
        sync_folder(staged.path.parent)
        count = _count(counted.count, "entry", "entries")
        print(f"Exported {count} to {out} ({fmt}, readable only by you).")
    _print_notices(store.notices)
    for problem in store.problems.values():
        print(
            f"companion: left out of this export: {problem.path} {problem.reason}.",
            file=sys.stderr,
        )
    if store.problems:
        print("companion: the export is incomplete (see above).", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


class _Counted:
    """The entries, counted as they go by."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = entries
        self.count = 0

    def __iter__(self) -> Iterator[Entry]:
        for entry in self._entries:
            self.count += 1
            yield entry


@dataclass(frozen=True, slots=True)
class Span:
    """How many entries, from which day to which."""

    count: int
    first: date | None
    last: date | None


def _span(entries: Iterable[Entry]) -> Span:
    count, first, last = 0, None, None
    for entry in entries:
        count += 1
        day = entry.started_at.date()
        first = day if first is None else first
        last = day
    return Span(count, first, last)


def _unusable_out(data_dir: Path, out: Path) -> str | None:
    if out.is_dir():
        return f"--out {out} is a folder; give a file name, like {out / 'companion-export'}."
    if not out.parent.is_dir():
        return f"--out {out}: the folder {out.parent} does not exist."
    if out.exists() and not out.is_file():
        kind = file_kind(out.stat().st_mode)
        return f"--out {out} is {kind}, not a file; leave out --out to write to the terminal."
    history = (data_dir / "history").resolve()
    if out.resolve().parent == history or data_dir.joinpath("history.json").resolve() == (
        out.resolve()
    ):
        return f"--out {out} is inside your history folder; choose a file elsewhere."
    return None


def json_chunks(entries: Iterable[Entry]) -> Iterator[str]:
    """The README's export format: every field of every entry, as `import` reads it.

    Written an entry at a time, exactly as json.dumps(document, indent=2) would lay it out.
    """
    exported_at = datetime.now().astimezone().isoformat(timespec="seconds")
    yield f'{{\n  "schema": {SCHEMA},\n  "exported_at": {json.dumps(exported_at)},\n  "entries": ['
    separator = "\n"
    for entry in entries:
        yield separator + escape_invisible("    " + _indented(entry.to_dict(), "    "))
        separator = ",\n"
    yield "]\n}\n" if separator == "\n" else "\n  ]\n}\n"


def _indented(value: Any, indent: str) -> str:
    """`value` laid out as json.dumps(value, indent=2, ensure_ascii=False) lays it out at
    `indent`. With an indent, json.dumps runs its pure-Python encoder, about twice as slow as
    this (which encodes the text values with json's C string encoder)."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        return scalar(value)
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = ",\n".join(
            f"{inner}{_encode_text(key)}: {_indented(item, inner)}" for key, item in value.items()
        )
        return f"{{\n{members}\n{indent}}}"
    if not value:
        return "[]"
    items = ",\n".join(f"{inner}{_indented(item, inner)}" for item in value)
    return f"[\n{items}\n{indent}]"


# An entry's values, as json writes them (a float in an entry is always finite: it is checked).
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _encode_text,
    int: int.__repr__,
    float: float.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def csv_chunks(entries: Iterable[Entry], content: Content | None = None) -> Iterator[str]:
    """One row per entry, with each key beside its label; cells made safe for spreadsheets."""
    content = content or load_content()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = _csv_row(entry, content)
        writer.writerow([csv_cell(row[column]) for column in CSV_COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


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


def markdown_chunks(entries: Iterable[Entry], content: Content | None, span: Span
                    ) -> Iterator[str]:
    """A readable report, newest month last; every piece of user text escaped."""
    content = content or load_content()
    now = datetime.now().astimezone()
    lines = ["# Your companion history", ""]
    if span.first is not None and span.last is not None:
        lines.append(
            f"{_count(span.count, 'entry', 'entries')} from {_long_date(span.first)} to "
            f"{_long_date(span.last)}, exported {now:%Y-%m-%d %H:%M}. Times are as they were "
            "where each moment happened."
        )
    else:
        lines.append(f"No entries yet (exported {now:%Y-%m-%d %H:%M}).")
    yield "\n".join(lines)
    month = day = None
    for entry in entries:
        lines = []
        moment = entry.started_at
        if (moment.year, moment.month) != month:
            month = (moment.year, moment.month)
            lines += ["", f"## {moment:%B %Y}"]
        if moment.date() != day:
            day = moment.date()
            lines += ["", f"### {_long_date(day)}"]
        lines += ["", *_markdown_entry(entry, content)]
        yield "\n" + "\n".join(lines)
    yield "\n"


def _markdown_entry(entry: Entry, content: Content) -> list[str]:
    title = f"**{entry.started_at:%H:%M} · {KIND_NAMES.get(entry.kind, entry.kind)}**"
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


# -- import ---------------------------------------------------------------------------------


class ImportRefused(Exception):
    """An export file that will not be imported; the message is one sentence for the person."""


def import_history(data_dir: Path, path: Path) -> int:
    """Add the entries of a json export that are not in the history yet; all or nothing."""
    try:
        records = read_export(path)
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
    total = len(records)
    try:
        added = store.add_missing(records)
    except PartlyAdded as error:
        _print_notices(store.notices)
        print(f"companion: {error.reason} {error.added:,} of {error.total:,} new entries were "
              f"added before that; run `companion import {path}` again to add the rest.",
              file=sys.stderr)
        return EXIT_PROBLEM
    except SaveFailed as error:
        _print_notices(store.notices)
        print(f"companion: {error} Nothing was imported.", file=sys.stderr)
        return EXIT_PROBLEM
    _print_notices([*store.notices, *map(str, store.problems.values())])
    already = total - added
    were = "was" if already == 1 else "were"
    print(f"Added {_count(added, 'entry', 'entries')} ({already:,} {were} already here).")
    return EXIT_OK


_MB = 1024 * 1024


def read_export(path: Path) -> list[Record]:
    """Every entry of a json export, checked, as Records; ImportRefused names the first problem.

    The file is read a part at a time (storage.JsonStream) and each entry is kept as the text
    it will be stored as, so a 100,000-entry export needs well under 200 MB. Only a regular file
    or a pipe is read (a FIFO or device named by mistake is refused, not read forever), and at
    most MAX_IMPORT_BYTES of it.
    """
    name = str(path)
    limit = MAX_IMPORT_BYTES
    too_big = f"{name} is more than {limit // _MB} MB, too big for a companion export."
    try:
        handle = open_regular(path, allow_pipe=True)
    except FileNotFoundError:
        raise ImportRefused(f"{name} does not exist.") from None
    except SpecialFile as error:
        raise ImportRefused(f"{name} is {error.kind}, not an export file.") from None
    except OSError as error:
        raise ImportRefused(f"{name} could not be read ({error.strerror or error}).") from None
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise ImportRefused(
                f"{name} is {size // _MB} MB, too big for a companion export "
                f"(at most {limit // _MB} MB)."
            )
        stream = JsonStream(handle, name, limit=limit)
        try:
            return _records_of(stream, name)
        except JsonProblem as problem:
            if stream.too_large:
                raise ImportRefused(too_big) from None
            raise ImportRefused(_refusal(name, problem.reason)) from None


def _refusal(name: str, reason: str) -> str:
    if reason.startswith("is not valid JSON"):
        return f"{name} {reason}: is it a `companion export` file?"
    if reason.startswith("is not text"):
        return f"{name} is not a text file (it may be binary)."
    if reason.startswith("is nested too deeply"):
        return f"{name} is nested too deeply to be a companion export."
    return f"{name} {reason}, which no companion export has."


def _records_of(stream: JsonStream, name: str) -> list[Record]:
    first = stream.peek()
    if not first:
        raise ImportRefused(f"{name} is empty.")
    if first != "{":
        try:
            found = _json_type(stream.value())
        except JsonProblem as problem:
            if first != "[" or problem.reason.startswith("is nested"):
                raise
            found = "array"  # a long list: whatever it holds, it is not an export
        raise ImportRefused(
            f"{name} holds a JSON {found}, not a companion export "
            '(an object with "schema" and "entries").'
        )
    schema: Any = None
    records: list[Record] | None = None
    # An entry's problem is said only once the document's schema is known (it may come
    # after the entries): a newer companion's export is refused as that, not entry by entry.
    refusal: str | None = None
    for key in stream.members():
        if key == "entries":
            if stream.peek() != "[":
                found = _json_type(stream.value())
                raise ImportRefused(f'{name}: "entries" must be a list, not a {found}.')
            records, refusal = _entries_of(stream, name)
        elif key == "schema":
            schema = stream.value()
        else:
            stream.value()  # exported_at, and fields a later companion may add
    stream.end()
    if records is None:
        raise ImportRefused(
            f'{name} holds an object without "entries", not a companion export '
            '(an object with "schema" and "entries").'
        )
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise ImportRefused(f"{name} has no schema version a companion export would have.")
    if schema > SCHEMA:
        raise ImportRefused(
            f"{name} was written by a newer companion (schema {schema}); "
            f"this one reads schema {SCHEMA}. Update companion to import it."
        )
    if refusal:
        raise ImportRefused(refusal)
    return records


def _entries_of(stream: JsonStream, name: str) -> tuple[list[Record], str | None]:
    """The entries, each checked and kept as a Record; or the first one's problem."""
    records: list[Record] = []
    seen: dict[str, int] = {}
    refusal: str | None = None
    for index in stream.items():
        try:
            raw = stream.value()
        except JsonProblem as problem:
            if problem.reason.startswith(("holds a number", "is nested")):
                raise ImportRefused(f"{name}: entry {index} {problem.reason}, which no "
                                    "companion export has.") from None
            raise
        if refusal:
            continue  # read on, to the schema, but keep nothing more
        try:
            entry = Entry.from_dict(raw)
        except (InvalidEntry, TypeError, ValueError, OverflowError) as error:
            refusal = f"{name}: entry {index}{_id_note(raw)}: {error}."
            records.clear()
            continue
        key = id_key(entry.id)
        if key in seen:
            refusal = f"{name}: entries {seen[key]} and {index} have the same id {entry.id}."
            records.clear()
            continue
        seen[key] = index
        records.append(Record.of(entry, checked=True))
    return records, refusal


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
    if not store.files(legacy=True):
        if yes and store.cache is not None:
            store.cache.remove()  # a copy left from files deleted by hand goes too
        print(f"There is no history in {data_dir} to delete.")
        return EXIT_OK
    if not yes:
        count = store.count()
        unread = f" (and {len(store.problems)} files that could not be read)" \
            if store.problems else ""
        print(
            f"companion: this would delete your whole history: {_count(count, 'entry', 'entries')}"
            f"{unread} in {history_dir}. Nothing was changed; to delete it, run "
            f"`companion forget --yes` (an export first keeps a copy: `companion export`).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    removed, left, others = store.forget()
    print(f"Deleted your history: {_count(removed, 'file', 'files')} removed from {history_dir}.")
    if others:
        print("Your other machines that share this folder forget it too: each removes its own "
              "copy the next time it saves.")
    for sentence in left:
        print(f"companion: left {sentence}.", file=sys.stderr)
    return EXIT_PROBLEM if left else EXIT_OK


# -- delete one entry -----------------------------------------------------------------------


def delete_entry(data_dir: Path, entry_id: str, yes: bool = False) -> int:
    """Delete one entry with --yes (the review's delete); without it, say which and change
    nothing. On other machines sharing the folder it goes too (a tombstone, never its text)."""
    store = HistoryStore(data_dir)
    entry = store.get(entry_id)
    _print_notices([*store.notices, *map(str, store.problems.values())])
    if entry is None:
        print(f"companion: there is no entry with the id {entry_id} in {data_dir} "
              "(`companion search \"\" --format json` lists them).", file=sys.stderr)
        return EXIT_PROBLEM
    if not yes:
        print(f"companion: this would delete {describe(entry)}. It can't be brought back. "
              f"Nothing was changed; to delete it, run `companion delete {entry.id} --yes`.",
              file=sys.stderr)
        return EXIT_USAGE
    said = len(store.notices)
    if not store.delete(entry):
        print(f"companion: there is no entry with the id {entry_id} in {data_dir} any more.",
              file=sys.stderr)
        return EXIT_PROBLEM
    _print_notices(store.notices[said:])
    print(f"Deleted {describe(entry)}.")
    return EXIT_OK


def describe(entry: Entry) -> str:
    """One entry in a few words, its text made safe for a terminal: `the check-in of Tue 3
    Nov 2026 10:00 (activation 7 → 4, tense, "the morning rush again")`."""
    moment = entry.started_at
    when = f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"
    parts = []
    if entry.activation_before is not None or entry.activation_after is not None:
        parts.append(f"activation {_or_dash(entry.activation_before)} → "
                     f"{_or_dash(entry.activation_after)}")
    if entry.feelings:
        parts.append(", ".join(visible(f.word) for f in entry.feelings[:3]))
    text = entry.note or (entry.repair.what_happened if entry.repair else "")
    if text:
        words = " ".join(visible(text).split())
        parts.append(f"\u201c{words[:40]}{'…' if len(words) > 40 else ''}\u201d")
    details = f" ({'; '.join(parts)})" if parts else ""
    kind = KIND_NAMES.get(entry.kind, entry.kind)
    return f"the {kind} of {when}{details}"


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


def _write_stdout(chunks: Iterable[str]) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    pending: list[str] = []
    size = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size >= 256 * 1024:
            _write_text(stream, "".join(pending))
            pending, size = [], 0
    _write_text(stream, "".join(pending))
    (stream or sys.stdout).flush()


def _write_text(stream: Any, text: str) -> None:
    if stream is None:
        sys.stdout.write(text)
    else:
        stream.write(text.encode("utf-8"))


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"

