"""Names in history/ (companion/sync_names.py): whose file, which month, a sync tool's copy to
read but never write, or a file in the making to leave alone. The copy names are the tools' own
(rclone's were made by rclone bisync 1.75.2; see test_rclone_bisync_copies_are_read)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from companion.sync_names import (
    HistoryName,
    Kind,
    classify,
    device_file_name,
    month_file_name,
    month_key,
    month_of,
)

DEV = "k3jd6f2q7a"
ME = f"2026-11.{DEV}"
ST = "sync-conflict-20261126-101500-ABCDEF7"
M = "2026-11"

# name → (kind, month, device, number, copy)
NAMES = {
    # the files themselves
    f"{ME}.json": (Kind.MONTH, "2026-11", DEV, 1, None),
    f"{ME}.2.json": (Kind.MONTH, "2026-11", DEV, 2, None),
    "2026-11.json": (Kind.MONTH, "2026-11", None, 1, None),
    "2026-11.2.json": (Kind.MONTH, "2026-11", None, 2, None),
    "0999-06.json": (Kind.MONTH, "0999-06", None, 1, None),
    f"device.{DEV}.json": (Kind.DEVICE, None, DEV, 1, None),
    f"device.{DEV}.3.json": (Kind.DEVICE, None, DEV, 3, None),
    # Syncthing, Dropbox, Nextcloud, ownCloud, rclone bisync
    f"{ME}.{ST}.json": (Kind.MONTH, M, DEV, 1, "Syncthing"),
    f"2026-11.2.{ST}.json": (Kind.MONTH, M, None, 2, "Syncthing"),
    f"{ME} (conflicted copy 2026-11-26).json": (Kind.MONTH, "2026-11", DEV, 1, "Dropbox"),
    f"{ME} (Sam's conflicted copy 2026-11-26).json": (Kind.MONTH, "2026-11", DEV, 1, "Dropbox"),
    f"{ME} (Sam's conflicted copy 2026-11-26) (1).json": (Kind.MONTH, "2026-11", DEV, 1, "Dropbox"),
    f"{ME} (Case Conflict).json": (Kind.MONTH, "2026-11", DEV, 1, "Dropbox"),
    f"{ME} (conflicted copy 2026-11-26 101500).json": (Kind.MONTH, M, DEV, 1, "Nextcloud"),
    f"{ME} (conflicted copy sam 2026-11-26 101500).json": (Kind.MONTH, M, DEV, 1, "Nextcloud"),
    f"{ME}_conflict-20261126-101500.json": (Kind.MONTH, "2026-11", DEV, 1, "ownCloud"),
    f"{ME}.json.conflict1": (Kind.MONTH, "2026-11", DEV, 1, "rclone"),
    f"{ME}.json.conflict12": (Kind.MONTH, "2026-11", DEV, 1, "rclone"),
    f"{ME}.json.path2": (Kind.MONTH, "2026-11", DEV, 1, "rclone"),
    f"{ME}.json..path1": (Kind.MONTH, "2026-11", DEV, 1, "rclone"),
    f"{ME}.conflict1.json": (Kind.MONTH, "2026-11", DEV, 1, "rclone"),
    "2026-11.json.conflict2": (Kind.MONTH, "2026-11", None, 1, "rclone"),
    f"device.{DEV}.{ST}.json": (Kind.DEVICE, None, DEV, 1, "Syncthing"),
    f"device.{DEV}.json.conflict1": (Kind.DEVICE, None, DEV, 1, "rclone"),
    # made by hand or by other tools: still read
    "2026-11 copy.json": (Kind.MONTH, "2026-11", None, 1, "a copy"),
    "2026-11 2.json": (Kind.MONTH, "2026-11", None, 1, "a copy"),
    f"{ME} (1).json": (Kind.MONTH, "2026-11", DEV, 1, "a copy"),
    f"{ME}.json.bak": (Kind.MONTH, "2026-11", DEV, 1, "a copy"),
    # files in the making, locks, placeholders
    ".lock": (Kind.IGNORED, None, None, 1, None),
    f".{ME}.json.k3j_x9qa.tmp": (Kind.IGNORED, None, None, 1, None),
    f".syncthing.{ME}.json.tmp": (Kind.IGNORED, None, None, 1, None),
    f"~syncthing~{ME}.json.tmp": (Kind.IGNORED, None, None, 1, None),
    f"{ME}.json.tmp": (Kind.IGNORED, None, None, 1, None),
    f"{ME}.json.part": (Kind.IGNORED, None, None, 1, None),
    f"{ME}.json.a1b2c3d4.partial": (Kind.IGNORED, None, None, 1, None),
    f".{ME}.json.partial": (Kind.IGNORED, None, None, 1, None),
    f"{ME}.json.crdownload": (Kind.IGNORED, None, None, 1, None),
    f"{ME}.json.!sync": (Kind.IGNORED, None, None, 1, None),
    f"{ME}.json~": (Kind.IGNORED, None, None, 1, None),
    f".~lock.{ME}.json#": (Kind.IGNORED, None, None, 1, None),
    ".dropbox": (Kind.IGNORED, None, None, 1, None),
    ".dropbox.cache": (Kind.IGNORED, None, None, 1, None),
    ".stfolder": (Kind.IGNORED, None, None, 1, None),
    f".{ME}.json.icloud": (Kind.PENDING, None, None, 1, None),
    ".notes.txt.icloud": (Kind.IGNORED, None, None, 1, None),  # a placeholder, not ours
    f"~${ME}.json": (Kind.IGNORED, None, None, 1, None),  # an office lock
    # not companion's
    "notes.txt": (Kind.OTHER, None, None, 1, None),
    "2026-13.json": (Kind.OTHER, None, None, 1, None),
    "2026-11.JSON": (Kind.OTHER, None, None, 1, None),
    "2026-11.jsonl": (Kind.OTHER, None, None, 1, None),
    "26-11.json": (Kind.OTHER, None, None, 1, None),
    "device.json": (Kind.OTHER, None, None, 1, None),
    "desktop.ini": (Kind.OTHER, None, None, 1, None),
}


@pytest.mark.parametrize(("name", "expected"), NAMES.items(), ids=list(NAMES))
def test_each_name_is_classified(name: str, expected: tuple[object, ...]) -> None:
    found = classify(name)
    assert (found.kind, found.month, found.device, found.number, found.copy) == expected
    assert found.name == name  # the name the store reads or removes


def test_the_names_companion_writes() -> None:
    assert month_file_name(M, DEV) == month_file_name(M, DEV, 1) == f"{ME}.json"
    assert month_file_name(M, DEV, 2) == f"{ME}.2.json"
    assert month_file_name(M, None) == "2026-11.json"
    assert device_file_name(DEV) == device_file_name(DEV, 1) == f"device.{DEV}.json"
    assert device_file_name(DEV, 2) == f"device.{DEV}.2.json"


def test_a_copy_knows_the_file_it_copies() -> None:
    copy = classify(f"{ME} (Sam's conflicted copy 2026-11-26).json")
    assert copy.original == f"{ME}.json"
    assert classify("2026-11.2.sync-conflict-20261126-101500-ABCDEF7.json").original == (
        "2026-11.2.json"
    )


def test_only_a_devices_own_files_are_its_own() -> None:
    assert classify(f"{ME}.json").owned_by(DEV)
    assert classify(f"device.{DEV}.json").owned_by(DEV)
    assert not classify(f"{ME}.json").owned_by("aaaaaaaaaa")
    assert not classify(f"{ME}.json.conflict1").owned_by(DEV)  # a copy is nobody's
    assert not classify("2026-11.json").owned_by(DEV)
    assert classify("2026-11.json").legacy and not classify(f"{ME}.json").legacy


def test_a_device_id_is_never_taken_for_a_legacy_number() -> None:
    # Ids start with a letter; legacy numbers are digits only.
    assert classify("2026-11.2234567234.json").device is None
    assert classify("2026-11.223456.json").number == 223456
    assert classify("2026-11.a234567234.json").device == "a234567234"


months = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1, 9999), st.integers(1, 12))
devices = st.from_regex(r"\A[a-z][a-z2-7]{9}\Z")
numbers = st.integers(1, 999)


@given(months, st.none() | devices, numbers)
def test_every_month_file_name_reads_back(month: str, device: str | None, number: int) -> None:
    name = month_file_name(month, device, number)
    assert classify(name) == HistoryName(name, Kind.MONTH, month, device, number)


@given(devices, numbers)
def test_every_device_file_name_reads_back(device: str, number: int) -> None:
    name = device_file_name(device, number)
    assert classify(name) == HistoryName(name, Kind.DEVICE, None, device, number)


COPY_MAKERS = {
    "Syncthing": lambda stem: f"{stem}.sync-conflict-20261126-101500-ABCDEF7.json",
    "Dropbox": lambda stem: f"{stem} (Sam's conflicted copy 2026-11-26).json",
    "Nextcloud": lambda stem: f"{stem} (conflicted copy 2026-11-26 101500).json",
    "rclone": lambda stem: f"{stem}.json.conflict3",
}


@given(months, st.none() | devices, numbers, st.sampled_from(sorted(COPY_MAKERS)))
def test_every_tools_copy_of_every_month_file_is_read_as_that_files_copy(
    month: str, device: str | None, number: int, tool: str
) -> None:
    original = month_file_name(month, device, number)
    copy = classify(COPY_MAKERS[tool](original.removesuffix(".json")))
    assert (copy.kind, copy.original, copy.copy) == (Kind.MONTH, original, tool)
    assert not copy.owned_by(device or "aaaaaaaaaa")


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine's own zone fourteen hours ahead of UTC: every machine files alike."""
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (datetime(2026, 11, 1, 1, 30, tzinfo=timezone(timedelta(hours=4))), "2026-10"),
        (datetime(2026, 11, 30, 23, 0, tzinfo=timezone(timedelta(hours=-11))), "2026-12"),
        (datetime(999, 6, 1, 12, tzinfo=UTC), "0999-06"),
    ],
)
def test_an_entry_is_filed_under_its_utc_month_with_a_four_digit_year(
    moment: datetime, month: str, far_east: None
) -> None:
    assert month_key(moment) == month
    assert month_of(moment.isoformat()) == month
