"""Merging every machine's files and planning what one machine writes (companion/sync.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sync_files import (
    DEC,
    HOUR,
    NOW,
    A,
    B,
    C,
    device_doc,
    entry,
    folder_of,
    key,
    month_doc,
    notes,
    s,
    writer_for,
)

from companion.device import Device
from companion.entries import InvalidEntry, check_entry_dict
from companion.sync import Folder
from companion.sync_stamps import Stamp, legacy_stamp
from companion.sync_writer import Writer

# -- merging --------------------------------------------------------------------------------


def test_every_machines_entries_are_shown_together() -> None:
    folder = folder_of({
        f"2026-11.{A}.json": month_doc((entry(1, "on a"), s(0))),
        f"2026-11.{B}.json": month_doc((entry(2, "on b"), s(5, device=B))),
        "2026-11.json": month_doc((entry(3, "from before"), None)),
    })
    assert notes(folder.merge()) == {key(1): "on a", key(2): "on b", key(3): "from before"}


def test_the_later_stamp_wins_whichever_file_holds_it() -> None:
    files = {
        f"2026-11.{A}.json": month_doc((entry(1, "made on a"), s(0))),
        f"2026-11.{B}.json": month_doc((entry(1, "edited on b"), s(0, 1, B))),
    }
    assert notes(folder_of(files).merge()) == {key(1): "edited on b"}
    assert notes(folder_of(dict(reversed(files.items()))).merge()) == {key(1): "edited on b"}


def test_a_stamped_version_beats_a_legacy_one_and_a_later_legacy_file_wins() -> None:
    folder = folder_of({
        "2026-11.json": month_doc((entry(1, "first"), None), (entry(2, "old"), None)),
        "2026-11.2.json": month_doc((entry(1, "saved beside a damaged file"), None)),
        f"2026-11.{A}.json": month_doc((entry(2, "edited after upgrading"), s(-99 * HOUR))),
    })
    merged = folder.merge()
    assert notes(merged) == {key(1): "saved beside a damaged file",
                             key(2): "edited after upgrading"}
    assert merged.entries[key(1)].stamp == legacy_stamp(2)


def test_a_tombstone_beats_every_version_below_it_and_no_version_above() -> None:
    folder = folder_of({
        f"2026-11.{A}.json": month_doc((entry(1, "deleted"), s(0)), (entry(2, "saved again"),
                                                                     s(9))),
        f"2026-11.{A}.sync-conflict-20261126-101500-ABCDEF7.json": month_doc(
            (entry(1, "an old copy arriving late"), s(-HOUR))),
        f"device.{B}.json": device_doc(B, deleted={key(1): (s(1, device=B), "2026-11"),
                                                   key(2): (s(2, device=B), "2026-11")}),
    })
    merged = folder.merge()
    assert notes(merged) == {key(2): "saved again"}
    assert set(merged.deleted) == {key(1)}


def test_at_the_same_stamp_the_version_beats_the_tombstone() -> None:
    folder = folder_of({
        f"2026-11.{A}.json": month_doc((entry(1, "kept"), s(3))),
        f"device.{A}.json": device_doc(A, deleted={key(1): (s(3), "2026-11")}),
    })
    assert notes(folder.merge()) == {key(1): "kept"}


def test_a_forget_removes_everything_below_it_and_every_legacy_entry() -> None:
    folder = folder_of({
        "2026-11.json": month_doc((entry(1, "legacy"), None)),
        f"2026-11.{A}.json": month_doc((entry(2, "before"), s(0)), (entry(3, "after"), s(20))),
        f"device.{B}.json": device_doc(B, forgotten=s(10, device=B)),
    })
    merged = folder.merge()
    assert notes(merged) == {key(3): "after"}
    assert merged.forgotten == s(10, device=B)


def test_ids_are_compared_whatever_their_case() -> None:
    upper = {**entry(1, "upper case id, later"), "id": key(1).upper()}
    folder = folder_of({
        f"2026-11.{A}.json": month_doc((entry(1, "lower"), s(0)), (upper, s(1))),
    })
    assert notes(folder.merge()) == {key(1): "upper case id, later"}


def test_a_stamp_that_cannot_be_read_leaves_the_file_damaged_and_the_rest_read() -> None:
    bad = {**entry(1), "_rev": "yesterday"}
    folder = folder_of({f"2026-11.{B}.json": {"_meta": {"1": {}}, "entries": {
        "1": bad, "2": {**entry(2, "fine"), "_rev": str(s(0, device=B))}}}})
    assert notes(folder.merge()) == {key(2): "fine"}
    assert folder.damaged == {f"2026-11.{B}.json"}
    assert "could not be read" in folder.problems[f"2026-11.{B}.json"]


def test_an_entry_the_store_refuses_leaves_the_file_damaged() -> None:
    folder = folder_of({f"2026-11.{B}.json": month_doc(
        ({**entry(1), "kind": "mystery"}, s(0, device=B)), (entry(2, "fine"), s(0, device=B)))},
        check=check_entry_dict)
    assert notes(folder.merge()) == {key(2): "fine"}
    assert f"2026-11.{B}.json" in folder.damaged
    with pytest.raises(InvalidEntry):
        check_entry_dict({**entry(2), "_rev": "1:0:aaaaaaaaaa"})  # the store strips _rev first


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (f"2026-11.{A}.json", [1, 2], "does not look like"),
        (f"2026-11.{A}.json", {"entries": [1]}, "does not look like"),
        (f"device.{A}.json", {**device_doc(A), "schema": 2}, "newer companion"),
        (f"device.{A}.json", device_doc(B), "belongs to device"),
        (f"device.{A}.json", {**device_doc(A), "forgotten": "soon"}, "stamp"),
        (f"device.{A}.json", {**device_doc(A), "deleted": {"x": {"rev": "1:0:", "month": "x"}}},
         "deletion"),
    ],
)
def test_a_file_of_a_shape_companion_does_not_know_is_unreadable(
    name: str, data: Any, reason: str
) -> None:
    folder = folder_of({name: data})
    assert name in folder.unreadable and reason in folder.problems[name]


versions = st.lists(
    st.tuples(st.integers(1, 4), st.sampled_from([A, B, C]), st.integers(-3, 3),
              st.integers(0, 2), st.sampled_from(["x", "y"])),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(versions, st.randoms(use_true_random=False))
def test_every_machine_merges_the_same_files_to_the_same_history(
    placed: list[tuple[int, str, int, int, str]], rng: Any
) -> None:
    files: dict[str, list[tuple[dict[str, Any], Stamp | None]]] = {}
    for n, device, wall, counter, note in placed:
        files.setdefault(f"2026-11.{device}.json", []).append(
            (entry(n, note), s(wall, counter, A)))
    documents = {name: month_doc(*vs) for name, vs in files.items()}
    shuffled = list(documents.items())
    rng.shuffle(shuffled)
    one = folder_of(documents).merge()
    other = folder_of(dict(shuffled)).merge()
    assert one.entries == other.entries


# -- writing --------------------------------------------------------------------------------


def test_the_first_save_writes_this_machines_month_file_and_its_device_file() -> None:
    writer = writer_for({})
    stamp = writer.save(entry(1, "hello"))
    changes = writer.changes()
    assert set(changes.writes) == {f"2026-11.{A}.json", f"device.{A}.json"}
    month = changes.writes[f"2026-11.{A}.json"]
    assert month["_meta"]["1"] == {"schema": 1, "device": A, "written_at": NOW}
    assert list(month["entries"].values()) == [{**entry(1, "hello"), "_rev": str(stamp)}]
    assert changes.writes[f"device.{A}.json"]["device"] == {"id": A, "name": "a-host"}
    assert changes.removals == ()


def test_an_edit_on_a_clock_hours_behind_beats_the_version_it_saw() -> None:
    ahead = {f"2026-11.{B}.json": month_doc((entry(1, "made on b"), s(5 * HOUR, device=B)))}
    writer = writer_for(ahead, now=NOW)
    writer.save(entry(1, "edited on a"))
    files = {**ahead, **writer.changes().writes}
    assert notes(folder_of(files).merge()) == {key(1): "edited on a"}
    assert f"2026-11.{B}.json" not in writer.changes().writes  # b's file is b's to write


def test_an_entry_saved_after_seeing_a_forget_is_kept_even_on_a_clock_behind() -> None:
    forgot = {f"device.{B}.json": device_doc(B, forgotten=s(5 * HOUR, device=B))}
    writer = writer_for(forgot, now=NOW)
    writer.save(entry(1, "new"))
    assert notes(folder_of({**forgot, **writer.changes().writes}).merge()) == {key(1): "new"}


def test_saving_beside_a_damaged_file_of_ours_uses_the_next_number() -> None:
    damaged = f"2026-11.{A}.json"
    writer = writer_for({}, unreadable=(damaged,))
    writer.save(entry(1))
    changes = writer.changes()
    assert f"2026-11.{A}.2.json" in changes.writes
    assert damaged not in changes.writes and damaged not in changes.removals


def test_a_deletion_leaves_a_tombstone_without_the_text_and_empties_our_file() -> None:
    ours = {f"2026-11.{A}.json": month_doc((entry(1, "private words"), s(0)))}
    writer = writer_for(ours, now=NOW + 1)
    assert writer.delete(key(1).upper())
    changes = writer.changes()
    assert changes.removals == (f"2026-11.{A}.json",)
    device = changes.writes[f"device.{A}.json"]
    assert device["deleted"] == {key(1): {"rev": str(s(1)), "month": "2026-11"}}
    assert "private words" not in json.dumps(changes.writes)


def test_deleting_another_machines_entry_writes_only_our_tombstone() -> None:
    theirs = {f"2026-11.{B}.json": month_doc((entry(1, "on b"), s(0, device=B)),
                                             (entry(2, "stays"), s(0, device=B)))}
    writer = writer_for(theirs)
    assert writer.delete(key(1))
    changes = writer.changes()
    assert set(changes.writes) == {f"device.{A}.json"} and changes.removals == ()
    assert notes(folder_of({**theirs, **changes.writes}).merge()) == {key(2): "stays"}


def test_deleting_what_is_not_there_changes_nothing() -> None:
    writer = writer_for({})
    assert not writer.delete(key(1))
    assert writer.changes().writes == {}


def test_each_deletion_is_stamped_above_our_earlier_ones() -> None:
    # Other machines note how far they have acted on our deletions with one stamp.
    earlier = {f"device.{A}.json": device_doc(A, deleted={key(9): (s(5 * HOUR), "2026-12")}),
               f"2026-11.{B}.json": month_doc((entry(1), s(0, device=B)))}
    writer = writer_for(earlier, now=NOW)
    writer.delete(key(1))
    assert writer._tombstones[key(1)].stamp > s(5 * HOUR)


def test_import_adds_only_missing_entries_and_restores_deleted_ones() -> None:
    files = {
        f"2026-11.{A}.json": month_doc((entry(1, "here"), s(0))),
        f"device.{B}.json": device_doc(B, deleted={key(2): (s(3 * HOUR, device=B), "2026-11")}),
    }
    writer = writer_for(files, now=NOW)
    assert writer.add_missing([entry(1, "from the export"), entry(2, "restored"),
                               entry(3, "new")]) == 2
    merged = folder_of({**files, **writer.changes().writes}).merge()
    assert notes(merged) == {key(1): "here", key(2): "restored", key(3): "new"}


def test_import_after_forget_brings_the_export_back() -> None:
    files = {f"device.{A}.json": device_doc(A, forgotten=s(2 * HOUR))}
    writer = writer_for(files, now=NOW)
    assert writer.add_missing([entry(1, "from the export")]) == 1
    assert notes(folder_of({**files, **writer.changes().writes}).merge()) == {
        key(1): "from the export"}


def test_forget_removes_our_files_legacy_files_and_copies_and_leaves_the_others() -> None:
    files = {
        f"2026-11.{A}.json": month_doc((entry(1), s(0))),
        f"2026-12.{A}.json": month_doc((entry(2, started_at=DEC), s(0))),
        "2026-11.json": month_doc((entry(3), None)),
        f"2026-11.{B}.json.conflict1": month_doc((entry(4), s(0, device=B))),
        f"2026-11.{B}.json": month_doc((entry(5), s(9 * HOUR, device=B))),  # a clock ahead
        f"device.{B}.json": device_doc(B, deleted={key(6): (s(0, device=B), "2026-11")}),
    }
    writer = writer_for(files, now=NOW, months=("2026-11", "2026-12"),
                        unreadable=(f"2026-11.{A}.2.json",))
    marker = writer.forget()
    changes = writer.changes()
    assert set(changes.removals) == {
        f"2026-11.{A}.json", f"2026-12.{A}.json", "2026-11.json", f"2026-11.{A}.2.json",
        f"2026-11.{B}.json.conflict1"}
    assert changes.others == (B,)
    assert marker > s(9 * HOUR, device=B)
    after = {n: d for n, d in files.items() if n not in changes.removals} | changes.writes
    assert folder_of(after).merge().entries == {}
    assert changes.writes[f"device.{A}.json"]["deleted"] == {}


def test_forget_needs_every_month_read() -> None:
    writer = writer_for({f"2026-12.{B}.json": month_doc((entry(1, started_at=DEC), s(0)))},
                        months=())
    with pytest.raises(ValueError, match="every month"):
        writer.forget()


def test_an_entry_only_a_conflict_copy_holds_is_moved_into_our_file_and_the_copy_removed() -> None:
    copy = f"2026-11.{B} (Sam's conflicted copy 2026-11-26).json"
    files = {
        copy: month_doc((entry(1, "only here"), s(0, device=B)), (entry(2, "old"), s(0, device=B))),
        f"2026-11.{B}.json": month_doc((entry(2, "newer"), s(1, device=B))),
    }
    writer = writer_for(files)
    writer.save(entry(3, "new"))
    changes = writer.changes()
    ours = changes.writes[f"2026-11.{A}.json"]["entries"].values()
    assert {d["note"]: d["_rev"] for d in ours} == {"only here": str(s(0, device=B)),
                                                   "new": str(writer.view().entries[key(3)].stamp)}
    assert changes.removals == (copy,)
    after = {n: d for n, d in files.items() if n not in changes.removals} | changes.writes
    assert notes(folder_of(after).merge()) == {key(1): "only here", key(2): "newer", key(3): "new"}


def test_a_copy_that_cannot_be_read_is_left_for_later() -> None:
    copy = f"2026-11.{B}.sync-conflict-20261126-101500-ABCDEF7.json"
    writer = writer_for({}, unreadable=(copy,))
    writer.save(entry(1))
    assert copy not in writer.changes().removals


def test_after_rclone_renamed_our_file_on_both_sides_the_next_save_gathers_it_back() -> None:
    files = {
        f"2026-11.{A}.json.conflict1": month_doc((entry(1, "one"), s(0)), (entry(2, "two"), s(0))),
        f"2026-11.{A}.json.conflict2": month_doc((entry(1, "one, edited"), s(1))),
    }
    before = notes(folder_of(files).merge())
    assert before == {key(1): "one, edited", key(2): "two"}
    writer = writer_for(files, now=NOW + 2)
    writer.save(entry(3, "three"))
    changes = writer.changes()
    assert set(changes.removals) == set(files)
    assert notes(folder_of(changes.writes).merge()) == {**before, key(3): "three"}


def test_legacy_files_are_gathered_into_our_file_at_our_next_write_of_that_month() -> None:
    files = {
        "2026-11.json": month_doc((entry(1, "first"), None), (entry(2, "two"), None)),
        "2026-11.2.json": month_doc((entry(1, "edited"), None)),
    }
    writer = writer_for(files)
    writer.save(entry(3, "new"))
    changes = writer.changes()
    assert set(changes.removals) == set(files)
    merged = folder_of(changes.writes).merge()
    assert notes(merged) == {key(1): "edited", key(2): "two", key(3): "new"}
    assert merged.entries[key(1)].stamp == legacy_stamp(2)  # still below any real change


def test_a_deletion_made_elsewhere_reaches_our_file_at_our_next_save_in_any_month() -> None:
    files = {
        f"2026-11.{A}.json": month_doc((entry(1, "deleted on b"), s(0)), (entry(2), s(0))),
        f"device.{A}.json": device_doc(A),
        f"device.{B}.json": device_doc(B, deleted={key(1): (s(1, device=B), "2026-11")}),
    }
    folder = folder_of(files)
    assert folder.months_to_tidy(A) == {"2026-11"}
    writer = Writer(folder, Device(A, "a-host"), NOW + 5, {"2026-12"})
    writer.save(entry(3, started_at=DEC))
    changes = writer.changes()
    kept = changes.writes[f"2026-11.{A}.json"]["entries"].values()
    assert [d["id"] for d in kept] == [key(2)]
    assert changes.writes[f"device.{A}.json"]["applied"] == {B: str(s(1, device=B))}
    after = {**files, **changes.writes}
    assert folder_of(after).months_to_tidy(A) == set()


def test_a_forget_that_arrived_only_as_a_copy_still_reaches_our_files() -> None:
    files = {
        f"2026-11.{A}.json": month_doc((entry(1), legacy_stamp(1))),
        f"device.{B}.json.conflict1": device_doc(B, forgotten=s(1, device=B)),
    }
    assert folder_of(files).months_to_tidy(A) == {"2026-11"}


def test_a_forget_made_elsewhere_reaches_all_our_months() -> None:
    files = {
        f"2026-11.{A}.json": month_doc((entry(1), s(0))),
        f"2026-12.{A}.json": month_doc((entry(2, started_at=DEC), s(0))),
        f"device.{B}.json": device_doc(B, forgotten=s(1, device=B)),
    }
    assert folder_of(files).months_to_tidy(A) == {"2026-11", "2026-12"}


def test_a_writer_refuses_a_folder_not_read_whole() -> None:
    folder = Folder([f"2026-11.{B}.json", f"device.{B}.json"])
    with pytest.raises(ValueError, match="not read whole"):
        Writer(folder, Device(A, "a"), NOW, {"2026-11"})
    writer = writer_for({}, months=("2026-12",))
    with pytest.raises(ValueError, match="2026-11"):
        writer.save(entry(1))


# -- reading a folder a piece at a time ------------------------------------------------------------


def test_a_month_converted_as_it_is_parsed_reads_as_one_added_whole() -> None:
    name = f"2026-11.{A}.json"
    doc = {**month_doc((entry(1, "one"), s(0)), (entry(2, "two"), s(1))),
           "_meta": {"1": {"schema": 1, "written_at": NOW + 3}}}
    whole = folder_of({name: doc})
    streamed = Folder([])  # a name not listed yet is taken in as it is read
    convert = streamed.converter(name)
    streamed.add_converted(name, (convert(d) for d in doc["entries"].values()), doc["_meta"])
    assert streamed.read(name) and streamed.month_files() == [name]
    assert notes(streamed.merge()) == notes(whole.merge()) == {key(1): "one", key(2): "two"}
    assert streamed.month_file(name).written_at == NOW + 3
    assert streamed.damaged == set() and streamed.problems == {}


def test_an_entry_that_cannot_be_converted_leaves_its_file_damaged_and_the_rest_read() -> None:
    name = f"2026-11.{A}.json"
    folder = Folder([name])
    convert = folder.converter(name)
    found = [convert({"note": "no id"}), convert(["not", "an", "object"]),
             convert({**entry(1, "kept"), "_rev": str(s(0))})]
    assert [isinstance(f, str) for f in found] == [True, True, False]
    assert found[0] == "has an entry that could not be read (an entry has no id)"
    folder.add_converted(name, found, {"1": {"schema": 1}})
    assert folder.damaged == {name}
    assert folder.problems[name] == found[0]  # the first reason is the one said
    assert notes(folder.merge()) == {key(1): "kept"}


def test_a_legacy_file_converted_as_it_is_parsed_keeps_its_rank() -> None:
    files = {"2026-11.json": month_doc((entry(1, "first"), None)),
             "2026-11.2.json": month_doc((entry(1, "later legacy"), None))}
    folder = Folder(list(files))
    for name in folder.month_files():
        convert = folder.converter(name)
        folder.add_converted(name, map(convert, files[name]["entries"].values()), {})
    assert notes(folder.merge()) == {key(1): "later legacy"}
    assert folder.merge().entries[key(1)].stamp == legacy_stamp(2)


def test_a_file_gone_since_the_listing_is_dropped_whole() -> None:
    gone, kept = f"2026-11.{B}.json", f"2026-11.{A}.json"
    folder = folder_of({gone: month_doc((entry(1, "gone"), s(0, device=B))),
                        kept: month_doc((entry(2, "here"), s(0))),
                        f"device.{B}.json": device_doc(B, "laptop")})
    folder.drop(gone)
    folder.drop(f"device.{B}.json")
    assert folder.month_files() == [kept] and folder.device_files() == []
    assert not folder.read(gone)
    assert notes(folder.merge()) == {key(2): "here"}
    assert [d.id for d in folder.devices()] == [A]
    folder.drop("never.listed.json")  # nothing to drop: nothing changes
    assert folder.month_files() == [kept]


def test_released_months_are_let_go_and_the_others_kept() -> None:
    folder = folder_of({
        f"2026-11.{A}.json": month_doc((entry(1, "november"), s(0))),
        f"2026-11.{B}.json": month_doc((entry(2, "november too"), s(0, device=B))),
        f"2026-12.{A}.json": month_doc((entry(3, "december", started_at=DEC), s(0))),
        f"device.{A}.json": device_doc(A, "desk"),
    })
    folder.release(["2026-11"])
    assert notes(folder.merge()) == {key(3): "december"}
    assert not folder.read(f"2026-11.{A}.json") and folder.read(f"2026-12.{A}.json")
    assert folder.month_files() == [f"2026-11.{A}.json", f"2026-11.{B}.json",
                                    f"2026-12.{A}.json"]  # still listed: only let go
    assert [r.name for _, r in folder.device_records()] == ["desk"]


def test_a_file_kept_as_it_is_counts_and_is_marked_never_to_be_written() -> None:
    name = f"2026-11.{B}.json"
    folder = folder_of({name: month_doc((entry(1, "theirs"), s(0, device=B)))})
    folder.keep_as_is(name)
    assert folder.damaged == {name} and name not in folder.problems
    assert notes(folder.merge()) == {key(1): "theirs"}


def test_devices_lists_each_machine_with_its_name_and_last_write() -> None:
    files = {
        f"2026-11.{A}.json": {**month_doc((entry(1), s(0))),
                              "_meta": {"1": {"schema": 1, "written_at": NOW + 7}}},
        f"2026-12.{A}.json": month_doc((entry(2, started_at=DEC), s(0))),
        f"device.{A}.json": device_doc(A, "desk"),
        f"2026-11.{B}.json": month_doc((entry(3), s(0, device=B))),
    }
    listed = folder_of(files).devices(this_machine=B)
    assert [(d.id, d.name, d.this_machine, d.files, d.last_written) for d in listed] == [
        (B, None, True, 1, None),
        (A, "desk", False, 2, NOW + 7),
    ]


def test_a_written_month_file_is_a_tinydb_file(tmp_path: Any) -> None:
    from tinydb import TinyDB

    writer = writer_for({})
    writer.save(entry(1, "hello"))
    path = tmp_path / f"2026-11.{A}.json"
    path.write_text(json.dumps(writer.changes().writes[path.name]))
    with TinyDB(path) as db:
        assert [doc["note"] for doc in db.table("entries").all()] == ["hello"]


def test_the_sync_core_needs_no_textual() -> None:
    import subprocess
    import sys

    code = ("import sys, companion.sync, companion.device; "
            "assert not [m for m in sys.modules if m.split('.')[0] in ('textual', 'tinydb')]")
    subprocess.run([sys.executable, "-c", code], check=True)
