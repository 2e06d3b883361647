"""What each name in the history folder is: whose file, which month, a sync tool's copy, or noise.

    2026-11.k3jd6f2q7a.json     device k3jd6f2q7a's entries for November 2026 (UTC month)
    2026-11.k3jd6f2q7a.2.json   its next file for that month, used only while the first is damaged
    device.k3jd6f2q7a.json      device k3jd6f2q7a's name, deletions and forget (sync.DeviceRecord)
    2026-11.json, 2026-11.2.json  legacy: written before each machine had its own files

Copies that sync tools make when they meet two versions of a file are history too, read and
merged, never written: Syncthing's `NAME.sync-conflict-20261126-101500-ABCDEF7.json`, Dropbox's
`NAME (conflicted copy 2026-11-26).json` and `NAME (Sam's conflicted copy 2026-11-26).json`,
Nextcloud's `NAME (conflicted copy 2026-11-26 101500).json`, ownCloud's
`NAME_conflict-20261126-101500.json`, rclone bisync's `NAME.json.conflict1` (`.conflict2`, …;
`.path1`/`.path2` with `--conflict-suffix path1,path2`, `..path1` from rclone before 1.66;
`NAME.conflict1.json` with `--suffix-keep-extension`), and hand-made ones (`NAME copy.json`,
`NAME 2.json`, `NAME (1).json`, `NAME.json.bak`). Any name that starts with a history file's
name, then a space, dot, dash, underscore, bracket or tilde, and has `.json` in it is such a
copy: reading a stray copy costs a little time, ignoring one could lose an entry.

Ignored: hidden files (`.lock`, companion's own `.NAME.xxxxxxxx.tmp`, `.syncthing.NAME.tmp`,
`.NAME.partial`, Dropbox's `.dropbox*`, Nextcloud's `.NAME.~xxxx`), `~` files
(`~syncthing~NAME.tmp`, office locks), and names ending in `.tmp`, `.temp`, `.part`,
`.partial`, `.crdownload`, `.download`, `.!sync`, `.swp`, `.lock`, `.lck` or `~` — a sync tool's
file in the making. An iCloud placeholder `.NAME.icloud` (a file not downloaded yet) is PENDING,
so a reader can say so. Anything else is not companion's and is left alone.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import NamedTuple

_DEV = r"[a-z][a-z2-7]{9}"
_NUMBER = r"\d{1,6}"
_MONTH_STEM = (
    rf"(?P<month>\d{{4}}-(?:0[1-9]|1[0-2]))(?:\.(?P<mdev>{_DEV}))?(?:\.(?P<mnum>{_NUMBER}))?"
)
_DEVICE_STEM = rf"device\.(?P<ddev>{_DEV})(?:\.(?P<dnum>{_NUMBER}))?"
_PRIMARY = re.compile(rf"^(?:{_MONTH_STEM}|{_DEVICE_STEM})\.json$")
_COPY = re.compile(rf"^(?:{_MONTH_STEM}|{_DEVICE_STEM})(?P<rest>[ ._(\-~].*)$", re.DOTALL)
_REST = re.compile(r"^(?P<before>.*?)\.json(?P<after>(?:[.~ ].*)?)$", re.DOTALL)

TEMP_ENDINGS = (
    ".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".!sync", ".swp", ".lock",
    ".lck", "~",
)

# Which tool made a copy, for the words companion shows; every copy is read whatever made it.
# (Compiled when a copy is first met: most folders have none, and reading starts quicker.)
_TOOLS = (
    ("Syncthing", r"^\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}$"),
    ("Nextcloud", r"^ \(conflicted copy (?:.+ )?\d{4}-\d{2}-\d{2} \d{6}\)$"),
    ("Dropbox",
     r"^ \((?:.+'s )?conflicted copy(?: \d{4}-\d{2}-\d{2})?(?: \(\d+\))?\)(?: \(\d+\))?$"
     r"|^ \((?:Case|Selective Sync|Unicode Encoding) Conflict\)$"),
    ("ownCloud", r"^_conflict-\d{8}-\d{6}$"),
    ("rclone", r"^\.+(?:conflict\d+|path[12])$"),
)


class Kind(StrEnum):
    MONTH = "month"  # entries of one UTC month
    DEVICE = "device"  # one device's record: name, deletions, forget
    PENDING = "pending"  # a placeholder for a history file not downloaded yet
    IGNORED = "ignored"  # a file in the making, a lock: not history
    OTHER = "other"  # not companion's; left alone


class HistoryName(NamedTuple):
    """One name in the history folder, classified."""

    name: str
    kind: Kind
    month: str | None = None  # "2026-11" for month files and their copies
    device: str | None = None  # the device whose file it is (None: legacy month file)
    number: int = 1  # 2 for `2026-11.2.json` and `2026-11.<device>.2.json`
    copy: str | None = None  # None for the file itself; else the tool that made this copy

    @property
    def history(self) -> bool:
        """A file to read: a month or device file, or a copy of one."""
        return self.kind in (Kind.MONTH, Kind.DEVICE)

    @property
    def legacy(self) -> bool:
        """A month file (or its copy) written before each machine had its own files."""
        return self.kind is Kind.MONTH and self.device is None

    @property
    def original(self) -> str:
        """The name of the file this is (or is a copy of)."""
        if self.kind is Kind.MONTH:
            assert self.month is not None
            return month_file_name(self.month, self.device, self.number)
        if self.kind is Kind.DEVICE:
            assert self.device is not None
            return device_file_name(self.device, self.number)
        return self.name

    def owned_by(self, device: str) -> bool:
        """One of `device`'s own files (not a copy): the only files it ever writes."""
        return self.history and self.copy is None and self.device == device


@functools.lru_cache(maxsize=16384)
def classify(name: str) -> HistoryName:
    """What `name` is (cached: a folder's names are classified on every read and write)."""
    if name.startswith("."):
        inner = name[1:-len(".icloud")] if name.endswith(".icloud") else ""
        if inner and classify(inner).history:
            return HistoryName(name, Kind.PENDING)
        return HistoryName(name, Kind.IGNORED)
    lowered = name.lower()
    if name.startswith("~") or lowered.endswith(TEMP_ENDINGS):
        return HistoryName(name, Kind.IGNORED)
    match = _PRIMARY.match(name)
    if match:
        return _named(name, match, None)
    match = _COPY.match(name)
    if match:
        rest = _REST.match(match["rest"])
        if rest and (rest["before"] or rest["after"]):
            return _named(name, match, _tool(rest["before"] or rest["after"]))
    return HistoryName(name, Kind.OTHER)


def _named(name: str, match: re.Match[str], copy: str | None) -> HistoryName:
    if match["month"]:
        number = int(match["mnum"]) if match["mnum"] else 1
        return HistoryName(name, Kind.MONTH, match["month"], match["mdev"], number, copy)
    number = int(match["dnum"]) if match["dnum"] else 1
    return HistoryName(name, Kind.DEVICE, None, match["ddev"], number, copy)


def _tool(decoration: str) -> str:
    return next((tool for tool, pattern in _TOOLS if re.match(pattern, decoration)), "a copy")


def month_file_name(month: str, device: str | None, number: int = 1) -> str:
    parts = [month, *([device] if device else []), *([str(number)] if number != 1 else [])]
    return ".".join(parts) + ".json"


def device_file_name(device: str, number: int = 1) -> str:
    return f"device.{device}" + (f".{number}" if number != 1 else "") + ".json"


def month_key(moment: datetime) -> str:
    """The UTC month an entry is filed under, always four digits of year: "0999-06"."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


def month_of(started_at: str) -> str:
    """month_key of an ISO 8601 time with its UTC offset (as entries store `started_at`)."""
    return month_key(datetime.fromisoformat(started_at))
