"""The Repair step: in a check-in (optional) and on its own ("Add a repair"), done or planned,
with a "good enough" thought offered, never required."""

from __future__ import annotations

from pathlib import Path

from conftest import StepInApp
from textual.widgets import Input, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.entries import MAX_NOTE, Repair
from companion.history import HistoryStore
from companion.screens.repair import RepairScreen
from companion.screens.widgets.leaving import LeaveCheckIn


class RepairStep(StepInApp):
    def make_screen(self) -> RepairScreen:
        return RepairScreen(self.draft)


async def test_a_repair_done_is_kept_with_when(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        await pilot.press("space", "tab")  # my child
        await pilot.press(*"I snapped about shoes", "enter")
        await pilot.press(*"the sharp voice", "enter")
        await pilot.press(*"to be heard, not hurried", "enter")  # what they might have needed
        await pilot.press(*"start earlier", "enter")  # one thing to try next time
        await pilot.press("down", "down", "down", "space")  # said sorry (two a row)
        await pilot.press("tab", "space")  # done
        await pilot.press("enter")
    repair = step.draft.repair
    assert repair is not None and repair.done_at is not None
    assert repair == Repair("child", "I snapped about shoes", "the sharp voice", "apologised",
                            "done", repair.done_at, their_side="to be heard, not hurried",
                            next_time="start earlier")
    assert step.answers == ["next"]


async def test_with_a_child_being_with_them_is_said(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    child = next(p for p in content.people if p.key == "child")
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        assert not step.screen.query_one("#person-hint").display
        await pilot.press("space")  # my child
        assert step.screen.query_one("#person-hint").display
        assert step.text("#person-hint") == child.hint
        assert "being with them" in child.hint
        await pilot.press("right", "space")  # my partner: no hint of its own
        assert not step.screen.query_one("#person-hint").display
    steps = [s.key for s in content.repair_steps]
    assert {"shared_my_side", "stayed_with_them", "made_a_plan"} <= set(steps)
    # Gottman's aftermath order: calm first ("later" a real step), a plan together last.
    assert steps[0] == "will_try_later" and "calm" in content.repair_steps[0].label
    assert steps.index("stayed_with_them") < steps.index("apologised") < steps.index("made_a_plan")
    assert "later is a real step" in content.repair_later


async def test_with_yourself_it_asks_what_you_would_say_to_a_friend(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        asked = {"my-part", "their-side", "to-a-friend", "what-happened", "next-time"}
        shown = {i for i in asked if step.screen.query_one(f"#{i}", Input).display}
        assert shown == asked - {"to-a-friend"}
        await pilot.press("down", "right", "space")  # myself (4 a row)
        shown = {i for i in asked if step.screen.query_one(f"#{i}", Input).display}
        assert shown == asked - {"my-part", "their-side"}  # not "what part is yours to own"
        text = " ".join(str(s.render()) for s in step.screen.query(Static) if s.display)
        assert "What would you say to a friend" in text
        assert "what you did, not who you are" in text and "yours to own" not in text
        await pilot.press("tab", *"I lost it at the bus stop", "enter")
        await pilot.press(*"you were running on empty", "enter")
    assert step.draft.repair == Repair("myself", "I lost it at the bus stop",
                                       to_a_friend="you were running on empty")


async def test_a_repair_can_be_let_go_without_calling_it_done(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        await pilot.press("right", "space")  # my partner
        step.screen.query_one("#status").focus()
        await pilot.press("space")  # done
        assert step.draft.repair.done_at is not None
        await pilot.press("down", "down", "space")  # let it go (one a row)
    assert step.draft.repair == Repair(with_whom="partner", status="let_go", done_at=None)


async def test_the_afraid_line_is_always_in_sight(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        await pilot.pause()
        assert step.text("#afraid") == content.repair_afraid
        form = step.screen.query_one("#repair").region
        assert form.contains_region(step.screen.query_one("#afraid").region)  # in sight


async def test_planned_is_the_default_and_done_can_be_undone(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        await pilot.press("right", "space")  # my partner
        assert step.draft.repair == Repair(with_whom="partner")
        step.screen.query_one("#status").focus()
        await pilot.press("space")
        assert step.draft.repair.status == "done"
        await pilot.press("right", "space", "space")  # planned; a second space keeps it
    assert step.draft.repair == Repair(with_whom="partner", status="planned", done_at=None)


async def test_nothing_entered_is_no_repair(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        await pilot.press("space", "space")  # picked, then unpicked
        await pilot.press("enter")
    assert step.draft.repair is None
    assert step.answers == ["next"]


async def test_a_good_enough_thought_is_offered_and_another_on_r(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        first = step.text("#reframe")
        assert first in content.reframes
        await pilot.press("r")
        second = step.text("#reframe")
        assert second in content.reframes and second != first
        await pilot.press("s")
    assert step.answers == ["skip"] and step.draft.repair is None


async def test_long_answers_are_cut_with_a_note(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        answer = step.screen.query_one("#my-part", Input)
        answer.focus()
        answer.insert_text_at_cursor("y" * (MAX_NOTE + 1))
        await pilot.pause()
        assert step.screen.query_one("#cut").display
    assert step.draft.repair == Repair(my_part="y" * MAX_NOTE)


async def test_escape_in_an_answer_leaves_the_answer_then_goes_back(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        step = await RepairStep(app, pilot).open()
        step.screen.query_one("#what-happened", Input).focus()
        await pilot.press(*"rs", "escape")
        assert step.answers == []
        assert step.draft.repair == Repair(what_happened="rs")  # 's' was typed, not skip
        await pilot.press("escape")
    assert step.answers == ["back"]


async def test_add_a_repair_on_its_own_saves_a_repair_entry(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Add a repair" in titles
        app.action_add_repair()
        await pilot.pause()
        assert isinstance(app.screen, RepairScreen)
        assert "Add a repair" in str(app.screen.query_one(".step-title", Static).render())
        await pilot.press("down", "right", "space")  # myself (4 a row)
        await pilot.press("s")  # no skipping when it is on its own
        assert isinstance(app.screen, RepairScreen)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    [entry] = HistoryStore(data_dir).all()
    assert (entry.kind, entry.complete) == ("repair", True)
    assert entry.repair == Repair(with_whom="myself")
    assert entry.activation_before is None and entry.feelings == ()


async def test_leaving_a_repair_on_its_own_asks_and_keeps_it(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_add_repair()
        await pilot.pause()
        await pilot.press("space", "escape")
        assert isinstance(app.screen, LeaveCheckIn)
        assert str(app.screen.query_one("#question").render()) == "Leave this repair?"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, RepairScreen)
    [entry] = HistoryStore(data_dir).all()
    assert (entry.kind, entry.complete, entry.repair) == ("repair", False, Repair("child"))


async def test_an_empty_repair_on_its_own_saves_nothing(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_add_repair()
        await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, RepairScreen)
    assert HistoryStore(data_dir).all() == []


def test_the_repair_step_looks_right(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await pilot.pause()
        draft = CheckInDraft(id="00000000-0000-4000-8000-000000000003")
        app.push_screen(RepairScreen(draft))
        await pilot.pause()
        await pilot.press("space", "tab", *"we both raised our voices", "enter")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
