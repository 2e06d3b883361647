"""The entry model: round trips, and validation naming the field at fault."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from companion.entries import (
    MAX_KEY,
    MAX_LIST,
    MAX_NOTE,
    MAX_SECONDS,
    MAX_WORD,
    Breathing,
    Entry,
    Feeling,
    InvalidEntry,
    Repair,
    check_entry_dict,
)
from companion.vocabulary import KINDS, MAX_CYCLES, QUADRANTS, REPAIR_STATUSES, STATES

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


def test_the_fields_added_later_survive_a_round_trip():
    entry = full_entry().with_changes(
        kind_steps=("thirsty", "need_fresh_air"),
        repair=Repair("partner", "I went cold", "my silence", "made_a_plan", "let_go", None,
                      their_side="to be asked", next_time="say 'I need ten minutes'",
                      to_a_friend=""),
    )
    record = entry.to_dict()
    assert record["kind_steps"] == ["thirsty", "need_fresh_air"]
    assert record["repair"]["status"] == "let_go"
    assert (record["repair"]["their_side"], record["repair"]["next_time"],
            record["repair"]["to_a_friend"]) == ("to be asked", "say 'I need ten minutes'", "")
    assert Entry.from_dict(record) == entry


def test_an_entry_written_before_those_fields_still_reads():
    record = full_entry().to_dict()
    del record["kind_steps"]
    for field in ("their_side", "next_time", "to_a_friend"):
        del record["repair"][field]
    entry = Entry.from_dict(record)
    assert entry.kind_steps == ()
    assert (entry.repair.their_side, entry.repair.next_time, entry.repair.to_a_friend) == (
        "", "", "")
    assert entry == full_entry().with_changes(id=record["id"])


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


UPPER_ID = "6F1C1A8E-6A52-4C43-9D3A-2B7D1C0E5A11"
NOT_A_UUID = ("id must be a UUID with dashes "
              "(like 6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11)")
ACTIVATION = "must be a whole number from 0 to 10"


def breathing(**change) -> dict:
    return {"pattern": "box", "seconds": 64.0, "cycles": 4, "completed": True} | change


def repair(**change) -> dict:
    return {"with_whom": "child", "what_happened": "I snapped", "my_part": "my tone",
            "step": "apologised", "status": "done", "done_at": "2026-11-01T02:00:00-04:00",
            "their_side": "", "next_time": "", "to_a_friend": ""} | change


def feeling(**change) -> dict:
    return {"word": "calm", "quadrant": "low_pleasant"} | change


def one_of(choices: tuple[str, ...]) -> str:
    return ", ".join(choices)


# Every message in full: a test that matched only part of it would pass on a mangled name.
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"surprise": 1}, "unknown field 'surprise'"),
        ({"id": "not-a-uuid"}, f"{NOT_A_UUID}, not 'not-a-uuid'"),
        ({"id": "{6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11}"},
         f"{NOT_A_UUID}, not '{{6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11}}'"),
        ({"id": "6f1c1a8e6a524c439d3a2b7d1c0e5a11"},
         f"{NOT_A_UUID}, not '6f1c1a8e6a524c439d3a2b7d1c0e5a11'"),
        ({"id": ""}, f"{NOT_A_UUID}, not ''"),
        ({"id": 5}, f"{NOT_A_UUID}, not 5"),
        ({"schema": 99}, "schema 99 is not one this version of companion knows"),
        ({"schema": 0}, "schema 0 is not one this version of companion knows"),
        ({"schema": True}, "schema True is not one this version of companion knows"),
        ({"kind": "mood"}, f"kind must be one of {one_of(KINDS)}, not 'mood'"),
        ({"started_at": "yesterday"}, "started_at is not an ISO 8601 time: 'yesterday'"),
        ({"started_at": 5}, "started_at is not an ISO 8601 time: 5"),
        ({"started_at": "2026-11-01T01:30:00"},
         "started_at needs a UTC offset (like +01:00): '2026-11-01T01:30:00'"),
        ({"saved_at": "soon"}, "saved_at is not an ISO 8601 time: 'soon'"),
        ({"saved_at": "2026-11-01T01:41:12"},
         "saved_at needs a UTC offset (like +01:00): '2026-11-01T01:41:12'"),
        ({"complete": "yes"}, "complete must be true or false"),
        ({"activation_before": 11}, f"activation_before {ACTIVATION}, not 11"),
        ({"activation_before": -1}, f"activation_before {ACTIVATION}, not -1"),
        ({"activation_before": True}, f"activation_before {ACTIVATION}, not True"),
        ({"activation_before": "7"}, f"activation_before {ACTIVATION}, not '7'"),
        ({"activation_after": 11}, f"activation_after {ACTIVATION}, not 11"),
        ({"activation_after": 4.5}, f"activation_after {ACTIVATION}, not 4.5"),
        ({"state": "angry"}, f"state must be one of {one_of(STATES)}, not 'angry'"),
        ({"body_signals": "tight_chest"}, "body_signals must be a list of at most 40"),
        ({"body_signals": ["k"] * (MAX_LIST + 1)}, "body_signals must be a list of at most 40"),
        ({"body_signals": [" "]}, "body_signals must not be empty"),
        ({"body_signals": ["k" * (MAX_KEY + 1)]}, "body_signals is longer than 40 characters"),
        ({"needs": "tired"}, "needs must be a list of at most 40"),
        ({"needs": [""]}, "needs must not be empty"),
        ({"needs": [7]}, "needs must be text, not int"),
        ({"note": 5}, "note must be text, not int"),
        ({"note": "x" * (MAX_NOTE + 1)}, "note is longer than 2000 characters"),
        ({"note": "half a pair \ud83d"}, "note holds a broken character (a lone surrogate)"),
        ({"senses_steps": 6}, "senses_steps must be 0 to 5, not 6"),
        ({"senses_steps": -1}, "senses_steps must be 0 to 5, not -1"),
        ({"senses_steps": True}, "senses_steps must be 0 to 5, not True"),
        ({"breathing": "box"}, "breathing must have exactly pattern, seconds, cycles, completed"),
        ({"breathing": {"pattern": "box"}},
         "breathing must have exactly pattern, seconds, cycles, completed"),
        ({"breathing": breathing(pattern=" ")}, "breathing.pattern must not be empty"),
        ({"breathing": breathing(pattern=4)}, "breathing.pattern must be text, not int"),
        ({"breathing": breathing(pattern="p" * (MAX_KEY + 1))},
         "breathing.pattern is longer than 40 characters"),
        ({"breathing": breathing(seconds="64")}, "breathing.seconds must be a number"),
        ({"breathing": breathing(seconds=True)}, "breathing.seconds must be a number"),
        ({"breathing": breathing(seconds=-1)}, "breathing.seconds must be 0 to 86400, not -1"),
        ({"breathing": breathing(seconds=MAX_SECONDS + 0.5)},
         "breathing.seconds must be 0 to 86400, not 86400.5"),
        ({"breathing": breathing(cycles=-1)},
         "breathing.cycles must be a whole number from 0 to 10000, not -1"),
        ({"breathing": breathing(cycles=MAX_CYCLES + 1)},
         "breathing.cycles must be a whole number from 0 to 10000, not 10001"),
        ({"breathing": breathing(cycles=2.0)},
         "breathing.cycles must be a whole number from 0 to 10000, not 2.0"),
        ({"breathing": breathing(completed=1)}, "breathing.completed must be true or false"),
        ({"feelings": {"word": "calm"}}, "feelings must be a list of at most 40"),
        ({"feelings": [feeling()] * (MAX_LIST + 1)}, "feelings must be a list of at most 40"),
        ({"feelings": ["calm"]}, "each feeling must have exactly word and quadrant"),
        ({"feelings": [{"word": "calm"}]}, "each feeling must have exactly word and quadrant"),
        ({"feelings": [feeling(word="")]}, "feelings.word must not be empty"),
        ({"feelings": [feeling(word=None)]}, "feelings.word must be text, not NoneType"),
        ({"feelings": [feeling(word="w" * (MAX_WORD + 1))]},
         "feelings.word is longer than 40 characters"),
        ({"feelings": [feeling(quadrant="good")]},
         f"feelings.quadrant must be one of {one_of(QUADRANTS)}, not 'good'"),
        ({"repair": "I said sorry"}, "repair must be an object or null, not str"),
        ({"repair": {"status": "done", "mood": "better"}}, "unknown field 'repair.mood'"),
        ({"repair": {"with_whom": ""}}, "repair.with_whom must not be empty"),
        ({"repair": {"with_whom": "k" * (MAX_KEY + 1)}},
         "repair.with_whom is longer than 40 characters"),
        ({"repair": {"step": 3}}, "repair.step must be text, not int"),
        ({"repair": {"what_happened": None}}, "repair.what_happened must be text, not NoneType"),
        ({"repair": {"my_part": "x" * (MAX_NOTE + 1)}},
         "repair.my_part is longer than 2000 characters"),
        ({"repair": {"status": "someday"}},
         f"repair.status must be one of {one_of(REPAIR_STATUSES)}, not 'someday'"),
        ({"repair": {"done_at": "later"}}, "repair.done_at is not an ISO 8601 time: 'later'"),
        ({"started_at": None}, "started_at is not an ISO 8601 time: None"),  # mypy found it
        ({"kind_steps": "thirsty"}, "kind_steps must be a list of at most 40"),
        ({"kind_steps": [""]}, "kind_steps must not be empty"),
        ({"repair": {"their_side": 3}}, "repair.their_side must be text, not int"),
        ({"repair": {"next_time": "x" * (MAX_NOTE + 1)}},
         "repair.next_time is longer than 2000 characters"),
        ({"repair": {"to_a_friend": None}}, "repair.to_a_friend must be text, not NoneType"),
    ],
)
def test_invalid_values_are_refused_with_a_message_naming_the_field(change, message):
    record = full_entry().to_dict() | change
    with pytest.raises(InvalidEntry) as refused:
        check_entry_dict(record)
    assert str(refused.value) == message
    with pytest.raises(InvalidEntry) as refused_on_load:
        Entry.from_dict(record)
    assert str(refused_on_load.value) == message


def test_an_id_in_capitals_is_the_same_id_kept_in_lowercase():
    # An export edited by hand may have capitals; a UUID is the same id whatever their case.
    check_entry_dict(full_entry().to_dict() | {"id": UPPER_ID})
    entry = Entry.from_dict(full_entry().to_dict() | {"id": UPPER_ID})
    assert entry.id == UPPER_ID.lower()
    assert entry.to_dict()["id"] == UPPER_ID.lower()
    assert full_entry().with_changes(id=UPPER_ID).id == UPPER_ID.lower()


MINIMAL = {"id": "6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11", "kind": "breathing",
           "started_at": "2026-11-01T01:30:00-04:00"}


def test_an_entry_with_only_its_required_fields_loads_with_the_defaults():
    entry = Entry.from_dict(dict(MINIMAL))
    assert entry == Entry(kind="breathing", id=MINIMAL["id"],
                          started_at=datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK_DST_END))
    assert entry.to_dict() == MINIMAL | {
        "schema": 1, "saved_at": None, "complete": True, "activation_before": None,
        "activation_after": None, "state": None, "body_signals": [], "needs": [], "note": "",
        "breathing": None, "senses_steps": 0, "feelings": [], "repair": None, "kind_steps": [],
    }


def test_a_repair_with_nothing_filled_in_loads_as_planned():
    entry = Entry.from_dict(MINIMAL | {"kind": "repair", "repair": {}})
    assert entry.repair == Repair(with_whom=None, what_happened="", my_part="", step=None,
                                  status="planned", done_at=None)
    assert entry.to_dict()["repair"] == {"with_whom": None, "what_happened": "", "my_part": "",
                                         "step": None, "status": "planned", "done_at": None,
                                         "their_side": "", "next_time": "", "to_a_friend": ""}


@pytest.mark.parametrize(
    "change",
    [
        {"activation_before": 0, "activation_after": 10},
        {"activation_before": 10, "activation_after": 0},
        {"senses_steps": 0}, {"senses_steps": 5},
        {"complete": False}, {"state": None}, {"schema": 1},
        # What the app saves for a break stopped at once, and the longest a record may hold.
        {"breathing": breathing(seconds=0.0, cycles=0, completed=False)},
        {"breathing": breathing(seconds=0, cycles=0)},
        {"breathing": breathing(seconds=MAX_SECONDS, cycles=MAX_CYCLES)},
        {"note": "", "body_signals": [], "needs": [], "feelings": []},
        {"note": "x" * MAX_NOTE},
        {"body_signals": ["k" * MAX_KEY] * MAX_LIST, "needs": ["tired"] * MAX_LIST},
        {"feelings": [feeling(word="w" * MAX_WORD)] * MAX_LIST},
        {"repair": repair(with_whom=None, step=None, done_at=None)},
        {"repair": repair(what_happened="x" * MAX_NOTE, my_part="y" * MAX_NOTE)},
        {"repair": None},
    ],
)
def test_values_at_the_edges_of_what_is_allowed_are_kept(change):
    record = full_entry().to_dict() | change
    check_entry_dict(record)
    saved = Entry.from_dict(record).to_dict()
    assert {field: saved[field] for field in change} == change


def test_times_may_be_given_as_datetimes_with_their_offset():
    started = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK_DST_END)
    entry = Entry.from_dict(MINIMAL | {"started_at": started, "saved_at": started})
    assert (entry.started_at, entry.saved_at) == (started, started)
    with pytest.raises(InvalidEntry, match=r"^started_at needs a UTC offset \(like \+01:00\): "):
        Entry.from_dict(MINIMAL | {"started_at": datetime(2026, 11, 1, 1, 30)})


def test_a_change_makes_a_new_entry_and_leaves_the_old_one_as_it_was():
    entry = full_entry()
    changed = entry.with_changes(note="later", activation_after=3)
    assert (changed.note, changed.activation_after, changed.id) == ("later", 3, entry.id)
    assert (entry.note, entry.activation_after) == (full_entry().note, 5)


@pytest.mark.parametrize("field", ["id", "kind", "started_at"])
def test_a_missing_required_field_is_named(field):
    record = full_entry().to_dict()
    del record[field]
    with pytest.raises(InvalidEntry, match=rf"^missing '{field}'$"):
        Entry.from_dict(record)


@pytest.mark.parametrize(("value", "kind"), [(["an", "entry"], "list"), ("entry", "str"),
                                             (None, "NoneType")])
def test_a_non_object_is_not_an_entry(value, kind):
    with pytest.raises(InvalidEntry, match=rf"^an entry must be an object, not {kind}$"):
        Entry.from_dict(value)


def test_what_you_would_say_to_a_friend_survives_a_round_trip():
    entry = full_entry().with_changes(repair=Repair(
        "myself", "I was harsh with myself", to_a_friend="you did what you could"))
    assert Entry.from_dict(entry.to_dict()) == entry
    assert Entry.from_dict(entry.to_dict()).repair.to_a_friend == "you did what you could"
