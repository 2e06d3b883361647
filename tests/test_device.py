"""This machine's identity (companion/device.py): outside the data folder, private, made once,
replaced with a word when damaged (the damaged file kept), never carried by a copied folder."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from companion.device import (
    DEVICE_ID,
    IDENTITY_FILE,
    STATE_ENV,
    DeviceError,
    clean_name,
    existing_device,
    identity_inside,
    load_device,
    lock_path,
    state_dir,
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_use_makes_a_private_identity_named_after_the_host(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "companion"
    device, notices = load_device(folder, name="sam-laptop")
    assert DEVICE_ID.fullmatch(device.id)
    assert device.name == "sam-laptop"
    assert notices == []
    assert json.loads((folder / IDENTITY_FILE).read_text()) == {
        "id": device.id, "name": "sam-laptop"
    }
    assert _mode(folder) == 0o700
    assert _mode(folder / IDENTITY_FILE) == 0o600
    assert [p.name for p in folder.iterdir()] == [IDENTITY_FILE]  # no temporary file left


def test_the_identity_is_the_same_on_every_later_use(tmp_path: Path) -> None:
    first, _ = load_device(tmp_path, name="sam-laptop")
    again, notices = load_device(tmp_path, name="renamed-meanwhile")
    assert again == first
    assert notices == []


def test_the_host_name_is_used_when_no_name_is_given(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: "desk\x1b]0;owned\x07top")
    device, _ = load_device(tmp_path)
    assert device.name == "desk]0;ownedtop"  # the escape sequence is not kept as one


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x1b", None, 42])
def test_a_name_that_says_nothing_becomes_this_machine(raw: object) -> None:
    assert clean_name(raw) == "this machine"


def test_a_long_name_is_cut_to_one_short_line() -> None:
    assert clean_name("a" * 500 + "\nb") == "a" * 64


@pytest.mark.parametrize(
    "damage",
    [b"{not json", b"", b"[1, 2]", b'{"id": "short"}', b'{"id": "K3JD6F2Q7A"}', b"\xff\xfe",
     b'{"id": 12}', b"[" * 100_000],
)
def test_a_damaged_identity_is_kept_aside_and_replaced_with_a_word(
    tmp_path: Path, damage: bytes
) -> None:
    (tmp_path / IDENTITY_FILE).write_bytes(damage)
    device, notices = load_device(tmp_path, name="sam-laptop")
    assert DEVICE_ID.fullmatch(device.id)
    assert len(notices) == 1 and "has a new one" in notices[0]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(f"{IDENTITY_FILE}.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == damage
    assert load_device(tmp_path)[0] == device


def test_a_folder_where_the_identity_should_be_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / IDENTITY_FILE).mkdir()
    device, notices = load_device(tmp_path, name="x")
    assert (tmp_path / IDENTITY_FILE).is_file() and len(notices) == 1
    assert load_device(tmp_path)[0] == device


def test_a_state_folder_others_can_read_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    _, notices = load_device(folder, name="x")
    assert _mode(folder) == 0o700
    assert any("now private" in notice for notice in notices)


def test_a_state_folder_that_cannot_be_made_says_so_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(DeviceError) as raised:
        load_device(tmp_path / "file" / "companion")
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")


def _load_in_a_process(folder: str, start: object, queue: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    queue.put(load_device(Path(folder), name="racer")[0].id)  # type: ignore[attr-defined]


def test_companions_starting_together_make_one_identity(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    start, queue = context.Event(), context.Queue()
    workers = [context.Process(target=_load_in_a_process, args=(str(tmp_path), start, queue))
               for _ in range(6)]
    for worker in workers:
        worker.start()
    start.set()
    ids = {queue.get(timeout=30) for _ in workers}
    for worker in workers:
        worker.join(timeout=30)
    assert len(ids) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [IDENTITY_FILE]


def test_companion_state_dir_chooses_the_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "mine"))
    assert state_dir() == tmp_path / "mine"


def test_by_default_the_identity_is_in_the_xdg_state_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != STATE_ENV}
    env.update(XDG_STATE_HOME=str(tmp_path / "xdg-state"), HOME=str(tmp_path / "home"))
    code = "from companion.device import state_dir; print(state_dir())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    if sys.platform.startswith("linux"):
        assert Path(out) == tmp_path / "xdg-state" / "companion"
    env.pop("XDG_STATE_HOME")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    if sys.platform.startswith("linux"):
        assert Path(out) == tmp_path / "home" / ".local" / "state" / "companion"


def test_where_state_and_data_share_a_folder_the_identity_lives_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # macOS and Windows: platformdirs gives one folder for both.
    import platformdirs

    monkeypatch.delenv(STATE_ENV, raising=False)
    shared = str(tmp_path / "Application Support" / "companion")
    monkeypatch.setattr(platformdirs, "user_state_dir", lambda *a, **k: shared)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: shared)
    assert state_dir() == tmp_path / "Application Support" / "companion-device"


def test_a_copied_data_folder_carries_no_identity(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "history").mkdir(parents=True)
    laptop, _ = load_device(tmp_path / "laptop-state", name="laptop")
    desk, _ = load_device(tmp_path / "desk-state", name="desk")
    assert laptop.id != desk.id
    assert not any(IDENTITY_FILE in p.name for p in data.rglob("*"))
    assert identity_inside(data, tmp_path / "laptop-state") is None


def test_a_state_folder_inside_the_data_folder_is_warned_about(tmp_path: Path) -> None:
    warning = identity_inside(tmp_path / "data", tmp_path / "data" / "state")
    assert warning is not None and STATE_ENV in warning


def test_the_lock_is_per_machine_and_per_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "link").symlink_to(data)
    state = tmp_path / "state"
    assert lock_path(data, state) == lock_path(tmp_path / "link", state)  # one folder, one lock
    assert lock_path(data, state) != lock_path(tmp_path / "other", state)
    assert lock_path(data, state).parent == state / "locks"
    assert not lock_path(data, state).is_relative_to(data)


def test_reading_the_identity_never_makes_one(tmp_path: Path) -> None:
    assert existing_device(tmp_path / "state") is None
    assert not (tmp_path / "state").exists()
    made, _ = load_device(tmp_path / "state", name="x")
    assert existing_device(tmp_path / "state") == made
