"""The fields issue 14 added, through every way out and back in: the json export (and import,
old exports too), csv, markdown and `week`; a repair let go reads as let go, never as done."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion import cli, transfer
from companion.entries import Entry, Repair
from companion.history import HistoryStore

BERLIN = timezone(timedelta(hours=1))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def entries() -> list[Entry]:
    return [
        Entry(
            kind="checkin",
            started_at=datetime.now(BERLIN).replace(microsecond=0) - timedelta(minutes=5),
            activation_before=8,
            needs=("thirsty", "lonely", "need_fresh_air"),
            kind_steps=("thirsty", "need_fresh_air"),
            repair=Repair("myself", "I lost it", step="named_it", status="done",
                          done_at=datetime.now(BERLIN).replace(microsecond=0),
                          next_time="=eat first", to_a_friend="you were running on empty"),
        ),
        Entry(
            kind="repair",
            started_at=datetime.now(BERLIN).replace(microsecond=0) - timedelta(minutes=4),
            repair=Repair("co_parent", "the handover", "my tone", "gave_space", "let_go",
                          their_side="# to feel safe"),
        ),
    ]


@pytest.fixture
def history(data_dir: Path) -> list[Entry]:
    store = HistoryStore(data_dir, fsync=False)
    made = entries()
    for entry in made:
        store.save(entry)
    return made


def test_json_holds_the_new_fields_and_imports_them_back(capsys, data_dir, tmp_path, history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export")
    first, second = json.loads(out)["entries"]
    assert first["kind_steps"] == ["thirsty", "need_fresh_air"]
    assert first["repair"]["to_a_friend"] == "you were running on empty"
    assert first["repair"]["next_time"] == "=eat first"
    assert (second["repair"]["status"], second["repair"]["their_side"]) == (
        "let_go", "# to feel safe")
    elsewhere = tmp_path / "elsewhere"
    exported = tmp_path / "export.json"
    exported.write_text(out)
    assert run(capsys, "--data-dir", str(elsewhere), "import", str(exported))[0] == 0
    assert sorted(HistoryStore(elsewhere).all(), key=lambda e: e.id) == sorted(
        history, key=lambda e: e.id)


def test_an_export_from_before_these_fields_still_imports(capsys, data_dir, tmp_path):
    old = {"schema": 1, "exported_at": "2026-11-22T21:04:11+01:00", "entries": [{
        "id": "6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11", "schema": 1, "kind": "checkin",
        "started_at": "2026-11-01T01:30:00-04:00", "saved_at": "2026-11-01T01:41:12-04:00",
        "complete": True, "activation_before": 8, "activation_after": 5, "state": "revved_up",
        "body_signals": ["tight_chest"], "needs": ["tired"], "note": "bedtime again",
        "breathing": {"pattern": "4-7-8", "seconds": 57.0, "cycles": 3, "completed": True},
        "senses_steps": 0, "feelings": [{"word": "frazzled", "quadrant": "high_unpleasant"}],
        "repair": {"with_whom": "child", "what_happened": "I snapped", "my_part": "my tone",
                   "step": "apologised", "status": "done",
                   "done_at": "2026-11-01T02:00:00-04:00"}}]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    code, _, err = run(capsys, "--data-dir", str(data_dir), "import", str(path))
    assert (code, err) == (0, "")
    [entry] = HistoryStore(data_dir).all()
    assert entry.kind_steps == () and entry.repair.status == "done"
    assert (entry.repair.their_side, entry.repair.next_time, entry.repair.to_a_friend) == (
        "", "", "")


def test_csv_has_the_new_columns_at_the_end(capsys, data_dir, history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "csv")
    header, first, second = out.splitlines()[:3]
    columns = header.split(",")
    assert columns[-5:] == ["kind_steps", "kind_step_labels", "repair_their_side",
                            "repair_next_time", "repair_to_a_friend"]
    assert columns[:len(columns) - 5][-2:] == ["repair_status", "repair_done_at"]
    assert first.endswith(
        "thirsty; need_fresh_air,Some water; Fresh air,,'=eat first,you were running on empty")
    assert ",let_go," in second and second.endswith(",,,# to feel safe,,")
    assert transfer.CSV_COLUMNS[-5:] == tuple(columns[-5:])


def test_markdown_shows_the_kind_steps_and_the_repairs_new_parts(capsys, data_dir, history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "markdown")
    assert "- Kind steps: Some water, Fresh air\n" in out
    assert "- Repair (done) with Myself: Named what happened" in out
    assert "  - What I'd say to a friend: you were running on empty\n" in out
    assert "  - Next time: =eat first\n" in out
    assert "- Repair (let go) with Co-parent: Gave us both some space\n" in out
    assert "  - What they might have felt or needed: \\# to feel safe\n" in out


def test_an_entry_in_full_shows_the_kind_steps_and_the_repairs_new_parts(content, history):
    from companion.report import entry_facts

    facts = dict(entry_facts(history[0], content, str))
    assert facts["Kind steps"] == "Some water, Fresh air"
    assert facts["To a friend"] == "you were running on empty"
    assert facts["Next time"] == "=eat first"
    assert facts["Repair"] == "Myself · Named what happened · done"
    facts = dict(entry_facts(history[1], content, str))
    assert facts["Their side"] == "# to feel safe"
    assert facts["Repair"].endswith("· let go")


def test_the_week_never_calls_a_repair_let_go_open_or_done(capsys, data_dir, history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "week", "--format", "json")
    week = json.loads(out)
    let_go = history[1].id
    assert let_go not in week["summary"]["open_repairs"]
    assert {r["id"]: r["status"] for r in week["summary"]["repairs"]}[let_go] == "let_go"
    for fmt in ("table", "markdown"):
        _, out, _ = run(capsys, "--data-dir", str(data_dir), "week", "--format", fmt)
        assert "let go" in out and "still open" not in out
