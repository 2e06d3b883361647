"""Hostile text and awkward clocks, through the store and every command that prints.

The screens' own tests show typed text escaped on screen; here the same text goes through the
history and out of every command (week in each format, export in each format, patterns with a
label of your own), which must never hand a terminal a raw escape or control character. Times
from the far ends of the world's time zones, a leap day and ISO week 53 land in the right
monthly file and come back for the right local day.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from machines import month_files, own_file, this_machine

from companion.cli import main
from companion.entries import MAX_NOTE, Entry, Feeling, InvalidEntry, Repair, check_entry_dict
from companion.history import HistoryStore

HOSTILE = (
    "[bold]loud[/] [/] [link=https://example.com]click[/link] [red on white]x "
    "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[2J bell\x07 nul\x00 del\x7f c1\x9b31m "
    "שלום עולם \u202eevil\u202c 😀👩‍👧 e\u0301 Z\u0351\u0352\u0353 =1+2 @cmd -x +y"
)
# Everything a terminal might act on: C0 controls but newline and tab, DEL, C1 controls.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def hostile_entry(started_at: datetime) -> Entry:
    return Entry(
        kind="checkin",
        started_at=started_at,
        activation_before=8,
        note=HOSTILE,
        feelings=(Feeling("[i]mine[/i]\x1b[5m", "high_unpleasant"),),
        repair=Repair(with_whom="child", what_happened=HOSTILE, my_part="[b]me[/b]"),
    )


def test_hostile_text_is_stored_and_read_back_exactly(data_dir: Path):
    entry = hostile_entry(datetime(2026, 11, 18, 21, tzinfo=UTC))
    HistoryStore(data_dir).save(entry)
    again = subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from companion.history import HistoryStore;"
         "print(HistoryStore(Path(sys.argv[1])).all()[0].note.encode('unicode_escape').decode())",
         str(data_dir)],
        capture_output=True, text=True, check=True,
    )
    assert again.stdout.strip() == HOSTILE.encode("unicode_escape").decode()
    assert HistoryStore(data_dir).all() == [entry]


def test_a_100_kb_paste_is_refused_with_the_field_and_the_limit(data_dir: Path):
    paste = "I was so angry. " * 6400
    assert len(paste.encode()) >= 100_000
    entry = Entry(kind="checkin", started_at=datetime.now(UTC), note=paste)
    with pytest.raises(InvalidEntry, match=f"note is longer than {MAX_NOTE} characters"):
        HistoryStore(data_dir).save(entry)
    assert HistoryStore(data_dir).all() == []
    HistoryStore(data_dir).save(entry.with_changes(note=paste[:MAX_NOTE]))
    assert len(HistoryStore(data_dir).all()[0].note) == MAX_NOTE


@pytest.mark.parametrize("text", ["\ud800", "half a pair \udc9d here"], ids=["lone", "inside"])
def test_text_that_cannot_be_written_as_utf8_is_refused_before_any_file_is_touched(
    data_dir: Path, text: str
):
    # A lone surrogate comes from a JSON import ("\ud800") or a badly decoded paste.
    entry = Entry(kind="checkin", started_at=datetime(2026, 11, 18, tzinfo=UTC), note=text)
    with pytest.raises(InvalidEntry, match="note"):
        check_entry_dict(entry.to_dict())
    store = HistoryStore(data_dir)
    first = store.save(Entry(kind="checkin", started_at=datetime(2026, 11, 17, tzinfo=UTC)))
    before = (data_dir / "history" / own_file("2026-11")).read_bytes()
    with pytest.raises(InvalidEntry):
        store.save(entry)
    assert (data_dir / "history" / own_file("2026-11")).read_bytes() == before
    assert HistoryStore(data_dir).all() == [first]


HOSTILE_PATTERN = """
[[pattern]]
name = "mine"
label = "\\u001b]0;pwned\\u0007\\u001b[2J[bold]Mine[/bold]"
about = "\\u001b[31m[link=https://example.com]about[/link]"
phases = [{ kind = "in", seconds = 4 }, { kind = "out", seconds = 6 }]
"""


@pytest.fixture
def hostile_history(data_dir: Path) -> Path:
    store = HistoryStore(data_dir, fsync=False)
    store.save(hostile_entry(datetime(2026, 11, 18, 21, tzinfo=UTC)))
    (data_dir / "patterns.toml").write_text(HOSTILE_PATTERN)
    return data_dir


@pytest.mark.parametrize(
    "command",
    [
        ["week", "--week", "2026-W47"],
        ["week", "--week", "2026-W47", "--format", "markdown"],
        ["week", "--week", "2026-W47", "--format", "json"],
        ["export"],
        ["export", "--format", "csv"],
        ["export", "--format", "markdown"],
        ["patterns"],
    ],
    ids=lambda argv: "-".join(argv).replace("--", ""),
)
def test_no_command_hands_the_terminal_a_raw_control_character(hostile_history, command):
    """Run as a person would (a real process, output to a pipe), bytes checked as written."""
    result = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(hostile_history), *command],
        capture_output=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""  # nothing refused: the pattern and the entry are both valid
    for stream in (result.stdout, result.stderr):
        text = stream.decode("utf-8")
        if "csv" in command:
            text = text.replace("\r\n", "\n")  # CSV's own line ends (RFC 4180)
        assert not RAW_CONTROL.findall(text), command
        assert "\u202e" not in text  # no right-to-left override reordering the line
    out = result.stdout.decode()
    if command[0] == "patterns":
        assert "[bold]Mine[/bold]" in out
    elif command[-1] == "json" or command == ["export"]:
        document = json.loads(out)
        notes = [e["note"] for e in document["entries"]]
        assert notes == [HOSTILE]  # escaped on the way out, exact once parsed
    else:
        assert "[bold]loud[/]" in out.replace("\\", "")  # shown as typed, not interpreted


# -- clocks and calendars -------------------------------------------------------------------

KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
PAGO_PAGO = ZoneInfo("Pacific/Pago_Pago")  # UTC-11


def local_day(year: int, month: int, day: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime(year, month, day, tzinfo=zone)
    return start, start + timedelta(days=1)


@pytest.mark.parametrize(
    ("moment", "month_file"),
    [
        # Early on 1 March in Kiritimati is still February in UTC.
        (datetime(2026, 3, 1, 5, 0, tzinfo=KIRITIMATI), "2026-02.json"),
        # Late on 31 January in Pago Pago is already February in UTC.
        (datetime(2026, 1, 31, 20, 0, tzinfo=PAGO_PAGO), "2026-02.json"),
        # A leap day's evening in Pago Pago is 1 March in UTC.
        (datetime(2028, 2, 29, 23, 30, tzinfo=PAGO_PAGO), "2028-03.json"),
        # New Year's Eve in Kiritimati is New Year's Eve in UTC, ten hours earlier.
        (datetime(2027, 1, 1, 0, 30, tzinfo=KIRITIMATI), "2026-12.json"),
    ],
)
def test_entries_far_from_utc_are_filed_by_utc_month_and_found_on_their_local_day(
    data_dir: Path, moment: datetime, month_file: str
):
    store = HistoryStore(data_dir)
    entry = store.save(Entry(kind="breathing", started_at=moment))
    assert month_files(data_dir) == [own_file(month_file.removesuffix(".json"))]
    zone = moment.tzinfo
    assert isinstance(zone, ZoneInfo)
    found = HistoryStore(data_dir).between(*local_day(moment.year, moment.month, moment.day, zone))
    assert found == [entry]
    assert found[0].started_at.utcoffset() == moment.utcoffset()  # the offset is kept
    day_before = local_day(moment.year, moment.month, moment.day, zone)[0] - timedelta(days=1)
    assert HistoryStore(data_dir).between(day_before, day_before + timedelta(days=1)) == []


def test_week_53_spans_two_years_and_two_month_files(data_dir: Path):
    store = HistoryStore(data_dir)
    first = store.save(Entry(kind="breathing", started_at=datetime(2026, 12, 28, 0, 5,
                                                                  tzinfo=KIRITIMATI)))
    last = store.save(Entry(kind="breathing", started_at=datetime(2027, 1, 3, 23, 55,
                                                                 tzinfo=PAGO_PAGO)))
    assert month_files(data_dir) == [own_file("2026-12"), own_file("2027-01")]
    monday = datetime.fromisocalendar(2026, 53, 1)
    # The widest possible reading of that week: from its Monday in the first zone to reach it
    # to its Sunday's end in the last.
    found = HistoryStore(data_dir).between(
        monday.replace(tzinfo=KIRITIMATI), (monday + timedelta(days=7)).replace(tzinfo=PAGO_PAGO)
    )
    assert found == [first, last]


def test_companion_week_places_entries_in_week_53_on_the_local_calendar(data_dir: Path):
    store = HistoryStore(data_dir)
    inside = store.save(Entry(kind="breathing", started_at=datetime(2027, 1, 3, 23, 0,
                                                                   tzinfo=KIRITIMATI)))
    after = store.save(Entry(kind="breathing", started_at=datetime(2027, 1, 4, 0, 30,
                                                                  tzinfo=KIRITIMATI)))
    result = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), "week", "--week",
         "2026-W53", "--format", "json"],
        capture_output=True, text=True, env={"TZ": "Pacific/Kiritimati", "PATH": "/usr/bin"},
    )
    assert result.returncode == 0, result.stderr
    ids = [entry["id"] for entry in json.loads(result.stdout)["entries"]]
    assert ids == [inside.id]
    assert after.id not in ids


def test_a_clock_that_jumped_backwards_still_saves_and_sorts_by_start(data_dir: Path):
    store = HistoryStore(data_dir)
    later = store.save(Entry(kind="breathing", started_at=datetime(2026, 11, 18, 10, tzinfo=UTC)))
    earlier = store.save(Entry(kind="breathing", started_at=datetime(2026, 11, 18, 9, tzinfo=UTC),
                               saved_at=datetime(2026, 11, 18, 8, tzinfo=UTC)))
    assert HistoryStore(data_dir).all() == [earlier, later]


def test_main_with_hostile_data_dir_name_prints_it_as_text(tmp_path: Path, capsys):
    odd = tmp_path / "\x1b[2Jodd[bold]"
    odd.write_text("a file, not a folder")
    assert main(["--data-dir", str(odd), "export"]) == 1
    _, err = capsys.readouterr()
    assert not RAW_CONTROL.findall(err)
    assert len(err.splitlines()) == 1


# -- the ends of the calendar (issue 13, item 4) ------------------------------------------------


def export_of(*entries: Entry) -> str:
    return json.dumps({"schema": 1, "entries": [e.to_dict() for e in entries]})


def test_an_entry_before_the_year_1000_is_filed_with_four_digits_and_found_again(
    data_dir: Path, tmp_path: Path, capsys
):
    """strftime("%Y") named its file 999-06.json, which nothing read: import said "Added 1",
    export showed nothing, a second import added it again and forget left it behind."""
    early = Entry(kind="breathing", started_at=datetime(999, 6, 1, 10, tzinfo=UTC), note="early")
    export = tmp_path / "early.json"
    export.write_text(export_of(early))
    argv = ["--data-dir", str(data_dir)]

    assert main([*argv, "import", str(export)]) == 0
    assert main([*argv, "import", str(export)]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == ["Added 1 entry (0 were already here).",
                                "Added 0 entries (1 was already here)."]
    assert month_files(data_dir) == [own_file("0999-06")] == ["0999-06." + this_machine() + ".json"]
    assert main([*argv, "export"]) == 0
    assert [e["note"] for e in json.loads(capsys.readouterr()[0])["entries"]] == ["early"]
    assert HistoryStore(data_dir).between(datetime(999, 5, 30, tzinfo=UTC),
                                          datetime(999, 6, 2, tzinfo=UTC)) == [early]

    assert main([*argv, "forget", "--yes"]) == 0
    assert month_files(data_dir) == []


@pytest.mark.parametrize(
    "started_at",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+05:00", "9999-12-25T00:00:00+00:00",
     "0001-01-20T00:00:00+00:00"],
)
def test_a_moment_past_the_calendars_edge_is_refused_at_import_naming_the_entry(
    data_dir: Path, tmp_path: Path, capsys, started_at: str
):
    entry_id = "7d0c6a5e-1f3b-4c2a-9e8d-5b4a3c2d1e0f"
    doc = {"id": entry_id, "kind": "breathing", "started_at": started_at}
    export = tmp_path / "edge.json"
    export.write_text(json.dumps({"schema": 1, "entries": [doc]}))

    code = main(["--data-dir", str(data_dir), "import", str(export)])
    out, err = capsys.readouterr()

    assert (code, out) == (1, "")
    assert err == (
        f"companion: {export}: entry 1 (id '{entry_id}'): started_at '{started_at}' is outside "
        "the dates companion can show (0001-02-01 to 9999-11-30). Nothing was imported.\n"
    )
    assert not (data_dir / "history").exists()


def test_the_first_and_last_moments_companion_can_show_are_kept(data_dir: Path):
    first = Entry(kind="breathing", started_at=datetime(1, 2, 1, tzinfo=UTC))
    last = Entry(kind="breathing",
                 started_at=datetime(9999, 11, 30, 11, 59, 59, tzinfo=timedelta_zone(-12)))
    store = HistoryStore(data_dir)
    store.save(first)
    store.save(last)
    assert HistoryStore(data_dir).all() == [first, last]
    assert month_files(data_dir) == [own_file("0001-02"), own_file("9999-11")]


def timedelta_zone(hours: int):
    from datetime import timezone

    return timezone(timedelta(hours=hours))


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "9999-W53"])
def test_a_week_the_calendar_cannot_hold_is_a_usage_error(data_dir: Path, capsys, week: str):
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", str(data_dir), "week", "--week", week])
    _, err = capsys.readouterr()
    assert stop.value.code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert week in err
    assert "from 0001-W02 to 9999-W51" in err or "exists in the calendar" in err


@pytest.mark.parametrize(
    ("week", "zone"),
    # Where each end is nearest: local midnight is a day before in UTC east of Greenwich, and
    # the week's end a day after in UTC west of it.
    [("0001-W02", "Pacific/Kiritimati"), ("9999-W51", "Etc/GMT+12")],
)
def test_the_first_and_last_weeks_print_in_the_furthest_time_zones(data_dir, week, zone):
    result = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), "week", "--week",
         week, "--format", "json"],
        capture_output=True, text=True, env={**os.environ, "TZ": zone}, timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert json.loads(result.stdout)["week"] == week
