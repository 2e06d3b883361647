"""The bench must not rot: its history builder, a measurement and its arithmetic, run small.

No timing is asserted here (the bench owns timing); these prove the pieces still fit the store,
the command line and each other.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import accuracy, lean, scale  # noqa: E402
from bench.histories import build_history, count_entries, make_entries  # noqa: E402
from bench.rows import Row, format_table  # noqa: E402


def test_the_history_builder_writes_what_the_store_reads(tmp_path: Path):
    folder = build_history(tmp_path / "data", 45, per_day=10)
    assert count_entries(folder) == 45
    months = sorted((folder / "history").glob("*.json"))
    assert months, "one file per UTC month"
    first = json.loads(months[0].read_text())
    assert set(first) == {"entries", "_meta"}


def test_saving_and_reading_a_week_on_a_small_history(tmp_path: Path):
    folder = build_history(tmp_path / "data", 200, per_day=10)  # twenty days up to now
    [entry] = make_entries(1, seed=99)
    seconds = scale.save_one(folder, entry)
    assert seconds >= 0
    assert count_entries(folder) == 201
    _, held = scale.read_week(folder)
    assert 60 <= held <= 80  # ten a day: last week holds about seventy


def test_the_version_command_is_checked_for_textual(tmp_path: Path):
    modules, code, _ = lean.imported_modules(["--version"])
    assert code == 0
    assert "companion.cli" in modules
    assert not lean.uses_textual(modules)
    assert lean.uses_textual({"textual.app"}) and not lean.uses_textual({"textualize"})


def test_phase_errors_are_measured_from_the_session_start():
    record = {
        "start": 100.0,
        "total": 8.0,
        "scheduled": [[0.0, [0, 0]], [4.0, [0, 1]]],
        "changes": [[100.001, [0, 0]], [104.003, [0, 1]], [108.002, "end"]],
        "frames": [[100.002, False], [100.030, True], [104.004, False], [108.003, False]],
        "flushes": [100.0025, 100.031, 104.006, 108.004],
    }
    errors = accuracy.widget_errors(record)
    assert errors["state"] == pytest.approx([0.001, 0.003, 0.002])
    assert errors["first"] == pytest.approx([0.031])  # the first frame showing the breath
    assert errors["frame"] == pytest.approx([0.006, 0.004])
    assert errors["missing"] == [0.0]


def test_the_table_says_pass_and_fail():
    table = format_table([Row("a", "1 ms", "< 2 ms", True), Row("b", "3 ms", "< 2 ms", False,
                                                                  note="why")])
    assert "pass" in table and "FAIL" in table and "- b: why" in table


def test_a_history_from_several_machines_is_read_whole_and_saved_to_by_the_first(tmp_path: Path,
                                                                                monkeypatch):
    from bench.histories import BENCH_DEVICES
    from companion.device import Device, give_identity

    folder = build_history(tmp_path / "data", 90, per_day=10, devices=BENCH_DEVICES[:3])
    names = sorted(p.name for p in (folder / "history").iterdir())
    assert {name.split(".")[1] for name in names} == set(BENCH_DEVICES[:3])
    assert count_entries(folder) == 90
    give_identity(tmp_path / "state", Device(BENCH_DEVICES[0], "bench"))
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path / "state"))
    [entry] = make_entries(1, seed=98)
    scale.save_one(folder, entry)
    assert sorted(p.name for p in (folder / "history").iterdir()) == names
    assert count_entries(folder) == 91


def test_the_recorded_breathing_runs_a_sped_up_break(tmp_path: Path):
    """recorded_breathe.py makes the pattern's phases SPEED times shorter with the product's
    own values (a frozen dataclass since the domain's split: it had stopped the accuracy
    section before its first row)."""
    import subprocess

    folder = build_history(tmp_path / "data", 10, per_day=10)
    out = tmp_path / "record.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "recorded_breathe.py"), "plain", str(folder),
         "box", "40", "1", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Saved" in done.stdout
    record = json.loads(out.read_text())
    assert [at for at, _ in record["scheduled"]] == pytest.approx([0.0, 0.1, 0.2, 0.3])
