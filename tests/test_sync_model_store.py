"""The model of file-sync tools (tests/test_sync_model.py) driving the real store.

The same sync tool, interleavings and properties as the core's model, but each device is a real
HistoryStore on a real folder, with a state folder (its identity) and a clock of its own, hours
off from the others': before a device acts, its folder on disk is made what the sync tool gives
it (half-copied files included); after, whatever the store wrote or removed there goes back to
the sync tool as that device's change. Saves, edits, deletes and forgets are the store's own;
"tidy" is a save in every month the device has files for (that is when the store tidies).

COMPANION_SYNC_STORE_EXAMPLES sets how many interleavings (30 by default, to keep the suite
quick; 300 is a good long run, about ten minutes).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sync_model import (
    DEVICES,
    HOUR,
    MONTHS,
    OPERATIONS,
    Slot,
    World,
    converge_and_check,
    run,
)

from companion.device import Device, give_identity
from companion.entries import Entry
from companion.history import HistoryStore
from companion.sync_names import Kind, classify
from companion.sync_stamps import Stamp

EXAMPLES = int(os.environ.get("COMPANION_SYNC_STORE_EXAMPLES", "30"))


@dataclass(frozen=True)
class Shown:
    """An entry as a device's store shows it (compared whole between devices)."""

    record: dict[str, Any]


class StoreWorld(World):
    def __init__(self, root: Path, offsets: list[int], seed: int) -> None:
        super().__init__(offsets, seed)
        self.root = root
        self.disk: dict[str, dict[str, bytes]] = {d: {} for d in DEVICES}
        for device in DEVICES:
            give_identity(self.state(device), Device(device, f"host-{device[0]}"))
            self.history_dir(device).mkdir(parents=True)

    def data(self, device: str) -> Path:
        return self.root / device / "data"

    def state(self, device: str) -> Path:
        return self.root / device / "state"

    def history_dir(self, device: str) -> Path:
        return self.data(device) / "history"

    def store(self, device: str) -> HistoryStore:
        return HistoryStore(self.data(device), fsync=False, state_dir=self.state(device),
                            clock=lambda: self.now(device))

    # -- the device's folder on disk, and back --------------------------------------------------

    def lay_out(self, device: str) -> None:
        """Make the folder on disk what the sync tool has given this device."""
        wanted = {name: slot.data for name, slot in self.folders[device].items()
                  if slot.data is not None}
        folder, on_disk = self.history_dir(device), self.disk[device]
        for name in set(on_disk) - set(wanted):
            (folder / name).unlink()
            del on_disk[name]
        for name, data in wanted.items():
            if on_disk.get(name) != data:
                (folder / name).write_bytes(data)
                on_disk[name] = data

    def take_back(self, device: str, *, forgetting: bool) -> None:
        """What the store wrote and removed, handed to the sync tool as this device's change."""
        folder, before = self.history_dir(device), self.disk[device]
        after = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}
        for name in sorted(set(before) | set(after)):
            if before.get(name) == after.get(name):
                continue
            info = classify(name)
            if name in after:
                assert info.owned_by(device), f"{device} wrote {name}, not its own"
            else:
                assert forgetting or info.owned_by(device) or info.copy is not None or (
                    info.legacy), f"{device} removed {name}, another device's file"
                slot = self.folders[device].get(name)
                assert forgetting or slot is None or slot.complete, (
                    f"{device} removed {name}, which was still being copied")
            self._write(device, name, after.get(name))
        self.disk[device] = after

    # -- what a person does, through the store ----------------------------------------------------

    def _own_documents(self, device: str) -> list[dict[str, Any]]:
        return [json.loads(data) for name, data in self.disk[device].items()
                if classify(name).owned_by(device)]

    def _stamp_of(self, device: str, key: str) -> Stamp:
        stamps = [Stamp.parse(doc["_rev"]) for document in self._own_documents(device)
                  for doc in document.get("entries", {}).values() if doc["id"] == key]
        return max(stamps)

    def save(self, device: str, record: dict[str, Any]) -> None:
        knows = self.knows(device)
        self.lay_out(device)
        self.store(device).save(Entry.from_dict(record))
        self.take_back(device, forgetting=False)
        self.event("version", record["id"], record, self._stamp_of(device, record["id"]), knows)

    def new_entry(self, device: str, month: int) -> None:
        self.texts += 1
        key = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        entry = Entry(kind="checkin", id=key, started_at=datetime.fromisoformat(MONTHS[month]),
                      note=f"note {self.texts}")
        self.save(device, entry.to_dict())

    def view(self, device: str) -> dict[str, Shown]:  # type: ignore[override]
        self.lay_out(device)
        return {e.id: Shown(e.to_dict()) for e in self.store(device).all()}

    def delete(self, device: str, pick: int) -> None:
        view = self.view(device)
        if view:
            self._delete(device, view[sorted(view)[pick % len(view)]].record)

    def _delete(self, device: str, record: dict[str, Any]) -> None:
        key = record["id"]
        knows = self.knows(device)
        self.lay_out(device)
        assert self.store(device).delete(Entry.from_dict(record))
        self.take_back(device, forgetting=False)
        [record] = [d for d in self._own_documents(device) if "deleted" in d]
        stamp = Stamp.parse(record["deleted"][key]["rev"])
        self.event("delete", key, None, stamp, knows)

    def forget(self, device: str) -> None:
        knows = self.knows(device)
        self.lay_out(device)
        self.store(device).forget()
        self.take_back(device, forgetting=True)
        [record] = [d for d in self._own_documents(device) if "forgotten" in d]
        self.event("forget", None, None, Stamp.parse(record["forgotten"]), knows)

    def tidy(self, device: str) -> None:
        """A write in every month this device has files for, leaving the history as it was:
        an entry saved there and deleted again."""
        months = sorted({classify(name).month for name in self.listing(device)
                         if classify(name).kind is Kind.MONTH})
        for month in months:
            self.new_entry(device, next(i for i, m in enumerate(MONTHS) if _utc_month(m) == month))
            self._delete(device, self.events[-1].record or {})

    # -- histories from before, as valid entries ------------------------------------------------

    def seed_legacy(self) -> None:
        first = _entry("00000000-0000-4000-8000-000000000000", MONTHS[1], "legacy, first file")
        second = _entry("11111111-1111-4111-8111-111111111111", MONTHS[1], "legacy")
        edited = {**first, "note": "legacy, edited into the .2 file"}
        files = {
            "2026-11.json": {"_meta": {"1": {"schema": 1}}, "entries": {"1": first, "2": second}},
            "2026-11.2.json": {"_meta": {"1": {"schema": 1}}, "entries": {"1": edited}},
        }
        for name, document in files.items():
            for device in DEVICES:
                self.folders[device][name] = Slot(json.dumps(document).encode(), {"old": 1})
            self.history[name] = [json.dumps(document).encode()]
        self.event("version", first["id"], first, Stamp(0, 1, ""), set())
        self.event("version", second["id"], second, Stamp(0, 1, ""), set())
        self.event("version", edited["id"], edited, Stamp(0, 2, ""), {0})

    def seed_separate_legacy(self) -> None:
        for index, device in enumerate(DEVICES):
            record = _entry(f"{index + 2}" * 8 + "-2222-4222-8222-222222222222", MONTHS[0],
                            f"kept alone on {device}")
            document = {"_meta": {"1": {"schema": 1}}, "entries": {"1": record}}
            month = _utc_month(MONTHS[0])
            self.folders[device][f"{month}.json"] = Slot(json.dumps(document).encode(),
                                                         {device: 1})
            self.history.setdefault(f"{month}.json", []).append(json.dumps(document).encode())
            self.event("version", record["id"], record, Stamp(0, 1, ""), set())


def _entry(key: str, started_at: str, note: str) -> dict[str, Any]:
    return Entry(kind="checkin", id=key, started_at=datetime.fromisoformat(started_at),
                 note=note).to_dict()


def _utc_month(started_at: str) -> str:
    from companion.sync_names import month_of

    return month_of(started_at)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(
    operations=st.lists(OPERATIONS, max_size=40),
    offsets=st.lists(st.integers(-6 * HOUR, 6 * HOUR), min_size=3, max_size=3),
    seed=st.integers(0, 2**32),
    legacy=st.booleans(),
)
def test_every_store_ends_with_the_same_history_and_nothing_is_lost(
    tmp_path_factory, operations: list[tuple[Any, ...]], offsets: list[int], seed: int,
    legacy: bool
) -> None:
    world = StoreWorld(tmp_path_factory.mktemp("machines"), offsets, seed)
    if legacy:
        world.seed_legacy()
        world.seed_separate_legacy()
    run(world, operations)
    converge_and_check(world)
