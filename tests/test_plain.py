"""`companion breathe --plain` and `companion patterns`: lines printed at the right moments."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from companion import cli, plain
from companion.content import load_content
from companion.history import HistoryStore
from companion.plain import breathe_request, run_plain

# Said before the breath: each `breathe --plain` is a session of its own, so the note before a
# pattern's first breath in a session comes every time.
DIZZY = load_content().safety.dizzy_note


class FakeTime:
    """A monotonic clock and a sleep that only moves it; every printed line is stamped."""

    def __init__(self, late: float = 0.0, interrupt_at: float | None = None) -> None:
        self.now = 500.0
        self.start = self.now
        self.late = late
        self.interrupt_at = interrupt_at
        self.lines: list[tuple[float, str]] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if self.interrupt_at is not None and self.now + seconds >= self.start + self.interrupt_at:
            self.now = self.start + self.interrupt_at
            raise KeyboardInterrupt
        self.now += seconds + self.late

    def out(self) -> io.StringIO:
        fake = self

        class Stamped(io.StringIO):
            # print() writes the text and its newline separately: stamp at the text.
            def write(self, text: str) -> int:
                if text != "\n":
                    fake.lines.append((round(fake.now - fake.start, 6), text))
                return len(text)

        return Stamped()


def breathe(data_dir: Path, fake: FakeTime, pattern: str, **length) -> int:
    request = breathe_request(data_dir, pattern, length.get("minutes"), length.get("cycles"))
    return run_plain(data_dir, request, out=fake.out(), clock=fake.clock, sleep=fake.sleep)


def test_each_phase_is_printed_at_the_moment_it_begins(data_dir: Path):
    fake = FakeTime()
    assert breathe(data_dir, fake, "box", cycles=2) == 0
    assert fake.lines == [
        (0, "Box breathing (4-4-4-4), 2 breaths, about 0.5 min. Ctrl-C stops whenever you like."),
        (0, DIZZY),
        (0, "in 4"), (4, "hold 4"), (8, "out 4"), (12, "hold 4"),
        (16, "in 4"), (20, "hold 4"), (24, "out 4"), (28, "hold 4"),
        (32, "Done: 32 s, 2 breaths. Saved."),
    ]
    [entry] = HistoryStore(data_dir).all()
    assert entry.kind == "breathing" and entry.complete
    assert (entry.breathing.pattern, entry.breathing.seconds, entry.breathing.cycles,
            entry.breathing.completed) == ("box", 32, 2, True)


def test_cyclic_sigh_says_in_again_for_the_top_up(data_dir: Path):
    fake = FakeTime()
    breathe(data_dir, fake, "cyclic-sigh", cycles=1)
    assert fake.lines[2:5] == [(0, "in 2"), (2, "in again 1"), (3, "out 6")]


@pytest.mark.parametrize("pattern", ["box", "4-7-8", "coherent", "cyclic-sigh", "long-exhale"])
def test_every_pattern_comes_with_the_dizzy_note_first(data_dir: Path, content, pattern):
    # Over-breathing (the cyclic sigh's double in-breath) can make a person light-headed as
    # much as a long hold can: the note is not only for holds.
    fake = FakeTime()
    breathe(data_dir, fake, pattern, cycles=1)
    assert fake.lines[1] == (0, content.safety.dizzy_note)
    assert fake.lines[2][1].startswith("in ")


def test_4_7_8_is_four_breaths_unless_asked_and_eight_at_most(data_dir: Path, content):
    # Weil: four breaths at a time at first, eight at most later on.
    cap_note = content.pattern("4-7-8").cap_note
    assert breathe_request(data_dir, "4-7-8", None, None).schedule.cycles == 4
    for minutes, cycles, wanted in ((None, 6, 6), (None, 8, 8), (None, 20, 8), (10, None, 8)):
        request = breathe_request(data_dir, "4-7-8", minutes, cycles)
        assert request.schedule.cycles == wanted
        assert request.cap_note == (cap_note if wanted < (cycles or 99) else "")
    # Other patterns keep to the length asked for.
    assert breathe_request(data_dir, "box", None, 20).schedule.cycles == 20


def test_a_longer_4_7_8_from_the_command_line_gets_a_kind_line_and_the_cap(
    data_dir: Path, capsys, monkeypatch, content
):
    fake = FakeTime()
    real = plain.run_plain
    monkeypatch.setattr(plain, "run_plain", lambda data_dir, request: real(
        data_dir, request, clock=fake.clock, sleep=fake.sleep))
    code = cli.main(["--data-dir", str(data_dir), "breathe", "--pattern", "4-7-8",
                     "--cycles", "20", "--plain"])
    captured = capsys.readouterr()
    out = captured.out.splitlines()
    assert code == 0 and captured.err == ""
    assert out[0] == content.pattern("4-7-8").cap_note
    assert out[1].startswith("4-7-8 breathing (4-7-8), 8 breaths,")
    assert out[2] == content.safety.dizzy_note
    assert out[3:6] == ["in 4", "hold 7", "out 8"]
    assert out[-1] == "Done: 152 s, 8 breaths. Saved."
    [entry] = HistoryStore(data_dir).all()
    assert entry.breathing.cycles == 8 and entry.breathing.completed


def test_late_wake_ups_never_add_up(data_dir: Path):
    # Each sleep oversleeps by 20 ms; cue n still comes at its own time plus one lateness at most.
    fake = FakeTime(late=0.02)
    breathe(data_dir, fake, "coherent", minutes=10)
    cues = [(at, line) for at, line in fake.lines if line == "in 5.5" or line == "out 5.5"]
    assert len(cues) == 110
    for n, (at, _) in enumerate(cues):
        assert n * 5.5 <= at <= n * 5.5 + 0.021


def test_ctrl_c_stops_cleanly_and_still_saves(data_dir: Path):
    fake = FakeTime(interrupt_at=13.5)
    assert breathe(data_dir, fake, "coherent", cycles=5) == 0
    assert [line for _, line in fake.lines[2:]] == [
        "in 5.5", "out 5.5", "in 5.5", "Stopped early, and that's fine: 13.5 s, 1 breath. Saved.",
    ]
    [entry] = HistoryStore(data_dir).all()
    assert not entry.complete
    assert (entry.breathing.seconds, entry.breathing.cycles, entry.breathing.completed) == (
        13.5, 1, False,
    )


def test_ctrl_c_in_the_first_moment_still_saves_what_it_was(data_dir: Path):
    fake = FakeTime(interrupt_at=0.0)
    breathe(data_dir, fake, "box", cycles=1)
    [entry] = HistoryStore(data_dir).all()
    assert (entry.breathing.seconds, entry.breathing.cycles, entry.breathing.completed) == (
        0, 0, False,
    )


def test_an_unknown_pattern_exits_2_naming_the_known_ones(data_dir: Path, capsys):
    code = cli.main(["--data-dir", str(data_dir), "breathe", "--plain", "--pattern", "wave"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert "'wave'" in err
    for name in ("box", "4-7-8", "coherent", "cyclic-sigh", "long-exhale"):
        assert name in err
    assert not HistoryStore(data_dir).all()


def test_plain_breathing_from_the_command_line(data_dir: Path, capsys, monkeypatch):
    fake = FakeTime()
    real = plain.run_plain
    monkeypatch.setattr(plain, "run_plain", lambda data_dir, request: real(
        data_dir, request, clock=fake.clock, sleep=fake.sleep))
    code = cli.main(["--data-dir", str(data_dir), "breathe", "--plain", "--pattern",
                     "long-exhale", "--cycles", "1"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[1:] == [DIZZY, "in 4", "out 6", "Done: 10 s, 1 breath. Saved."]


def test_patterns_lists_every_pattern_with_its_timings(data_dir: Path, capsys):
    assert cli.main(["--data-dir", str(data_dir), "patterns"]) == 0
    lines = capsys.readouterr().out.splitlines()
    timings = [line for line in lines if not line.startswith(" ")]
    assert timings == [
        "box          Box breathing: in 4, hold 4, out 4, hold 4 (16 s a breath)",
        "4-7-8        4-7-8 breathing: in 4, hold 7, out 8 (19 s a breath)",
        "coherent     Coherent breathing: in 5.5, out 5.5 (11 s a breath)",
        "cyclic-sigh  Cyclic sigh: in 2, in again 1, out 6 (9 s a breath)",
        "long-exhale  Long exhale: in 4, out 6 (10 s a breath)",
    ]
    assert len(lines) == 10  # each with its one-line description beneath


@pytest.mark.parametrize("pattern", [None, "coherent"])
def test_the_default_pattern_is_coherent_for_a_minute(data_dir: Path, pattern):
    request = breathe_request(data_dir, pattern, None, None)
    assert (request.pattern.name, request.schedule.cycles) == ("coherent", 5)


HOSTILE_PATTERN = '''
[[pattern]]
name = "mine"
label = "Mine \\u001b[2J\\u001b]0;owned\\u0007 [b]bold[/b]"
about = "Slow \\u001b[31mred"
phases = [{ kind = "in", seconds = 3 }, { kind = "out", seconds = 5 }]
'''


def test_your_own_patterns_cannot_send_escape_sequences(data_dir: Path, capsys):
    data_dir.mkdir(parents=True)
    (data_dir / "patterns.toml").write_text(HOSTILE_PATTERN)
    assert cli.main(["--data-dir", str(data_dir), "patterns"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "mine         Mine \ufffd[2J\ufffd]0;owned\ufffd [b]bold[/b] (yours): in 3, out 5" in out
    fake = FakeTime()
    breathe(data_dir, fake, "mine", cycles=1)
    assert not any("\x1b" in line for _, line in fake.lines)
    assert [line for _, line in fake.lines[2:4]] == ["in 3", "out 5"]


@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP"])
def test_kill_or_a_closed_terminal_stops_the_breath_and_still_saves(data_dir: Path, ending):
    import signal
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "companion.cli", "breathe", "--plain", "--pattern", "coherent",
         "--cycles", "3", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # the title line
    assert process.stdout.readline().strip() == DIZZY
    assert process.stdout.readline().strip() == "in 5.5"  # breathing now
    process.send_signal(getattr(signal, ending))
    out, err = process.communicate(timeout=30)
    assert process.returncode == 128 + getattr(signal, ending), err
    assert "Saved." in out
    [entry] = HistoryStore(data_dir).all()
    assert entry.kind == "breathing" and not entry.complete
    assert entry.breathing.pattern == "coherent" and not entry.breathing.completed
