"""Finding past entries: by what was written in them, the words chosen, needs and people.

Pure: `find_entries` takes the entries and a `SearchQuery`, and the labels the person sees for
each key (so "partner" finds "My partner" and "break" finds "Need a break"). Matching ignores
case and the different ways Unicode can write one character, so "léa" finds "Léa" however it
was typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, tzinfo

from companion.entries import Entry
from companion.summary import to_local


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""  # every word must appear somewhere in the entry; empty: any entry
    feeling: str | None = None  # a feeling word named in the entry
    need: str | None = None  # a need's key or label
    with_whom: str | None = None  # a repair's person, key or label
    since: date | None = None  # from this local day on


def folded(text: str) -> str:
    """Text as compared: one Unicode form, case folded, runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def searchable_text(entry: Entry, labels: Mapping[str, str]) -> str:
    """Everything in an entry a person might search for, folded, the pieces apart by spaces."""
    pieces, keys = searchable_pieces(entry)
    pieces += [labels.get(key, "") for key in keys]
    # Folded once, joined by a space: a searched word has none, so it never spans two pieces.
    return folded(" ".join(piece for piece in pieces if piece))


def searchable_pieces(entry: Entry) -> tuple[list[str], list[str]]:
    """What searchable_text holds apart from the labels the person sees: the entry's own text
    and its keys (each also with spaces for underscores), and the keys whose labels count."""
    keys = [*entry.needs, *entry.body_signals]
    if entry.state:
        keys.append(entry.state)
    if entry.breathing is not None:
        keys.append(entry.breathing.pattern)
    pieces = [entry.note, *(f.word for f in entry.feelings)]
    stored_repair = entry.to_dict()["repair"] if entry.repair is not None else None
    if stored_repair is not None:
        # Every text field of the repair, those a later version adds too; times are not text.
        for name, value in stored_repair.items():
            if isinstance(value, str) and not name.endswith("_at"):
                if name in ("with_whom", "step", "status"):
                    keys.append(value)
                else:
                    pieces.append(value)
    for key in keys:
        pieces += [key, key.replace("_", " ")]
    return pieces, keys


def own_text(entry: Entry) -> tuple[str, list[str]]:
    """An entry's searchable text without the labels, folded, and its keys: what the month
    cache keeps so that a search need not make every entry (might_match reads it)."""
    pieces, keys = searchable_pieces(entry)
    return folded(" ".join(piece for piece in pieces if piece)), keys


def might_match(text: str, keys: list[str], words: list[str],
                folded_labels: Mapping[str, str]) -> bool:
    """Whether an entry whose own_text is (`text`, `keys`) can hold every one of `words`
    (folded): each in its own text or in the label (folded) of one of its keys. Never false
    for an entry searchable_text would find: a word holds no space, so it lies within one
    piece, and folding the pieces joined is folding each (a space composes with nothing)."""
    for word in words:
        if word not in text and not any(word in folded_labels.get(k, "") for k in keys):
            return False
    return True


def matches(entry: Entry, query: SearchQuery, labels: Mapping[str, str],
            tz: tzinfo | None = None) -> bool:
    return _matches(entry, query, folded(query.text).split(), labels, tz)


def _matches(entry: Entry, query: SearchQuery, words: list[str], labels: Mapping[str, str],
             tz: tzinfo | None) -> bool:
    if query.since is not None and to_local(entry.started_at, tz).date() < query.since:
        return False
    if query.feeling is not None and folded(query.feeling) not in {
            folded(f.word) for f in entry.feelings}:
        return False
    if query.need is not None and not _names(query.need, entry.needs, labels):
        return False
    if query.with_whom is not None:
        person = entry.repair.with_whom if entry.repair is not None else None
        if person is None or not _names(query.with_whom, (person,), labels):
            return False
    if words:
        text = searchable_text(entry, labels)
        return all(word in text for word in words)
    return True


def _names(asked: str, keys: Iterable[str], labels: Mapping[str, str]) -> bool:
    """Whether `asked` is one of the keys, or the label of one (ignoring case)."""
    wanted = folded(asked)
    return any(wanted in (folded(key), folded(key.replace("_", " ")), folded(labels.get(key, "")))
               for key in keys)


def find_entries(entries: Iterable[Entry], query: SearchQuery,
                 labels: Mapping[str, str] | None = None, *, tz: tzinfo | None = None
                 ) -> list[Entry]:
    """The entries that match, newest first."""
    labels = labels or {}
    words = folded(query.text).split()
    found = [e for e in entries if _matches(e, query, words, labels, tz)]
    return sorted(found, key=lambda e: e.started_at, reverse=True)
