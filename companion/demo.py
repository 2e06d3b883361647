"""`companion demo`: a realistic, varied history to try the app on, never the person's own.

The history is generated, not random each time: every day is seeded by its date, so the same
`--days` on the same day always gives the same entries (and a day keeps its moments when the
range grows). About ten entries a day: check-ins at the times families run hot (the morning
rush, after school, bedtime, the odd sleepless night), quick breathing breaks through the day,
and now and then a repair logged on its own.
"""

from __future__ import annotations

import os
import random
import shlex
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from companion.content import BreathingPattern, Content, load_content
from companion.device import STATE_ENV, Device, DeviceError, give_identity
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.exits import EXIT_OK, EXIT_PROBLEM, EXIT_USAGE
from companion.guidance import suggested_pattern
from companion.history import HistoryStore
from companion.storage import DIR_MODE, StoreError

SEED = "companion-demo-1"
# The machine a demo history is written by, the same for every demo (so the same days give the
# same files); it is a machine of its own in `companion devices`.
DEMO_DEVICE = Device("companionz", "companion demo")

# When the moments happen: (first minute, last minute of the day, weight).
CHECKIN_TIMES = (
    (6 * 60 + 40, 8 * 60 + 50, 3.0),  # the morning rush
    (11 * 60 + 30, 13 * 60 + 30, 1.0),  # midday
    (15 * 60, 18 * 60, 3.0),  # after school, pick-up, dinner
    (18 * 60 + 30, 21 * 60 + 30, 3.0),  # bedtime
    (22 * 60, 23 * 60 + 55, 1.0),  # late evening
    (0, 2 * 60 + 30, 0.4),  # a sleepless night
)
BREATHING_TIMES = ((7 * 60, 22 * 60 + 30, 1.0),)

STATE_WEIGHTS = {"revved_up": 0.55, "shut_down": 0.25, "steady": 0.2}
ACTIVATION = {"revved_up": (5, 10), "shut_down": (3, 8), "steady": (1, 5)}
# How far grounding moved activation: mostly down, sometimes not at all, once in a while up.
DROPS = (-1, 0, 1, 2, 3, 4, 5)
DROP_WEIGHTS = (0.05, 0.1, 0.2, 0.3, 0.2, 0.1, 0.05)

SIGNALS = {
    "revved_up": ("tight_chest", "racing_heart", "clenched_jaw", "hot_face", "shallow_breath",
                  "restless", "shaky", "tense_shoulders", "clenched_fists", "headache"),
    "shut_down": ("numb_foggy", "heavy_limbs", "tears_close", "lump_in_throat",
                  "knot_in_stomach", "headache"),
    "steady": ("tense_shoulders", "headache", "restless", "knot_in_stomach"),
}
QUADRANT_WEIGHTS = {
    "revved_up": {"high_unpleasant": 0.8, "high_pleasant": 0.1, "low_unpleasant": 0.1},
    "shut_down": {"low_unpleasant": 0.8, "high_unpleasant": 0.1, "low_pleasant": 0.1},
    "steady": {"low_pleasant": 0.5, "high_pleasant": 0.35, "low_unpleasant": 0.15},
}

NOTES = (
    "Shoes and coats again, late for school",
    "Bedtime took an hour and a half",
    "Work call ran over and dinner was burning",
    "Sibling fight over the tablet",
    "Didn't sleep well, everything feels loud",
    "Email from school about the trip",
    "We argued about the dishes",
    "Traffic, late for pick-up",
    "Long day, finally sat down",
    "Meltdown in the supermarket queue",
    "Homework standoff at the kitchen table",
    "Felt left out in the meeting",
    "Screen time ended in shouting",
    "Kids asleep, I feel wrung out",
    "They came home late without texting",
    "Handover time changed again",
    "Headache all afternoon",
    "Walked in the park before pick-up",
    "We laughed at breakfast, a good start",
    "Quiet evening, tea by the window",
    "Café with Léa ☕ — lovely",
    "Three things:\n- tired\n- hungry\n- too many tabs open",
    "+1 for the walk after dinner",
    "Woke at 3 and my mind would not stop",
    "Birthday party, so much noise",
    "Someone cut in front of me and I was shaking",
)
WHAT_HAPPENED = {
    "child": ("I snapped about the shoes", "I raised my voice at bedtime",
              "I said 'hurry up' too many times", "I took the tablet away without warning",
              "I wasn't listening when they needed me"),
    "partner": ("I was short with them after work", "I rolled my eyes during the budget talk",
                "I went quiet instead of saying what hurt"),
    "co_parent": ("I sent a sharp text about the handover",),
    "friend": ("I cancelled plans at the last minute",),
    "colleague": ("I interrupted them in the meeting",),
    "myself": ("I was hard on myself all day", "I skipped lunch and pushed through"),
    "other": ("I was curt with the cashier",),
}
MY_PART = ("my tone", "I was rushing", "I was already running on empty",
           "I didn't pause first", "I assumed the worst", "")
PEOPLE_WEIGHTS = {"child": 0.45, "partner": 0.2, "co_parent": 0.1, "myself": 0.1,
                  "friend": 0.05, "colleague": 0.05, "other": 0.05}
PLANNED_STEPS = ("will_try_later", "gave_space", "apologised", "named_it")


# -- the command ----------------------------------------------------------------------------


def run_demo(days: int, out: Path | None) -> int:
    """Write a demo history to `out`, or open the app on one in a temporary folder."""
    if out is not None:
        return _write_to(days, out)
    base = Path(tempfile.mkdtemp(prefix="companion-demo-"))
    try:
        folder, state = base / "data", base / "state"
        write_demo_history(folder, days, state=state)
        # The app saves as the demo's machine too: this machine's own identity and locks are
        # never touched, and everything goes with the temporary folder.
        os.environ[STATE_ENV] = str(state)
        from companion import startup  # only here: --out never imports Textual

        code = startup.run_app(folder).return_code or EXIT_OK
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print("The demo history was in a temporary folder and is gone now; "
          "`companion demo --out DIR` keeps one.")
    return code


def _write_to(days: int, out: Path) -> int:
    out = out.expanduser()
    if out.exists() and not out.is_dir():
        print(f"companion: --out {out} is a file; give a folder for the demo history.",
              file=sys.stderr)
        return EXIT_USAGE
    if _has_history(out):
        print(f"companion: {out} already has a history; choose a new or empty folder "
              "(the demo never writes over a history).", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        count = write_demo_history(out, days)
    except OSError as error:  # a read-only file system, no permission, no room
        print(f"companion: could not write the demo history to {out} "
              f"({error.strerror or error}); nothing was written.", file=sys.stderr)
        return EXIT_PROBLEM
    except StoreError as error:
        print(f"companion: could not write the demo history to {out}: {error}",
              file=sys.stderr)
        return EXIT_PROBLEM
    where = shlex.quote(str(out))
    print(f"Wrote a demo history of {count:,} entries over {days:,} days to {out}.")
    print(f"Open it with: companion --data-dir {where}   (or: companion review --data-dir "
          f"{where})")
    return EXIT_OK


def _has_history(folder: Path) -> bool:
    return folder.is_dir() and bool(HistoryStore(folder).files(legacy=True))


def write_demo_history(folder: Path, days: int, now: datetime | None = None, *,
                       state: Path | None = None) -> int:
    """Generate `days` days of history ending today and save it in `folder`; returns how many.

    Written by a machine of its own, "companion demo" (its identity in `state`, or in a
    temporary folder removed afterwards), stamped at the start of the day: the same days give
    the same files, and this machine's identity is never made or used for a demo. Each
    month's file is written once (HistoryStore.add_missing groups by month), so even decades
    of history take seconds. Not fsynced: a demo is easy to make again.
    """
    now = now or datetime.now().astimezone()
    midnight = datetime.combine(now.date(), time(0), now.tzinfo)
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    temporary = state is None
    state = Path(tempfile.mkdtemp(prefix="companion-demo-state-")) if state is None else state
    try:
        give_identity(state, DEMO_DEVICE)
        store = HistoryStore(folder, fsync=False, state_dir=state,
                             clock=lambda: midnight.timestamp() * 1000)
        return store.add_missing(demo_entries(days, now))
    except DeviceError as error:
        raise StoreError(str(error)) from None
    finally:
        if temporary:
            shutil.rmtree(state, ignore_errors=True)


# -- the generated history ------------------------------------------------------------------


def demo_entries(days: int, now: datetime, content: Content | None = None) -> Iterator[Entry]:
    """The entries of `days` days ending on `now`'s date, oldest first, none after `now`."""
    content = content or load_content()
    last = now.date()
    for offset in range(days - 1, -1, -1):
        day = last - timedelta(days=offset)
        yield from (e for e in _day(day, content) if e.started_at <= now)


def _day(day: date, content: Content) -> list[Entry]:
    rng = random.Random(f"{SEED}-{day.isoformat()}")
    quiet = rng.random() < 0.12
    weekend = day.weekday() >= 5
    checkins = rng.randint(0, 2) if quiet else rng.randint(2, 5) + (1 if weekend else 0)
    breaks = rng.randint(0, 3) if quiet else rng.randint(4, 9)
    repairs = 1 if rng.random() < 0.3 else 0
    made = [_checkin(rng, _moment(rng, day, CHECKIN_TIMES), content) for _ in range(checkins)]
    made += [_breathing_break(rng, _moment(rng, day, BREATHING_TIMES), content)
             for _ in range(breaks)]
    made += [_repair_entry(rng, _moment(rng, day, CHECKIN_TIMES), content)
             for _ in range(repairs)]
    return sorted(made, key=lambda e: e.started_at)


def _moment(rng: random.Random, day: date, slots: tuple[tuple[int, int, float], ...]) -> datetime:
    first, last, _ = rng.choices(slots, weights=[w for *_, w in slots])[0]
    minute = rng.randint(first, last)
    naive = datetime.combine(day, time(minute // 60, minute % 60, rng.randint(0, 59)))
    return naive.astimezone()  # the local offset in force on that day (summer or winter)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _checkin(rng: random.Random, started: datetime, content: Content) -> Entry:
    state = _weighted(rng, STATE_WEIGHTS)
    low, high = ACTIVATION[state]
    before = min(rng.randint(low, high), 10 if rng.random() < 0.03 else 9)
    after = max(0, min(10, before - rng.choices(DROPS, weights=DROP_WEIGHTS)[0]))
    signals = [k for k in SIGNALS[state] if _known(content.body_signals, k)]
    needs = [c.key for c in content.needs]
    fields: dict[str, Any] = {
        "id": _uuid(rng),
        "kind": "checkin",
        "started_at": started,
        "activation_before": before,
        "state": state,
        "body_signals": tuple(rng.sample(signals, k=min(len(signals), rng.randint(1, 3)))),
        "needs": tuple(rng.sample(needs, k=rng.choice((0, 1, 1, 2)))),
        "note": rng.choice(NOTES) if rng.random() < 0.7 else "",
    }
    if rng.random() < 0.12:  # left after noticing: saved as what it is
        saved = started + timedelta(minutes=rng.randint(1, 3))
        return Entry(**fields, complete=False, saved_at=saved)
    fields["activation_after"] = after
    if rng.random() < 0.75:
        pattern = (suggested_pattern(content.patterns, state=state) if rng.random() < 0.5
                   else rng.choice(content.patterns))
        fields["breathing"] = _breathing(rng, pattern, rng.randint(3, 8))
    if rng.random() < 0.3:
        fields["senses_steps"] = rng.choice((3, 4, 5, 5, 5))
    saved = started + timedelta(minutes=rng.randint(3, 12), seconds=rng.randint(0, 59))
    if rng.random() < 0.06:  # left after grounding
        return Entry(**fields, complete=False, saved_at=saved)
    feelings: list[Feeling] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        quadrant = content.quadrant(_weighted(rng, QUADRANT_WEIGHTS[state]))
        word = rng.choice(quadrant.words).word
        if all(f.word != word for f in feelings):
            feelings.append(Feeling(word, quadrant.key))
    fields["feelings"] = tuple(feelings)
    if before >= 6 and rng.random() < 0.3:
        fields["repair"] = _repair(rng, started, content)
    return Entry(**fields, saved_at=saved)


def _breathing_break(rng: random.Random, started: datetime, content: Content) -> Entry:
    pattern = rng.choice(content.patterns)
    breathing = _breathing(rng, pattern, rng.randint(3, 10))
    rated = rng.random() < 0.5
    return Entry(
        id=_uuid(rng),
        kind="breathing",
        started_at=started,
        saved_at=started + timedelta(seconds=breathing.seconds + rng.randint(2, 20)),
        breathing=breathing,
        complete=breathing.completed,
        activation_after=rng.randint(1, 5) if rated else None,
    )


def _breathing(rng: random.Random, pattern: BreathingPattern, cycles: int) -> Breathing:
    if rng.random() < 0.12:  # stopped early, and that's fine
        done = rng.randint(0, cycles - 1)
        seconds = done * pattern.cycle_seconds + rng.uniform(1, pattern.cycle_seconds - 0.5)
        return Breathing(pattern.name, round(seconds, 1), done, False)
    return Breathing(pattern.name, round(cycles * pattern.cycle_seconds, 1), cycles, True)


def _repair(rng: random.Random, started: datetime, content: Content) -> Repair:
    people = {k: w for k, w in PEOPLE_WEIGHTS.items() if _known(content.people, k)}
    who = _weighted(rng, people)
    happened = rng.choice(WHAT_HAPPENED.get(who, ("a hard moment",)))
    if rng.random() < 0.35:
        steps = [k for k in PLANNED_STEPS if _known(content.repair_steps, k)]
        return Repair(who, happened, rng.choice(MY_PART), rng.choice(steps), "planned", None)
    steps = [c.key for c in content.repair_steps if c.key != "will_try_later"]
    done_at = started + timedelta(minutes=rng.randint(10, 24 * 60))
    return Repair(who, happened, rng.choice(MY_PART), rng.choice(steps), "done", done_at)


def _repair_entry(rng: random.Random, started: datetime, content: Content) -> Entry:
    repair = _repair(rng, started - timedelta(hours=rng.randint(1, 30)), content)
    if repair.status == "done":
        repair = Repair(repair.with_whom, repair.what_happened, repair.my_part, repair.step,
                        "done", started)
    return Entry(
        id=_uuid(rng),
        kind="repair",
        started_at=started,
        saved_at=started + timedelta(minutes=rng.randint(1, 5)),
        repair=repair,
    )


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _known(choices: tuple[Any, ...], key: str) -> bool:
    return any(choice.key == key for choice in choices)
