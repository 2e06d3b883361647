"""The entry model: what one moment in the history holds, and its validation.

An entry is stored and exported as a plain dict (see the README's export format); this module is
the one place that turns such a dict into a checked `Entry` and back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from companion.vocabulary import KINDS, MAX_CYCLES, QUADRANTS, REPAIR_STATUSES, STATES

SCHEMA = 1


# Bounds on what one entry may hold. Text fields are generous for a few paragraphs but keep
# a 100 KB paste from bloating every later read of the month it lands in.
MAX_NOTE = 2000
MAX_WORD = 40
MAX_KEY = 40
MAX_LIST = 40
MAX_SECONDS = 24 * 60 * 60

# The moments companion can file and show. Python's calendar ends at 0001-01-01 and 9999-12-31,
# and a time zone, a week or a month around a moment reaches days past it: a month's margin on
# each side keeps all of that inside the calendar.
EARLIEST = datetime(1, 2, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 1, tzinfo=UTC)  # the first moment after the last one
DATE_RANGE = "0001-02-01 to 9999-11-30"


def new_id() -> str:
    """A new random entry id (a UUID 4)."""
    import uuid  # here, not at the top: the app's first frame does not need it

    return str(uuid.uuid4())


def id_key(entry_id: str) -> str:
    """An id as every comparison sees it: a UUID is the same whatever the case of its letters
    (an export edited by hand, or written by another tool, may have capitals)."""
    return entry_id.lower()


class InvalidEntry(ValueError):
    """An entry that does not fit the model; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Breathing:
    pattern: str
    seconds: float
    cycles: int
    completed: bool


@dataclass(frozen=True, slots=True)
class Feeling:
    word: str
    quadrant: str


@dataclass(frozen=True, slots=True)
class Repair:
    with_whom: str | None = None
    what_happened: str = ""
    my_part: str = ""
    step: str | None = None
    status: str = "planned"  # or "done", or "let_go": closed without being called done
    done_at: datetime | None = None
    their_side: str = ""  # what they might have felt or needed
    next_time: str = ""  # one thing to try next time
    to_a_friend: str = ""  # with yourself: what you would say to a friend


@dataclass(frozen=True, slots=True)
class Entry:
    kind: str
    started_at: datetime
    id: str = field(default_factory=new_id)
    saved_at: datetime | None = None
    activation_before: int | None = None
    activation_after: int | None = None
    state: str | None = None
    body_signals: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    kind_steps: tuple[str, ...] = ()  # the needs whose kind step was taken (e.g. some water)
    note: str = ""
    breathing: Breathing | None = None
    senses_steps: int = 0
    feelings: tuple[Feeling, ...] = ()
    repair: Repair | None = None
    complete: bool = True
    schema: int = SCHEMA

    def __post_init__(self) -> None:
        # One spelling per id: a UUID is the same whatever the case of its letters (an export
        # edited by hand, or written by another tool, may have capitals), so it is kept in the
        # lowercase form companion writes.
        if self.id != self.id.lower():
            object.__setattr__(self, "id", self.id.lower())

    def with_changes(self, **changes: Any) -> Entry:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "schema": self.schema,
            "kind": self.kind,
            "started_at": _iso(self.started_at),
            "saved_at": _iso(self.saved_at),
            "complete": self.complete,
            "activation_before": self.activation_before,
            "activation_after": self.activation_after,
            "state": self.state,
            "body_signals": list(self.body_signals),
            "needs": list(self.needs),
            "kind_steps": list(self.kind_steps),
            "note": self.note,
            "breathing": None
            if self.breathing is None
            else {
                "pattern": self.breathing.pattern,
                "seconds": self.breathing.seconds,
                "cycles": self.breathing.cycles,
                "completed": self.breathing.completed,
            },
            "senses_steps": self.senses_steps,
            "feelings": [{"word": f.word, "quadrant": f.quadrant} for f in self.feelings],
            "repair": None
            if self.repair is None
            else {
                "with_whom": self.repair.with_whom,
                "what_happened": self.repair.what_happened,
                "my_part": self.repair.my_part,
                "their_side": self.repair.their_side,
                "next_time": self.repair.next_time,
                "to_a_friend": self.repair.to_a_friend,
                "step": self.repair.step,
                "status": self.repair.status,
                "done_at": _iso(self.repair.done_at),
            },
        }

    @classmethod
    def from_dict(cls, data: Any) -> Entry:
        """Build an entry from its stored or exported form; raises InvalidEntry."""
        check_entry_dict(data)
        breathing = data.get("breathing")
        repair = data.get("repair")
        return cls(
            id=data["id"],
            schema=data.get("schema", SCHEMA),
            kind=data["kind"],
            started_at=_required_time(data["started_at"], "started_at"),
            saved_at=_parse_time(data.get("saved_at"), "saved_at"),
            complete=data.get("complete", True),
            activation_before=data.get("activation_before"),
            activation_after=data.get("activation_after"),
            state=data.get("state"),
            body_signals=tuple(data.get("body_signals", ())),
            needs=tuple(data.get("needs", ())),
            kind_steps=tuple(data.get("kind_steps", ())),
            note=data.get("note", ""),
            breathing=None if breathing is None else Breathing(**breathing),
            senses_steps=data.get("senses_steps", 0),
            feelings=tuple(Feeling(**f) for f in data.get("feelings", ())),
            repair=None
            if repair is None
            else Repair(
                with_whom=repair.get("with_whom"),
                what_happened=repair.get("what_happened", ""),
                my_part=repair.get("my_part", ""),
                step=repair.get("step"),
                status=repair.get("status", "planned"),
                done_at=_parse_time(repair.get("done_at"), "repair.done_at"),
                their_side=repair.get("their_side", ""),
                next_time=repair.get("next_time", ""),
                to_a_friend=repair.get("to_a_friend", ""),
            ),
        )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _required_time(value: Any, name: str) -> datetime:
    moment = _parse_time(value, name)
    if moment is None:
        raise InvalidEntry(f"{name} is not an ISO 8601 time: {value!r:.60}")
    return moment


def _parse_time(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidEntry(f"{name} is not an ISO 8601 time: {value!r:.60}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidEntry(f"{name} needs a UTC offset (like +01:00): {value!r:.60}")
    try:
        inside = EARLIEST <= moment < LATEST
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the calendar's first moment
        inside = False
    if not inside:
        raise InvalidEntry(
            f"{name} {value!r:.60} is outside the dates companion can show ({DATE_RANGE})"
        )
    return moment


# -- validation of the dict form ------------------------------------------------------------

_ENTRY_KEYS = {
    "id", "schema", "kind", "started_at", "saved_at", "complete", "activation_before",
    "activation_after", "state", "body_signals", "needs", "kind_steps", "note", "breathing",
    "senses_steps", "feelings", "repair",
}
_BREATHING_KEYS = {"pattern", "seconds", "cycles", "completed"}
_REPAIR_KEYS = {
    "with_whom", "what_happened", "my_part", "their_side", "next_time", "to_a_friend", "step",
    "status", "done_at",
}


def check_entry_dict(data: Any) -> None:
    """Raise InvalidEntry naming the first field that does not fit the model."""
    if not isinstance(data, dict):
        raise InvalidEntry(f"an entry must be an object, not {type(data).__name__}")
    unknown = set(data) - _ENTRY_KEYS
    if unknown:
        raise InvalidEntry(f"unknown field {sorted(unknown)[0]!r}")
    for required in ("id", "kind", "started_at"):
        if required not in data:
            raise InvalidEntry(f"missing {required!r}")
    _check_id(data["id"])
    schema = data.get("schema", SCHEMA)
    if not _is_int(schema) or not 1 <= schema <= SCHEMA:
        raise InvalidEntry(f"schema {schema!r} is not one this version of companion knows")
    _check_choice(data["kind"], KINDS, "kind")
    _required_time(data["started_at"], "started_at")
    _parse_time(data.get("saved_at"), "saved_at")
    _check_bool(data.get("complete", True), "complete")
    for name in ("activation_before", "activation_after"):
        value = data.get(name)
        if value is not None and (not _is_int(value) or not 0 <= value <= 10):
            raise InvalidEntry(f"{name} must be a whole number from 0 to 10, not {value!r:.20}")
    if data.get("state") is not None:
        _check_choice(data["state"], STATES, "state")
    for name in ("body_signals", "needs", "kind_steps"):
        _check_keys(data.get(name, []), name)
    _check_text(data.get("note", ""), "note", MAX_NOTE)
    senses = data.get("senses_steps", 0)
    if not _is_int(senses) or not 0 <= senses <= 5:
        raise InvalidEntry(f"senses_steps must be 0 to 5, not {senses!r:.20}")
    _check_breathing(data.get("breathing"))
    _check_feelings(data.get("feelings", []))
    _check_repair(data.get("repair"))


_EXAMPLE_ID = "6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11"


def _check_id(value: Any) -> None:
    try:
        import uuid

        parsed = uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    # The dashed form only (capitals are fine: they are read as the same id, see Entry):
    # braces, a urn: prefix or no dashes would be a second spelling of one id.
    if parsed is None or str(parsed) != value.lower():
        raise InvalidEntry(
            f"id must be a UUID with dashes (like {_EXAMPLE_ID}), not {value!r:.60}"
        )


def _check_breathing(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict) or set(value) != _BREATHING_KEYS:
        raise InvalidEntry("breathing must have exactly pattern, seconds, cycles, completed")
    _check_text(value["pattern"], "breathing.pattern", MAX_KEY, allow_empty=False)
    seconds = value["seconds"]
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        raise InvalidEntry("breathing.seconds must be a number")
    if not 0 <= seconds <= MAX_SECONDS:
        raise InvalidEntry(f"breathing.seconds must be 0 to {MAX_SECONDS}, not {seconds!r:.20}")
    cycles = value["cycles"]
    if not _is_int(cycles) or not 0 <= cycles <= MAX_CYCLES:
        raise InvalidEntry(
            f"breathing.cycles must be a whole number from 0 to {MAX_CYCLES}, not {cycles!r:.20}"
        )
    _check_bool(value["completed"], "breathing.completed")


def _check_feelings(value: Any) -> None:
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise InvalidEntry(f"feelings must be a list of at most {MAX_LIST}")
    for feeling in value:
        if not isinstance(feeling, dict) or set(feeling) != {"word", "quadrant"}:
            raise InvalidEntry("each feeling must have exactly word and quadrant")
        _check_text(feeling["word"], "feelings.word", MAX_WORD, allow_empty=False)
        _check_choice(feeling["quadrant"], QUADRANTS, "feelings.quadrant")


def _check_repair(value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise InvalidEntry(f"repair must be an object or null, not {type(value).__name__}")
    unknown = set(value) - _REPAIR_KEYS
    if unknown:
        raise InvalidEntry(f"unknown field {'repair.' + sorted(unknown)[0]!r}")
    for name in ("with_whom", "step"):
        if value.get(name) is not None:
            _check_text(value[name], f"repair.{name}", MAX_KEY, allow_empty=False)
    for name in ("what_happened", "my_part", "their_side", "next_time", "to_a_friend"):
        _check_text(value.get(name, ""), f"repair.{name}", MAX_NOTE)
    _check_choice(value.get("status", "planned"), REPAIR_STATUSES, "repair.status")
    _parse_time(value.get("done_at"), "repair.done_at")


def _check_keys(value: Any, name: str) -> None:
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise InvalidEntry(f"{name} must be a list of at most {MAX_LIST}")
    for item in value:
        _check_text(item, name, MAX_KEY, allow_empty=False)


def _check_text(value: Any, name: str, limit: int, *, allow_empty: bool = True) -> None:
    if not isinstance(value, str):
        raise InvalidEntry(f"{name} must be text, not {type(value).__name__}")
    if _SURROGATE.search(value):
        # Half of a UTF-16 pair (an import's "\ud800"): it cannot be written to a file.
        raise InvalidEntry(f"{name} holds a broken character (a lone surrogate)")
    if not allow_empty and not value.strip():
        raise InvalidEntry(f"{name} must not be empty")
    if len(value) > limit:
        raise InvalidEntry(f"{name} is longer than {limit} characters")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_choice(value: Any, choices: tuple[str, ...], name: str) -> None:
    if value not in choices:
        raise InvalidEntry(f"{name} must be one of {', '.join(choices)}, not {value!r:.30}")


def _check_bool(value: Any, name: str) -> None:
    if not isinstance(value, bool):
        raise InvalidEntry(f"{name} must be true or false")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
