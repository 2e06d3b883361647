"""The check-in's Name step: a quadrant first, then one or more words from it, or your own.

All feelings are welcome: the quadrants are named by energy and pleasantness, never as good or
bad. In a quadrant, typing filters the words; Tab adds (or removes) the highlighted word and
stays, Enter adds it and goes on. Words from several quadrants may be named. The screen
answers the flow with dismiss("next"), "skip" or "back".
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from companion.checkin import CheckInDraft
from companion.content import Content, FeelingWord, Quadrant
from companion.entries import MAX_LIST, MAX_WORD, Feeling
from companion.guidance import heavy_word
from companion.screens.help import offer_help
from companion.screens.step import STEP_KEYS, StepScreen
from companion.screens.widgets.quadrants import QuadrantGrid, quadrant_style
from companion.text import printable, shown

QUADRANTS, WORDS = "quadrants", "words"
OWN_WORD = "\x00own"  # the option id for "your own word" (no real word holds a NUL)
WORD_CUT = f"A word keeps up to {MAX_WORD} characters."
TOO_MANY = f"That's {MAX_LIST} words already, plenty to hold."


class WordList(OptionList):
    """The words of a quadrant; tells the screen when its width changes, so the meanings are cut
    to the width as drawn (not to the width before the list was first laid out)."""

    def on_resize(self) -> None:
        screen = self.screen
        if isinstance(screen, NameScreen):
            screen.refit(self.scrollable_content_region.width)


class NameScreen(StepScreen):
    # A short terminal (down to 12 lines) drops the hints (the footer has the keys) so the
    # quadrants keep their names and the words their list.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (18, "-tall")]
    AUTO_FOCUS = ""
    HELP_TOPIC = "name"
    BINDINGS = [
        # choosing a quadrant (the grid itself binds arrows and Enter)
        Binding("c", "next", "Continue"),
        # in a quadrant
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "move(-8)", "Page up", show=False),
        Binding("pagedown", "move(8)", "Page down", show=False),
        Binding("tab", "toggle_word", "Add/remove"),
        Binding("enter", "name_and_go_on", "Add & continue"),
        # always
        *STEP_KEYS,
    ]

    def __init__(self, draft: CheckInDraft) -> None:
        super().__init__(draft)
        self.mode = QUADRANTS
        self._room = 0  # the word list's width the meanings were last cut to
        self.quadrant_key = draft.feelings[-1].quadrant if draft.feelings else None

    @property
    def content(self) -> Content:
        return self.companion.content

    @property
    def quadrant(self) -> Quadrant:
        return self.content.quadrant(self.quadrant_key or "high_unpleasant")

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Name  [$text-muted]{shown(self.content.welcome)}[/]", classes="step-title")
        with ContentSwitcher(initial=QUADRANTS):
            with Vertical(id=QUADRANTS):
                yield Static("Which of these is closest? Arrows move, Enter opens one.",
                             classes="hint")
                yield QuadrantGrid(self.content.quadrants, at=self.quadrant_key)
            with Vertical(id=WORDS):
                yield Static("", id="quadrant")
                yield Static("Tab adds or removes a word · Enter adds it and goes on · Esc back",
                             classes="hint")
                yield Input(placeholder="type to find a word, or write your own", id="filter")
                yield Static(WORD_CUT, id="cut", classes="notice-line")
                yield WordList(id="word-list")
        yield Static("", id="named")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#word-list", OptionList).can_focus = False
        self._show_named()
        self._set_mode(QUADRANTS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        in_words = ("move", "toggle_word", "name_and_go_on")
        if action in in_words:
            return self.mode == WORDS
        if action in ("next", "skip"):
            return self.mode == QUADRANTS
        return True

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one(ContentSwitcher).current = mode
        if mode == QUADRANTS:
            self.query_one(QuadrantGrid).focus()
        else:
            self.query_one("#filter", Input).focus()
        self.refresh_bindings()

    # -- choosing a quadrant ---------------------------------------------------------------------

    def on_quadrant_grid_chosen(self, event: QuadrantGrid.Chosen) -> None:
        self.quadrant_key = event.key
        quadrant = self.quadrant
        heading = Text()
        heading.append(f"{printable(quadrant.symbol)} {printable(quadrant.label)}",
                       style=quadrant_style(quadrant, bold=True))
        heading.append(f"  {printable(quadrant.hint)}", style="dim")
        self.query_one("#quadrant", Static).update(heading)
        self.query_one("#filter", Input).value = ""
        self._show_words()
        self._set_mode(WORDS)

    # -- finding words ---------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if len(event.value) > MAX_WORD:
            event.input.value = event.value[:MAX_WORD]
            self.query_one("#cut", Static).display = True
            return
        self._show_words()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_name_and_go_on()

    def _typed(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    def _matching(self) -> list[FeelingWord]:
        """This quadrant's words that match what is typed; then, once something is typed, the
        matching words of the other quadrants (a known word is offered where it belongs rather
        than becoming your own word in a quadrant it was not written for)."""
        typed = self._typed().lower()
        if not typed:
            return list(self.quadrant.words)
        others = [q for q in self.content.quadrants if q.key != self.quadrant_key]
        found: list[FeelingWord] = []
        for quadrant in (self.quadrant, *others):
            starting = [w for w in quadrant.words if w.word.startswith(typed)]
            found += starting + [w for w in quadrant.words if typed in w.word and w not in starting]
        return found

    def _show_words(self, keep_place: bool = False) -> None:
        option_list = self.query_one("#word-list", OptionList)
        place = option_list.highlighted if keep_place else None
        # The meanings are cut to the list's width as drawn; before the list is laid out (or
        # once the terminal or its scrollbar changes that width) they are fitted again.
        self._room = option_list.scrollable_content_region.width
        named = {(f.quadrant, f.word.lower()) for f in self.draft.feelings}
        matching = self._matching()
        width = max((len(w.word) for w in matching), default=0)
        options = [
            Option(self._word_line(w, (w.quadrant, w.word) in named, width, self._room),
                   id=f"{w.quadrant}:{w.word}")
            for w in matching
        ]
        typed = self._typed()
        if typed and typed.lower() not in {w.word for w in matching}:
            mine = Text(f"+ “{printable(typed)}” as your own word", style="italic")
            if (self.quadrant.key, typed.lower()) in named:
                mine = Text(f"✓ “{printable(typed)}”, your own word", style="bold")
            options.append(Option(mine, id=OWN_WORD))
        option_list.clear_options()
        option_list.add_options(options)
        if options:
            option_list.highlighted = 0 if place is None else min(place, len(options) - 1)

    def refit(self, room: int) -> None:
        """The word list was laid out anew: cut the meanings to its width, if that changed."""
        if self.mode == WORDS and room and room != self._room:
            self._show_words(keep_place=True)

    def _word_line(self, word: FeelingWord, named: bool, width: int, room: int) -> Text:
        quadrant = self.content.quadrant(word.quadrant)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("✓ " if named else "  ", style=quadrant_style(quadrant, bold=True))
        line.append(printable(word.word).ljust(width), style="bold" if named else "")
        if word.quadrant != self.quadrant_key:  # from another quadrant: say which
            line.append(f"  {printable(quadrant.symbol)} {printable(quadrant.label)}",
                        style=quadrant_style(quadrant))
        line.append(f"  {printable(word.meaning)}", style="dim")
        # One line a word: the list stays easy to scan, the meaning trails off where it must.
        if room:
            line.truncate(room, overflow="ellipsis")
        return line

    def _highlighted_word(self) -> Feeling | None:
        """The highlighted word with the quadrant it would be named in."""
        option_list = self.query_one("#word-list", OptionList)
        if option_list.highlighted is None or option_list.option_count == 0:
            return None
        option_id = option_list.get_option_at_index(option_list.highlighted).id or ""
        if option_id == OWN_WORD:
            return Feeling(self._typed(), self.quadrant.key)
        quadrant, _, word = option_id.partition(":")
        return Feeling(word, quadrant)

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#word-list", OptionList)
        if option_list.option_count == 0:
            return
        current = option_list.highlighted or 0
        option_list.highlighted = min(max(current + step, 0), option_list.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click on a word: the same as Tab.
        event.stop()
        self.action_toggle_word()

    # -- naming ----------------------------------------------------------------------------------

    def _is_named(self, word: Feeling) -> Feeling | None:
        return next(
            (f for f in self.draft.feelings
             if f.quadrant == word.quadrant and f.word.lower() == word.word.lower()),
            None,
        )

    def _add_word(self, word: Feeling) -> bool:
        if self._is_named(word):
            return True
        if len(self.draft.feelings) >= MAX_LIST:
            self.notify(TOO_MANY)
            return False
        self.draft.feelings.append(word)
        return True

    def _offer_help_for(self, word: Feeling, then: Callable[[None], None] | None = None) -> bool:
        """A word like hopeless or numb brings up where help is (once a check-in); the step
        carries on, with `then`, once it is closed."""
        if heavy_word([word.word], self.content.safety.offer_for_words) is None:
            return False
        return offer_help(self.app, self.draft, then)

    def action_toggle_word(self) -> None:
        word = self._highlighted_word()
        if word is None:
            return
        existing = self._is_named(word)
        if existing is not None:
            self.draft.feelings.remove(existing)
        elif self._add_word(word):
            self._offer_help_for(word)
        highlighted = self.query_one("#word-list", OptionList).highlighted
        if self._typed():
            self.query_one("#filter", Input).value = ""  # ready to find the next word
        else:
            self._show_words()
            self.query_one("#word-list", OptionList).highlighted = highlighted
        self._show_named()

    def action_name_and_go_on(self) -> None:
        word = self._highlighted_word()
        if word is not None and not self._add_word(word):
            return
        self._show_named()
        if word is not None and self._offer_help_for(word, self._go_on):
            return
        self.dismiss("next")

    def _go_on(self, _closed: None = None) -> None:
        # Not a lambda: the help's callback would await what dismiss returns, from a handler.
        self.dismiss("next")

    def _show_named(self) -> None:
        named = Text()
        counts: dict[str, int] = {}
        for feeling in self.draft.feelings:
            quadrant = self.content.quadrant(feeling.quadrant)
            counts[quadrant.key] = counts.get(quadrant.key, 0) + 1
            named.append("  " if named else "Named: ", style="dim")
            named.append(f"{printable(quadrant.symbol)} ", style=quadrant_style(quadrant))
            named.append(printable(feeling.word))
        shown_named = self.query_one("#named", Static)
        shown_named.update(named)
        shown_named.set_class(not named, "-empty")
        self.query_one(QuadrantGrid).show_named(counts)

    # -- leaving ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.mode == WORDS and self._typed():
            self.query_one("#filter", Input).value = ""
        elif self.mode == WORDS:
            self._show_named()
            self._set_mode(QUADRANTS)
        else:
            self.dismiss("back")

