"""The entry model: round trips, and validation naming the field at fault."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from companion.entries import (
    MAX_NOTE,
    Breathing,
    Entry,
    Feeling,
    InvalidEntry,
    Repair,
    check_entry_dict,
)

NEW_YORK_DST_END = timezone(timedelta(hours=-4))


def full_entry() -> Entry:
    return Entry(
        kind="checkin",
        started_at=datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK_DST_END),
        saved_at=datetime(2026, 11, 1, 1, 41, tzinfo=NEW_YORK_DST_END),
        activation_before=8,
        activation_after=5,
        state="revved_up",
        body_signals=("tight_chest", "clenched_jaw"),
        needs=("tired",),
        note="[bold]not markup[/] \x1b[31m and 🌧️ e\u0301",
        breathing=Breathing("4-7-8", 57.0, 3, True),
        senses_steps=2,
        feelings=(Feeling("frazzled", "high_unpleasant"), Feeling("my own", "low_unpleasant")),
        repair=Repair("child", "I snapped", "my tone", "apologised", "done",
                      datetime(2026, 11, 1, 2, 0, tzinfo=NEW_YORK_DST_END)),
        complete=True,
    )


def test_an_entry_survives_a_round_trip_through_its_dict_form():
    entry = full_entry()
    assert Entry.from_dict(entry.to_dict()) == entry


def test_times_keep_their_utc_offset_in_the_dict_form():
    record = full_entry().to_dict()
    assert record["started_at"] == "2026-11-01T01:30:00-04:00"
    assert record["repair"]["done_at"] == "2026-11-01T02:00:00-04:00"


def test_free_text_is_kept_exactly_as_typed():
    entry = full_entry()
    assert Entry.from_dict(entry.to_dict()).note == "[bold]not markup[/] \x1b[31m and 🌧️ e\u0301"


def test_new_entries_get_distinct_uuid_ids():
    a = Entry(kind="breathing", started_at=datetime.now(UTC))
    b = Entry(kind="breathing", started_at=datetime.now(UTC))
    assert a.id != b.id
    assert str(uuid.UUID(a.id)) == a.id


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"activation_before": 11}, "activation_before"),
        ({"activation_after": -1}, "activation_after"),
        ({"activation_before": True}, "activation_before"),
        ({"activation_before": "7"}, "activation_before"),
        ({"kind": "mood"}, "kind"),
        ({"state": "angry"}, "state"),
        ({"id": "not-a-uuid"}, "id"),
        ({"started_at": "2026-11-01T01:30:00"}, "UTC offset"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"note": "x" * (MAX_NOTE + 1)}, "note"),
        ({"note": 5}, "note"),
        ({"feelings": [{"word": "calm", "quadrant": "good"}]}, "quadrant"),
        ({"feelings": [{"word": "", "quadrant": "low_pleasant"}]}, "feelings.word"),
        ({"breathing": {"pattern": "box", "seconds": -1, "cycles": 1, "completed": True}},
         "breathing.seconds"),
        ({"breathing": {"pattern": "box"}}, "breathing"),
        ({"repair": {"status": "someday"}}, "repair.status"),
        ({"schema": 99}, "schema"),
        ({"surprise": 1}, "surprise"),
        ({"body_signals": "tight_chest"}, "body_signals"),
    ],
)
def test_invalid_values_are_refused_naming_the_field(change, complaint):
    record = full_entry().to_dict() | change
    with pytest.raises(InvalidEntry, match=complaint):
        check_entry_dict(record)


def test_a_missing_required_field_is_named():
    record = full_entry().to_dict()
    del record["started_at"]
    with pytest.raises(InvalidEntry, match="started_at"):
        Entry.from_dict(record)


def test_a_non_object_is_not_an_entry():
    with pytest.raises(InvalidEntry, match="object"):
        Entry.from_dict(["not", "an", "entry"])


UPPER_ID = "6F1C1A8E-6A52-4C43-9D3A-2B7D1C0E5A11"
NOT_A_UUID = ("id must be a UUID in lowercase with dashes "
              "(like 6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11)")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The same UUID in capitals would be a second entry beside the first in the history.
        ({"id": UPPER_ID}, f"{NOT_A_UUID}, not '{UPPER_ID}'"),
        ({"id": ""}, f"{NOT_A_UUID}, not ''"),
        ({"id": 5}, f"{NOT_A_UUID}, not 5"),
        ({"repair": "I said sorry"}, "repair must be an object or null, not str"),
        ({"repair": {"status": "done", "mood": "better"}}, "unknown field 'repair.mood'"),
        ({"breathing": {"pattern": "box", "seconds": 1.0, "cycles": 10_001, "completed": True}},
         "breathing.cycles must be a whole number from 0 to 10000, not 10001"),
    ],
)
def test_ids_repairs_and_breath_counts_are_refused_saying_exactly_what_fits(change, message):
    with pytest.raises(InvalidEntry) as refused:
        check_entry_dict(full_entry().to_dict() | change)
    assert str(refused.value) == message
