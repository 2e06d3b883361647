"""`companion month`, `year`, `insights`, `repairs` and `search`: each format, printed for real."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from companion import looking
from companion.cli import main
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.exits import UsageError
from companion.history import HistoryStore
from companion.spans import shift_months

NOVEMBER = date(2024, 11, 1)  # a Friday
MARKUP = "[bold]cold[/bold] *shoulder* <b>x</b> | `y` \x1b[31mred\u202e"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def box_use(day: int, eased: int, **fields) -> Entry:
    return Entry(kind="checkin", started_at=local(date(2024, 11, day), 9), activation_before=8,
                 activation_after=8 - eased, breathing=Breathing("box", 90.0, 5, True), **fields)


def history_entries() -> dict[str, Entry]:
    return {
        "first": Entry(
            kind="checkin", started_at=local(date(2024, 11, 4), 8), activation_before=9,
            activation_after=3, needs=("tired",), note="bedtime [red]again[/red]",
            breathing=Breathing("4-7-8", 57.0, 3, True),
            feelings=(Feeling("frazzled", "high_unpleasant"),
                      Feeling("[i]mine[/i]", "low_unpleasant")),
            repair=Repair("child", "I *snapped*", "my tone", "apologised", "done",
                          local(date(2024, 11, 4), 10))),
        "break": Entry(kind="breathing", started_at=local(date(2024, 11, 4), 12),
                       activation_after=4, breathing=Breathing("coherent", 120.0, 11, True)),
        "open": Entry(kind="repair", started_at=local(date(2024, 11, 20), 19),
                      repair=Repair("partner", MARKUP, step="will_try_later")),
        "october": Entry(kind="checkin", started_at=local(date(2024, 10, 10), 18),
                         activation_before=6, activation_after=5, note="October evening"),
        **{f"box{i}": box_use(10 + i, eased) for i, eased in enumerate([1, 2, 3, 4, 5])},
    }


@pytest.fixture(autouse=True)
def _terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def history(data_dir: Path) -> dict[str, Entry]:
    entries = history_entries()
    HistoryStore(data_dir, fsync=False).add_missing(entries.values())
    return entries


def run(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:
    try:
        code = main([*argv, "--data-dir", str(data_dir)])
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


def no_escapes(text: str) -> None:
    """Nothing a person typed reached the terminal as a command."""
    assert "\x1b" not in text and "\u202e" not in text


# -- month ------------------------------------------------------------------------------------


def test_the_month_table_shows_the_calendar_every_day_and_the_month_before(
        data_dir, history, capsys):
    code, out, err = run(capsys, data_dir, "month", "--month", "2024-11")
    assert (code, err) == (0, "")
    assert out.startswith("Your month · November 2024\n")
    assert "  Mo   Tu   We   Th   Fr   Sa   Su\n" in out
    assert "\n                      1·   2·   3·\n" in out  # Friday the 1st, nothing saved
    assert "  4█" in out  # the 4th's highest activation was 9
    assert " 20○" in out  # a repair, with no activation noted
    assert " 10▓\n 11▓  12▓  13▓  14▓" in out  # the box days: 8 before each
    assert "· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10" in out
    assert re.search(r"Mon 4 Nov +1 +1 +3 min +9 +9 → 3 +1 \n", out)  # the break is no pair
    assert "Sat 30 Nov" in out
    assert "Repairs: 2 logged, 1 still open" in out
    assert "My partner · Later, once I'm calm · planned, still open" in out
    assert "Beside October 2024" in out
    assert re.search(r"Check-ins +6 +1", out)
    assert re.search(r"Before → after +8\.2 → 4\.7 \(6 pairs\) +6 → 5 \(1 pair\)", out)
    assert "[i]mine[/i] (1)" in out  # your own word, as written
    no_escapes(out)
    assert widest(out) <= 80


def test_the_month_as_markdown_escapes_what_you_wrote(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "month", "--month", "2024-11", "--format", "markdown")
    assert code == 0
    assert out.startswith("# My month: November 2024\n\n```\n")
    assert "| Mon 4 Nov | 1 | 1 | 3 min | 9 | 9 → 3 | 1 |" in out
    assert "\\[i\\]mine\\[/i\\] (1)" in out
    assert ("What happened: \\[bold\\]cold\\[/bold\\] \\*shoulder\\* &lt;b&gt;x&lt;/b&gt; "
            "\\| \\`y\\` \ufffd\\[31mred\ufffd") in out
    assert "| Check-ins | 6 | 1 |" in out
    no_escapes(out)


def test_the_month_as_json_keeps_the_contract(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "month", "--month", "2024-11", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"schema", "days", "summary"} <= set(data)
    assert (data["month"], data["start"], data["end"]) == ("2024-11", "2024-11-01", "2024-11-30")
    assert len(data["days"]) == 30
    assert data["days"][3] == {"date": "2024-11-04", "entries": 2, "checkins": 1, "breaks": 1,
                               "breathing_minutes": 3.0, "activation_max": 9,
                               "before_avg": 9.0, "after_avg": 3.0, "pairs": 1}
    assert data["days"][0]["activation_max"] is None and data["days"][0]["pairs"] == 0
    summary = data["summary"]
    assert (summary["checkins"], summary["pairs"], summary["before_avg"]) == (6, 6, 8.2)
    assert summary["previous"]["month"] == "2024-10" and summary["previous"]["pairs"] == 1
    assert summary["open_repairs"] == [history["open"].id]
    assert [r["status"] for r in summary["repairs"]] == ["done", "planned"]
    assert summary["words"][1] == {"word": "[i]mine[/i]", "quadrant": "low_unpleasant",
                                   "count": 1}
    assert summary["repairs"][1] == {"id": history["open"].id,
                                     "started_at": history["open"].started_at.isoformat(),
                                     **history["open"].to_dict()["repair"]}
    assert "\\u001b" in out and "\\u202e" in out  # your text, escaped, not lost


def test_a_month_by_offset_from_this_one(data_dir, capsys):
    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    HistoryStore(data_dir, fsync=False).save(
        Entry(kind="checkin", started_at=local(last_month, 12), activation_before=4))
    code, out, _ = run(capsys, data_dir, "month", "--offset", "-1", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["month"] == f"{last_month:%Y-%m}" and data["summary"]["checkins"] == 1


def test_an_empty_month_says_so_kindly(data_dir, capsys):
    code, out, _ = run(capsys, data_dir, "month", "--month", "2024-02")
    assert code == 0
    assert "Nothing saved this month." in out
    assert "Beside January 2024" in out


# -- year -------------------------------------------------------------------------------------


def test_the_year_at_a_glance_fits_80_columns_and_needs_no_colour(data_dir, history, capsys,
                                                                   monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal, but one that asked for no colour
    code, out, err = run(capsys, data_dir, "year", "--year", "2024")
    assert (code, err) == (0, "")
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7])m", out)  # no colour at all
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    lines = plain.splitlines()
    assert lines[0] == "Your year · 2024"
    assert lines[1].startswith("    1        10        20        30  Check-ins Breaks Breathing")
    november = next(line for line in lines if line.startswith("Nov "))
    assert november[4:4 + 31] == "···█·····▓▓▓▓▓·····○·········· "  # 30 days and a gap
    assert november[4 + 31:].split() == ["6", "1", "10", "min", "8.2", "→", "4.7"]
    february = next(line for line in lines if line.startswith("Feb "))
    assert february[4:4 + 31] == "·" * 29 + "  "  # 2024 is a leap year
    assert "· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10" in plain
    assert "Each week's before → after, W01–W52" in plain
    assert widest(plain) <= 80


def test_with_colour_the_shades_are_coloured_too(data_dir, history, capsys, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run(capsys, data_dir, "year", "--year", "2024")
    assert code == 0
    assert re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7])m█", out)  # coloured, and a character


def test_the_year_as_markdown_and_json(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "year", "--year", "2024", "--format", "markdown")
    assert code == 0
    assert out.startswith("# My year: 2024\n\n```\n")
    assert "| November | 6 | 1 | 10 min | 8.2 → 4.7 | 6 |" in out
    assert "| **The year** | 7 | 1 | 10 min | 7.9 → 4.7 | 7 |" in out
    code, out, _ = run(capsys, data_dir, "year", "--year", "2024", "--format", "json")
    data = json.loads(out)
    assert {"schema", "days", "summary"} <= set(data) and data["year"] == 2024
    assert len(data["days"]) == 366
    assert data["days"][0] == {"date": "2024-01-01", "entries": 0, "checkins": 0, "breaks": 0,
                               "breathing_minutes": 0.0, "activation_max": None,
                               "before_avg": None, "after_avg": None, "pairs": 0}
    assert data["summary"]["months"][10]["checkins"] == 6
    assert len(data["summary"]["weeks"]) == 52


@pytest.mark.parametrize("year", ["1", "9999"])
def test_the_calendars_first_and_last_years_print(data_dir, capsys, year):
    code, out, err = run(capsys, data_dir, "year", "--year", year)
    assert (code, err) == (0, "")
    assert f"Your year · {year}" in out


# -- insights ---------------------------------------------------------------------------------


def test_insights_table_ranks_what_eased_you_and_says_too_few(data_dir, history, capsys):
    code, out, err = run(capsys, data_dir, "insights", "--all")
    assert (code, err) == (0, "")
    assert "What helps you · Thu 10 Oct 2024 – " in out
    assert re.search(r"Box breathing +5 +3 +2 to 4", out)
    assert re.search(r"4-7-8 breathing +1 +too few to say yet", out)
    assert "Under 5 uses: too few to say yet." in out
    assert ("Often came with high activation (7 or more)\n6 of the 7 moments you rated "
            "before grounding.\n") in out
    assert re.search(r"Tired +1 \(17%\) +1 \(14%\)", out)
    assert "2 logged: 1 done, 1 still open." in out
    assert re.search(r"Nov 2024 +6 +10 min +8\.2 → 4\.7 +6", out)
    no_escapes(out)
    assert widest(out) <= 80


def test_insights_as_json_keep_the_contract(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "insights", "--all", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == 1
    assert data["span"]["from"] == "2024-10-10"
    assert data["what_helps"] == [
        {"pattern": "box", "uses": 5, "eased_median": 3.0, "enough": True,
         "eased_spread": [2.0, 4.0], "sessions": None},
        {"pattern": "4-7-8", "uses": 1, "eased_median": None, "enough": False,
         "eased_spread": None, "sessions": None},
    ]
    assert (data["before_high"]["moments"], data["before_high"]["rated"]) == (6, 7)
    assert data["before_high"]["needs"] == [{"need": "tired", "count": 1, "share": 0.167,
                                             "baseline_count": 1, "baseline_share": 0.143}]
    assert data["repairs"]["by_status"] == {"done": 1, "planned": 1, "let_go": 0}
    assert data["repairs"]["open"][0]["id"] == history["open"].id
    assert [m["month"] for m in data["by_month"]][:2] == ["2024-10", "2024-11"]


def test_insights_markdown(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "insights", "--all", "--format", "markdown")
    assert code == 0
    assert out.startswith("# What helps me: Thu 10 Oct 2024 – ")
    assert "| Box breathing | 5 | 3 | 2 to 4 |" in out
    assert "| 4-7-8 breathing | 1 | too few to say yet |  |" in out


def test_insights_over_the_last_months_leave_older_ones_out(data_dir, capsys):
    now = datetime.now().astimezone()
    recent = [Entry(kind="checkin", started_at=now - timedelta(minutes=i + 1),
                    activation_before=7, activation_after=5,
                    breathing=Breathing("box", 60.0, 3, True)) for i in range(5)]
    old = Entry(kind="checkin", started_at=now - timedelta(days=400), activation_before=9,
                activation_after=0, breathing=Breathing("box", 60.0, 3, True))
    HistoryStore(data_dir, fsync=False).add_missing([*recent, old])
    code, out, _ = run(capsys, data_dir, "insights", "--months", "1", "--format", "json")
    data = json.loads(out)
    assert data["span"] == {"from": f"{now.date().replace(day=1)}", "to": f"{now.date()}"}
    assert data["what_helps"][0]["uses"] == 5 and data["what_helps"][0]["eased_median"] == 2.0
    code, out, _ = run(capsys, data_dir, "insights", "--all", "--format", "json")
    assert code == 0 and json.loads(out)["what_helps"][0]["uses"] == 6


# -- repairs ----------------------------------------------------------------------------------


def test_repairs_oldest_first_with_how_long_the_open_ones_have_been_open(
        data_dir, history, capsys):
    days = (datetime.now().astimezone() - history["open"].started_at).days
    code, out, _ = run(capsys, data_dir, "repairs")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Your repairs: 2, 1 still open"
    first, still_open = history["first"].id[:8], history["open"].id[:8]
    assert lines[1].startswith(
        f"  {first}  Mon 4 Nov 2024 08:00    done              My child · Said sorry")
    assert lines[2].startswith(f"  {still_open}  Wed 20 Nov 2024 19:00   open, {days} days")
    no_escapes(out)
    assert widest(out) <= 80
    code, out, _ = run(capsys, data_dir, "repairs", "--open")
    assert out.splitlines()[0] == "Repairs still open: 1" and len(out.splitlines()) == 2


def test_repairs_as_json_are_the_whole_repair_with_its_entry(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "repairs", "--format", "json")
    assert code == 0
    data = json.loads(out)
    first = history["first"]
    assert data["schema"] == 1
    assert data["repairs"][0] == {"id": first.id, "started_at": first.started_at.isoformat(),
                                  **first.to_dict()["repair"], "days_open": None}
    assert data["repairs"][1]["what_happened"] == MARKUP  # exactly as typed
    assert data["repairs"][1]["status"] == "planned"


def test_repairs_as_markdown(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "repairs", "--open", "--format", "markdown")
    assert code == 0
    assert out.startswith(f"# Repairs still open: 1\n\n- `{history['open'].id[:8]}` · "
                          "Wed 20 Nov 2024 19:00 · My partner · Later, once I'm calm · open, ")
    assert "What happened: \\[bold\\]cold" in out


def history_files(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((data_dir / "history").iterdir())}


@pytest.mark.parametrize(("flag", "status", "words"), [("--done", "done", "Marked done"),
                                                       ("--let-go", "let_go", "Marked let go")])
def test_a_repair_is_marked_by_the_id_repairs_shows(data_dir, history, capsys, flag, status,
                                                    words):
    code, out, _ = run(capsys, data_dir, "repairs", "--open")
    shown = out.splitlines()[1].split()[0]
    assert shown == history["open"].id[:8]
    before = datetime.now().astimezone()
    code, out, err = run(capsys, data_dir, "repairs", flag, shown.upper())  # any case
    assert (code, err) == (0, "")
    assert out == f"{words}: your repair of Wed 20 Nov 2024 19:00 · My partner.\n"
    saved = HistoryStore(data_dir).get(history["open"].id)
    assert saved is not None and saved.repair is not None
    assert saved.repair.status == status
    assert saved.repair.what_happened == MARKUP  # the rest as it was
    if status == "done":
        assert saved.repair.done_at is not None and saved.repair.done_at >= before
    else:
        assert saved.repair.done_at is None
    code, out, _ = run(capsys, data_dir, "repairs", "--open")
    assert out.splitlines() == ["Repairs still open: 0", "None to show."]
    # Asked again: said, and nothing written.
    files = history_files(data_dir)
    code, out, _ = run(capsys, data_dir, "repairs", flag, history["open"].id)
    assert code == 0 and "already marked" in out and history_files(data_dir) == files


def test_a_done_repair_can_be_let_go_and_a_full_id_works(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "repairs", "--let-go", history["first"].id)
    assert code == 0 and out.startswith("Marked let go: your repair of Mon 4 Nov 2024")
    saved = HistoryStore(data_dir).get(history["first"].id)
    assert saved is not None and saved.repair is not None
    assert (saved.repair.status, saved.repair.done_at) == ("let_go", None)


def repair_with_id(entry_id: str, day: int) -> Entry:
    return Entry(kind="repair", id=entry_id, started_at=local(date(2024, 11, day), 19),
                 repair=Repair("friend", "late again"))


@pytest.mark.parametrize(("given", "complaint"), [
    ("abcdef", "2 repairs have ids beginning 'abcdef'; give more of the id"),
    ("0123", "no repair has an id beginning '0123'"),
    ("BOX", "no repair has an id beginning 'BOX'"),
])
def test_a_bad_or_shared_id_is_one_line_exit_2_and_nothing_changes(data_dir, history, capsys,
                                                                  given, complaint):
    HistoryStore(data_dir, fsync=False).add_missing([
        repair_with_id("abcdef12-0000-4000-8000-000000000001", 21),
        repair_with_id("abcdef12-0000-4000-8000-000000000002", 22)])
    files = history_files(data_dir)
    code, out, err = run(capsys, data_dir, "repairs", "--done", given)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and complaint in err
    assert history_files(data_dir) == files
    # The two that begin alike are shown with as much of their ids as tells them apart.
    code, out, _ = run(capsys, data_dir, "repairs", "--open")
    shown = sorted(line.split()[0] for line in out.splitlines()[1:])
    assert shown == sorted([history["open"].id[:8], "abcdef12-0000-4000-8000-000000000001",
                            "abcdef12-0000-4000-8000-000000000002"])
    code, out, err = run(capsys, data_dir, "repairs", "--done",
                         "abcdef12-0000-4000-8000-000000000002")
    assert code == 0 and "Fri 22 Nov 2024" in out
    store = HistoryStore(data_dir)
    statuses = [store.get(f"abcdef12-0000-4000-8000-00000000000{n}") for n in (1, 2)]
    assert [e.repair.status for e in statuses if e and e.repair] == ["planned", "done"]


def test_an_entry_that_is_not_a_repair_is_not_found(data_dir, history, capsys):
    code, out, err = run(capsys, data_dir, "repairs", "--done", history["break"].id)
    assert (code, out) == (2, "") and "no repair has an id" in err


# -- search -----------------------------------------------------------------------------------


def test_search_prints_what_matched_newest_first(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "search", "SNAPPED")
    assert code == 0
    assert out.splitlines() == [
        'Found 1 entry for "SNAPPED"',
        "  Mon 4 Nov 2024 08:00    check-in         9 → 3    frazzled, [i]mine[/i] — be…",
    ]
    code, out, _ = run(capsys, data_dir, "search", "", "--with", "my partner")
    assert out.splitlines()[0] == "Found 1 entry for with my partner"
    code, out, _ = run(capsys, data_dir, "search", "evening", "--since", "2024-11-01")
    assert out == 'Found 0 entries for "evening", since 2024-11-01\n'


def test_search_as_json_gives_entries_exactly_as_the_export_does(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "search", "", "--need", "Tired", "--format", "json")
    assert code == 0
    found = json.loads(out)
    code, exported, _ = run(capsys, data_dir, "export")
    by_id = {e["id"]: e for e in json.loads(exported)["entries"]}
    assert found["schema"] == 1 and found["count"] == 1
    assert found["entries"] == [by_id[history["first"].id]]
    assert found["query"] == {"text": "", "feeling": None, "need": "Tired", "with": None,
                              "since": None}


def test_search_as_markdown_lists_each_entry_whole(data_dir, history, capsys):
    code, out, _ = run(capsys, data_dir, "search", "", "--feeling", "FRAZZLED", "--format",
                       "markdown")
    assert code == 0
    assert out.startswith('# Found 1 entry for feeling FRAZZLED\n\n## Mon 4 Nov 2024 08:00 · '
                          "check-in\n")
    assert "- Note: bedtime \\[red\\]again\\[/red\\]" in out


# -- bad input and problems -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["month", "--month", "2026-13"], "--month"),
        (["month", "--month", "26-11"], "--month"),
        (["month", "--month", "2026-11", "--offset", "1"], "not allowed with"),
        (["month", "--offset", "many"], "--offset"),
        (["year", "--year", "0"], "--year"),
        (["year", "--year", "10000"], "--year"),
        (["insights", "--months", "0"], "--months"),
        (["insights", "--months", "3", "--all"], "not allowed with"),
        (["search", "x", "--since", "yesterday"], "--since"),
        (["search", "x", "--since", "2026-02-30"], "--since"),
        (["search", "x", "--need", " "], "--need"),
        (["search"], "TEXT"),
        (["repairs", "--format", "csv"], "--format"),
        (["repairs", "--done", "a", "--let-go", "b"], "not allowed with"),
        (["repairs", "--done", " "], "--done"),
        (["repairs", "--let-go"], "--let-go"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(data_dir, capsys, argv, complaint):
    code, out, err = run(capsys, data_dir, *argv)
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and complaint in err
    assert not data_dir.exists()  # nothing was made


def test_a_month_beyond_the_calendars_end_is_a_usage_error(data_dir, capsys):
    with pytest.raises(UsageError, match="outside the calendar"):
        looking.print_month(data_dir, offset=1, today=date(9999, 12, 5))
    assert looking.print_month(data_dir, offset=-1, today=date(9999, 12, 5)) == 0
    assert capsys.readouterr().out.startswith("Your month · November 9999\n")


def test_the_longest_span_asked_for_reads_a_hundred_years(data_dir, capsys):
    code, out, err = run(capsys, data_dir, "insights", "--months", "1200", "--format", "json")
    # This month and the 1,199 before it.
    first = shift_months(date.today().replace(day=1), -1199)
    assert (code, err) == (0, "") and json.loads(out)["span"]["from"] == first.isoformat()


@pytest.mark.parametrize("argv", [["month", "--month", "2024-11"], ["year", "--year", "2024"],
                                  ["insights", "--all"], ["repairs"], ["search", "box"]])
def test_a_damaged_month_file_is_named_and_the_rest_still_prints(data_dir, history, capsys,
                                                                  argv):
    damaged = data_dir / "history" / "2024-10.json"
    damaged.write_text("{ this is not json")
    code, out, err = run(capsys, data_dir, *argv)
    assert code == 1
    assert "2024-10.json" in err and "Traceback" not in err
    assert err.strip().endswith("this may be missing entries from the file(s) above.")
    assert out  # what could be read


def test_nothing_readable_prints_only_the_problems(data_dir, capsys):
    (data_dir / "history").mkdir(parents=True)
    (data_dir / "history" / "2024-11.json").write_text("[]")
    code, out, err = run(capsys, data_dir, "repairs")
    assert (code, out) == (1, "")
    assert "2024-11.json" in err and "nothing here could be read" in err


@pytest.mark.parametrize("argv", [["month", "--month", "2024-11"], ["year", "--year", "2024"],
                                  ["insights", "--all"], ["repairs", "--open"],
                                  ["search", "bedtime", "--format", "json"]])
def test_looking_back_never_imports_textual(data_dir, history, argv):
    script = ("import sys; from companion.cli import main; code = main(sys.argv[1:]); "
              "assert 'textual' not in sys.modules, 'textual was imported'; sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script, *argv, "--data-dir", str(data_dir)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout


def test_the_installed_command_prints_the_year(data_dir, history):
    installed = Path(sys.executable).parent / "companion"
    result = subprocess.run([str(installed), "year", "--year", "2024", "--data-dir", str(data_dir)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Your year · 2024\n")


@pytest.mark.parametrize("command", [["month"], ["year"], ["insights", "--all"], ["repairs"],
                                     ["search", "calm"]])
def test_looking_back_pauses_the_collector_and_gives_it_back(data_dir, capsys, monkeypatch,
                                                             command):
    """Importing and reading keep every object to the end: the cycle collector is paused for
    the whole command (companion/cli.py, _look_back) and on again after, even on an error."""
    import gc

    seen: list[bool] = []
    real = HistoryStore._prepare

    def prepare(self: HistoryStore, *args: object, **kwargs: object) -> None:
        seen.append(gc.isenabled())
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HistoryStore, "_prepare", prepare)
    assert gc.isenabled()
    assert main(["--data-dir", str(data_dir), *command]) == 0
    assert seen and not any(seen)
    assert gc.isenabled()
    monkeypatch.setattr(HistoryStore, "_prepare", lambda *_: (_ for _ in ()).throw(
        OSError("no")))
    main(["--data-dir", str(data_dir), *command])
    assert gc.isenabled()
    capsys.readouterr()
