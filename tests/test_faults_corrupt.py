"""Corrupt or foreign files in the data folder: named, never rewritten, the rest still readable.

tests/test_history_store.py covers the store's basic cases (truncated, array, binary, empty,
newer schema: saves go beside the file). Here every kind of damage goes through the app, the
commands that read the history, and a save into the same month.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.app import CompanionApp
from companion.cli import main
from companion.entries import Breathing, Entry
from companion.history import HistoryStore

GOOD = Entry(
    kind="breathing",
    started_at=datetime(2026, 10, 20, 9, tzinfo=UTC),
    breathing=Breathing("box", 64.0, 4, True),
    note="from October, in a sound file",
)


def good_doc(**changes: object) -> dict:
    doc = Entry(kind="breathing", started_at=datetime(2026, 11, 11, 9, tzinfo=UTC)).to_dict()
    doc.update(changes)
    return doc


def history_file(docs: dict, schema: int = 1, **extra: object) -> bytes:
    return json.dumps({"_meta": {"1": {"schema": schema}}, "entries": docs, **extra}).encode()


# What lands in a month file, and a few words that must appear in the reason given.
DAMAGE = {
    "truncated": (b'{"_meta": {"1": {"schema": 1}}, "entries": {"1": {"id": "6f', "not valid JSON"),
    "json-array": (b"[1, 2, 3]", "JSON list"),
    "binary": (bytes(range(256)) * 4, "not text"),
    "empty": (b"", "is empty"),
    "wrong-types": (
        history_file({"1": good_doc(), "2": good_doc(id=5, activation_before="high")}),
        "entry that could not be read",
    ),
    "newer-schema": (history_file({"1": good_doc()}, schema=7), "newer companion"),
    "newer-entry": (history_file({"1": good_doc(schema=7)}), "entry that could not be read"),
    "foreign-object": (b'{"theme": "dark", "volume": 11}', "does not look like"),
    # A foreign file's schema, numbers and nesting (issue 13, item 7): each used to end every
    # command that read the history (KeyError, ValueError, RecursionError).
    "schema-zero": (history_file({"1": good_doc()}, schema=0), "its schema is 0"),
    "schema-negative": (history_file({"1": good_doc()}, schema=-3), "its schema is -3"),
    "schema-text": (history_file({"1": good_doc()}, schema="1"), "its schema is '1'"),
    "5000-digits": (
        b'{"entries": {"1": {"activation_before": ' + b"9" * 5000 + b"}}}",
        "a number with thousands of digits",
    ),
    "nested-50000": (
        b'{"entries": {"1": ' + b"[" * 50_000 + b"]" * 50_000 + b"}}",
        "nested too deeply",
    ),
    "not-tinydb-ids": (history_file({"first": good_doc()}), "does not look like"),
    "extra-table": (history_file({}, other={"1": {}}), "does not look like"),
    "folder": (None, "is a folder"),
}


def plant(history: Path, name: str, damage: bytes | None) -> Path:
    history.mkdir(parents=True, exist_ok=True)
    path = history / name
    if damage is None:
        path.mkdir()
        (path / "inside.txt").write_text("someone else's")
    else:
        path.write_bytes(damage)
    return path


def snapshot(path: Path) -> object:
    if path.is_dir():
        return sorted((p.name, p.read_bytes()) for p in path.iterdir())
    return path.read_bytes()


@pytest.fixture(params=sorted(DAMAGE), ids=sorted(DAMAGE))
def damaged(request, data_dir: Path) -> tuple[Path, object, str]:
    """A history with a sound October and a damaged November 2026."""
    HistoryStore(data_dir).save(GOOD)
    damage, reason = DAMAGE[request.param]
    path = plant(data_dir / "history", "2026-11.json", damage)
    return path, snapshot(path), reason


def test_the_store_names_the_file_keeps_it_and_reads_the_rest(data_dir, damaged):
    path, before, reason = damaged
    store = HistoryStore(data_dir)
    readable = store.all()
    assert GOOD in readable
    assert list(store.problems) == [path]
    assert reason in store.problems[path].reason

    new = Entry(kind="breathing", started_at=datetime(2026, 11, 12, 8, tzinfo=UTC))
    store.save(new)
    assert snapshot(path) == before
    again = HistoryStore(data_dir)
    assert {GOOD.id, new.id} <= {e.id for e in again.all()}
    assert list(again.problems) == [path]


def test_a_later_change_to_an_entry_in_a_damaged_file_wins_without_touching_it(data_dir):
    sound = good_doc()
    path = plant(
        data_dir / "history", "2026-11.json",
        history_file({"1": sound, "2": good_doc(activation_before=99)}),
    )
    before = path.read_bytes()
    store = HistoryStore(data_dir)
    [entry] = store.all()
    store.save(entry.with_changes(note="edited later"))
    assert path.read_bytes() == before
    assert [(e.id, e.note) for e in HistoryStore(data_dir).all()] == [(sound["id"], "edited later")]


def test_forget_deletes_history_files_but_not_a_folder_it_did_not_make(data_dir):
    HistoryStore(data_dir).save(GOOD)
    folder = plant(data_dir / "history", "2026-11.json", None)
    store = HistoryStore(data_dir)
    store.forget()
    assert store.all() == []
    assert (folder / "inside.txt").read_text() == "someone else's"


async def test_the_app_starts_says_which_file_and_why_and_never_rewrites_it(tmp_path: Path):
    # A folder name full of markup: the message must show it, not interpret it.
    data_dir = tmp_path / "[bold]mine[/] [link=https://example.com]x[/link]"
    now = datetime.now(UTC)
    path = plant(data_dir / "history", f"{now:%Y-%m}.json", b'{"entries": {"1": ')
    before = path.read_bytes()
    app = CompanionApp(data_dir=data_dir)
    shown: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, **o: (shown.append(message), real_notify(message, **o))[1]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        problems = [m for m in shown if str(path) in m]
        assert len(problems) == 1
        assert "is not valid JSON" in problems[0] and "left untouched" in problems[0]
        toasts = " ".join(str(t.render()) for t in app.screen.query("Toast"))
        assert "[bold]mine[/]" in " ".join(toasts.split())

        entry = Entry(kind="breathing", started_at=now, note="saved beside it")
        app.save_entry(entry)
        await app.workers.wait_for_complete()
        assert app.unsaved == []
    assert path.read_bytes() == before
    assert [e.id for e in HistoryStore(data_dir).all()] == [entry.id]


@pytest.mark.parametrize("command", [["week", "--week", "2026-W46"], ["export"]])
def test_commands_that_read_name_the_file_and_exit_1(data_dir, damaged, capsys, command):
    path, before, reason = damaged
    code = main(["--data-dir", str(data_dir), *command])
    out, err = capsys.readouterr()
    assert code == 1
    naming = [line for line in err.splitlines() if str(path) in line]
    assert len(naming) == 1 and reason in naming[0]
    assert all(line.startswith("companion: ") for line in err.splitlines())
    assert "Traceback" not in err
    if command == ["export"]:
        assert GOOD.id in out  # the rest is still exported
    assert snapshot(path) == before


def test_patterns_is_unaffected_by_a_damaged_history(data_dir, capsys):
    plant(data_dir / "history", "2026-11.json", b"\x00garbage")
    assert main(["--data-dir", str(data_dir), "patterns"]) == 0
    out, err = capsys.readouterr()
    assert "box" in out and err == ""


def test_a_damaged_file_copied_aside_and_back_reads_again(data_dir):
    """Moving a damaged file aside, as the message suggests, leaves a working history."""
    HistoryStore(data_dir).save(GOOD)
    path = plant(data_dir / "history", "2026-11.json", b"[]")
    shutil.move(path, data_dir / "2026-11.json.aside")
    store = HistoryStore(data_dir)
    assert store.all() == [GOOD] and store.problems == {}


def test_reading_a_damaged_month_never_creates_anything(data_dir):
    path = plant(data_dir / "history", "2026-11.json", b"{")
    HistoryStore(data_dir).between(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=30)
    )
    assert sorted(p.name for p in path.parent.iterdir()) == ["2026-11.json"]


def test_import_beside_a_foreign_file_adds_the_entries_and_names_the_file(
    data_dir, damaged, tmp_path, capsys
):
    path, before, reason = damaged
    new = Entry(kind="breathing", started_at=datetime(2026, 11, 13, 8, tzinfo=UTC))
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"schema": 1, "entries": [new.to_dict()]}))

    code = main(["--data-dir", str(data_dir), "import", str(export)])
    out, err = capsys.readouterr()

    assert (code, out) == (0, "Added 1 entry (0 were already here).\n")
    assert str(path) in err and reason in err and "Traceback" not in err
    assert snapshot(path) == before
    assert new in HistoryStore(data_dir).all()


async def test_the_app_opens_beside_foreign_files_and_names_each(data_dir: Path):
    """Schema 0, a 5,000-digit number, nesting 50,000 deep: the app used to end on them with
    a traceback whose locals showed history entries."""
    HistoryStore(data_dir).save(GOOD)
    now = datetime.now(UTC)
    kinds = ("schema-zero", "5000-digits", "nested-50000")
    planted = [plant(data_dir / "history", f"{now:%Y-%m}.{n}.json", DAMAGE[kind][0])
               for n, kind in enumerate(kinds, start=2)]
    app = CompanionApp(data_dir=data_dir)
    shown: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, **o: (shown.append(message), real_notify(message, **o))[1]
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        for path, kind in zip(planted, kinds, strict=True):
            [message] = [m for m in shown if str(path) in m]
            assert DAMAGE[kind][1] in message and "left untouched" in message
        entry = Entry(kind="breathing", started_at=now, note="saved beside them")
        app.save_entry(entry)
        await app.workers.wait_for_complete()
        assert app.unsaved == []
    assert GOOD.id in {e.id for e in HistoryStore(data_dir).all()}
    assert entry in HistoryStore(data_dir).between(now - timedelta(days=1),
                                                   now + timedelta(days=1))
