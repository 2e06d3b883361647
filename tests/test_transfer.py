"""export, import and forget: the history goes out and comes back without loss, bad files
change nothing, and user text can never act as a formula, markup or a terminal command."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from machines import month_files, own_device_file
from markdown_it import MarkdownIt

from companion import transfer
from companion.cli import main
from companion.demo import write_demo_history
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.history import HistoryStore
from companion.text import escape_invisible

NEW_YORK = timezone(timedelta(hours=-4))
BERLIN = timezone(timedelta(hours=1))

TRICKY_NOTE = (
    "=HYPERLINK(\"http://evil.example\",\"click\")\n"
    "# not a heading\n- not a list\n1. not a list either\n===\n"
    "[bold]markup[/] [link=http://x]x[/link] <script>alert(1)</script> [a](http://b)\n"
    "\x1b[31mred\x1b[0m \x9b2J bell\x07 del\x7f \u202eevil\u202c\n"
    "שלום עולם · 👩\u200d👧 e\u0301 `code` *star* _under_ | pipe & amp;"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tricky_entries() -> list[Entry]:
    """Every field in use, in two time zones, with text that tries to break each format."""
    return [
        Entry(
            kind="checkin",
            started_at=datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK),
            saved_at=datetime(2026, 11, 1, 1, 41, 12, tzinfo=NEW_YORK),
            activation_before=8,
            activation_after=5,
            state="revved_up",
            body_signals=("tight_chest", "clenched_jaw"),
            needs=("tired",),
            note=TRICKY_NOTE,
            breathing=Breathing("4-7-8", 57.0, 3, True),
            senses_steps=2,
            feelings=(Feeling("frazzled", "high_unpleasant"), Feeling("+mine", "low_pleasant")),
            repair=Repair("child", "-I snapped", "@my tone", "apologised", "done",
                          datetime(2026, 11, 1, 2, 0, tzinfo=NEW_YORK)),
        ),
        Entry(
            kind="breathing",
            started_at=datetime(2026, 11, 2, 7, 5, tzinfo=BERLIN),
            saved_at=datetime(2026, 11, 2, 7, 6, tzinfo=BERLIN),
            breathing=Breathing("box", 40.5, 2, False),
            complete=False,
        ),
        Entry(
            kind="checkin",
            started_at=datetime(2026, 11, 3, 18, 0, tzinfo=BERLIN),
            activation_before=6,
            state="shut_down",
            note="\tleft part-way\r\nsecond line",
            complete=False,
        ),
        Entry(
            kind="repair",
            started_at=datetime(2026, 11, 4, 20, 0, tzinfo=BERLIN),
            repair=Repair("partner", "I went quiet", "", "will_try_later", "planned", None),
        ),
    ]


@pytest.fixture
def history(data_dir: Path) -> list[Entry]:
    store = HistoryStore(data_dir, fsync=False)
    entries = tricky_entries()
    for entry in entries:
        store.save(entry)
    return entries


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (names and bytes), to prove a command changed nothing."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def as_dicts(entries: list[Entry]) -> list[dict]:
    return sorted((entry.to_dict() for entry in entries), key=lambda d: d["id"])


# -- export → forget → import -----------------------------------------------------------------


def test_export_forget_import_gives_back_the_identical_history(capsys, data_dir, tmp_path,
                                                               history):
    write_demo_history(data_dir, days=21)
    before = HistoryStore(data_dir).all()
    assert len(before) > 100
    export = tmp_path / "export.json"

    assert run(capsys, "--data-dir", str(data_dir), "export", "--out", str(export))[0] == 0
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "forget", "--yes")
    assert code == 0 and "Deleted your history" in out
    assert HistoryStore(data_dir).all() == []
    code, out, err = run(capsys, "--data-dir", str(data_dir), "import", str(export))

    assert (code, err) == (0, "")
    assert out == f"Added {len(before)} entries (0 were already here).\n"
    assert as_dicts(HistoryStore(data_dir).all()) == as_dicts(before)


def test_importing_twice_adds_nothing_the_second_time(capsys, data_dir, tmp_path, history):
    export = tmp_path / "export.json"
    run(capsys, "--data-dir", str(data_dir), "export", "--out", str(export))
    elsewhere = tmp_path / "elsewhere"

    first = run(capsys, "--data-dir", str(elsewhere), "import", str(export))
    files = snapshot(elsewhere / "history")
    second = run(capsys, "--data-dir", str(elsewhere), "import", str(export))

    assert first == (0, "Added 4 entries (0 were already here).\n", "")
    assert second == (0, "Added 0 entries (4 were already here).\n", "")
    assert snapshot(elsewhere / "history") == files
    assert as_dicts(HistoryStore(elsewhere).all()) == as_dicts(history)
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o700


def test_import_adds_only_the_entries_that_are_missing(capsys, data_dir, tmp_path, history):
    export = tmp_path / "export.json"
    run(capsys, "--data-dir", str(data_dir), "export", "--out", str(export))
    store = HistoryStore(data_dir)
    store.delete(history[0])
    changed = history[1].with_changes(activation_after=3)
    store.save(changed)

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "import", str(export))

    assert (code, out) == (0, "Added 1 entry (3 were already here).\n")
    # An entry already here is kept as it is now, not rolled back to the exported version.
    assert store.get(changed.id) == changed
    assert store.get(history[0].id) == history[0]


# -- json -------------------------------------------------------------------------------------


def test_json_export_is_the_readme_format_with_every_field(capsys, data_dir, history):
    code, out, err = run(capsys, "--data-dir", str(data_dir), "export")

    assert (code, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {"schema", "exported_at", "entries"}
    assert document["schema"] == 1
    assert datetime.fromisoformat(document["exported_at"]).utcoffset() is not None
    assert sorted(document["entries"], key=lambda d: d["id"]) == as_dicts(history)
    # oldest first
    starts = [datetime.fromisoformat(d["started_at"]) for d in document["entries"]]
    assert starts == sorted(starts)


def test_json_export_is_laid_out_as_json_dumps_with_an_indent_would(capsys, data_dir, history):
    """The export is written an entry at a time; the file is the same as the whole document
    dumped at once would be."""
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export")
    document = json.loads(out)
    assert out == escape_invisible(
        json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def test_json_export_escapes_terminal_controls_and_still_parses_to_the_same_text(
    capsys, data_dir, history
):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export")

    for dangerous in ("\x1b", "\x9b", "\x07", "\x7f", "\u202e", "\r"):
        assert dangerous not in out
    assert "👩\u200d👧" in out and "שלום" in out  # joiners and other scripts stay readable
    assert json.loads(out)["entries"][0]["note"] == TRICKY_NOTE


def test_exporting_an_empty_history_creates_nothing(capsys, data_dir):
    code, out, err = run(capsys, "--data-dir", str(data_dir), "export")

    assert (code, err) == (0, "")
    assert json.loads(out)["entries"] == []
    assert not data_dir.exists()


# -- csv --------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(transfer.CSV_COLUMNS)
    assert all(len(row) == len(transfer.CSV_COLUMNS) for row in rows)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_has_a_header_and_one_row_per_entry_with_values_and_labels(capsys, data_dir,
                                                                       history):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "csv")

    assert code == 0
    rows = read_csv(out)
    assert [row["id"] for row in rows] == [entry.id for entry in history]
    first = rows[0]
    assert first["kind"] == "checkin" and first["complete"] == "true"
    assert first["started_at"] == "2026-11-01T01:30:00-04:00"
    assert (first["activation_before"], first["activation_after"]) == ("8", "5")
    assert (first["state"], first["state_label"]) == ("revved_up", "Revved up")
    assert first["body_signals"] == "tight_chest; clenched_jaw"
    assert first["body_signal_labels"] == "Tight chest; Clenched jaw"
    assert (first["needs"], first["need_labels"]) == ("tired", "Tired")
    assert first["breathing_pattern_label"] == "4-7-8 breathing"
    assert (first["breathing_seconds"], first["breathing_cycles"]) == ("57", "3")
    assert first["feeling_quadrant_labels"] == "High energy, unpleasant; Low energy, pleasant"
    assert (first["repair_with_whom_label"], first["repair_step_label"]) == (
        "My child", "Said sorry")
    assert first["repair_done_at"] == "2026-11-01T02:00:00-04:00"
    breathing = rows[1]
    assert (breathing["complete"], breathing["breathing_completed"]) == ("false", "false")
    assert breathing["activation_before"] == breathing["state_label"] == ""
    planned = rows[3]
    assert (planned["repair_status"], planned["repair_done_at"]) == ("planned", "")


def test_csv_cells_cannot_become_spreadsheet_formulas(capsys, data_dir, history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "csv")
    rows = read_csv(out)

    assert rows[0]["note"].startswith("'=HYPERLINK(")
    assert rows[0]["feelings"] == "frazzled; +mine"  # not at the start: no formula
    assert rows[0]["repair_what_happened"] == "'-I snapped"
    assert rows[0]["repair_my_part"] == "'@my tone"
    assert rows[2]["note"] == "'\tleft part-way\nsecond line"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"), ("+1 for the walk", "'+1 for the walk"), ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\nx"), ("\uff1dcmd", "'\uff1dcmd"),
        ("fine = ok", "fine = ok"), ("", ""), (None, ""), (True, "true"), (57.0, "57"), (3, "3"),
    ],
)
def test_csv_cell(value, cell):
    assert transfer.csv_cell(value) == cell


def test_csv_keeps_line_breaks_in_a_cell_and_replaces_control_characters(capsys, data_dir,
                                                                         history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "csv")
    note = read_csv(out)[0]["note"]

    for dangerous in ("\x1b", "\x9b", "\x07", "\x7f", "\u202e"):
        assert dangerous not in out
    assert "\ufffd[31mred\ufffd[0m" in note
    assert note.count("\n") == TRICKY_NOTE.count("\n")
    assert "👩\u200d👧 e\u0301" in note


# -- markdown ---------------------------------------------------------------------------------


def test_markdown_is_readable_and_user_text_cannot_change_its_structure(capsys, data_dir,
                                                                        history):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "markdown")

    assert code == 0
    assert out.startswith("# Your companion history\n\n4 entries from Sunday 1 November 2026")
    assert "\n### Sunday 1 November 2026\n\n**01:30 · check-in**\n" in out
    assert "- Activation: 8 → 5\n" in out
    assert "- Body: Tight chest, Clenched jaw\n" in out
    assert "- Breathing: Box breathing, 40 s, 2 breaths, stopped early\n" in out
    assert "**07:05 · breathing break** (stopped early)" in out
    assert "**18:00 · check-in** (left part-way)" in out
    assert "- Repair (planned) with My partner: Later, once I'm calm\n" in out
    assert "- Repair (done) with My child: Said sorry (2026-11-01 02:00)\n" in out
    assert "\n  - What happened: -I snapped\n  - My part: @my tone\n" in out
    assert "> left part-way  \n> second line\n" in out
    for dangerous in ("\x1b", "\x9b", "\x07", "\x7f", "\u202e"):
        assert dangerous not in out

    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(out)
    kinds = {token.type for token in tokens}
    assert not kinds & {"html_block", "code_block", "fence", "table_open", "hr",
                        "ordered_list_open"}
    inline = [child for token in tokens for child in (token.children or [])]
    assert not {child.type for child in inline} & {"html_inline", "link_open", "code_inline",
                                                   "em_open", "s_open"}
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["Your companion history", "November 2026", "Sunday 1 November 2026",
                        "Monday 2 November 2026", "Tuesday 3 November 2026",
                        "Wednesday 4 November 2026"]
    # The note's words all reach the reader, in a quote, with the characters as typed.
    quoted = [t.content for t in tokens if t.type == "inline" and "HYPERLINK" in t.content]
    rendered = MarkdownIt("commonmark").render(out)
    assert quoted and "&lt;script&gt;" in rendered and "<script>" not in rendered
    assert "[bold]markup[/]" in rendered and "# not a heading" in rendered
    assert "- not a list" in rendered and "1. not a list either" in rendered


def test_markdown_bold_only_marks_the_entry_times(capsys, data_dir, history):
    _, out, _ = run(capsys, "--data-dir", str(data_dir), "export", "--format", "markdown")
    tokens = MarkdownIt("commonmark").parse(out)
    strong = [
        token.children[i + 1].content
        for token in tokens if token.children
        for i, child in enumerate(token.children) if child.type == "strong_open"
    ]
    assert strong == ["01:30 · check-in", "07:05 · breathing break", "18:00 · check-in",
                      "20:00 · repair"]


# -- --out --------------------------------------------------------------------------------------


def test_export_to_a_file_is_private_and_says_where_it_went(capsys, data_dir, tmp_path, history):
    out_file = tmp_path / "mine.csv"
    out_file.write_text("an older export")  # an explicit --out may be replaced

    code, out, err = run(capsys, "--data-dir", str(data_dir), "export", "--format", "csv",
                         "--out", str(out_file))

    assert (code, err) == (0, "")
    assert out == f"Exported 4 entries to {out_file} (csv, readable only by you).\n"
    assert len(read_csv(out_file.read_text(encoding="utf-8"))) == 4
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600


@pytest.mark.parametrize("where", ["folder", "missing", "history"])
def test_an_impossible_out_gets_one_line_and_changes_nothing(capsys, data_dir, tmp_path,
                                                             history, where):
    target = {
        "folder": tmp_path,
        "missing": tmp_path / "no-such-folder" / "export.json",
        "history": data_dir / "history" / "2026-11.json",
    }[where]
    files = snapshot(tmp_path)

    code, out, err = run(capsys, "--data-dir", str(data_dir), "export", "--out", str(target))

    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and str(target) in err
    assert snapshot(tmp_path) == files


def test_a_damaged_month_is_left_out_named_and_the_export_fails(capsys, data_dir, history):
    damaged = data_dir / "history" / "2020-01.json"
    damaged.write_bytes(b"{\"entries\": {\"1\": trunc")

    code, out, err = run(capsys, "--data-dir", str(data_dir), "export")

    assert code == 1
    assert as_dicts([Entry.from_dict(d) for d in json.loads(out)["entries"]]) == as_dicts(history)
    assert str(damaged) in err and "left out of this export" in err
    assert err.strip().splitlines()[-1] == "companion: the export is incomplete (see above)."
    assert damaged.read_bytes() == b"{\"entries\": {\"1\": trunc"


# -- import of bad files --------------------------------------------------------------------


def export_with(entries: list) -> str:
    return json.dumps({"schema": 1, "exported_at": "2026-11-22T21:04:11+01:00",
                       "entries": entries})


GOOD = tricky_entries()[3].with_changes(id="6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11").to_dict()
BAD_ID = "0b0b0b0b-6a52-4c43-9d3a-2b7d1c0e5a11"


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"this is not json", "is not valid JSON (line 1, column 1)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is not a text file"),
        (b"{\"schema\": 1, \"entries\": [\x00]}", "is not a text file"),
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"[]", "holds a JSON array, not a companion export"),
        (b"\"entries\"", "holds a JSON string"),
        (b"{\"schema\": 1}", "an object without \"entries\""),
        (b"{\"entries\": []}", "has no schema version"),
        (b"{\"schema\": true, \"entries\": []}", "has no schema version"),
        (b"{\"schema\": 2, \"entries\": []}", "written by a newer companion (schema 2)"),
        (b"{\"schema\": 1, \"entries\": {}}", "\"entries\" must be a list, not a object"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep"),
        (export_with([GOOD, {**GOOD, "id": BAD_ID, "activation_before": 11}]).encode(),
         f"entry 2 (id '{BAD_ID}'): activation_before must be a whole number from 0 to 10"),
        (export_with([GOOD, {**GOOD, "id": BAD_ID, "started_at": "2026-11-01T01:30:00"}]).encode(),
         f"entry 2 (id '{BAD_ID}'): started_at needs a UTC offset"),
        (export_with([{**GOOD, "note": 5}]).encode(), "entry 1 (id '6f1c1a8e"),
        (export_with([{**GOOD, "note": "x" * 2001}]).encode(), "note is longer than 2000"),
        (export_with([{**GOOD, "kind": "diary"}]).encode(), "kind must be one of"),
        (export_with([{**GOOD, "mood": "fine"}]).encode(), "unknown field 'mood'"),
        (export_with([{**GOOD, "id": "42"}]).encode(), "entry 1 (id '42'): id must be a UUID"),
        (export_with([GOOD, "an entry"]).encode(), "entry 2: an entry must be an object"),
        (export_with([{**GOOD, "feelings": [{"word": "ok"}]}]).encode(),
         "each feeling must have exactly word and quadrant"),
        (export_with([GOOD, {**GOOD, "note": "again"}]).encode(),
         "entries 1 and 2 have the same id 6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11"),
        (export_with([GOOD, {**GOOD, "id": GOOD["id"].upper()}]).encode(),
         "entries 1 and 2 have the same id"),
        # Issue 13, item 17: these ended in "something went wrong".
        pytest.param(
            export_with([GOOD, {**GOOD, "id": BAD_ID, "activation_before": 0}]).replace(
                '"activation_before": 0', '"activation_before": ' + "9" * 5000).encode(),
            "entry 2 holds a number with thousands of digits, which no companion export has",
            id="5000-digits"),
        pytest.param(
            export_with([{**GOOD, "started_at": "9999-12-31T23:59:59-12:00"}]).encode(),
            "entry 1 (id '6f1c1a8e-6a52-4c43-9d3a-2b7d1c0e5a11'): started_at "
            "'9999-12-31T23:59:59-12:00' is outside the dates companion can show", id="year-10000"),
        pytest.param(b'{"schema": 1, "entries": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}",
                     "entry 1 is nested too deeply", id="deep-entry"),
    ],
)
def test_a_bad_file_gets_one_line_and_changes_nothing(capsys, data_dir, tmp_path, history,
                                                      content, complaint):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    files = snapshot(data_dir)

    code, out, err = run(capsys, "--data-dir", str(data_dir), "import", str(bad))

    assert (code, out) == (1, "")
    assert len(err.strip().splitlines()) == 1, err
    assert complaint in err and str(bad) in err and "Nothing was imported." in err
    assert snapshot(data_dir) == files


@pytest.mark.parametrize("which", ["missing", "folder", "huge"])
def test_a_file_that_cannot_be_an_export_is_refused(capsys, data_dir, tmp_path, history,
                                                    monkeypatch, which):
    path = {"missing": tmp_path / "nope.json", "folder": tmp_path}.get(which)
    if which == "huge":
        monkeypatch.setattr(transfer, "MAX_IMPORT_BYTES", 1024)
        path = tmp_path / "huge.json"
        path.write_text(export_with([GOOD] * 20))
    files = snapshot(data_dir)

    code, _, err = run(capsys, "--data-dir", str(data_dir), "import", str(path))

    assert code == 1 and len(err.strip().splitlines()) == 1
    expected = {"missing": "does not exist", "folder": "is a folder", "huge": "too big"}[which]
    assert expected in err
    assert snapshot(data_dir) == files


def test_an_id_in_other_capitals_is_the_same_entry_everywhere(capsys, data_dir, tmp_path,
                                                               history):
    """Issue 13, item 14: refused twice within one file, but added again against the history."""
    shouted = [{**entry.to_dict(), "id": entry.id.upper()} for entry in history]
    path = tmp_path / "shouted.json"
    path.write_text(export_with(shouted))

    assert run(capsys, "--data-dir", str(data_dir), "import", str(path)) == (
        0, "Added 0 entries (4 were already here).\n", "")
    store = HistoryStore(data_dir)
    assert len(store.all()) == 4
    assert store.get(history[0].id.upper()) == history[0]
    edited = history[1].with_changes(id=history[1].id.upper(), note="edited")
    store.save(edited)
    assert [e.note for e in store.all() if e.id.lower() == history[1].id] == ["edited"]
    assert store.delete(history[2].with_changes(id=history[2].id.upper())) is True
    assert {e.id for e in HistoryStore(data_dir).all()} == {
        history[0].id, edited.id, history[3].id}


def test_import_reads_an_export_through_a_pipe(data_dir, tmp_path):
    """A pipe is read (`companion import /dev/stdin < FILE`); a FIFO or device named by
    mistake is not (see test_faults_special.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), "import",
         "/dev/stdin"],
        input=export_with([GOOD]).encode(), capture_output=True, timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == b"Added 1 entry (0 were already here).\n"
    assert HistoryStore(data_dir).get(GOOD["id"]).to_dict() == GOOD


def test_a_file_with_a_byte_order_mark_imports(capsys, data_dir, tmp_path):
    path = tmp_path / "from-windows.json"
    path.write_bytes(b"\xef\xbb\xbf" + export_with([GOOD]).encode())

    assert run(capsys, "--data-dir", str(data_dir), "import", str(path))[:2] == (
        0, "Added 1 entry (0 were already here).\n")
    assert HistoryStore(data_dir).get(GOOD["id"]).to_dict() == GOOD


# -- forget -----------------------------------------------------------------------------------


def test_forget_without_yes_explains_and_changes_nothing(capsys, data_dir, history):
    files = snapshot(data_dir)

    code, out, err = run(capsys, "--data-dir", str(data_dir), "forget")

    assert (code, out) == (2, "")
    assert "4 entries" in err and str(data_dir / "history") in err
    assert "companion forget --yes" in err and "Nothing was changed" in err
    assert snapshot(data_dir) == files


def test_forget_with_yes_deletes_every_history_file_and_says_how_many(capsys, data_dir,
                                                                       history):
    (data_dir / "history" / "2020-01.json").write_bytes(b"damaged")

    code, out, err = run(capsys, "--data-dir", str(data_dir), "forget", "--yes")

    assert (code, err) == (0, "")
    assert out == f"Deleted your history: 2 files removed from {data_dir / 'history'}.\n"
    assert month_files(data_dir) == []
    # What stays is this machine's forget marker (older files arriving from another machine
    # stay forgotten): its name and a version stamp, no entry's text.
    left = [p.name for p in (data_dir / "history").iterdir() if p.suffix == ".json"]
    assert left == [own_device_file()]
    marker = json.loads((data_dir / "history" / left[0]).read_text())
    assert marker["forgotten"] and marker["deleted"] == {}
    assert HistoryStore(data_dir).all() == []


@pytest.mark.parametrize("yes", [[], ["--yes"]])
def test_forget_with_no_history_says_so_and_creates_nothing(capsys, data_dir, yes):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "forget", *yes)

    assert (code, out) == (0, f"There is no history in {data_dir} to delete.\n")
    assert not data_dir.exists()


# -- no Textual -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["export"], ["export", "--format", "csv"], ["export", "--format", "markdown"],
        ["import", "{export}"], ["forget"], ["forget", "--yes"],
        ["devices"], ["devices", "--format", "json"], ["delete", "{id}"],
        ["delete", "{id}", "--yes"],
    ],
)
def test_these_commands_never_import_textual(data_dir, tmp_path, history, argv):
    export = tmp_path / "export.json"
    export.write_text(export_with([GOOD]))
    argv = ["--data-dir", str(data_dir)] + [
        a.replace("{export}", str(export)).replace("{id}", history[0].id) for a in argv]
    script = (
        "import sys; from companion.cli import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual was imported'; sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                            text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                            timeout=60)
    assert "textual was imported" not in result.stderr
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
