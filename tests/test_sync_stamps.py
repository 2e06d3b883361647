"""Version stamps (companion/sync_stamps.py): one spelling each, one order everywhere, and a
change made after seeing a version always stamped above it whatever the clocks say."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.sync_stamps import BadStamp, Stamp, legacy_stamp, newest, next_stamp

A, B = "aaaaaaaaaa", "bbbbbbbbbb"
HOUR = 3_600_000
NOW = 1_764_150_900_123

stamps = st.builds(
    Stamp,
    wall=st.integers(1, 10**15 - 1),
    counter=st.integers(0, 10**6),
    device=st.sampled_from([A, B, "k3jd6f2q7a"]),
) | st.builds(legacy_stamp, st.integers(0, 100))


@pytest.mark.parametrize(
    ("text", "stamp"),
    [
        ("1764150900123:0:k3jd6f2q7a", Stamp(1764150900123, 0, "k3jd6f2q7a")),
        ("1:41:aaaaaaaaaa", Stamp(1, 41, A)),
        ("0:2:", Stamp(0, 2, "")),
    ],
)
def test_a_stamp_reads_back_as_written(text: str, stamp: Stamp) -> None:
    assert Stamp.parse(text) == stamp
    assert str(stamp) == text


@pytest.mark.parametrize(
    "text",
    [
        "", "1764150900123", "1764150900123:0", "1764150900123:0:k3jd6f2q7a:x",
        "01764150900123:0:k3jd6f2q7a",  # a second spelling of the same stamp
        "1764150900123:00:k3jd6f2q7a", "+1:0:k3jd6f2q7a", " 1:0:k3jd6f2q7a", "-1:0:k3jd6f2q7a",
        "1:0:", "0:1:k3jd6f2q7a",  # a legacy rank names no device; a real stamp must
        "1:0:K3JD6F2Q7A", "1:0:k3jd6f2q7", "1:0:13jd6f2q7a", "1:0:k3jd6f2q71",
        "1000000000000000:0:k3jd6f2q7a", "1:1000000000:k3jd6f2q7a", "١:0:k3jd6f2q7a",
        None, 17, ["1", "0", A], "9" * 41,
    ],
)
def test_anything_else_is_not_a_stamp(text: object) -> None:
    with pytest.raises(BadStamp):
        Stamp.parse(text)


def test_stamps_order_by_wall_then_counter_then_device() -> None:
    assert Stamp(2, 0, A) > Stamp(1, 9, B)
    assert Stamp(1, 2, A) > Stamp(1, 1, B)
    assert Stamp(1, 1, B) > Stamp(1, 1, A)


def test_a_legacy_stamp_is_below_every_real_one_and_a_later_file_wins() -> None:
    assert legacy_stamp(2) > legacy_stamp(1)
    assert legacy_stamp(10**6) < Stamp(1, 0, A)
    assert legacy_stamp(1).legacy and not Stamp(1, 0, A).legacy


def test_a_change_with_a_clock_ahead_takes_its_own_time() -> None:
    assert next_stamp(NOW, Stamp(NOW - HOUR, 3, B), A) == Stamp(NOW, 0, A)


def test_an_edit_on_a_clock_hours_behind_still_beats_what_it_saw() -> None:
    seen = Stamp(NOW + 5 * HOUR, 0, B)
    stamp = next_stamp(NOW, seen, A)
    assert stamp > seen
    assert stamp == Stamp(NOW + 5 * HOUR, 1, A)


def test_two_changes_in_the_same_millisecond_are_ordered() -> None:
    first = next_stamp(NOW, None, A)
    assert next_stamp(NOW, first, A) == Stamp(NOW, 1, A)


def test_a_clock_at_the_epoch_still_makes_a_real_stamp() -> None:
    assert next_stamp(0, None, A) == Stamp(1, 0, A)
    assert next_stamp(-5, legacy_stamp(3), A) > legacy_stamp(3)


def test_newest_ignores_what_is_missing() -> None:
    assert newest(None, Stamp(1, 0, A), None, Stamp(1, 1, A)) == Stamp(1, 1, A)
    assert newest() is None and newest(None) is None


@given(st.none() | stamps, st.integers(-(10**13), 10**15 - 1), st.sampled_from([A, B]))
def test_next_stamp_is_always_above_what_was_seen_and_reads_back(
    seen: Stamp | None, now: int, device: str
) -> None:
    stamp = next_stamp(now, seen, device)
    assert seen is None or stamp > seen
    assert not stamp.legacy
    assert Stamp.parse(str(stamp)) == stamp


@given(stamps)
def test_every_stamp_has_one_spelling(stamp: Stamp) -> None:
    assert Stamp.parse(str(stamp)) == stamp


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # What a person reads after "has a version stamp companion cannot read (…)".
        (None, "a version stamp must be short text, not None"),
        ("9" * 41, "a version stamp must be short text, not '" + "9" * 39),
        ("9" * 40, f"'{'9' * 40}' is not a version stamp (wall:counter:device)"),
        ("yesterday", "'yesterday' is not a version stamp (wall:counter:device)"),
        ("1:1000000000:aaaaaaaaaa",
         "'1:1000000000:aaaaaaaaaa' is out of range for a version stamp"),
        ("0:1:aaaaaaaaaa", "'0:1:aaaaaaaaaa' names no device companion makes"),
    ],
)
def test_a_stamp_that_cannot_be_read_is_said_in_one_plain_sentence(text: object, said: str
                                                                    ) -> None:
    with pytest.raises(BadStamp) as refused:
        Stamp.parse(text)
    assert str(refused.value) == said


def test_an_unstamped_entry_of_a_machines_own_file_ranks_below_every_legacy_file() -> None:
    # sync.py reads an entry without `_rev` in a stamped file as legacy_stamp(0): the lowest.
    assert legacy_stamp(0) == Stamp(0, 0, "") < legacy_stamp(1)
    assert legacy_stamp(-3) == legacy_stamp(0)


def test_a_clock_past_the_last_stamp_still_makes_one_that_reads_back() -> None:
    # A clock set wildly ahead (year 33658 and on) is held at the last wall a stamp can have.
    stamp = next_stamp(10**16, None, A)
    assert stamp == Stamp(10**15 - 1, 0, A)
    assert Stamp.parse(str(stamp)) == stamp
