"""Settings: settings.toml read key by key, saved atomically, never overwritten while it has a
problem; the settings screen applies each change at once and keeps it."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, Select, Static

from companion.app import CompanionApp
from companion.cli import main
from companion.settings import (
    SETTINGS_FILE,
    Contact,
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    settings_text,
)
from companion.storage import SaveFailed

PATTERNS = ("box", "4-7-8", "coherent", "cyclic-sigh", "long-exhale")


def write(data_dir: Path, text: str) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SETTINGS_FILE
    path.write_text(text, encoding="utf-8")
    return path


# -- reading -------------------------------------------------------------------------------------


def test_no_file_means_the_defaults_and_no_warning(data_dir: Path):
    assert load_settings(data_dir) == (Settings(), [])


def test_every_key_is_read(data_dir: Path):
    write(
        data_dir,
        """
default_pattern = "Box"
default_minutes = 3
reduced_motion = true
bell = true
week_start = "Sunday"
theme = "companion-high-contrast"

[[contacts]]
name = "Sam"
how = "07700 900123"

[[contacts]]
name = "GP surgery"
how = "01632 960000 (weekdays)"
""",
    )
    settings, warnings = load_settings(data_dir, patterns=PATTERNS)
    assert warnings == []
    assert settings == Settings(
        default_pattern="box",
        default_minutes=3.0,
        reduced_motion=True,
        bell=True,
        week_start="sunday",
        theme="companion-high-contrast",
        contacts=(Contact("Sam", "07700 900123"), Contact("GP surgery", "01632 960000 (weekdays)")),
    )


@pytest.mark.parametrize(
    ("line", "key", "default_said"),
    [
        ("default_pattern = 4", "default_pattern", '"coherent"'),
        ('default_pattern = "two words"', "default_pattern", '"coherent"'),
        ('default_pattern = "zigzag"', "default_pattern", '"coherent"'),
        ('default_minutes = "ten"', "default_minutes", "using 1."),
        ("default_minutes = 0", "default_minutes", "using 1."),
        ("default_minutes = 45", "default_minutes", "using 1."),
        ("default_minutes = true", "default_minutes", "using 1."),
        ('reduced_motion = "yes"', "reduced_motion", "using false."),
        ("bell = 1", "bell", "using false."),
        ('week_start = "tuesday"', "week_start", '"monday"'),
        ("theme = 3", "theme", '"textual-dark"'),
        ('theme = "dark\\u001b]0;title\\u0007"', "theme", '"textual-dark"'),
        ('default_pattern = "box\\u001b[2J"', "default_pattern", '"coherent"'),
        ('contacts = "mum"', "contacts", "using none."),
    ],
)
def test_a_value_that_cannot_be_used_is_named_once_and_its_default_used(
    data_dir: Path, line: str, key: str, default_said: str
):
    other = "" if key == "week_start" else 'week_start = "sunday"\n'
    write(data_dir, f"{line}\n{other}")
    settings, warnings = load_settings(data_dir, patterns=PATTERNS)
    assert len(warnings) == 1
    assert str(data_dir / SETTINGS_FILE) in warnings[0]
    assert key in warnings[0]
    assert default_said in warnings[0]
    assert getattr(settings, key) == getattr(Settings(), key)
    if key != "week_start":  # the good line beside the bad one still counts
        assert settings.week_start == "sunday"


def test_an_unknown_key_is_named_and_the_rest_still_counts(data_dir: Path):
    write(data_dir, 'colour = "blue"\nbell = true\n')
    settings, warnings = load_settings(data_dir)
    assert settings == Settings(bell=True)
    assert len(warnings) == 1
    assert "'colour' is not a setting" in warnings[0]
    assert SETTINGS_FILE in warnings[0]


def test_a_file_that_is_not_toml_gives_one_warning_and_the_defaults(data_dir: Path):
    write(data_dir, "bell = \n")
    settings, warnings = load_settings(data_dir)
    assert settings == Settings()
    assert len(warnings) == 1
    assert "is not valid TOML" in warnings[0] and "using the defaults" in warnings[0]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("bell = " + "[" * 3000 + "]" * 3000, "is nested too deeply to read"),
        ("default_minutes = 1" + "0" * 5000, "holds a number too long to read"),
    ],
    ids=["deep", "long"],
)
def test_a_file_too_deep_or_long_to_read_gives_one_warning_and_the_defaults(
    data_dir: Path, text: str, said: str
):
    write(data_dir, text)
    settings, warnings = load_settings(data_dir)
    assert settings == Settings()
    assert warnings == [f"{data_dir / SETTINGS_FILE} {said}; using the defaults."]
    with pytest.raises(SettingsError, match="left as it is"):
        save_settings(data_dir, Settings(bell=True))  # what the person wrote is kept


def test_hundreds_of_problems_are_a_few_lines(data_dir: Path):
    write(data_dir, "".join(f"unknown_{i} = 1\n" for i in range(300)) + "bell = true\n")
    settings, warnings = load_settings(data_dir)
    assert settings == Settings(bell=True)
    assert len(warnings) == 8
    assert warnings[-1] == (
        f"{data_dir / SETTINGS_FILE}: 293 more problems like these; each of those was ignored too."
    )


def test_a_bad_contact_is_skipped_by_its_number_and_the_others_kept(data_dir: Path):
    write(
        data_dir,
        """
[[contacts]]
name = "Sam"
how = "07700 900123"

[[contacts]]
name = "no way to reach"

[[contacts]]
name = "Alex"
how = "alex@example.org"
phone = "1"

[[contacts]]
name = "Jo"
how = "next door"
""",
    )
    settings, warnings = load_settings(data_dir)
    assert settings.contacts == (Contact("Sam", "07700 900123"), Contact("Jo", "next door"))
    assert len(warnings) == 2
    assert "contacts 2" in warnings[0] and "skipped" in warnings[0]
    assert "contacts 3" in warnings[1] and "'phone'" in warnings[1]


# -- saving --------------------------------------------------------------------------------------


TRICKY = 'quote " backslash \\ newline\n tab\t [b]markup[/b] \x1b[31m DEL\x7f ümlaut 家 🙂 \\u0041'


def test_saving_and_loading_give_back_the_same_settings(data_dir: Path):
    settings = Settings(
        default_pattern="box",
        default_minutes=0.5,
        reduced_motion=True,
        bell=True,
        week_start="sunday",
        theme="companion-high-contrast-light",
        contacts=(Contact(TRICKY[:60], TRICKY), Contact("Sam", "07700 900123")),
    )
    save_settings(data_dir, settings)
    assert load_settings(data_dir) == (settings, [])


def test_the_saved_file_is_private_and_no_temporary_file_is_left(data_dir: Path):
    save_settings(data_dir, Settings(bell=True))
    path = data_dir / SETTINGS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in data_dir.iterdir()) == [SETTINGS_FILE]


def test_saving_replaces_a_good_file(data_dir: Path):
    write(data_dir, "bell = true\n")
    save_settings(data_dir, Settings(week_start="sunday"))
    assert load_settings(data_dir)[0] == Settings(week_start="sunday")


@pytest.mark.parametrize(
    "text",
    [
        "bell = \n",  # not TOML
        '# mine\ncolour = "blue"\nbell = true\n',  # an unknown key
        'week_start = "tuesday"\n# my note\n',  # a value that cannot be used
        '[[contacts]]\nname = "Sam"\n',  # a contact without how
        b"bell = true\n\xff\n".decode("latin-1"),  # not UTF-8
    ],
)
def test_a_file_with_a_problem_is_never_overwritten(data_dir: Path, text: str):
    path = write(data_dir, "")
    path.write_bytes(text.encode("latin-1") if "\xff" in text else text.encode())
    before = path.read_bytes()
    with pytest.raises(SettingsError) as raised:
        save_settings(data_dir, Settings(bell=True))
    assert path.read_bytes() == before
    message = str(raised.value)
    assert str(path) in message and "left as it is" in message and "Fix it by hand" in message


def test_settings_text_is_what_the_file_holds(data_dir: Path):
    settings = Settings(contacts=(Contact("Sam", "07700 900123"),))
    save_settings(data_dir, settings)
    assert (data_dir / SETTINGS_FILE).read_text(encoding="utf-8") == settings_text(settings)


# -- the rest of companion uses them -------------------------------------------------------------


def test_the_week_starts_on_the_day_set(data_dir: Path, capsys):
    save_settings(data_dir, Settings(week_start="sunday"))
    assert main(["week", "--format", "json", "--data-dir", str(data_dir)]) == 0
    week = json.loads(capsys.readouterr().out)
    assert week["week_start"] == "sunday"


def test_companion_breathe_starts_with_your_pattern_and_length(data_dir: Path, monkeypatch):
    from companion import plain

    save_settings(data_dir, Settings(default_pattern="box", default_minutes=0.5))
    asked = []
    monkeypatch.setattr(plain, "run_plain", lambda data_dir, request: asked.append(request) or 0)
    assert main(["breathe", "--plain", "--data-dir", str(data_dir)]) == 0
    assert asked[0].pattern.name == "box"
    assert asked[0].schedule.total == pytest.approx(32.0)  # 30 s of box: two whole breaths


def test_breathe_plain_says_what_is_wrong_with_the_settings(data_dir: Path, monkeypatch, capsys):
    from companion import plain

    write(data_dir, "bell = 2\n")
    monkeypatch.setattr(plain, "run_plain", lambda data_dir, request: 0)
    assert main(["breathe", "--plain", "--data-dir", str(data_dir)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bell must be true or false" in err


# -- the app and the settings screen -------------------------------------------------------------


async def settings_saved(app: CompanionApp, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def on_disk(data_dir: Path) -> Settings:
    settings, warnings = load_settings(data_dir)
    assert warnings == []
    return settings


async def test_every_setting_can_be_changed_from_the_keyboard(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("comma")
        screen = app.screen
        assert app.focused is screen.query_one("#default_pattern", Select)
        await pilot.press("enter", "up", "up", "enter")  # coherent → box
        await pilot.press("tab", "enter", "down", "enter")  # 1 min → 2 min
        await pilot.press("tab", "space", "tab", "space")  # reduced motion, bell
        await pilot.press("tab", "enter", "down", "enter")  # monday → sunday
        await pilot.press("tab", "enter", "home", "down", "enter")  # high contrast, light
        await pilot.press("tab", *"Sam", "enter", *"07700 900123", "enter")
        await pilot.press(*"Jo", "tab", *"next door", "tab", "enter")  # the Add button
        await settings_saved(app, pilot)
        expected = Settings(
            default_pattern="box",
            default_minutes=2.0,
            reduced_motion=True,
            bell=True,
            week_start="sunday",
            theme="companion-high-contrast-light",
            contacts=(Contact("Sam", "07700 900123"), Contact("Jo", "next door")),
        )
        assert app.settings == expected
        assert app.theme == "companion-high-contrast-light"  # applied at once
        assert on_disk(data_dir) == expected
        assert "Saved" in str(screen.query_one("#status", Static).render())


async def test_a_contact_can_be_removed(data_dir: Path):
    save_settings(data_dir, Settings(contacts=(Contact("Sam", "1"), Contact("Jo", "2"))))
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("comma")
        contacts = app.screen.query_one("#contacts", OptionList)
        contacts.focus()
        contacts.highlighted = 0
        await pilot.press("delete")
        await settings_saved(app, pilot)
        assert app.settings.contacts == (Contact("Jo", "2"),)
        assert on_disk(data_dir).contacts == (Contact("Jo", "2"),)
        assert contacts.option_count == 1


async def test_a_contact_needs_a_name_and_a_way_to_reach_them(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("comma")
        app.screen.query_one("#contact-name", Input).focus()
        await pilot.press(*"Sam", "enter", "enter")
        await settings_saved(app, pilot)
        assert app.settings.contacts == ()
        assert "needs a name and how to reach them" in str(
            app.screen.query_one("#status", Static).render()
        )
        assert not (data_dir / SETTINGS_FILE).exists()


async def test_a_file_with_a_problem_stays_as_it_is_while_changes_still_apply(data_dir: Path):
    path = write(data_dir, '# my own notes\ncolour = "blue"\nbell = true\n')
    before = path.read_bytes()
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("'colour' is not a setting" in m for m in said)
        await pilot.press("comma")
        screen = app.screen
        screen.query_one("#reduced_motion", Checkbox).focus()
        await pilot.press("space")
        await settings_saved(app, pilot)
        await pilot.press("space", "space")
        await settings_saved(app, pilot)
        assert app.settings.reduced_motion is True and app.settings.bell is True
        status = str(screen.query_one("#status", Static).render())
        assert "left as it is" in status and "'colour'" in status
        # said once as a notification, however many changes were made
        assert sum("left as it is" in n.message for n in app._notifications) == 1
    assert path.read_bytes() == before


async def test_settings_are_used_at_start(data_dir: Path):
    save_settings(data_dir, Settings(theme="companion-high-contrast", default_minutes=2))
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "companion-high-contrast"
        await pilot.press("b")
        assert "Length: 2 min" in str(app.screen.query_one("#length", Static).render())


async def test_an_unknown_theme_is_said_and_the_file_kept(data_dir: Path):
    path = write(data_dir, 'theme = "neon"\n')
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settings_saved(app, pilot)
        assert app.theme == "textual-dark"
        assert any("no theme called 'neon'" in n.message for n in app._notifications)
    assert path.read_text() == 'theme = "neon"\n'


async def test_a_theme_chosen_in_the_command_palette_is_remembered(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "companion-high-contrast"  # what the palette's theme switcher does
        await settings_saved(app, pilot)
        assert app.settings.theme == "companion-high-contrast"
    assert on_disk(data_dir).theme == "companion-high-contrast"


async def test_reduced_motion_set_in_settings_is_used_by_the_next_breath(data_dir: Path):
    from companion.screens.widgets.breathing import BreathingVisual

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("comma")
        app.screen.query_one("#reduced_motion", Checkbox).focus()
        await pilot.press("space", "escape", "b", "enter")
        await pilot.pause()
        assert app.screen.query_one(BreathingVisual).has_class("reduced")
        app.settings = replace(app.settings, reduced_motion=False)  # keep the app from saving
    assert on_disk(data_dir).reduced_motion is True


async def test_a_full_disk_is_said_and_the_change_still_applies(data_dir: Path, monkeypatch):
    import companion.settings

    def full(path: Path, text: str) -> None:
        raise SaveFailed(
            f"The disk is full, so {path.name} could not be saved; the file is unchanged."
        )

    monkeypatch.setattr(companion.settings, "write_atomically", full)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        app.change_settings(Settings(bell=True))
        await settings_saved(app, pilot)
        assert app.settings.bell is True
        assert any("The disk is full" in n.message for n in app._notifications)


def test_the_settings_screen_looks_right(data_dir: Path, snap_compare):
    save_settings(data_dir, Settings(contacts=(Contact("Sam [b]not bold[/b]", "07700 900123"),)))
    assert snap_compare(CompanionApp(data_dir=data_dir), press=["comma"], terminal_size=(80, 24))


def test_the_settings_screen_fits_40_by_12(data_dir: Path, snap_compare):
    assert snap_compare(CompanionApp(data_dir=data_dir), press=["comma"], terminal_size=(40, 12))
