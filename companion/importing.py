"""Bringing a json export back: `companion import`, all or nothing.

Every entry is checked before anything is written (`read_export`); the store adds the new ones
(`HistoryStore.add_missing`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from companion.entries import SCHEMA, Entry, InvalidEntry, id_key
from companion.exits import EXIT_OK, EXIT_PROBLEM
from companion.history import HistoryStore, PartlyAdded, Record
from companion.json_stream import JsonProblem, JsonStream
from companion.output import how_many, print_notices
from companion.storage import (
    DIR_MODE,
    SaveFailed,
    SpecialFile,
    open_regular,
)

# An export of a very long history (ten entries a day for fifty years) is well under this; a
# bigger file is not a companion export and would only fill the memory.
MAX_IMPORT_BYTES = 256 * 1024 * 1024


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
        print_notices(store.notices)
        print(f"companion: {error.reason} {error.added:,} of {error.total:,} new entries were "
              f"added before that; run `companion import {path}` again to add the rest.",
              file=sys.stderr)
        return EXIT_PROBLEM
    except SaveFailed as error:
        print_notices(store.notices)
        print(f"companion: {error} Nothing was imported.", file=sys.stderr)
        return EXIT_PROBLEM
    print_notices([*store.notices, *map(str, store.problems.values())])
    already = total - added
    were = "was" if already == 1 else "were"
    print(f"Added {how_many(added, 'entry', 'entries')} ({already:,} {were} already here).")
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


