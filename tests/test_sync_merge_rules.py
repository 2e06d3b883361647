"""The sync core's rules at their edges (companion/sync.py): which version wins a tie, where a
tombstone and a forget marker stop, which files are a machine's own to tidy, and what a device
file says, compared whole. Every machine must reach the same answer from the same files, also
machines running different versions of companion, so the tie rules are a file format too."""

from __future__ import annotations

from typing import Any

import pytest
from sync_files import (
    DEC,
    HOUR,
    NOV,
    NOW,
    A,
    B,
    C,
    after,
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
from companion.sync import DeviceRecord, Folder, Tombstone
from companion.sync_stamps import Stamp, legacy_stamp
from companion.sync_writer import Writer

# An id with letters in it, as companion makes them (uuid4, lower case).
LETTERED = "6f1cabcd-0000-4000-8000-00000000000a"


def lettered(note: str = "", started_at: str = NOV) -> dict[str, Any]:
    return {**entry(0, note, started_at), "id": LETTERED}


# -- ties --------------------------------------------------------------------------------------


def tie(one: dict[str, Any], other: dict[str, Any], swap: bool) -> dict[str, Any]:
    """Two machines' files holding two versions with the same stamp (either way round): the
    file read first holds `one`, unless swapped."""
    first, second = (other, one) if swap else (one, other)
    return {f"2026-11.{A}.json": month_doc((first, s(0))),
            f"2026-11.{B}.json": month_doc((second, s(0)))}


@pytest.mark.parametrize("swap", [False, True])
def test_two_versions_with_one_stamp_resolve_by_their_content_the_same_everywhere(swap):
    # The same stamp twice can only come from one change copied and then altered by hand or by
    # a tool; whichever it is, every machine must show the same one, whatever order the keys
    # were written in. The canonical form sorts keys: `"note":"b"` is above `"note":"a"` (the
    # file order of the keys would rank `{"id","note",…}` above `{"id","kind",…}`).
    one = {"id": key(1), "note": "a", "kind": "checkin", "started_at": NOV}
    other = {"id": key(1), "kind": "checkin", "note": "b", "started_at": NOV}
    assert notes(folder_of(tie(one, other, swap)).merge()) == {key(1): "b"}


@pytest.mark.parametrize("swap", [False, True])
def test_the_content_tie_compares_text_as_written_not_as_escapes(swap):
    # "é" is above "z" as text; as a JSON escape ("\u00e9") it would be below.
    files = tie(entry(1, "zebra"), entry(1, "été"), swap)
    assert notes(folder_of(files).merge()) == {key(1): "été"}


@pytest.mark.parametrize("swap", [False, True])
def test_the_content_tie_compares_numbers_as_compact_json(swap):
    # {"activation_before":1,"id":…} against {"activation_before":10,"id":…}: "," is below "0".
    low = {**entry(1, "same"), "activation_before": 1}
    high = {**entry(1, "same"), "activation_before": 10}
    merged = folder_of(tie(low, high, swap)).merge()
    assert merged.entries[key(1)].record["activation_before"] == 10


def test_a_version_stamped_exactly_at_a_forget_marker_stays():
    # Forget removes what is stamped *below* its marker.
    marker = s(10, device=B)
    files = {f"2026-11.{A}.json": month_doc((entry(1, "at the marker"), marker),
                                            (entry(2, "just below"), s(10, device=A))),
             f"device.{B}.json": device_doc(B, forgotten=marker)}
    assert notes(folder_of(files).merge()) == {key(1): "at the marker"}


# -- ids in any case ---------------------------------------------------------------------------


def test_an_id_is_one_entry_whatever_its_case_in_files_tombstones_and_changes():
    upper = LETTERED.upper()
    files = {f"2026-11.{B}.json": month_doc(({**lettered("on b"), "id": upper}, s(0, device=B)))}
    merged = folder_of(files).merge()
    assert list(merged.entries) == [LETTERED]
    # A deletion noted in upper case deletes it too.
    gone = {**files, f"device.{C}.json": device_doc(C, deleted={upper: (s(1, device=C),
                                                                         "2026-11")})}
    assert folder_of(gone).merge().entries == {}
    assert list(folder_of(gone).merge().deleted) == [LETTERED]
    # So do a change, an import and a deletion asked for in upper case.
    writer = writer_for(files)
    writer.save({**lettered("edited on a"), "id": upper})
    assert notes(writer.view()) == {LETTERED: "edited on a"}
    assert writer.add_missing([{**lettered("from an export"), "id": upper}]) == 0
    assert writer.delete(upper) and writer.view().entries == {}


# -- a month file ------------------------------------------------------------------------------


def test_an_empty_tinydb_file_is_an_empty_month_not_an_unreadable_one():
    # TinyDB writes "{}" for a database with no table yet.
    folder = folder_of({f"2026-11.{A}.json": {}, f"2026-12.{A}.json": {"_meta": {}}})
    assert folder.unreadable == set() and folder.damaged == set()
    assert folder.merge().entries == {}


@pytest.mark.parametrize("meta", [[], "x", {"1": "x"}, {"1": {"written_at": "yesterday"}},
                                  {"1": {"written_at": -1}}, {"1": {"written_at": True}}])
def test_a_month_files_entries_are_read_whatever_its_meta_says(meta):
    folder = folder_of({f"2026-11.{A}.json": {**month_doc((entry(1, "kept"), s(0))),
                                              "_meta": meta}})
    assert notes(folder.merge()) == {key(1): "kept"} and folder.unreadable == set()
    [device] = folder.devices()
    assert device.last_written is None  # no time companion wrote


def test_an_unstamped_entry_in_a_machines_own_file_ranks_below_the_legacy_files():
    # Hand-edited or restored without its _rev: lower than every legacy file (and every
    # stamped version), so it never undoes what a numbered legacy file says.
    files = {f"2026-11.{A}.json": month_doc((entry(1, "own file, no stamp"), None)),
             f"2026-11.{A}.2.json": month_doc((entry(2, "own second file, no stamp"), None)),
             "2026-11.json": month_doc((entry(1, "legacy"), None),
                                       (entry(2, "legacy too"), None))}
    merged = folder_of(files).merge()
    assert notes(merged) == {key(1): "legacy", key(2): "legacy too"}
    assert merged.entries[key(1)].stamp == legacy_stamp(1)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([1], "does not look like a companion history file"),
        ({"entries": {"1": [1]}}, "has an entry that could not be read (an entry must be an "
                                  "object)"),
        ({"entries": {"1": {"kind": "checkin"}}},
         "has an entry that could not be read (an entry has no id)"),
    ],
)
def test_what_is_wrong_with_a_month_file_is_said_in_words(data, problem):
    folder = folder_of({f"2026-11.{B}.json": data})
    assert folder.problems == {f"2026-11.{B}.json": problem}


# -- a device file -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "does not look like a companion device file"),
        ({**device_doc(B), "schema": 0}, "does not look like a companion device file"),
        ({**device_doc(B), "schema": True}, "does not look like a companion device file"),
        ({**device_doc(B), "schema": "1"}, "does not look like a companion device file"),
        ({**device_doc(B), "schema": 2}, "was written by a newer companion (schema 2)"),
        ({**device_doc(B), "device": B}, "does not name a device companion makes"),
        ({**device_doc(B), "device": {"id": "sams-laptop"}},
         "does not name a device companion makes"),
        ({**device_doc(B), "device": {"id": 7}}, "does not name a device companion makes"),
        ({**device_doc(B), "deleted": [key(1)]}, "does not look like a companion device file"),
        ({**device_doc(B), "applied": "all"}, "does not look like a companion device file"),
        ({**device_doc(B), "forgotten": "soon"},
         "has a version stamp companion cannot read ('soon' is not a version stamp "
         "(wall:counter:device))"),
        ({**device_doc(B), "deleted": {key(1): {"rev": str(s(0)), "month": "2026-13"}}},
         f"has a deletion companion cannot read ('{key(1)}')"),
        (device_doc(C), f"belongs to device {C}, not {B}"),
    ],
)
def test_what_is_wrong_with_a_device_file_is_said_in_words(data, problem):
    folder = folder_of({f"device.{B}.json": data})
    assert folder.problems == {f"device.{B}.json": problem}
    assert folder.device_records() == []


def test_a_device_file_reads_back_as_written():
    record = DeviceRecord(B, "desk", forgotten=s(5, device=B),
                          deleted={key(1): Tombstone(key(1), s(6, device=B), "2026-11")},
                          applied={A: s(2)}, written_at=NOW)
    assert DeviceRecord.from_json(record.to_json()) == record
    assert record.to_json() == {
        "schema": 1, "device": {"id": B, "name": "desk"}, "written_at": NOW,
        "forgotten": str(s(5, device=B)),
        "deleted": {key(1): {"rev": str(s(6, device=B)), "month": "2026-11"}},
        "applied": {A: str(s(2))}}


def test_a_device_file_from_a_hand_or_an_older_tool_is_read_with_what_can_be_read():
    data = {"schema": 1, "device": {"id": B, "name": 42}, "written_at": "noon",
            "deleted": {LETTERED.upper(): {"rev": str(s(1, device=B)), "month": "2026-11"}},
            "applied": {"someone": "not even a stamp", A: str(s(0))}}
    record = DeviceRecord.from_json(data)
    assert record == DeviceRecord(
        B, "", forgotten=None,
        deleted={LETTERED: Tombstone(LETTERED, s(1, device=B), "2026-11")},
        applied={A: s(0)}, written_at=None)
    assert DeviceRecord.from_json({**data, "written_at": 0}).written_at == 0


def test_a_devices_newest_stamp_counts_its_forget_too():
    record = DeviceRecord(B, "b", forgotten=s(9, device=B),
                          deleted={key(1): Tombstone(key(1), s(3, device=B), "2026-11")})
    assert record.newest() == s(9, device=B)
    assert DeviceRecord(B, "b").newest() is None


# -- what the folder holds ---------------------------------------------------------------------


def test_the_folder_lists_each_kind_of_file():
    folder = Folder([
        f"2026-11.{A}.json", f"2026-12.{B}.json", f"2026-11.{B}.json.conflict1", "2026-10.json",
        f"device.{A}.json", f"device.{B}.json.conflict1", f".2026-09.{C}.json.icloud",
        ".lock", "notes.txt",
    ])
    assert folder.month_files() == [
        "2026-10.json", f"2026-11.{A}.json", f"2026-11.{B}.json.conflict1",
        f"2026-12.{B}.json"]
    assert folder.month_files(["2026-11"]) == [f"2026-11.{A}.json",
                                               f"2026-11.{B}.json.conflict1"]
    assert folder.month_files([]) == []
    assert folder.device_files() == [f"device.{A}.json", f"device.{B}.json.conflict1"]
    assert folder.months() == {"2026-10", "2026-11", "2026-12"}
    assert folder.pending() == [f".2026-09.{C}.json.icloud"]
    assert folder.own_months(A) == {"2026-11"} and folder.own_months(B) == {"2026-12"}


def test_a_file_that_arrived_after_the_listing_is_read_as_what_its_name_says():
    folder = Folder([])
    folder.add(f"2026-11.{B}.json", month_doc((entry(1, "late"), s(0, device=B))))
    folder.add_unreadable(f"2026-12.{B}.json", "is not valid JSON")
    assert notes(folder.merge()) == {key(1): "late"}
    assert folder.month_files() == [f"2026-11.{B}.json", f"2026-12.{B}.json"]
    assert folder.read(f"2026-12.{B}.json") and not folder.read(f"2027-01.{B}.json")
    with pytest.raises(ValueError, match=r"^notes\.txt is not a history file$"):
        folder.add("notes.txt", {})


def test_a_file_found_unreadable_after_it_was_read_counts_as_unreadable():
    folder = folder_of({f"2026-11.{B}.json": month_doc((entry(1), s(0, device=B))),
                        f"device.{B}.json": device_doc(B)})
    folder.add_unreadable(f"2026-11.{B}.json", "changed while it was read")
    folder.add_unreadable(f"device.{B}.json", "changed while it was read")
    assert folder.merge().entries == {} and folder.device_records() == []
    assert folder.unreadable == {f"2026-11.{B}.json", f"device.{B}.json"}


def test_merging_some_months_shows_those_months_and_their_deletions():
    files = {
        f"2026-11.{A}.json": month_doc((entry(1, "november"), s(0)), (entry(3), s(0))),
        f"2026-12.{A}.json": month_doc((entry(2, "december", DEC), s(0))),
        f"device.{B}.json": device_doc(B, deleted={
            key(3): (s(1, device=B), "2026-11"),  # in November
            key(4): (s(1, device=B), "2026-12"),  # in December
            # filed under December, but its entry was read in November's file
            key(1): (s(1, device=B), "2026-12")}),
    }
    folder = folder_of(files)
    november = folder.merge(["2026-11"])
    assert notes(november) == {}
    assert november.deleted == {
        key(3): Tombstone(key(3), s(1, device=B), "2026-11"),
        key(1): Tombstone(key(1), s(1, device=B), "2026-12")}
    december = folder.merge(["2026-12"])
    assert notes(december) == {key(2): "december"}
    assert set(december.deleted) == {key(1), key(4)}
    assert set(folder.merge().deleted) == {key(1), key(3), key(4)}


# -- devices -----------------------------------------------------------------------------------


def test_devices_are_listed_by_name_ignoring_case_after_this_machine_and_unnamed_ones_first():
    files = {f"device.{A}.json": device_doc(A, "molly"),
             f"device.{B}.json": device_doc(B, "Mo_desk"),
             f"2026-11.{C}.json": month_doc((entry(1), s(0, device=C)))}  # no device file yet
    listed = folder_of(files).devices()
    assert [(d.id, d.name) for d in listed] == [(C, None), (B, "Mo_desk"), (A, "molly")]


def test_a_devices_last_write_is_its_newest_file_and_copies_and_other_files_do_not_count():
    def month_at(written_at: int, n: int) -> dict[str, Any]:
        return {**month_doc((entry(n), s(0, device=B))),
                "_meta": {"1": {"schema": 1, "written_at": written_at}}}

    files = {
        f"2026-10.{B}.json": month_at(NOW + 5, 1),
        f"2026-11.{B}.json": month_at(NOW + 9, 2),
        f"2026-12.{B}.json": month_at(NOW + 7, 3),
        f"2026-11.{B}.json.conflict1": month_at(NOW + 99, 2),  # a copy: not B's file
        f"device.{B}.json": {**device_doc(B, "desk"), "written_at": NOW + 1},
        f"device.{B}.json.conflict1": {**device_doc(B, "old name"), "written_at": NOW + 99},
        f"device.{C}.json": {**device_doc(C, "phone"), "written_at": NOW + 3},  # no months
        "2026-11.json": month_doc((entry(4), None)),  # legacy: nobody's
    }
    listed = folder_of(files, others=("notes.txt",)).devices(this_machine=C)
    assert [(d.id, d.name, d.this_machine, d.files, d.last_written) for d in listed] == [
        (C, "phone", True, 0, NOW + 3),
        (B, "desk", False, 3, NOW + 9),
    ]


# -- writing -----------------------------------------------------------------------------------


def test_a_writer_names_what_is_wrong_in_one_sentence():
    with pytest.raises(ValueError, match=r"^'Sam' is not a device id$"):
        Writer(Folder([]), Device("Sam", "sam"), NOW)
    unread = [f"2026-11.{B}.json", f"2026-11.{C}.json", f"device.{B}.json",
              f"device.{C}.json"]
    with pytest.raises(ValueError) as refused:
        Writer(Folder(unread), Device(A, "a"), NOW, {"2026-11"})
    assert str(refused.value) == (f"the folder was not read whole: device.{B}.json, "
                                  f"device.{C}.json, 2026-11.{B}.json")
    months = {f"2026-{m:02d}.{B}.json": month_doc() for m in range(8, 13)}
    writer = writer_for(months, months=("2026-12",))
    with pytest.raises(ValueError) as refused:
        writer.forget()
    assert str(refused.value) == ("forget needs every month read, not "
                                  "['2026-08', '2026-09', '2026-10']")


def test_a_writer_needs_only_its_own_months_read():
    folder = Folder([f"2026-11.{B}.json", f"2026-12.{B}.json"])
    folder.add(f"2026-11.{B}.json", month_doc((entry(1), s(0, device=B))))
    writer = Writer(folder, Device(A, "a"), NOW, {"2026-11"})
    writer.save(entry(2, "mine"))
    assert set(writer.changes().writes) == {f"2026-11.{A}.json", f"device.{A}.json"}


def test_the_month_file_written_is_whole_numbered_from_1_and_in_time_order():
    writer = writer_for({}, now=NOW)
    late = {**entry(2, "late"), "started_at": "2026-11-20T10:00:00+00:00"}
    early = {**entry(3, "early"), "started_at": "2026-11-02T10:00:00+00:00"}
    same_time = {**entry(1, "same time, lower id"), "started_at": late["started_at"]}
    stamps = [writer.save(r) for r in (late, early, same_time)]
    assert writer.changes().writes[f"2026-11.{A}.json"] == {
        "_meta": {"1": {"schema": 1, "device": A, "written_at": NOW}},
        "entries": {"1": {**early, "_rev": str(stamps[1])},
                    "2": {**same_time, "_rev": str(stamps[2])},
                    "3": {**late, "_rev": str(stamps[0])}},
    }


def test_each_deletion_in_one_change_is_stamped_above_the_earlier_ones():
    # The first deleted entry was stamped on a clock hours ahead; the second deletion must
    # still come after the first, so another machine can note both with one stamp.
    files = {f"2026-11.{A}.json": month_doc((entry(1), s(0))),
             f"2026-11.{B}.json": month_doc((entry(2), s(5 * HOUR, device=B)))}
    writer = writer_for(files, now=NOW)
    writer.delete(key(2))
    writer.delete(key(1))
    first, second = writer._tombstones[key(2)].stamp, writer._tombstones[key(1)].stamp
    assert (first, second) == (Stamp(NOW + 5 * HOUR, 1, A), Stamp(NOW + 5 * HOUR, 2, A))


def test_changes_made_one_after_another_in_one_writer_are_stamped_in_that_order():
    files = {f"2026-11.{A}.json": month_doc((entry(1, "first"), s(0)), (entry(2), s(0)))}
    writer = writer_for(files, now=NOW)  # the clock has not moved since the file was written
    first = writer.save(entry(1, "edited"))
    second = writer.save(entry(1, "edited again"))
    assert s(0) < first < second
    deleted = writer.delete(key(2))
    earlier_tomb = writer._tombstones[key(2)].stamp
    assert deleted and earlier_tomb > s(0)
    writer.delete(key(1))
    assert writer._tombstones[key(1)].stamp > max(second, earlier_tomb)
    # Saved again after its deletion in the same change: above the deletion, and no tombstone.
    restored = writer.save(entry(2, "restored"))
    assert restored > earlier_tomb
    changes = writer.changes()
    assert list(changes.writes[f"device.{A}.json"]["deleted"]) == [key(1)]
    assert notes(writer.view()) == {key(2): "restored"}


def test_after_a_forget_in_this_change_nothing_is_shown():
    files = {f"2026-11.{A}.json": month_doc((entry(1), s(0)))}
    writer = writer_for(files)
    marker = writer.forget()
    view = writer.view()
    assert view.entries == {} and view.forgotten == marker


def test_our_device_file_is_written_only_when_what_it_says_changes():
    ours = {f"2026-11.{A}.json": month_doc((entry(1), s(0))),
            f"device.{A}.json": device_doc(A, "a-host", forgotten=s(-HOUR),
                                           deleted={key(9): (s(-2), "2026-11")},
                                           applied={B: s(-3, device=B)}),
            f"device.{B}.json": device_doc(B, deleted={key(8): (s(-3, device=B), "2026-10")})}
    writer = writer_for(ours, now=NOW + 5)
    writer.save(entry(2, "new"))
    changes = writer.changes()
    assert set(changes.writes) == {f"2026-11.{A}.json"} and changes.removals == ()
    # A new name is a change.
    renamed = Writer(folder_of(ours), Device(A, "a-laptop"), NOW + 5, {"2026-11"})
    renamed.save(entry(2, "new"))
    assert renamed.changes().writes[f"device.{A}.json"] == {
        **device_doc(A, "a-laptop", forgotten=s(-HOUR), deleted={key(9): (s(-2), "2026-11")},
                     applied={B: s(-3, device=B)}),
        "written_at": NOW + 5}


def test_our_month_file_is_not_rewritten_when_a_deletion_elsewhere_does_not_touch_it():
    files = {f"2026-11.{A}.json": month_doc((entry(1, "ours"), s(0))),
             f"2026-11.{B}.json": month_doc((entry(2, "theirs"), s(0, device=B))),
             f"device.{B}.json": device_doc(B, deleted={key(2): (s(1, device=B), "2026-11")})}
    writer = writer_for(files, months=("2026-12",))
    assert writer.months == {"2026-11", "2026-12"}  # to tidy: B deleted something there
    writer.save(entry(3, "december", DEC))
    changes = writer.changes()
    assert f"2026-11.{A}.json" not in changes.writes
    assert changes.writes[f"device.{A}.json"]["applied"] == {B: str(s(1, device=B))}


def test_a_device_file_of_ours_that_cannot_be_read_is_never_written_over():
    writer = writer_for({}, unreadable=(f"device.{A}.json",))
    writer.delete(key(1))  # nothing to delete: still a save below writes the device file
    writer.save(entry(1))
    changes = writer.changes()
    assert set(changes.writes) == {f"2026-11.{A}.json", f"device.{A}.2.json"}
    assert f"device.{A}.json" not in changes.removals


def test_an_own_version_that_an_identical_newer_one_replaced_leaves_our_file():
    # B saved the entry again without a change: the same record, a newer stamp.
    files = {f"2026-11.{A}.json": month_doc((entry(1, "same"), s(0)), (entry(2), s(0))),
             f"2026-11.{B}.json": month_doc((entry(1, "same"), s(1, device=B)))}
    writer = writer_for(files, now=NOW + 9)
    writer.save(entry(3))
    kept = writer.changes().writes[f"2026-11.{A}.json"]["entries"].values()
    assert [d["id"] for d in kept] == [key(2), key(3)]


def test_a_version_we_hold_and_another_machine_holds_alike_stays_in_our_file():
    # We gathered it from a conflict copy, and the machine's own file came back with it.
    files = {f"2026-11.{B}.json": month_doc((entry(1, "b's"), s(0, device=B))),
             f"2026-11.{C}.json": month_doc((entry(1, "b's"), s(0, device=B)))}
    writer = writer_for(files, device=C, now=NOW + 9)
    writer.save(entry(2, "new"))
    kept = writer.changes().writes[f"2026-11.{C}.json"]["entries"].values()
    assert [(d["id"], d["_rev"]) for d in kept] == [(key(1), str(s(0, device=B))),
                                                    (key(2), str(s(9, device=C)))]


def test_orphans_of_two_months_are_each_removed_once():
    files = {f"2026-11.{B}.json.conflict1": month_doc((entry(1), s(0, device=B))),
             f"2026-12.{B}.json.conflict1": month_doc((entry(2, started_at=DEC),
                                                       s(0, device=B)))}
    writer = writer_for(files, months=("2026-11", "2026-12"))
    writer.save(entry(3))
    changes = writer.changes()
    assert changes.removals == (f"2026-11.{B}.json.conflict1", f"2026-12.{B}.json.conflict1")
    assert notes(folder_of(after(files, changes)).merge()) == {key(1): "", key(2): "",
                                                                key(3): ""}


# -- tidying device files ----------------------------------------------------------------------


def test_a_copy_of_a_device_file_gives_us_the_tombstones_only_it_holds():
    copy = f"device.{B}.json.conflict1"
    files = {
        f"2026-11.{A}.json": month_doc(*((entry(n), s(0)) for n in range(1, 7))),
        f"device.{A}.json": device_doc(A, "a-host", deleted={
            key(4): (s(9), "2026-11"), key(5): (s(1), "2026-11")}),
        f"device.{B}.json": device_doc(B, deleted={
            key(2): (s(5, device=B), "2026-11"), key(3): (s(3, device=B), "2026-11")}),
        copy: device_doc(B, deleted={
            key(1): (s(2, device=B), "2026-11"),  # only the copy: adopted
            key(2): (s(4, device=B), "2026-11"),  # B's own file has a newer one
            key(3): (s(3, device=B), "2026-11"),  # the same one
            key(4): (s(6, device=B), "2026-11"),  # we deleted it later ourselves
            key(5): (s(6, device=B), "2026-11")}),  # ours is older: the copy's, adopted
    }
    writer = writer_for(files, now=NOW + 20)
    changes = writer.changes()
    assert changes.writes[f"device.{A}.json"]["deleted"] == {
        key(1): {"rev": str(s(2, device=B)), "month": "2026-11"},
        key(4): {"rev": str(s(9)), "month": "2026-11"},
        key(5): {"rev": str(s(6, device=B)), "month": "2026-11"}}
    assert changes.removals == (copy,)
    # With the copy gone the history is the same as before.
    assert notes(folder_of(after(files, changes)).merge()) == {key(6): ""}
    assert notes(folder_of(files).merge()) == {key(6): ""}


@pytest.mark.parametrize(
    ("primary", "copied", "ours", "kept"),
    [
        (None, s(5, device=B), None, s(5, device=B)),  # only the copy has it: adopted
        (s(5, device=B), s(2, device=B), None, None),  # B's own file has a newer one
        (s(5, device=B), s(5, device=B), None, None),  # the same one: B holds it
        (s(5, device=B), s(9, device=B), None, s(9, device=B)),  # the copy's is newer
        (None, s(5, device=B), s(20), s(20)),  # our own later forget stays
    ],
)
def test_a_copy_of_a_device_file_gives_us_a_forget_only_it_holds(primary, copied, ours, kept):
    files = {f"device.{B}.json": device_doc(B, forgotten=primary),
             f"device.{B}.json.conflict1": device_doc(B, forgotten=copied),
             f"device.{A}.json": device_doc(A, "a-host", forgotten=ours)}
    changes = writer_for(files, now=NOW + 30).changes()
    device = changes.writes.get(f"device.{A}.json", files[f"device.{A}.json"])
    assert device["forgotten"] == (None if kept is None else str(kept))
    assert changes.removals == (f"device.{B}.json.conflict1",)


def test_of_two_copies_of_a_device_file_the_newest_tombstone_and_forget_are_kept():
    # The first copy read holds the newer of each.
    files = {f"device.{B}.json.conflict1": device_doc(B, forgotten=s(9, device=B), deleted={
                 key(1): (s(15, device=B), "2026-11")}),
             f"device.{B}.json.conflict2": device_doc(B, forgotten=s(7, device=B), deleted={
                 key(1): (s(13, device=B), "2026-11")})}
    device = writer_for(files, now=NOW + 30).changes().writes[f"device.{A}.json"]
    assert device["forgotten"] == str(s(9, device=B))
    assert device["deleted"] == {key(1): {"rev": str(s(15, device=B)), "month": "2026-11"}}


def test_a_copy_of_our_own_device_file_is_gathered_and_removed_and_the_others_files_stay():
    files = {f"device.{A}.json": device_doc(A, "a-host"),
             f"device.{A}.json.conflict1": device_doc(A, "a-host", deleted={
                 key(1): (s(1), "2026-11")}),
             f"device.{B}.json": device_doc(B, deleted={key(2): (s(1, device=B), "2026-11")})}
    changes = writer_for(files, now=NOW + 5).changes()
    assert changes.removals == (f"device.{A}.json.conflict1",)
    assert changes.writes[f"device.{A}.json"] == {
        **device_doc(A, "a-host", deleted={key(1): (s(1), "2026-11")},
                     applied={B: s(1, device=B)}),
        "written_at": NOW + 5}


def test_our_tombstones_below_a_forget_are_dropped_and_one_at_the_marker_stays():
    marker = s(10, device=B)
    files = {f"device.{A}.json": device_doc(A, "a-host", deleted={
                 key(1): (s(5), "2026-11"), key(2): (marker, "2026-11"),
                 key(3): (s(11), "2026-11")}),
             f"device.{B}.json": device_doc(B, forgotten=marker)}
    changes = writer_for(files, now=NOW + 50).changes()
    assert set(changes.writes[f"device.{A}.json"]["deleted"]) == {key(2), key(3)}


def test_what_we_have_acted_on_never_goes_back_and_a_forget_elsewhere_is_acted_on_once():
    # B's device file was restored from an older backup: its newest stamp went back to s(3).
    files = {f"2026-11.{A}.json": month_doc((entry(1), s(0))),
             f"device.{A}.json": device_doc(A, "a-host", applied={B: s(9, device=B)}),
             f"device.{B}.json": device_doc(B, deleted={key(7): (s(3, device=B), "2026-10")}),
             f"device.{C}.json": device_doc(C, forgotten=s(-1, device=C))}
    folder = folder_of(files)
    assert folder.months_to_tidy(A) == {"2026-11"}  # C's forget reaches our file
    writer = Writer(folder, Device(A, "a-host"), NOW + 5, ())
    changes = writer.changes()
    assert changes.writes[f"device.{A}.json"]["applied"] == {
        B: str(s(9, device=B)), C: str(s(-1, device=C))}
    assert folder_of(after(files, changes)).months_to_tidy(A) == set()


def test_a_forget_elsewhere_reaches_only_the_months_of_our_own_files():
    files = {f"2026-11.{A}.json": month_doc((entry(1), s(0))),
             f"2026-12.{C}.json": month_doc((entry(2, started_at=DEC), s(0, device=C))),
             "2026-10.json": month_doc((entry(3), None)),
             f"device.{B}.json": device_doc(B, forgotten=s(1, device=B))}
    assert folder_of(files).months_to_tidy(A) == {"2026-11"}


def test_forget_writes_our_marker_and_names_the_machines_whose_files_stay():
    files = {
        f"2026-11.{B}.json": month_doc((entry(1), s(0, device=B))),
        f"device.{B}.json": device_doc(B, deleted={key(5): (s(2, device=B), "2026-11")}),
        f"device.{C}.json": device_doc(C),  # no month files of its own
        f"2026-11.{C}.json.conflict1": month_doc((entry(2), s(0, device=C))),  # a copy only
        f"device.{A}.json": device_doc(A, "a-host"),
    }
    writer = writer_for(files, now=NOW + 3)
    marker = writer.forget()
    changes = writer.changes()
    assert marker == Stamp(NOW + 3, 0, A)
    assert changes.others == (B,)
    assert changes.removals == (f"2026-11.{C}.json.conflict1",)
    assert changes.writes == {f"device.{A}.json": {
        "schema": 1, "device": {"id": A, "name": "a-host"}, "written_at": NOW + 3,
        "forgotten": str(marker), "deleted": {}, "applied": {B: str(marker)}}}
