"""Help: what companion is, why each step helps, the keys, and where to find help now.

The words come from data/help.toml and data/safety.toml; the person's own contacts come from
their settings and are shown as plain text. Up and down (or left and right) move between
topics, `!` jumps to finding help now, Escape closes. Where to find help also comes up by
itself (offer_help): once a check-in, saying why, and Escape goes straight back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from companion.content import Content, HelpLine, Safety
from companion.settings import Contact
from companion.text import shown

if TYPE_CHECKING:
    from textual.app import App

    from companion.checkin import CheckInDraft

SAFETY = "safety"


def offer_help(
    app: App, draft: CheckInDraft | None, then: Callable[[None], None] | None = None
) -> bool:
    """Bring up where to find help, by itself: once a check-in (the draft remembers), never over
    help already open. `then` runs when it closes, so the check-in carries on from there.
    False when nothing was shown (then `then` is not called)."""
    if draft is not None:
        if draft.help_offered:
            return False
        draft.help_offered = True
    if isinstance(app.screen, HelpScreen):
        return False
    app.push_screen(HelpScreen(topic=SAFETY, offered=True), then)
    return True


class HelpScreen(Screen[None]):
    AUTO_FOCUS = "#topics"
    # Narrow terminals hide the topic list; left and right still move between topics.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("exclamation_mark", "show_topic('safety')", "Find help now", key_display="!"),
        Binding("left", "step(-1)", "Topic", key_display="←→"),
        Binding("right", "step(1)", "Next topic", show=False),
        Binding("pageup", "scroll_text(-1)", "Scroll", show=False),
        Binding("pagedown,space", "scroll_text(1)", "Scroll", show=False),
        # With the topic list hidden (narrow), up and down scroll the text instead.
        Binding("up", "scroll_line(-1)", "Scroll", show=False),
        Binding("down", "scroll_line(1)", "Scroll", show=False),
        Binding("question_mark", "show_topic('keys')", "Keys", key_display="?", show=False),
    ]

    def __init__(self, topic: str = "about", *, offered: bool = False) -> None:
        super().__init__()
        self.topic = topic
        self.offered = offered  # brought up by the app, not asked for: it says why

    def compose(self) -> ComposeResult:
        content: Content = self.app.content  # type: ignore[attr-defined]
        yield Header()
        with Horizontal(id="help"):
            yield OptionList(
                *(Option(shown(title), id=key) for key, title in topics(content)), id="topics"
            )
            with VerticalScroll(id="text"):
                yield Static("", id="topic-title", classes="step-title")
                yield Static("← → for the other topics", id="topic-nav", classes="hint")
                yield Static("", id="topic-body")
        yield Footer()

    def on_mount(self) -> None:
        self.show_topic(self.topic)

    def show_topic(self, key: str) -> None:
        """Show one topic (an unknown key shows the first, "about")."""
        content: Content = self.app.content  # type: ignore[attr-defined]
        keys = [k for k, _ in topics(content)]
        if key not in keys:
            key = "about" if "about" in keys else keys[0]
        self.topic = key
        if key == SAFETY:
            contacts = self.app.settings.contacts  # type: ignore[attr-defined]
            title = content.safety.title
            body = safety_text(content.safety, contacts, offered=self.offered)
        else:
            topic = content.help_topic(key)
            assert topic is not None
            title, body = topic.title, paragraphs(topic.body)
        self.query_one("#topic-title", Static).update(shown(title))
        self.query_one("#topic-body", Static).update(body)
        self.query_one("#text", VerticalScroll).scroll_home(animate=False)
        self.query_one("#topics", OptionList).highlighted = keys.index(key)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Ignore a highlight already overtaken (the list's own first one, on mounting).
        current = event.option_list.highlighted == event.option_index
        if current and event.option.id and event.option.id != self.topic:
            self.show_topic(event.option.id)

    def action_show_topic(self, key: str) -> None:
        self.show_topic(key)

    def action_step(self, step: int) -> None:
        keys = [k for k, _ in topics(self.app.content)]  # type: ignore[attr-defined]
        self.show_topic(keys[(keys.index(self.topic) + step) % len(keys)])

    def action_scroll_text(self, pages: int) -> None:
        scroller = self.query_one("#text", VerticalScroll)
        if pages > 0:
            scroller.scroll_page_down(animate=False)
        else:
            scroller.scroll_page_up(animate=False)

    def action_scroll_line(self, lines: int) -> None:
        self.query_one("#text", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss()


def topics(content: Content) -> list[tuple[str, str]]:
    """(key, title) of every topic: finding help now first, so it is always in sight."""
    return [(SAFETY, content.safety.title)] + [(t.key, t.title) for t in content.help_topics]


def paragraphs(text: str) -> str:
    """A help body as markup-safe text, its line breaks and indents kept (see `keys`)."""
    return "\n".join(shown(line) for line in text.splitlines())


def safety_text(safety: Safety, contacts: tuple[Contact, ...], *, offered: bool = False) -> str:
    """What companion is and is not, the person's own people, numbers to call now, and the
    domestic abuse lines for anyone afraid of someone."""
    lines = [f"[i]{shown(safety.offered)}[/i]", ""] if offered else []
    lines += [shown(safety.statement), "", f"[b]{shown(safety.contacts_title)}[/b]"]
    if contacts:
        lines += [f"{shown(c.name)}: [b]{shown(c.how)}[/b]" for c in contacts]
    else:
        lines.append(shown(safety.no_contacts))
    lines.append("")
    # Each number first on its own line: a number is never split across two lines, and the
    # numbers line up to be found at a glance.
    for country in safety.countries:
        lines += [f"[b]{shown(country.name)}[/b]", *_numbers(country.lines)]
    lines.append(shown(safety.elsewhere))
    lines += ["", f"[b]{shown(safety.afraid_title)}[/b]", shown(safety.afraid)]
    for country in safety.countries:
        if country.abuse_lines:
            lines += [f"[b]{shown(country.name)}[/b]", *_numbers(country.abuse_lines)]
    lines.append(shown(safety.afraid_elsewhere))
    return "\n".join(lines)


def _numbers(lines: tuple[HelpLine, ...]) -> list[str]:
    return [f"  [b]{shown(line.number)}[/b]  {shown(line.label)}" for line in lines]
