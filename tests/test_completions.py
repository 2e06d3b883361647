"""`companion completions bash|zsh|fish`: every command and flag, pattern names, feeling words.

What each script must name is read from `--help` (a path of its own, not the walk of the parser
the scripts are made from). bash's script is run for real: sourced in a bash, its function asked
what Tab offers. fish's is asked through `complete -C`, as fish itself asks; zsh's is checked by
zsh itself (syntax, and that it registers for companion). Shells that are not installed are
skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from companion.cli import main
from companion.completions import script

COMPANION = Path(sys.executable).with_name("companion")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def help_of(capsys, *command: str) -> str:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    return out


def commands_and_flags(capsys) -> dict[str, set[str]]:
    """From `companion --help` and each command's --help: {command: its flags}."""
    top = help_of(capsys)
    listed = re.findall(r"^    ([a-z]+)  ", top.split("options:")[0], flags=re.MULTILINE)
    found = {"": flags_in(top)}
    for command in listed:
        found[command] = flags_in(help_of(capsys, command))
    return found


def flags_in(help_text: str) -> set[str]:
    options = help_text.split("options:")[1]
    return set(re.findall(r"^  (?:-\w, )?(--?[a-z][a-z-]*)", options, flags=re.MULTILINE)) | set(
        re.findall(r"^  (-\w), ", options, flags=re.MULTILINE))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_script_names_every_command_and_flag(capsys, shell):
    found = commands_and_flags(capsys)
    assert {"log", "completions", "tmux", "breathe", "week"} <= set(found)
    assert {"--feel", "--need", "--body", "--state", "--note", "--with", "--what", "--quadrant",
            "--step", "--done"} <= found["log"]
    text = script(shell)
    for command, flags in found.items():
        if command:
            assert re.search(rf"(?<![\w-]){command}(?![\w-])", text), command
        for flag in flags:
            name = flag.lstrip("-")
            # fish writes --feel as `-l feel`, -h as `-s h`
            spelled = (flag, f"-l {name}", f"-s {name}")
            assert any(s in text for s in spelled), (shell, command, flag)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_script_asks_for_pattern_names_and_feeling_words_as_tab_is_pressed(shell):
    text = script(shell)
    for kind in ("patterns", "feelings", "needs", "body", "people", "steps"):
        assert f"_names {kind}" in text, kind
    # The hidden option is what the script asks companion; it is never offered on Tab.
    assert text.count("completions --names") == 1
    rest = text.replace("completions --names", "")
    assert "--names" not in rest and "-l names" not in rest


def test_the_names_are_yours_too(capsys, data_dir, content):
    data_dir.mkdir()
    (data_dir / "feelings.toml").write_text(
        '[[word]]\nword = "knackered"\nquadrant = "low_unpleasant"\nmeaning = "Spent."\n')
    (data_dir / "patterns.toml").write_text(
        '[[pattern]]\nname = "slow-out"\nphases = [{ kind = "in", seconds = 3 }, '
        '{ kind = "out", seconds = 9 }]\n')
    dir_option = ("--data-dir", str(data_dir))
    _, feelings, _ = run(capsys, "completions", "--names", "feelings", *dir_option)
    _, patterns, _ = run(capsys, "completions", "--names", "patterns", *dir_option)
    _, needs, _ = run(capsys, "completions", "--names", "needs", *dir_option)
    words = [line.split("\t")[0] for line in feelings.splitlines()]
    assert "knackered" in words and "fed up" in words
    assert len(words) == sum(len(q.words) for q in content.quadrants) + 1
    assert "knackered\tSpent." in feelings.splitlines()
    assert [line.split("\t")[0] for line in patterns.splitlines()][-1] == "slow-out"
    assert [line.split("\t")[0] for line in needs.splitlines()] == [n.key for n in content.needs]


def test_asking_for_no_shell_is_one_line_and_exit_2(capsys):
    code, out, err = run(capsys, "completions")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and "bash" in err
    code, _, err = run(capsys, "completions", "tcsh")
    assert code == 2 and "invalid choice" in err


def test_the_command_prints_the_script(capsys):
    code, out, _ = run(capsys, "completions", "fish")
    assert code == 0 and out == script("fish")


# -- run for real -------------------------------------------------------------------------------


def shell_env(tmp_path: Path) -> dict[str, str]:
    if not COMPANION.is_file():
        pytest.skip("no companion console script beside this Python")
    return {**os.environ, "PATH": f"{COMPANION.parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(tmp_path), "COMPANION_DATA_DIR": str(tmp_path / "data")}


BASH_TAB = r"""
source "$1"
complete -p companion
tab() {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _companion
    printf '%s|' "${COMPREPLY[@]}"; echo
}
tab companion ""
tab companion lo
tab companion log --
tab companion log 7 --feel fr
tab companion log --feel fed
tab companion log --need ti
tab companion log --state ""
tab companion breathe --pattern c
tab companion --data-dir /tmp log --with ""
tab companion completions ""
tab companion log --feel = anx
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_on_tab(tmp_path):
    file = tmp_path / "companion.bash"
    file.write_text(script("bash"))
    done = subprocess.run(["bash", "--norc", "-c", BASH_TAB, "tab", str(file)],
                          capture_output=True, text=True, env=shell_env(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "complete -F _companion companion"
    offered = [set(filter(None, line.split("|"))) for line in lines[1:]]
    assert {"log", "breathe", "week", "completions", "tmux"} <= offered[0]
    assert offered[1] == {"log"}
    assert {"--feel", "--need", "--body", "--state", "--note", "--with", "--what",
            "--quadrant", "--step", "--done", "--data-dir", "--help"} <= offered[2]
    assert {"frustrated", "frightened"} <= offered[3]
    assert offered[4] == {r"fed\ up"}  # offered as it must be typed
    assert offered[5] == {"tired"}
    assert offered[6] == {"revved_up", "shut_down", "steady"}
    assert offered[7] == {"coherent", "cyclic-sigh"}
    assert {"child", "partner", "co_parent"} <= offered[8]
    assert offered[9] == {"bash", "zsh", "fish"}
    assert offered[10] == {"anxious"}


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_on_tab(tmp_path):
    file = tmp_path / "companion.fish"
    file.write_text(script("fish"))
    asks = ["companion lo", "companion log --fe", "companion log --feel fru",
            "companion breathe --pattern cy", "companion log --need need_a_",
            "companion completions "]
    program = f"source {file}; " + "; ".join(f"complete -C '{a}'; echo ---" for a in asks)
    done = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True,
                          text=True, env=shell_env(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    answers = [[line.split("\t")[0] for line in part.strip().splitlines()]
               for part in done.stdout.split("---")[:-1]]
    assert answers[0] == ["log"]
    assert answers[1] == ["--feel"]
    assert answers[2] == ["frustrated"]
    assert answers[3] == ["cyclic-sigh"]
    assert {"need_a_break", "need_a_hug"} <= set(answers[4])
    assert set(answers[5]) == {"bash", "zsh", "fish"}
    assert "Something crossed a line" in done.stdout or "blocking the way" in done.stdout


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_reads_the_script_and_registers_it(tmp_path):
    file = tmp_path / "_companion"
    file.write_text(script("zsh"))
    syntax = subprocess.run(["zsh", "-n", str(file)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    program = (f"autoload -Uz compinit && compinit -u -d {tmp_path}/zcompdump; "
               f"source {file}; print -r -- $_comps[companion]")
    done = subprocess.run(["zsh", "-f", "-c", program], capture_output=True, text=True,
                          env=shell_env(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "_companion"


def typed_in(argv: list[str], env: dict[str, str], setup: str, keys: str,
             until: str, timeout: float = 30) -> str:
    """Run an interactive shell in a pseudo-terminal, type `setup` then `keys` (with Tab), and
    return what the terminal showed once `until` appeared (or the time ran out)."""
    import select
    import time

    master, slave = os.openpty()
    shell = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                             start_new_session=True, close_fds=True)
    shown = b""
    try:
        def read_for(seconds: float, wanted: str = "") -> None:
            nonlocal shown
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not (wanted and wanted.encode() in shown):
                if select.select([master], [], [], 0.05)[0]:
                    shown += os.read(master, 65536)

        os.write(master, setup.encode() + b"\r")
        read_for(10, "ready")
        os.write(master, keys.encode())
        read_for(timeout, until)
        return as_seen(shown.decode(errors="replace"))
    finally:
        shell.kill()
        shell.wait()
        os.close(master)
        os.close(slave)


def as_seen(output: str) -> str:
    """Terminal output as it reads on screen: control sequences dropped, backspaces applied."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", output)
    seen: list[str] = []
    for char in text:
        if char == "\b":
            if seen:
                seen.pop()
        else:
            seen.append(char)
    return "".join(seen)


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completes_on_tab(tmp_path):
    file = tmp_path / "companion.zsh"
    file.write_text(script("zsh"))
    env = {**shell_env(tmp_path), "TERM": "dumb"}
    setup = (f"autoload -Uz compinit && compinit -u -d {tmp_path}/zcompdump; "
             f"source {file}; echo re''ady")
    shown = typed_in(["zsh", "-f", "-i"], env, setup, "companion log --fe\tfru\t",
                     until="frustrated")
    assert "companion log --feel frustrated" in shown
    shown = typed_in(["zsh", "-f", "-i"], env, setup, "companion breathe --pattern cy\t",
                     until="cyclic-sigh")
    assert "--pattern cyclic-sigh" in shown


@pytest.mark.parametrize(
    "args", [["completions", "bash"], ["completions", "--names", "feelings"], ["tmux"]])
def test_these_commands_never_import_textual(args):
    program = (
        "import sys; from companion.cli import main; code = main(sys.argv[1:]); "
        "assert 'textual' not in sys.modules, 'textual was imported'; sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", program, *args], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
