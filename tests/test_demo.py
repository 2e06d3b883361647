"""companion demo: a realistic, reproducible history that never touches the person's own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion import demo
from companion.cli import main
from companion.entries import QUADRANTS, STATES
from companion.history import HistoryStore

NOW = datetime(2026, 11, 22, 21, 4, tzinfo=timezone(timedelta(hours=1)))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def month(content) -> list:
    return list(demo.demo_entries(30, NOW, content))


def test_demo_out_writes_a_history_the_store_reads_whole(capsys, tmp_path):
    out_dir = tmp_path / "demo-try"

    code, out, err = run(capsys, "demo", "--days", "30", "--out", str(out_dir))

    store = HistoryStore(out_dir)
    entries = store.all()
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Wrote a demo history of {len(entries)} entries over 30 days to {out_dir}.",
        f"Open it with: companion --data-dir {out_dir}   (or: companion review --data-dir "
        f"{out_dir})",
    ]
    assert store.problems == {}
    assert 150 <= len(entries) <= 450
    today = datetime.now().astimezone()
    assert entries[-1].started_at <= today
    assert entries[0].started_at.date() >= today.date() - timedelta(days=29)


def test_every_kind_state_quadrant_pattern_and_repair_appears(month, content):
    kinds = Counter(entry.kind for entry in month)
    assert set(kinds) == {"checkin", "breathing", "repair"}
    checkins = [e for e in month if e.kind == "checkin"]
    assert {e.state for e in checkins} == set(STATES)
    assert {f.quadrant for e in month for f in e.feelings} == set(QUADRANTS)
    assert {e.breathing.pattern for e in month if e.breathing} == {
        p.name for p in content.patterns}
    assert {e.repair.status for e in month if e.repair} == {"done", "planned"}
    assert any(e.kind == "repair" for e in month) and any(
        e.kind == "checkin" and e.repair for e in month)
    words = {w.word for q in content.quadrants for w in q.words}
    assert {f.word for e in month for f in e.feelings} <= words
    assert all(e.body_signals for e in checkins)
    assert any(e.needs for e in checkins) and any(e.note for e in checkins)
    assert any(e.senses_steps for e in checkins)


def test_partial_entries_and_early_stops_are_there_as_what_they_are(month):
    partial = [e for e in month if e.kind == "checkin" and not e.complete]
    assert partial and all(e.activation_before is not None and not e.feelings for e in partial)
    stopped = [e for e in month if e.kind == "breathing" and not e.complete]
    assert stopped and all(not e.breathing.completed for e in stopped)
    assert all(e.breathing.completed for e in month if e.kind == "breathing" and e.complete)


def test_activation_mostly_drops_after_grounding_but_not_always(month):
    pairs = [(e.activation_before, e.activation_after) for e in month
             if e.activation_before is not None and e.activation_after is not None]
    lower = sum(after < before for before, after in pairs)
    assert len(pairs) > 40
    assert lower / len(pairs) > 0.6
    assert any(after >= before for before, after in pairs)


def test_check_ins_happen_at_realistic_times_and_breaks_spread_through_the_day(month):
    checkin_hours = Counter(e.started_at.hour for e in month if e.kind == "checkin")
    assert not any(checkin_hours[h] for h in (3, 4, 5))
    busy = sum(checkin_hours[h] for h in (7, 8, 15, 16, 17, 19, 20))
    assert busy > sum(checkin_hours.values()) / 2
    break_hours = {e.started_at.hour for e in month if e.kind == "breathing"}
    assert min(break_hours) >= 7 and max(break_hours) <= 22 and len(break_hours) >= 12
    assert all(e.saved_at > e.started_at for e in month)


def test_about_ten_entries_a_day_and_none_after_now(content):
    entries = list(demo.demo_entries(200, NOW, content))
    assert 1600 <= len(entries) <= 2400
    assert all(e.started_at <= NOW for e in entries)
    days = {e.started_at.date() for e in entries}
    assert min(days) == (NOW - timedelta(days=199)).date() and max(days) == NOW.date()


def test_the_same_days_give_the_same_history(content):
    first = [e.to_dict() for e in demo.demo_entries(30, NOW, content)]
    again = [e.to_dict() for e in demo.demo_entries(30, NOW, content)]
    longer = [e.to_dict() for e in demo.demo_entries(60, NOW, content)]

    assert first == again
    assert longer[-len(first):] == first  # a day keeps its moments when the range grows
    assert len({d["id"] for d in longer}) == len(longer)


def test_demo_out_twice_writes_identical_files(capsys, tmp_path):
    for name in ("one", "two"):
        assert run(capsys, "demo", "--days", "40", "--out", str(tmp_path / name))[0] == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_a_folder_with_a_history_is_refused_and_left_alone(capsys, tmp_path, data_dir):
    run(capsys, "demo", "--days", "3", "--out", str(data_dir))
    files = snapshot(data_dir)

    code, out, err = run(capsys, "demo", "--days", "30", "--out", str(data_dir))

    assert (code, out) == (1, "")
    assert err == (f"companion: {data_dir} already has a history; choose a new or empty "
                   "folder (the demo never writes over a history).\n")
    assert snapshot(data_dir) == files


def test_a_file_as_out_gets_one_line(capsys, tmp_path):
    target = tmp_path / "a-file"
    target.write_text("mine")

    code, _, err = run(capsys, "demo", "--out", str(target))

    assert code == 2 and len(err.strip().splitlines()) == 1 and str(target) in err
    assert target.read_text() == "mine"


def test_an_empty_existing_folder_is_fine(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(capsys, "demo", "--days", "2", "--out", str(tmp_path / "empty"))[0] == 0
    assert HistoryStore(tmp_path / "empty").all()


def test_without_out_the_app_opens_on_a_temporary_folder_then_it_is_removed(
    capsys, monkeypatch, tmp_path
):
    import companion.app

    real = tmp_path / "default-data"  # what COMPANION_DATA_DIR points at in the tests
    seen: dict = {}

    class FakeApp:
        return_code = 0

        def __init__(self, data_dir, start, **options):
            seen.update(data_dir=Path(data_dir), start=start)

        def run(self):
            seen["entries"] = len(HistoryStore(seen["data_dir"]).all())

    monkeypatch.setattr(companion.app, "CompanionApp", FakeApp)

    code, out, _ = run(capsys, "demo", "--days", "5")

    assert code == 0 and seen["start"] == "home" and seen["entries"] > 10
    assert seen["data_dir"] != real and not seen["data_dir"].exists()
    assert not real.exists()
    assert "temporary folder" in out


def test_demo_out_does_not_import_textual(tmp_path):
    script = (
        "import sys; from companion.cli import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual was imported'; sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "demo", "--days", "3", "--out", str(tmp_path / "d")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_offsets_follow_daylight_saving_where_the_person_lives(tmp_path):
    # Run in a child so the time zone can be set for real.
    script = (
        "import sys; from datetime import datetime; from companion.demo import demo_entries; "
        "now = datetime(2026, 11, 22, 21, 0).astimezone(); "
        "print(sorted({str(e.started_at.utcoffset()) for e in demo_entries(365, now)}))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "TZ": "Europe/Berlin"}, timeout=60)
    assert result.stdout.strip() == "['1:00:00', '2:00:00']", result.stderr
