"""`companion week`: the week printed as a table, as markdown and as json, without the TUI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from machines import own_file

from companion import report
from companion.cli import main
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.history import HistoryStore
from companion.settings import Settings

MONDAY = date(2026, 11, 16)  # 2026-W47
NOTE = "bedtime [bold]again[/bold] *sigh* <b>x</b> | `y` \x1b[31mred\u202e"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def week_entries() -> list[Entry]:
    return [
        Entry(kind="checkin", started_at=local(MONDAY, 12), activation_before=8,
              activation_after=5, needs=("tired",), note=NOTE,
              breathing=Breathing("box", 90.0, 5, True),
              feelings=(Feeling("frazzled", "high_unpleasant"), Feeling("[i]mine[/i]",
                                                                        "low_unpleasant")),
              repair=Repair(with_whom="child", what_happened="I *snapped*", step="apologised",
                            status="done", done_at=local(MONDAY, 13))),
        Entry(kind="breathing", started_at=local(MONDAY + timedelta(days=2), 15),
              breathing=Breathing("coherent", 120.0, 11, True)),
        Entry(kind="repair", started_at=local(MONDAY + timedelta(days=3), 19),
              repair=Repair(with_whom="partner", what_happened="cold shoulder",
                            step="will_try_later")),
    ]


def outside_entries() -> list[Entry]:
    return [Entry(kind="checkin", started_at=local(MONDAY - timedelta(days=1), 12), note="before"),
            Entry(kind="checkin", started_at=local(MONDAY + timedelta(days=7), 12), note="after")]


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    # Rich lays out for 80 columns when not on a terminal; wider keeps each line whole here.
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture
def history(data_dir: Path) -> list[Entry]:
    store = HistoryStore(data_dir, fsync=False)
    entries = week_entries()
    for entry in [*entries, *outside_entries()]:
        store.save(entry)
    return entries


def week(data_dir: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["week", "--data-dir", str(data_dir), "--week", "2026-W47", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_table_shows_each_day_and_what_the_week_held(data_dir, history, capsys):
    code, out, err = week(data_dir, capsys)
    assert (code, err) == (0, "")
    assert "Your week · 2026-W47 · Mon 16 Nov – Sun 22 Nov 2026" in out
    for day in ("Mon 16 Nov", "Tue 17 Nov", "Sun 22 Nov"):
        assert day in out
    assert "8 → 5" in out and "1.5 min" in out and "2.0 min" in out
    assert "Tired (1)" in out and "frazzled (1)" in out
    assert "My partner · Later, once I'm calm · planned, still open — cold shoulder" in out
    assert "before" not in out.split("Moments")[1] and "after" not in out.split("Moments")[1]


def test_the_table_shows_your_text_as_typed_never_as_markup(data_dir, history, capsys):
    _, out, _ = week(data_dir, capsys)
    assert "[i]mine[/i]" in out  # a feeling word of your own, shown as written
    assert "bedtime [bold]again[/bold] *sigh* <b>x</b>" in out
    assert "\x1b" not in out and "\u202e" not in out


def test_the_markdown_report_can_be_handed_on(data_dir, history, capsys):
    code, out, _ = week(data_dir, capsys, "--format", "markdown")
    assert code == 0
    assert out.startswith("# My week: 2026-W47 (Mon 16 Nov – Sun 22 Nov 2026)\n")
    assert "| Mon 16 Nov | 1 |  | 1.5 min | 8 → 5 (1 pair) |" in out
    assert "| Wed 18 Nov |  | 1 | 2.0 min |  |" in out
    assert "- Mon 16 Nov 12:00: 8 → 5" in out
    assert "- ▲ High energy, unpleasant: 1" in out
    assert "- Tired: 1" in out
    assert "planned, still open. What happened: cold shoulder" in out
    assert "### Mon 16 Nov 12:00 · check-in" in out
    assert "- Breathing: Box breathing, 1.5 min, 5 breaths" in out


def test_the_markdown_report_neutralises_markup_in_your_text(data_dir, history, capsys):
    _, out, _ = week(data_dir, capsys, "--format", "markdown")
    note = next(line for line in out.splitlines() if line.startswith("- Note: "))
    assert note == ("- Note: bedtime \\[bold\\]again\\[/bold\\] \\*sigh\\* &lt;b&gt;x&lt;/b&gt; "
                    "\\| \\`y\\` \ufffd\\[31mred\ufffd")
    assert "- Feelings: frazzled, \\[i\\]mine\\[/i\\]" in out
    assert "What happened: I \\*snapped\\*" in out
    assert "<b>" not in out and "\x1b" not in out


def test_the_json_holds_the_summary_and_every_entry_of_the_week(data_dir, history, capsys):
    code, out, _ = week(data_dir, capsys, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["schema", "week", "start", "week_start", "summary", "entries"]
    assert (document["schema"], document["week"], document["start"]) == (1, "2026-W47",
                                                                          "2026-11-16")
    assert document["entries"] == [e.to_dict() for e in history]  # exactly as stored
    summary = document["summary"]
    assert [d["date"] for d in summary["days"]] == [
        (MONDAY + timedelta(days=i)).isoformat() for i in range(7)]
    assert summary["days"][0]["check_ins"] == 1
    assert summary["feelings"] == {"high_unpleasant": 1, "high_pleasant": 0,
                                   "low_pleasant": 0, "low_unpleasant": 1}
    assert summary["open_repairs"] == [history[2].id]
    assert [r["status"] for r in summary["repairs"]] == ["done", "planned"]
    # Control and direction characters you typed come back intact, but escaped in the text.
    assert "\x1b" not in out and "\u202e" not in out and "\\u202e" in out
    assert document["entries"][0]["note"] == NOTE


def test_an_empty_week_says_something_kind(data_dir, content, capsys):
    for fmt in ("table", "markdown"):
        code, out, err = week(data_dir, capsys, "--format", fmt)
        assert (code, err) == (0, "")
        assert any(line in out for line in content.empty_week)
    code, out, _ = week(data_dir, capsys, "--format", "json")
    document = json.loads(out)
    assert document["entries"] == [] and document["summary"]["open_repairs"] == []


def test_offset_moves_from_this_week(data_dir, capsys):
    last_week = date.today() - timedelta(days=7)
    HistoryStore(data_dir, fsync=False).save(
        Entry(kind="checkin", started_at=local(last_week, 12), note="last week's"))
    main(["week", "--data-dir", str(data_dir), "--offset", "-1", "--format", "json"])
    notes = [e["note"] for e in json.loads(capsys.readouterr().out)["entries"]]
    main(["week", "--data-dir", str(data_dir), "--format", "json"])
    assert notes == ["last week's"]
    assert json.loads(capsys.readouterr().out)["entries"] == []


def test_a_sunday_week_starts_on_sunday(data_dir, history, capsys, monkeypatch):
    monkeypatch.setattr(report, "load_settings", lambda _: (Settings(week_start="sunday"), []))
    _, out, _ = week(data_dir, capsys, "--format", "json")
    document = json.loads(out)
    assert (document["week"], document["start"], document["week_start"]) == (
        "2026-W47", "2026-11-15", "sunday")
    notes = [e["note"] for e in document["entries"]]
    assert notes[0] == "before"  # Sunday 15 Nov now belongs to this week
    assert "after" not in notes


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_week_across_the_end_of_summer_time_reads_its_last_hour(data_dir, capsys, new_york):
    store = HistoryStore(data_dir, fsync=False)
    late = Entry(kind="checkin", started_at=datetime.fromisoformat("2026-11-01T23:30:00-05:00"))
    next_week = Entry(kind="checkin",
                      started_at=datetime.fromisoformat("2026-11-02T00:30:00-05:00"))
    first = Entry(kind="checkin", started_at=datetime.fromisoformat("2026-10-26T00:00:00-04:00"))
    for entry in (late, next_week, first):
        store.save(entry)
    main(["week", "--data-dir", str(data_dir), "--week", "2026-W44", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in document["entries"]] == [first.id, late.id]
    assert [d["check_ins"] for d in document["summary"]["days"]] == [1, 0, 0, 0, 0, 0, 1]


def test_week_53_reads_both_months(data_dir, capsys):
    store = HistoryStore(data_dir, fsync=False)
    entries = [Entry(kind="checkin", started_at=local(date(2026, 12, 29), 12)),
               Entry(kind="checkin", started_at=local(date(2027, 1, 2), 12))]
    for entry in entries:
        store.save(entry)
    main(["week", "--data-dir", str(data_dir), "--week", "2026-W53", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert document["week"] == "2026-W53"
    assert [e["id"] for e in document["entries"]] == [e.id for e in entries]


def test_a_damaged_file_is_named_and_what_could_be_read_still_prints(data_dir, history, capsys):
    month = data_dir / "history" / own_file("2026-11")
    month.rename(month.with_name("2026-11.json"))  # a file from before: read as well
    month.write_text("{ this is not json")
    code, out, err = week(data_dir, capsys)
    assert code == 1
    assert "8 → 5" in out  # the readable file's entries are all there
    lines = err.splitlines()
    assert lines[0].startswith(f"companion: {month}") and "left untouched" in lines[0]
    assert lines[-1] == "companion: this review may be missing entries from the file(s) above."
    assert month.read_text() == "{ this is not json"  # never written to


def test_when_nothing_could_be_read_only_the_problem_is_printed(data_dir, capsys):
    (data_dir / "history").mkdir(parents=True, mode=0o700)
    data_dir.chmod(0o700)
    (data_dir / "history" / "2026-11.json").write_text("[]")
    code, out, err = week(data_dir, capsys)
    assert (code, out) == (1, "")
    first = err.splitlines()[0]
    assert first.startswith(f"companion: {data_dir / 'history' / '2026-11.json'} ")
    assert first.endswith("It was left untouched; to recover, move it aside or restore an "
                          "export with `companion import`.")
    assert err.splitlines()[-1] == (
        "companion: nothing from this week could be read, so there is no review to show.")


@pytest.mark.parametrize(
    ("week_asked", "offset", "week_start", "first"),
    [
        (date(2026, 11, 16), 0, "monday", date(2026, 11, 16)),
        (date(2026, 11, 16), 0, "sunday", date(2026, 11, 15)),
        (None, -1, "monday", date(2026, 11, 9)),
        (None, 2, "sunday", date(2026, 11, 29)),
    ],
)
def test_which_week_is_shown(week_asked, offset, week_start, first):
    today = date(2026, 11, 18)
    assert report.which_week(week_asked, offset, week_start, today) == first


def test_week_never_imports_textual(data_dir, history):
    program = (
        "import sys\n"
        "from companion.cli import main\n"
        f"code = main(['week', '--data-dir', {str(data_dir)!r}, '--week', '2026-W47'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "print('TEXTUAL', loaded, code)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            check=True)
    assert "TEXTUAL [] 0" in result.stdout
    assert "8 → 5" in result.stdout


def test_the_installed_command_prints_the_week(data_dir, history):
    result = subprocess.run(
        ["companion", "week", "--data-dir", str(data_dir), "--week", "2026-W47", "--format",
         "markdown"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# My week: 2026-W47")


def test_a_week_of_tens_of_thousands_of_moments_lists_the_first_and_says_how_many_more(
    data_dir, capsys, monkeypatch
):
    """Issue 13's large month: laying out 61,000 lines took Rich minutes; the table lists
    TABLE_MOMENTS of each kind of line and says where to find the rest."""
    monkeypatch.setattr(report, "TABLE_MOMENTS", 3)
    entries = [
        Entry(kind="checkin", started_at=local(MONDAY, 8 + n), activation_before=6,
              activation_after=4, note=f"moment {n}",
              repair=Repair(with_whom="child", step="apologised", status="done"))
        for n in range(5)
    ]
    HistoryStore(data_dir).add_missing(entries)

    code, out, _ = week(data_dir, capsys)

    assert code == 0
    assert [n for n in range(5) if f"moment {n}" in out] == [0, 1, 2]
    more = "  … and 2 more; `companion week --format markdown` lists every one."
    assert out.count(more) == 3  # groundings, repairs, moments
    code, out, _ = week(data_dir, capsys, "--format", "markdown")
    assert all(f"moment {n}" in out for n in range(5))
