"""Deleting: the whole history (`companion forget`) or one entry (`companion delete`).

The store does the deleting (`HistoryStore.forget`, `HistoryStore.delete`); these commands say
what would go, ask for --yes, and say what went.
"""

from __future__ import annotations

import sys
from pathlib import Path

from companion.entries import Entry
from companion.exits import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from companion.history import HistoryStore
from companion.output import how_many, print_notices
from companion.summary import KIND_NAMES
from companion.text import visible

# -- forget ---------------------------------------------------------------------------------


def forget_history(data_dir: Path, yes: bool = False) -> int:
    """Delete the whole history with --yes; without it, say what would go and change nothing."""
    store = HistoryStore(data_dir)
    history_dir = store.history_dir
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
            "companion: this would delete your whole history: "
            f"{how_many(count, 'entry', 'entries')}"
            f"{unread} in {history_dir}. Nothing was changed; to delete it, run "
            f"`companion forget --yes` (an export first keeps a copy: `companion export`).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    removed, left, others = store.forget()
    print(f"Deleted your history: {how_many(removed, 'file', 'files')} removed from {history_dir}.")
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
    print_notices([*store.notices, *map(str, store.problems.values())])
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
    print_notices(store.notices[said:])
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


def _or_dash(value: int | None) -> str:
    return "–" if value is None else str(value)
