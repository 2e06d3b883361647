"""A model of file-sync tools moving a shared data folder between machines, and the promises
companion/sync.py keeps under it, over many random interleavings (Hypothesis).

Each device has its own copy of `history/` (names → bytes) and its own clock, hours off from the
others'. It saves, edits, deletes, forgets and tidies exactly as the store will: list the folder,
read the files sync.Folder asks for, plan with sync.Writer, write and remove what the plan says.
A sync tool copies one file at a time, the newer over the older (version vectors, as Syncthing
keeps them), sometimes only half of it (unreadable until the copy is completed), sometimes
leaving an old version behind as a conflict copy in one of the tools' naming styles, or, as
rclone bisync does, renaming a file to `NAME.conflict1` on one side.

Properties, checked after every device has synced with every other:
* every device shows the same history;
* causally: an entry is shown with one of its latest versions unless a deletion or forget that
  no later version had seen exists — so nothing saved is lost unless it was deleted or forgotten,
  a deleted entry never comes back, a forget stays forgotten, and clock skew changes none of it;
* a device only ever writes its own files and removes only its own, copies and legacy files
  (never an unreadable one, except by forget);
* after each device has saved once more and all have synced again, no device's own file holds
  a deleted or forgotten entry, whichever month it was in;
* after each device has tidied once more and all have synced again, the history shown is
  unchanged, only each device's own files are left, and no file holds any text but the winning
  version of a live entry (deleted and forgotten text is gone from the folder).

COMPANION_SYNC_EXAMPLES sets how many interleavings to try (60 by default, so the suite stays
quick; 2000 is a good long run).
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from companion.device import Device
from companion.sync import Folder, Version
from companion.sync_names import Kind, classify, month_of
from companion.sync_stamps import Stamp
from companion.sync_writer import Writer

EXAMPLES = int(os.environ.get("COMPANION_SYNC_EXAMPLES", "60"))
DEVICES = ("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc")
MONTHS = ("2026-10-15T09:00:00+02:00", "2026-11-03T23:30:00-05:00", "2026-12-31T23:59:00-01:00")
HOUR = 3_600_000
START = 1_764_150_900_000

COPY_STYLES = (
    lambda stem, tag: f"{stem}.sync-conflict-20261126-1015{tag:02d}-ABCDEF7.json",
    lambda stem, tag: f"{stem} (conflicted copy 2026-11-{tag % 28 + 1:02d}).json",
    lambda stem, tag: f"{stem} (Sam's conflicted copy 2026-11-{tag % 28 + 1:02d}).json",
    lambda stem, tag: f"{stem} (conflicted copy 2026-11-26 1015{tag:02d}).json",
    lambda stem, tag: f"{stem}.json.conflict{tag}",
)


# -- the sync tool ------------------------------------------------------------------------


@dataclass
class Slot:
    data: bytes | None  # None: deleted (the tool remembers the deletion to pass it on)
    vv: dict[str, int]  # version vector: who changed this name, how often
    complete: bool = True  # False: half copied; the vector is still the old one
    before: bytes | None = None  # while half copied: what the tool still has for this name


def _dominates(a: dict[str, int], b: dict[str, int]) -> bool:
    return all(a.get(k, 0) >= v for k, v in b.items()) and a != b


def _joined(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: max(a.get(k, 0), b.get(k, 0)) for k in {*a, *b}}


# -- events, for the causal oracle -------------------------------------------------------


@dataclass
class Event:
    number: int
    kind: str  # "version", "delete" or "forget"
    key: str | None
    record: dict[str, Any] | None
    before: set[int] = field(default_factory=set)  # every event that happened before it


class World:
    def __init__(self, offsets: list[int], seed: int) -> None:
        self.rng = random.Random(seed)
        self.folders: dict[str, dict[str, Slot]] = {d: {} for d in DEVICES}
        self.offsets = dict(zip(DEVICES, offsets, strict=True))
        self.time = START
        self.events: list[Event] = []
        self.by_item: dict[tuple[str, str, Stamp], int] = {}  # (kind, key, stamp) → event
        self.history: dict[str, list[bytes]] = {}  # every version any file name has had
        self.copies = 0
        self.texts = 0

    # -- the folder a device sees ----------------------------------------------------------

    def listing(self, device: str) -> list[str]:
        return [name for name, slot in self.folders[device].items() if slot.data is not None]

    def folder(self, device: str, months: set[str] | None, *, writing: bool) -> Folder:
        folder = Folder(self.listing(device))
        for name in folder.device_files():
            self._read(device, folder, name)
        if writing and months is not None:
            months = months | folder.months_to_tidy(device)
        for name in folder.month_files(months):
            self._read(device, folder, name)
        return folder

    def _read(self, device: str, folder: Folder, name: str) -> None:
        raw = self.folders[device][name].data
        assert raw is not None
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            folder.add_unreadable(name, "is not valid JSON (it may still be syncing)")
            return
        folder.add(name, data)

    def view(self, device: str) -> dict[str, Version]:
        return self.folder(device, None, writing=False).merge().entries

    def _write(self, device: str, name: str, data: bytes | None) -> None:
        slot = self.folders[device].get(name)
        vv = dict(slot.vv) if slot else {}
        vv[device] = vv.get(device, 0) + 1
        self.folders[device][name] = Slot(data, vv)
        if data is not None:
            self.history.setdefault(name, []).append(data)

    def apply(self, device: str, writer: Writer, folder: Folder, *, forgetting: bool) -> None:
        changes = writer.changes()
        for name, document in changes.writes.items():
            assert classify(name).owned_by(device), f"{device} wrote {name}, not its own"
            self._write(device, name, json.dumps(document).encode())
        for name in changes.removals:
            info = classify(name)
            assert info.owned_by(device) or info.copy is not None or info.legacy, (
                f"{device} removed {name}, another device's file"
            )
            assert forgetting or name not in folder.unreadable, f"{device} removed {name} unread"
            self._write(device, name, None)

    def now(self, device: str) -> int:
        return self.time + self.offsets[device]

    # -- what a person does ------------------------------------------------------------------

    def knows(self, device: str) -> set[int]:
        """Every event whose traces this device can read now."""
        folder = self.folder(device, None, writing=False)
        found: set[int] = set()
        for name in folder.month_files():
            month_file = folder.month_file(name)
            for version in month_file.versions if month_file else ():
                found.add(self.by_item[("version", version.key, version.stamp)])
        for _, record in folder.device_records():
            for tomb in record.deleted.values():
                found.add(self.by_item[("delete", tomb.key, tomb.stamp)])
            if record.forgotten is not None:
                found.add(self.by_item[("forget", "", record.forgotten)])
        return found

    def event(self, kind: str, key: str | None, record: dict[str, Any] | None,
              stamp: Stamp, knows: set[int]) -> None:
        before = set(knows)
        for number in knows:
            before |= self.events[number].before
        self.events.append(Event(len(self.events), kind, key, record, before))
        self.by_item[(kind, key or "", stamp)] = len(self.events) - 1

    def save(self, device: str, record: dict[str, Any]) -> None:
        knows = self.knows(device)
        folder = self.folder(device, {month_of(record["started_at"])}, writing=True)
        writer = Writer(folder, Device(device, f"host-{device[0]}"), self.now(device),
                        {month_of(record["started_at"])})
        stamp = writer.save(record)
        self.apply(device, writer, folder, forgetting=False)
        self.event("version", record["id"], record, stamp, knows)

    def new_entry(self, device: str, month: int) -> None:
        self.texts += 1
        key = f"{self.rng.getrandbits(128):032x}"
        record = {"id": key, "started_at": MONTHS[month], "note": f"note {self.texts}"}
        self.save(device, record)

    def edit(self, device: str, pick: int) -> None:
        view = self.view(device)
        if view:
            version = view[sorted(view)[pick % len(view)]]
            self.texts += 1
            self.save(device, {**version.record, "note": f"edited {self.texts}"})

    def delete(self, device: str, pick: int) -> None:
        view = self.view(device)
        if not view:
            return
        key = sorted(view)[pick % len(view)]
        knows = self.knows(device)
        month = month_of(view[key].record["started_at"])
        folder = self.folder(device, {month}, writing=True)
        writer = Writer(folder, Device(device, "host"), self.now(device), {month})
        assert writer.delete(key)
        stamp = writer._tombstones[key].stamp
        self.apply(device, writer, folder, forgetting=False)
        self.event("delete", key, None, stamp, knows)

    def forget(self, device: str) -> None:
        knows = self.knows(device)
        folder = self.folder(device, None, writing=False)
        writer = Writer(folder, Device(device, "host"), self.now(device), folder.months())
        stamp = writer.forget()
        self.apply(device, writer, folder, forgetting=True)
        self.event("forget", None, None, stamp, knows)

    def tidy(self, device: str) -> None:
        folder = self.folder(device, None, writing=False)
        writer = Writer(folder, Device(device, "host"), self.now(device), folder.months())
        self.apply(device, writer, folder, forgetting=False)

    # -- what the sync tools do --------------------------------------------------------------

    def sync_file(self, src: str, dst: str, name: str, *, partial: bool = False) -> None:
        if src == dst or name not in self.folders[src]:
            return
        s = self.folders[src][name]
        d = self.folders[dst].get(name, Slot(None, {}))
        if not s.complete or (s.vv == d.vv and d.complete):
            return
        if _dominates(s.vv, d.vv) or (s.vv == d.vv and not d.complete):
            if partial and s.data:
                cut = self.rng.randrange(0, len(s.data))
                kept = d.before if not d.complete else d.data
                self.folders[dst][name] = Slot(s.data[:cut], dict(d.vv), False, kept)
            else:
                self.folders[dst][name] = Slot(s.data, dict(s.vv))
        elif not _dominates(d.vv, s.vv):  # changed on both sides
            vv = _joined(s.vv, d.vv)
            mine = d.data if d.complete else d.before  # a tool never keeps a half download
            if s.data is None or mine is None:  # a change beats a deletion, as in Syncthing
                self.folders[dst][name] = Slot(s.data if mine is None else mine, vv)
            else:
                winner, loser = (s.data, mine) if self.rng.random() < 0.5 else (mine, s.data)
                self.folders[dst][name] = Slot(winner, vv)
                self._copy(dst, name, loser)

    def sync_all(self, src: str, dst: str) -> None:
        names = sorted(self.folders[src])
        self.rng.shuffle(names)
        for name in names:
            self.sync_file(src, dst, name)

    def _copy(self, device: str, name: str, data: bytes) -> None:
        self.copies += 1
        stem = name[: -len(".json")] if name.endswith(".json") else name
        style = COPY_STYLES[self.copies % len(COPY_STYLES)]
        copy = style(stem, self.copies)
        assert classify(copy).copy is not None, copy
        self.folders[device][copy] = Slot(data, {f"{device}-copy{self.copies}": 1})

    def stale_copy(self, device: str, pick: int) -> None:
        """An old version of a file comes back as a copy: a conflict, a backup restored."""
        names = sorted(n for n in self.history if classify(n).history)
        if names:
            name = names[pick % len(names)]
            versions = self.history[name]
            self._copy(device, name, versions[(pick // 7) % len(versions)])

    def rclone_rename(self, device: str, pick: int) -> None:
        """rclone bisync without a winner renames the file on both sides to NAME.conflictN."""
        names = sorted(n for n in self.listing(device) if classify(n).history)
        if names:
            name = names[pick % len(names)]
            data = self.folders[device][name].data
            if data is not None and self.folders[device][name].complete:
                self._copy(device, name, data)
                self._write(device, name, None)

    def settle(self) -> None:
        """Sync everything everywhere until nothing changes (every half copy completed)."""
        for _ in range(20):
            before = {d: {n: (s.data, dict(s.vv), s.complete) for n, s in f.items()}
                      for d, f in self.folders.items()}
            for src in DEVICES:
                for dst in DEVICES:
                    if src != dst:
                        self.sync_all(src, dst)
            after = {d: {n: (s.data, dict(s.vv), s.complete) for n, s in f.items()}
                     for d, f in self.folders.items()}
            if after == before:
                return
        raise AssertionError("the sync tool did not settle")

    def seed_legacy(self) -> None:
        """A history from before each machine had its own files, on every device."""
        first = {"id": "0" * 32, "started_at": MONTHS[1], "note": "legacy, first file"}
        second = {"id": "1" * 32, "started_at": MONTHS[1], "note": "legacy"}
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
        """Each machine had its own history before the folder was shared: same names."""
        for index, device in enumerate(DEVICES):
            record = {"id": f"{index + 2}" * 32, "started_at": MONTHS[0],
                      "note": f"kept alone on {device}"}
            document = {"_meta": {"1": {"schema": 1}}, "entries": {"1": record}}
            self.folders[device]["2026-10.json"] = Slot(json.dumps(document).encode(),
                                                        {device: 1})
            self.history.setdefault("2026-10.json", []).append(json.dumps(document).encode())
            self.event("version", record["id"], record, Stamp(0, 1, ""), set())


# -- the properties -----------------------------------------------------------------------


def check_causal_outcome(world: World, view: dict[str, Version]) -> None:
    keys = {e.key for e in world.events if e.kind == "version"}
    for key in keys:
        concerned = [e for e in world.events if e.key == key or e.kind == "forget"]
        latest = [
            e for e in concerned
            if not any(e.number in later.before for later in concerned)
        ]
        versions = [e.record for e in latest if e.kind == "version"]
        kills = [e for e in latest if e.kind != "version"]
        shown = view.get(key)
        if not kills:
            assert shown is not None, f"entry {key} was lost"
        if not versions:
            assert shown is None, f"entry {key} came back after it was deleted or forgotten"
        if shown is not None:
            assert dict(shown.record) in versions, f"entry {key} shows a superseded version"


def check_tidy(world: World, view: dict[str, Version]) -> None:
    for device in DEVICES:
        for name in world.listing(device):
            info = classify(name)
            assert info.kind is Kind.DEVICE or (info.copy is None and not info.legacy), (
                f"{name} is left on {device} after everyone tidied"
            )
            if info.kind is Kind.MONTH:
                document = json.loads(world.folders[device][name].data or b"")
                for doc in document["entries"].values():
                    key = doc["id"]
                    winner = view.get(key)
                    stored = {k: v for k, v in doc.items() if k != "_rev"}
                    assert winner is not None and stored == dict(winner.record), (
                        f"{name} still holds text of {key} that is deleted or superseded"
                    )


OPERATIONS = st.one_of(
    st.tuples(st.just("save"), st.sampled_from(DEVICES), st.integers(0, len(MONTHS) - 1)),
    st.tuples(st.just("edit"), st.sampled_from(DEVICES), st.integers(0, 99)),
    st.tuples(st.just("delete"), st.sampled_from(DEVICES), st.integers(0, 99)),
    st.tuples(st.just("forget"), st.sampled_from(DEVICES)),
    st.tuples(st.just("tidy"), st.sampled_from(DEVICES)),
    st.tuples(st.just("sync"), st.sampled_from(DEVICES), st.sampled_from(DEVICES),
              st.integers(0, 99), st.booleans()),
    st.tuples(st.just("sync_all"), st.sampled_from(DEVICES), st.sampled_from(DEVICES)),
    st.tuples(st.just("stale_copy"), st.sampled_from(DEVICES), st.integers(0, 999)),
    st.tuples(st.just("rclone"), st.sampled_from(DEVICES), st.integers(0, 99)),
    st.tuples(st.just("tick"), st.integers(0, 2 * HOUR)),
)


def run(world: World, operations: list[tuple[Any, ...]]) -> None:
    for operation in operations:
        name, *args = operation
        if name == "save":
            world.new_entry(args[0], args[1])
        elif name == "edit":
            world.edit(args[0], args[1])
        elif name == "delete":
            world.delete(args[0], args[1])
        elif name == "forget":
            world.forget(args[0])
        elif name == "tidy":
            world.tidy(args[0])
        elif name == "sync":
            src, dst, pick, partial = args
            names = sorted(world.folders[src])
            if names:
                world.sync_file(src, dst, names[pick % len(names)], partial=partial)
        elif name == "sync_all":
            world.sync_all(args[0], args[1])
        elif name == "stale_copy":
            world.stale_copy(args[0], args[1])
        elif name == "rclone":
            world.rclone_rename(args[0], args[1])
        elif name == "tick":
            world.time += args[0]


def check_deletions_reached_own_files(world: World, view: dict[str, Version]) -> None:
    for device in DEVICES:
        for name in world.listing(device):
            info = classify(name)
            if info.kind is Kind.MONTH and info.copy is None and not info.legacy:
                document = json.loads(world.folders[device][name].data or b"")
                for doc in document["entries"].values():
                    assert doc["id"] in view, (
                        f"{name} still holds {doc['id']}, deleted or forgotten, after "
                        f"{info.device} saved again"
                    )


def converge_and_check(world: World) -> None:
    world.settle()
    views = {device: world.view(device) for device in DEVICES}
    first = views[DEVICES[0]]
    for device, view in views.items():
        assert view == first, f"{device} shows a different history from {DEVICES[0]}"
    check_causal_outcome(world, first)
    # Each saves once more, anywhere: deletions and forgets made elsewhere reach its own files.
    for device in DEVICES:
        world.new_entry(device, 0)
    world.settle()
    first = world.view(DEVICES[0])
    check_causal_outcome(world, first)
    check_deletions_reached_own_files(world, first)
    for device in DEVICES:
        world.tidy(device)
    world.settle()
    for device in DEVICES:
        assert world.view(device) == first, f"tidying changed what {device} shows"
    check_tidy(world, first)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    operations=st.lists(OPERATIONS, max_size=40),
    offsets=st.lists(st.integers(-6 * HOUR, 6 * HOUR), min_size=3, max_size=3),
    seed=st.integers(0, 2**32),
    legacy=st.booleans(),
)
# Found by this test: a forget whose device file reached b only as rclone's copy of it.
@example(operations=[("forget", DEVICES[0]), ("tidy", DEVICES[1]), ("rclone", DEVICES[0], 0)],
         offsets=[0, 0, 0], seed=0, legacy=True)
# And a model bug it found: a half download must not become a conflict copy.
@example(operations=[("sync_all", DEVICES[0], DEVICES[2]), ("sync_all", DEVICES[1], DEVICES[2]),
                     ("save", DEVICES[0], 1), ("sync", DEVICES[2], DEVICES[1], 27, True)],
         offsets=[0, 0, 0], seed=0, legacy=True)
def test_every_device_ends_with_the_same_history_and_nothing_is_lost(
    operations: list[tuple[Any, ...]], offsets: list[int], seed: int, legacy: bool
) -> None:
    world = World(offsets, seed)
    if legacy:
        world.seed_legacy()
        world.seed_separate_legacy()
    run(world, operations)
    converge_and_check(world)
