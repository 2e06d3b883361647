"""This machine's identity for a history shared through a file-sync tool.

Each machine writes only its own files in the data folder (see companion/sync.py), named by a
short random id. The id is kept *outside* the data folder, in the platform's user state folder
(`$XDG_STATE_HOME/companion`, by default `~/.local/state/companion`; `COMPANION_STATE_DIR`
overrides it), so a data folder copied to a new machine, or synced to it, never brings the
identity along and two machines never write the same file:

    STATE_DIR/device.json   {"id": "k3jd6f2q7a", "name": "sam-laptop"}

The file is made on first use (a save), private (folder 0700, file 0600), written whole or not at
all, and made only once even when two companions start at the same moment. A damaged one is set
aside as `device.json.damaged-<time>` (never deleted: its id names files in the data folder) and
a new identity is made, with a sentence saying so.

On macOS and Windows platformdirs gives the same folder for state and data, so the identity lives
in a sibling folder there (`companion-device`); `identity_inside` warns when a state folder chosen
by hand lies inside the data folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path
from typing import NamedTuple

from companion.storage import DIR_MODE, FILE_MODE, make_private

STATE_ENV = "COMPANION_STATE_DIR"
IDENTITY_FILE = "device.json"
LOCKS_DIR = "locks"

# RFC 4648 base32, lower case, starting with a letter: safe in every file system's names, never
# all digits (a legacy month file is numbered `2026-11.2.json`), 26 × 32⁹ ≈ 10¹⁵ ids.
DEVICE_ID = re.compile(r"[a-z][a-z2-7]{9}")
_FIRST = "abcdefghijklmnopqrstuvwxyz"
_REST = _FIRST + "234567"
MAX_NAME = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class DeviceError(Exception):
    """This machine's identity could not be read or made; worded for the person."""


class Device(NamedTuple):
    """A machine writing to the history: its random id and a name a person recognises."""

    id: str
    name: str


def new_device_id() -> str:
    import secrets  # here and below: only a write needs them, and reading starts quicker

    return secrets.choice(_FIRST) + "".join(secrets.choice(_REST) for _ in range(9))


def host_name() -> str:
    """This machine's host name, as a plain one-line label (never empty)."""
    import socket

    return clean_name(socket.gethostname())


def clean_name(raw: object) -> str:
    text = raw if isinstance(raw, str) else ""
    text = _CONTROL.sub("", text).strip()[:MAX_NAME]
    return text or "this machine"


def state_dir() -> Path:
    """Where this machine's identity lives: $COMPANION_STATE_DIR, else the user state folder."""
    from_env = os.environ.get(STATE_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_data_dir, user_state_dir

    state = Path(user_state_dir("companion", appauthor=False))
    if state == Path(user_data_dir("companion", appauthor=False)):
        # macOS and Windows: the state folder *is* the default data folder; keep the identity
        # beside it, so syncing or copying that folder does not copy the identity.
        return state.with_name("companion-device")
    return state


def identity_inside(data_dir: Path, folder: Path | None = None) -> str | None:
    """A warning if the identity's folder lies inside the data folder (it would travel with it)."""
    folder = state_dir() if folder is None else folder
    try:
        inside = folder.resolve().is_relative_to(data_dir.resolve())
    except OSError:
        return None
    if not inside:
        return None
    return (
        f"This machine's identity ({folder / IDENTITY_FILE}) is inside the data folder, so a "
        f"copy of the folder would carry it; set {STATE_ENV} to a folder outside it."
    )


def lock_path(data_dir: Path, folder: Path | None = None) -> Path:
    """This machine's lock for one data folder, kept with the identity, never in the data folder.

    Only this machine's companions write this machine's files, so only they need to wait for
    each other; a lock file inside a synced folder could be replaced by the sync tool (a new
    file, so a new lock) while someone holds it.
    """
    import hashlib

    folder = state_dir() if folder is None else folder
    key = hashlib.sha256(os.fsencode(data_dir.resolve())).hexdigest()[:20]
    return folder / LOCKS_DIR / f"{key}.lock"


def load_device(folder: Path | None = None, *, name: str | None = None) -> tuple[Device, list[str]]:
    """This machine's identity, made on first use; and sentences for the person, if any.

    `name` is the name to give a new identity (the host name if None); an existing identity
    keeps the name it was given.
    """
    folder = state_dir() if folder is None else folder
    notices = _make_folder(folder)
    path = folder / IDENTITY_FILE
    for _ in range(5):  # a few rounds only if other companions set a damaged file aside too
        try:
            return _read(path), notices
        except FileNotFoundError:
            pass
        except _Damaged as damaged:
            aside = _set_aside(path)
            if aside is None:
                continue  # another companion moved it first; read what it made
            notices.append(
                f"This machine's identity in {path} could not be read ({damaged}); it was kept "
                f"as {aside.name} and this machine has a new one. Your entries are unaffected."
            )
        device = Device(new_device_id(), clean_name(name) if name is not None else host_name())
        if _create(path, device):
            return device, notices
    raise DeviceError(f"This machine's identity in {path} keeps changing; try again in a moment.")


def give_identity(folder: Path, device: Device) -> None:
    """Make `folder` a state folder holding `device` (a demo's machine, with a fixed id, so the
    same demo gives the same files). DeviceError if it has another identity already."""
    _make_folder(folder)
    path = folder / IDENTITY_FILE
    if not _create(path, device) and existing_device(folder) != device:
        raise DeviceError(f"{path} holds another identity already.")


def existing_device(folder: Path | None = None) -> Device | None:
    """This machine's identity if it has one already (for reading: a read makes none)."""
    folder = state_dir() if folder is None else folder
    try:
        return _read(folder / IDENTITY_FILE)
    except (FileNotFoundError, _Damaged, DeviceError):
        return None


class _Damaged(Exception):
    pass


def _read(path: Path) -> Device:
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise _Damaged("it is a folder") from None
    except FileNotFoundError:
        raise
    except OSError as error:
        raise DeviceError(
            f"This machine's identity in {path} could not be read: {error.strerror or error}."
        ) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _Damaged("it is not valid JSON") from None
    if not isinstance(data, dict):
        raise _Damaged("it is not a JSON object")
    device_id = data.get("id")
    if not isinstance(device_id, str) or not DEVICE_ID.fullmatch(device_id):
        raise _Damaged("its id is missing or not one companion makes")
    return Device(device_id, clean_name(data.get("name")))


def _create(path: Path, device: Device) -> bool:
    """Write the identity whole, unless one appeared meanwhile; True if ours is the one kept."""
    import tempfile

    payload = json.dumps({"id": device.id, "name": device.name}, ensure_ascii=False) + "\n"
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{IDENTITY_FILE}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _cannot_write(path, error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(payload.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        # link() fails if the name exists: the identity appears whole, and only once.
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError as error:
        raise _cannot_write(path, error) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    _fsync_folder(path.parent)
    return True


def _set_aside(path: Path) -> Path | None:
    import secrets

    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    aside = path.with_name(f"{path.name}.damaged-{stamp}-{secrets.token_hex(2)}")
    try:
        path.rename(aside)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _cannot_write(path, error) from None
    return aside


def _make_folder(folder: Path) -> list[str]:
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    except OSError as error:
        raise DeviceError(
            f"Could not create {folder} for this machine's identity: {error.strerror or error}."
        ) from None
    if not folder.is_dir():
        raise DeviceError(f"{folder} is a file, not a folder, so this machine has no identity.")
    return make_private(folder)


def _cannot_write(path: Path, error: OSError) -> DeviceError:
    return DeviceError(
        f"This machine's identity could not be saved in {path.parent}: "
        f"{error.strerror or error}. Nothing was changed."
    )


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
