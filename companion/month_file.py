"""Reading one month file of the history, a part at a time: its shape, schema and entries.

Every month file, whoever wrote it (this machine, another, a companion from before each machine
had its own files, a sync tool's copy), is read here: opened only if it is a regular file,
parsed as a stream (storage.JsonStream) keeping only the entries asked for, checked for the
shape TinyDB gives it and for a schema this companion knows, its entries upgraded by MIGRATIONS.
The entries themselves are checked by the caller (one bad entry does not make the rest
unreadable).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from companion.entries import SCHEMA, Entry, InvalidEntry, check_entry_dict
from companion.json_stream import JsonProblem, JsonStream
from companion.storage import (
    SpecialFile,
    UnreadableFile,
    open_regular,
)

TABLE = "entries"
META = "_meta"
_DOC_ID = re.compile(r"^[0-9]{1,18}$")  # TinyDB's document ids
NOT_OURS = "does not look like a companion history file"

# Entry migrations by the schema they upgrade from: MIGRATIONS[1] turns a schema-1 entry dict
# into a schema-2 one. Files are upgraded in memory on read and on disk at their next write.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

Keep = Callable[[dict[str, Any]], bool]


class MonthFile(NamedTuple):
    docs: list[tuple[str, Any]]  # (TinyDB id, what `convert` made of the entry), file order
    meta: dict[str, Any]
    size: int


def read_month_file(path: Path, keep: Keep | None = None,
                    convert: Callable[[dict[str, Any]], Any] | None = None) -> MonthFile:
    """One month file, read a part at a time; only the entries `keep` accepts are held, each
    as `convert` makes it (an Entry, say: a fifth of the memory of the dict).

    UnreadableFile if it is missing a piece, not JSON, not shaped like a companion history
    file or from a newer companion. Entries are checked by the caller (one bad entry does not
    make the rest unreadable). `keep` sees each dict as it was written (before any migration).
    """
    try:
        handle = open_regular(path)
    except SpecialFile as error:
        raise UnreadableFile(path, f"is {error.kind}, not a history file") from None
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnreadableFile(path, f"could not be read ({error.strerror or error})") from None
    with handle:
        month = _read_month(handle, path, keep, convert, migrate_from=SCHEMA)
        schema = month.meta.get("schema", SCHEMA)
        if schema < SCHEMA and convert is not None:
            # The schema is at the end of the file (TinyDB writes it last): read it again,
            # upgrading each entry before `convert` sees it.
            handle.seek(0)
            month = _read_month(handle, path, keep, convert, migrate_from=schema)
        elif schema < SCHEMA:
            docs = month.docs
            for version in range(schema, SCHEMA):
                docs = [(doc_id, MIGRATIONS[version](doc)) for doc_id, doc in docs]
            month = month._replace(docs=docs)
    return month


def _read_month(handle: BinaryIO, path: Path, keep: Keep | None,
                convert: Callable[[dict[str, Any]], Any] | None, migrate_from: int
                ) -> MonthFile:
    size = os.fstat(handle.fileno()).st_size
    stream = JsonStream(handle, path)
    docs: list[tuple[str, Any]] = []
    meta: dict[str, Any] = {}
    try:
        first = stream.peek()
        if not first:
            # companion never writes an empty file, so an empty one came from elsewhere.
            raise UnreadableFile(path, "is empty")
        if first != "{":
            kind = "list" if first == "[" else _json_kind(stream)
            raise UnreadableFile(path, f"holds a JSON {kind}, not a history object")
        for name in stream.members():
            if name == TABLE:
                if stream.peek() != "{":
                    raise UnreadableFile(path, NOT_OURS)
                for doc_id in stream.members():
                    doc = stream.value()
                    if not isinstance(doc, dict) or not _DOC_ID.match(doc_id):
                        raise UnreadableFile(path, NOT_OURS)
                    if keep is not None and not keep(doc):
                        continue
                    for version in range(migrate_from, SCHEMA):
                        doc = MIGRATIONS[version](doc)
                    docs.append((doc_id, doc if convert is None else convert(doc)))
            elif name == META:
                meta = _meta_of(stream.value(), path)
            else:
                raise UnreadableFile(path, NOT_OURS)
        stream.end()
    except JsonProblem as problem:
        raise UnreadableFile(path, problem.reason) from None
    return MonthFile(docs, meta, size)


def _json_kind(stream: JsonStream) -> str:
    value = stream.value()
    return {str: "string", bool: "true/false", type(None): "null"}.get(type(value), "number")


def _meta_of(value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnreadableFile(path, NOT_OURS)
    meta = value.get("1", {})
    if not isinstance(meta, dict):
        raise UnreadableFile(path, NOT_OURS)
    schema = meta.get("schema", SCHEMA)
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
        raise UnreadableFile(path, f"was written by a newer companion (schema {schema})")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise UnreadableFile(path, f"{NOT_OURS} (its schema is {schema!r:.20})")
    return meta


def read_month_meta(path: Path) -> dict[str, Any]:
    """A month file's `_meta` alone (who wrote it, when), without holding its entries: quick
    when `_meta` comes first, as this companion writes it. UnreadableFile as read_month_file."""
    try:
        handle = open_regular(path)
    except SpecialFile as error:
        raise UnreadableFile(path, f"is {error.kind}, not a history file") from None
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnreadableFile(path, f"could not be read ({error.strerror or error})") from None
    with handle:
        stream = JsonStream(handle, path)
        try:
            if stream.peek() != "{":
                raise UnreadableFile(path, NOT_OURS)
            for name in stream.members():
                if name == META:
                    return _meta_of(stream.value(), path)
                if name != TABLE or stream.peek() != "{":
                    raise UnreadableFile(path, NOT_OURS)
                for _ in stream.members():
                    stream.value()
        except JsonProblem as problem:
            raise UnreadableFile(path, problem.reason) from None
    return {}


class StoredEntry(Mapping[str, Any]):
    """A stored version's record as a reading store holds it while merging: the Entry built
    from it, a sixth of the memory of the dict. It reads as the dict the entry model writes
    (made only if asked: a writer's records are the dicts as read)."""

    __slots__ = ("_dict", "entry")

    def __init__(self, entry: Entry) -> None:
        self.entry = entry
        self._dict: dict[str, Any] | None = None

    def _as_dict(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = self.entry.to_dict()
        return self._dict

    def __getitem__(self, key: str) -> Any:
        return self._as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return len(self._as_dict())

    def canonical(self) -> str:
        return canonical_text(self.entry)


def canonical_text(entry: Entry) -> str:
    return json.dumps(entry.to_dict(), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


def read_entry(doc: dict[str, Any]) -> StoredEntry:
    try:
        return StoredEntry(Entry.from_dict(doc))
    except OverflowError as error:  # a time out of the calendar in UTC
        raise InvalidEntry(str(error)) from None


def check_entry(doc: dict[str, Any]) -> None:
    """Raise InvalidEntry (a ValueError) for a stored entry the model refuses; it is kept as
    the dict it is (a writer writes it back as it was)."""
    try:
        check_entry_dict(doc)
    except OverflowError as error:
        raise InvalidEntry(str(error)) from None


def canonical(record: Mapping[str, Any]) -> str:
    """A stored record as the entry model writes it, as text: how two versions with one stamp
    compare, the same for a reader (StoredEntry) and a writer (the dict as read)."""
    if isinstance(record, StoredEntry):
        return record.canonical()
    return canonical_text(Entry.from_dict(dict(record)))
