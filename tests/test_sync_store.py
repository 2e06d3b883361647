"""The store on a data folder shared between machines (issue 17): each machine writes only its
own files, reading merges every machine's, deletions and forget travel, copies made by sync
tools are read and gathered, files from before each machine had its own are read and gathered,
and `companion devices` and `companion delete` say and do what they should.

Each "machine" here is a data folder and a state folder of its own (its identity and lock) and a
clock of its own; files move between them as a sync tool would move them (copied whole).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion import locks, storage
from companion.cli import main
from companion.device import existing_device
from companion.entries import Entry
from companion.history import HistoryStore
from companion.locks import history_lock
from companion.storage import StoreBusy
from companion.sync_names import classify

HOUR_MS = 3_600_000
NOW_MS = 1_795_700_000_000  # 2026-11-26 by every machine's clock unless skewed


def moment(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def note(day: int, text: str, hour: int = 9) -> Entry:
    return Entry(kind="checkin", started_at=moment(day, hour), activation_before=6, note=text)


class Machine:
    """One machine: its data folder (what its sync tool shows it), state folder and clock."""

    def __init__(self, root: Path, name: str, skew_ms: int = 0) -> None:
        self.data = root / name / "data"
        self.state = root / name / "state"
        self.clock = NOW_MS + skew_ms

    def now(self) -> float:
        self.clock += 1000
        return self.clock

    def store(self) -> HistoryStore:
        return HistoryStore(self.data, fsync=False, state_dir=self.state, clock=self.now)

    @property
    def history(self) -> Path:
        return self.data / "history"

    @property
    def id(self) -> str:
        device = existing_device(self.state)
        assert device is not None
        return device.id

    def notes(self) -> dict[str, str]:
        return {e.id: e.note for e in self.store().all()}

    def send(self, other: Machine) -> None:
        """A sync tool bringing this machine's folder to `other`: every file copied whole,
        every file this one no longer has removed there (a one-way mirror, as git's pull)."""
        other.history.mkdir(parents=True, exist_ok=True)
        here = {p.name for p in self.history.iterdir() if not p.name.startswith(".")}
        there = {p.name for p in other.history.iterdir() if not p.name.startswith(".")}
        for name in there - here:
            (other.history / name).unlink()
        for name in here:
            shutil.copy2(self.history / name, other.history / name)


@pytest.fixture
def laptop(tmp_path: Path) -> Machine:
    return Machine(tmp_path, "laptop")


@pytest.fixture
def desk(tmp_path: Path) -> Machine:
    return Machine(tmp_path, "desk", skew_ms=-3 * HOUR_MS)  # its clock is hours behind


def month_names(machine: Machine) -> list[str]:
    return sorted(p.name for p in machine.history.iterdir() if classify(p.name).history)


# -- each machine writes only its own files ------------------------------------------------------


def test_two_machines_write_their_own_files_and_both_see_every_entry(laptop, desk):
    first = laptop.store().save(note(3, "on the laptop"))
    laptop.send(desk)
    second = desk.store().save(note(3, "at the desk", hour=10))
    desk.send(laptop)

    assert month_names(laptop) == sorted([
        f"2026-11.{laptop.id}.json", f"2026-11.{desk.id}.json",
        f"device.{laptop.id}.json", f"device.{desk.id}.json"])
    assert laptop.store().all() == desk.store().all() == [first, second]
    assert laptop.id != desk.id  # one identity a machine, made on its first save


def test_an_edit_made_after_seeing_a_version_wins_though_the_clock_is_hours_behind(laptop,
                                                                                   desk):
    entry = laptop.store().save(note(3, "first words"))
    laptop.send(desk)
    desk.store().save(entry.with_changes(note="edited at the desk"))  # clock 3 h behind
    desk.send(laptop)
    assert laptop.notes() == desk.notes() == {entry.id: "edited at the desk"}
    # The laptop's own file no longer needs its old version after its next save there.
    laptop.store().save(note(4, "another"))
    laptop_file = json.loads((laptop.history / f"2026-11.{laptop.id}.json").read_text())
    assert "first words" not in json.dumps(laptop_file)


def test_two_edits_made_without_seeing_each_other_resolve_the_same_on_both(laptop, desk):
    entry = laptop.store().save(note(3, "first words"))
    laptop.send(desk)
    laptop.store().save(entry.with_changes(note="laptop's edit"))
    desk.store().save(entry.with_changes(note="desk's edit"))
    both = Machine(laptop.data.parent.parent, "both")
    laptop.send(both)
    shutil.copy2(desk.history / f"2026-11.{desk.id}.json", both.history)
    shutil.copy2(desk.history / f"device.{desk.id}.json", both.history)
    shutil.copy2(laptop.history / f"2026-11.{laptop.id}.json", desk.history)
    assert both.notes() == desk.notes()
    assert list(desk.notes().values()) == ["laptop's edit"]  # its clock is ahead: it is later


def test_a_deletion_travels_and_an_old_copy_arriving_later_does_not_bring_it_back(laptop,
                                                                                  desk):
    entry = laptop.store().save(note(3, "to be deleted"))
    laptop.send(desk)
    old_copy = (laptop.history / f"2026-11.{laptop.id}.json").read_bytes()
    assert desk.store().delete(entry) is True
    desk.send(laptop)
    assert laptop.notes() == desk.notes() == {}
    # A backup of the laptop's file comes back (restored by hand, or synced late).
    (laptop.history / f"2026-11.{laptop.id} (conflicted copy 2026-11-26).json").write_bytes(
        old_copy)
    assert laptop.notes() == {}
    # The laptop's next save in that month gathers the copy: the text is gone from its files.
    laptop.store().save(note(5, "later"))
    texts = "".join(p.read_text() for p in laptop.history.iterdir() if p.suffix == ".json")
    assert "to be deleted" not in texts
    assert not [n for n in month_names(laptop) if classify(n).copy]


def test_import_of_an_export_brings_back_a_deleted_entry(laptop, tmp_path, capsys):
    store = laptop.store()
    entry = store.save(note(3, "kept in an export"))
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"schema": 1, "entries": [entry.to_dict()]}))
    store.delete(entry)
    assert laptop.store().all() == []
    assert laptop.store().add_missing([entry]) == 1
    assert laptop.store().all() == [entry]


# -- conflict copies, half-synced files, placeholders ---------------------------------------------


@pytest.mark.parametrize("copy", [
    "{stem}.sync-conflict-20261126-101500-ABCDEF7.json",
    "{stem} (conflicted copy 2026-11-26).json",
    "{stem} (Sam's conflicted copy 2026-11-26).json",
    "{stem} (conflicted copy 2026-11-26 101500).json",
    "{stem}.json.conflict1",
], ids=["syncthing", "dropbox", "dropbox-host", "nextcloud", "rclone"])
def test_a_conflict_copy_is_read_and_what_it_alone_holds_is_kept_in_this_machines_file(
    laptop, copy
):
    kept = laptop.store().save(note(3, "in both"))
    own = laptop.history / f"2026-11.{laptop.id}.json"
    # The copy holds a version the sync tool kept only there (a write from a second machine
    # with this machine's identity, say: a state folder restored onto it).
    lost = note(5, "a write kept only in the copy")
    document = json.loads(own.read_text())
    document["entries"]["2"] = {**lost.to_dict(), "_rev": f"{NOW_MS + 500_000}:0:{laptop.id}"}
    (laptop.history / copy.format(stem=own.name.removesuffix(".json"))).write_text(
        json.dumps(document))

    assert laptop.notes() == {kept.id: "in both", lost.id: lost.note}
    laptop.store().save(note(6, "a save tidies"))
    assert not [n for n in month_names(laptop) if classify(n).copy]
    assert lost.note in own.read_text()
    assert set(laptop.notes().values()) == {"in both", lost.note, "a save tidies"}


def test_a_half_synced_file_of_another_machine_is_said_once_never_written_and_read_next_time(
    laptop, desk
):
    desk.store().save(note(3, "from the desk"))
    theirs = desk.history / f"2026-11.{desk.id}.json"
    whole = theirs.read_bytes()
    desk.send(laptop)
    half = laptop.history / theirs.name
    half.write_bytes(whole[: len(whole) // 2])  # the sync tool is still copying it

    store = laptop.store()
    assert store.all() == []
    mine = store.save(note(4, "on the laptop"))
    assert half.read_bytes() == whole[: len(whole) // 2]  # never written over, never removed
    [problem] = store.problems.values()
    assert problem.path == half
    assert "is read again next time (a sync tool may still be copying it)" in str(problem)

    half.write_bytes(whole)  # the copy completes
    assert laptop.notes() == {mine.id: "on the laptop",
                              desk.store().all()[0].id: "from the desk"}


def test_a_file_not_downloaded_yet_is_named_once_and_its_name_never_written(laptop, desk):
    desk.store().save(note(3, "from the desk"))
    laptop.store().save(note(2, "first"))
    own = f"2026-11.{laptop.id}.json"
    (laptop.history / own).rename(laptop.history / "away.json")
    (laptop.history / f".{own}.icloud").write_bytes(b"bplist00")  # iCloud's placeholder
    store = laptop.store()
    store.save(note(4, "while the file is in the cloud"))
    assert not (laptop.history / own).exists()
    assert (laptop.history / f"2026-11.{laptop.id}.2.json").exists()
    assert sum("not downloaded yet" in n for n in store.notices) == 1
    store.all()
    assert sum("not downloaded yet" in n for n in store.notices) == 1


# -- files from before each machine had its own ---------------------------------------------------


def legacy_folder(data: Path) -> dict[str, str]:
    """A history as companion wrote it before this version: two numbered files for November
    (an entry edited into the .2 file), one for December, and the lock file."""
    history = data / "history"
    history.mkdir(parents=True)
    first, second = note(3, "written before"), note(4, "also before")
    december = Entry(kind="breathing", started_at=datetime(2026, 12, 2, tzinfo=UTC))
    files = {
        "2026-11.json": [first, second],
        "2026-11.2.json": [first.with_changes(note="edited before, into the .2 file")],
        "2026-12.json": [december],
    }
    for name, entries in files.items():
        docs = {str(n): e.to_dict() for n, e in enumerate(entries, 1)}
        (history / name).write_text(json.dumps({"entries": docs, "_meta": {"1": {"schema": 1}}}))
    (history / ".lock").write_bytes(b"")
    return {first.id: "edited before, into the .2 file", second.id: "also before",
            december.id: ""}


def test_an_upgrade_reads_the_old_files_as_before_and_the_first_write_gathers_a_month(laptop):
    expected = legacy_folder(laptop.data)
    assert laptop.notes() == expected
    new = laptop.store().save(note(5, "after the upgrade"))
    assert month_names(laptop) == sorted([
        "2026-12.json", f"2026-11.{laptop.id}.json", f"device.{laptop.id}.json"])
    assert laptop.notes() == {**expected, new.id: "after the upgrade"}


def test_an_export_made_before_the_upgrade_imports_and_twice_adds_nothing(laptop, tmp_path,
                                                                          capsys, monkeypatch):
    expected = legacy_folder(laptop.data)
    export = tmp_path / "before.json"
    assert main(["--data-dir", str(laptop.data), "export", "--out", str(export)]) == 0
    shutil.rmtree(laptop.data)
    monkeypatch.setenv("COMPANION_STATE_DIR", str(laptop.state))
    for _ in range(2):
        assert main(["--data-dir", str(laptop.data), "import", str(export)]) == 0
    out = capsys.readouterr().out
    assert "Added 3 entries (0 were already here)." in out
    assert "Added 0 entries (3 were already here)." in out
    assert laptop.notes() == expected


def test_while_old_files_are_here_a_save_waits_for_an_older_companion_on_this_machine(
    laptop, monkeypatch
):
    legacy_folder(laptop.data)
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.2)
    with history_lock(laptop.history / ".lock"), pytest.raises(StoreBusy):
        laptop.store().save(note(5, "waits"))
    laptop.store().save(note(5, "gathers November"))
    laptop.store().save(Entry(kind="breathing", started_at=datetime(2026, 12, 5, tzinfo=UTC)))
    assert not [n for n in month_names(laptop) if classify(n).legacy]
    # No file from before is left: an older companion's lock no longer holds anyone up.
    with history_lock(laptop.history / ".lock"):
        laptop.store().save(note(6, "does not wait"))


def test_an_older_companion_writing_after_the_upgrade_loses_nothing(laptop):
    expected = legacy_folder(laptop.data)
    laptop.store().save(note(5, "gathers November"))
    later = note(7, "written by an older companion on another machine")
    (laptop.history / "2026-11.json").write_text(json.dumps(
        {"entries": {"1": later.to_dict()}, "_meta": {"1": {"schema": 1}}}))
    assert laptop.notes()[later.id] == later.note
    assert len(laptop.notes()) == len(expected) + 2


def test_a_file_from_before_kept_as_a_link_stays_where_it_points(laptop, tmp_path):
    expected = legacy_folder(laptop.data)
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (laptop.history / "2026-12.json").rename(dotfiles / "2026-12.json")
    (laptop.history / "2026-12.json").symlink_to(dotfiles / "2026-12.json")
    before = (dotfiles / "2026-12.json").read_bytes()
    added = laptop.store().save(Entry(kind="breathing",
                                      started_at=datetime(2026, 12, 9, tzinfo=UTC)))
    assert (laptop.history / "2026-12.json").is_symlink()
    assert (dotfiles / "2026-12.json").read_bytes() == before
    assert laptop.notes() == {**expected, added.id: ""}


# -- forget ----------------------------------------------------------------------------------------


def test_forget_removes_every_machines_files_here_and_older_files_arriving_stay_forgotten(
    laptop, desk, capsys, monkeypatch
):
    monkeypatch.setenv("COMPANION_STATE_DIR", str(laptop.state))
    desk.store().save(note(3, "from the desk"))
    desk.send(laptop)
    laptop.store().save(note(4, "from the laptop"))
    theirs = (laptop.history / f"2026-11.{desk.id}.json").read_bytes()

    assert main(["--data-dir", str(laptop.data), "forget", "--yes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("Your other machines that share this folder forget it too: each removes "
                      "its own copy the next time it saves.")
    assert month_names(laptop) == sorted([f"device.{desk.id}.json", f"device.{laptop.id}.json"])

    (laptop.history / f"2026-11.{desk.id}.json").write_bytes(theirs)  # arrives again
    assert laptop.notes() == {}
    laptop.send(desk)
    desk.store().save(note(5, "after the forget, at the desk"))  # hours behind, seen it
    desk.send(laptop)
    assert list(laptop.notes().values()) == ["after the forget, at the desk"]
    assert "from the desk" not in (desk.history / f"2026-11.{desk.id}.json").read_text()


# -- issue 13's rules on a machine's own files ----------------------------------------------------


def test_an_entry_in_a_month_too_large_to_rewrite_can_be_edited_and_deleted(laptop,
                                                                            monkeypatch):
    from companion import history as history_module
    from companion import history_files

    monkeypatch.setattr(history_module, "LARGE_MONTH_BYTES", 2_000)
    monkeypatch.setattr(history_files, "LARGE_MONTH_BYTES", 2_000)
    expected = legacy_folder(laptop.data)
    big = laptop.history / "2026-11.json"
    entries = [note(10 + n % 10, f"number {n}") for n in range(30)]
    big.write_text(json.dumps({"entries": {str(n): e.to_dict() for n, e in
                                           enumerate(entries, 1)}, "_meta": {"1": {}}}))
    (laptop.history / "2026-11.2.json").unlink()
    before = big.read_bytes()
    store = laptop.store()
    store.save(entries[0].with_changes(note="edited"))
    assert store.delete(entries[1]) is True
    assert big.read_bytes() == before  # never rewritten, never gathered
    notes = laptop.notes()
    assert notes[entries[0].id] == "edited" and entries[1].id not in notes
    assert len(notes) == len(entries) - 1 + 1  # December's entry is still there
    assert any("never rewrites it" in n for n in store.notices)
    del expected


# -- companion devices ---------------------------------------------------------------------------


def test_devices_lists_each_machine_marks_this_one_and_says_when_each_wrote(laptop, desk,
                                                                           capsys, monkeypatch):
    desk.store().save(note(3, "from the desk"))
    desk.send(laptop)
    laptop.store().save(note(4, "from the laptop"))
    legacy = laptop.history / "2025-01.json"
    legacy.write_text(json.dumps({"entries": {}, "_meta": {"1": {"schema": 1}}}))
    monkeypatch.setenv("COMPANION_STATE_DIR", str(laptop.state))

    assert main(["--data-dir", str(laptop.data), "devices", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(d["id"], d["this_machine"], d["month_files"]) for d in listed["devices"]] == [
        (laptop.id, True, 1), (desk.id, False, 1)]
    assert all(d["name"] for d in listed["devices"])
    assert listed["devices"][1]["last_written"] == datetime.fromtimestamp(
        (NOW_MS - 3 * HOUR_MS + 1000) / 1000).astimezone().isoformat(timespec="seconds")
    assert listed["files_from_before"] == 1 and listed["copies"] == 0

    assert main(["--data-dir", str(laptop.data), "devices"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"2 machines have saved to {laptop.history}:"
    assert lines[2].startswith("  this machine  ") and laptop.id in lines[2]
    assert desk.id in lines[3] and "this machine" not in lines[3]
    assert lines[-1].startswith("Also 1 file from before each machine had its own: read")


def test_a_machines_name_is_shown_as_text_never_as_terminal_commands(laptop, capsys,
                                                                    monkeypatch):
    laptop.store().save(note(3, "x"))
    device_file = laptop.history / f"device.{laptop.id}.json"
    record = json.loads(device_file.read_text())
    record["device"]["name"] = "\x1b]0;pwned\x07evil\u202e"
    device_file.write_text(json.dumps(record))
    monkeypatch.setenv("COMPANION_STATE_DIR", str(laptop.state))
    assert main(["--data-dir", str(laptop.data), "devices"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "evil" in out


def test_devices_with_nothing_saved_says_so(data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "devices"]) == 0
    assert capsys.readouterr().out == f"No machine has saved to {data_dir / 'history'} yet.\n"
    assert not data_dir.exists()


# -- companion delete ----------------------------------------------------------------------------


def test_delete_without_yes_says_which_entry_and_changes_nothing(data_dir, capsys):
    entry = HistoryStore(data_dir).save(note(3, "the morning rush again\x1b[2J"))
    files = {p: p.read_bytes() for p in (data_dir / "history").iterdir()}

    assert main(["--data-dir", str(data_dir), "delete", entry.id]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "companion: this would delete the check-in of Tue 3 Nov 2026 09:00 (activation 6 → –; "
        "\u201cthe morning rush again\ufffd[2J\u201d). It can't be brought back. Nothing was "
        f"changed; to delete it, run `companion delete {entry.id} --yes`.\n")
    assert {p: p.read_bytes() for p in (data_dir / "history").iterdir()} == files


def test_delete_with_yes_deletes_that_entry_alone_whatever_the_case_of_its_id(data_dir,
                                                                             capsys):
    store = HistoryStore(data_dir)
    gone, kept = store.save(note(3, "goes")), store.save(note(4, "stays"))
    assert main(["--data-dir", str(data_dir), "delete", gone.id.upper(), "--yes"]) == 0
    assert capsys.readouterr().out.startswith("Deleted the check-in of Tue 3 Nov 2026 09:00")
    assert HistoryStore(data_dir).all() == [kept]
    assert main(["--data-dir", str(data_dir), "delete", gone.id, "--yes"]) == 1
    assert capsys.readouterr().err.startswith(f"companion: there is no entry with the id "
                                              f"{gone.id} in {data_dir}")


@pytest.mark.parametrize("bad", ["nonsense", "6f1c1a8e6a524c439d3a2b7d1c0e5a11",
                                 "{6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11}", "\x1b[2J"])
def test_delete_of_a_malformed_id_is_a_bad_command_line(data_dir, capsys, bad):
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", str(data_dir), "delete", bad])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("companion: argument ID: takes an entry's id, like ")
    assert len(err.splitlines()) == 1 and "\x1b" not in err


def test_delete_travels_to_the_other_machine(laptop, desk, monkeypatch, capsys):
    entry = laptop.store().save(note(3, "made on the laptop"))
    laptop.send(desk)
    monkeypatch.setenv("COMPANION_STATE_DIR", str(desk.state))
    assert main(["--data-dir", str(desk.data), "delete", entry.id, "--yes"]) == 0
    desk.send(laptop)
    assert laptop.notes() == {}


def test_delete_and_devices_as_real_processes_need_no_textual(data_dir):
    entry = HistoryStore(data_dir).save(note(3, "x"))
    for argv in (["devices"], ["delete", entry.id, "--yes"]):
        script = ("import sys; from companion.cli import main; code = main(sys.argv[1:]); "
                  "assert 'textual' not in sys.modules; sys.exit(code)")
        done = subprocess.run([sys.executable, "-c", script, "--data-dir", str(data_dir),
                               *argv], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert HistoryStore(data_dir).all() == []


def test_the_identity_is_never_in_the_data_folder(laptop):
    laptop.store().save(note(3, "x"))
    assert not list(laptop.data.rglob("device.json"))
    assert (laptop.state / "device.json").is_file()
    assert not HistoryStore(laptop.data, state_dir=laptop.state).lock_path.is_relative_to(
        laptop.data)


def test_a_state_folder_that_cannot_be_made_is_one_clear_error_and_nothing_is_written(
    tmp_path,
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    store = HistoryStore(tmp_path / "data", state_dir=blocker / "state")
    with pytest.raises(storage.StoreError, match="this machine's identity"):
        store.save(note(3, "x"))
    assert not list((tmp_path / "data").rglob("*.json"))
