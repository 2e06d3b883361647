"""A check-in in progress: what it holds at the start, when it counts as empty, and the entry
it becomes, finished or left part-way."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from companion.checkin import NO_REPAIR, STEPS, CheckInDraft, entered_repair, walk
from companion.entries import Breathing, Entry, Feeling, Repair

PARIS_WINTER = timezone(timedelta(hours=1))
STARTED = datetime(2026, 11, 18, 7, 45, tzinfo=PARIS_WINTER)


def test_the_steps_go_notice_ground_name_repair():
    assert STEPS == ("notice", "ground", "name", "repair")


def test_a_new_draft_is_an_empty_check_in_starting_now():
    before = datetime.now().astimezone()
    draft = CheckInDraft()
    assert before <= draft.started_at <= datetime.now().astimezone()
    assert draft.started_at.utcoffset() is not None  # a time with its offset, as entries keep
    assert str(uuid.UUID(draft.id)) == draft.id
    assert (draft.kind, draft.activation_before, draft.activation_after, draft.state) == (
        "checkin", None, None, None)
    assert (draft.body_signals, draft.needs, draft.note, draft.feelings) == ([], [], "", [])
    assert (draft.breathing, draft.senses_steps, draft.repair) == (None, 0, None)
    assert draft.is_empty()
    assert CheckInDraft().id != draft.id


def test_drafts_do_not_share_their_lists():
    first, second = CheckInDraft(), CheckInDraft()
    first.needs.append("tired")
    assert second.needs == [] and second.is_empty()


def test_a_repair_logged_on_its_own_is_empty_until_something_is_entered():
    draft = CheckInDraft(kind="repair", started_at=STARTED)
    assert draft.is_empty()
    draft.repair = Repair(with_whom="partner")
    assert not draft.is_empty()


@pytest.mark.parametrize(
    "entered",
    [
        {"activation_before": 0},  # a 0 is something said, not nothing
        {"activation_after": 0},
        {"state": "steady"},
        {"body_signals": ["tight_chest"]},
        {"needs": ["tired"]},
        {"note": " "},
        {"breathing": Breathing("box", 0.0, 0, False)},
        {"senses_steps": 1},
        {"feelings": [Feeling("calm", "low_pleasant")]},
        {"repair": Repair()},
    ],
)
def test_anything_entered_makes_the_draft_worth_keeping(entered):
    draft = CheckInDraft(started_at=STARTED)
    for name, value in entered.items():
        setattr(draft, name, value)
    assert not draft.is_empty()


def test_a_finished_check_in_becomes_an_entry_holding_all_of_it():
    draft = CheckInDraft(started_at=STARTED, id="00000000-0000-4000-8000-000000000001")
    draft.activation_before = 8
    draft.activation_after = 5
    draft.state = "revved_up"
    draft.body_signals += ["tight_chest", "clenched_jaw"]
    draft.needs.append("tired")
    draft.note = "bedtime again"
    draft.breathing = Breathing("4-7-8", 57.0, 3, True)
    draft.senses_steps = 2
    draft.feelings.append(Feeling("frazzled", "high_unpleasant"))
    draft.repair = Repair(with_whom="child", step="apologised", status="done")
    before = datetime.now().astimezone()
    entry = draft.to_entry(complete=True)
    assert entry.saved_at is not None and entry.saved_at.utcoffset() is not None
    assert before <= entry.saved_at <= datetime.now().astimezone()
    assert entry == Entry(
        id="00000000-0000-4000-8000-000000000001", kind="checkin", started_at=STARTED,
        saved_at=entry.saved_at, complete=True, activation_before=8, activation_after=5,
        state="revved_up", body_signals=("tight_chest", "clenched_jaw"), needs=("tired",),
        note="bedtime again", breathing=Breathing("4-7-8", 57.0, 3, True), senses_steps=2,
        feelings=(Feeling("frazzled", "high_unpleasant"),),
        repair=Repair(with_whom="child", step="apologised", status="done"))


def test_a_check_in_left_part_way_is_saved_as_what_it_is():
    draft = CheckInDraft(kind="repair", started_at=STARTED)
    draft.repair = Repair(with_whom="partner", what_happened="cold shoulder")
    entry = draft.to_entry(complete=False)
    assert (entry.kind, entry.complete, entry.repair, entry.id) == (
        "repair", False, Repair(with_whom="partner", what_happened="cold shoulder"), draft.id)
    # The entry keeps what the draft held then; later typing changes only the draft.
    draft.needs.append("lonely")
    assert entry.needs == ()


@pytest.mark.parametrize(
    ("repair", "kept"),
    [
        (NO_REPAIR, False),
        (Repair(), False),
        (Repair(status="done"), True),  # "it is done" is an answer on its own
        (Repair(with_whom="myself"), True),
        (Repair(what_happened="I snapped"), True),
        (Repair(step="hug"), True),
    ],
)
def test_a_repair_counts_once_anything_but_the_default_status_is_set(repair, kept):
    assert entered_repair(repair) == (repair if kept else None)


def test_the_kind_steps_taken_are_kept_in_the_entry():
    draft = CheckInDraft(started_at=STARTED)
    draft.needs += ["thirsty", "tired"]
    draft.kind_steps.append("thirsty")
    entry = draft.to_entry(complete=False)
    assert (entry.needs, entry.kind_steps) == (("thirsty", "tired"), ("thirsty",))


# -- walking the steps ---------------------------------------------------------------------


def walked(answers: list[str | None]) -> tuple[str, list[str]]:
    """What walk returned, and each step it showed, answering each with the next answer."""
    shown: list[str] = []
    left = iter(answers)

    async def show(step: str) -> str | None:
        shown.append(step)
        return next(left)

    return asyncio.run(walk(show)), shown


def test_every_step_passed_in_order_is_done():
    assert walked(["next", "skip", "next", "next"]) == (
        "done", ["notice", "ground", "name", "repair"])


def test_back_returns_to_the_step_before_and_the_walk_goes_on_from_there():
    assert walked(["next", "next", "back", "next", "back", "back", "next", "next", "skip", "next"]
                  ) == ("done", ["notice", "ground", "name", "ground", "name", "ground",
                                 "notice", "ground", "name", "repair"])


def test_back_from_the_first_step_leaves_and_leave_leaves_at_once():
    assert walked(["back"]) == ("left", ["notice"])
    assert walked(["next", "next", "leave"]) == ("left", ["notice", "ground", "name"])


def test_a_step_closed_without_an_answer_goes_on_as_next_does():
    assert walked([None, None, None, None]) == ("done", ["notice", "ground", "name", "repair"])
