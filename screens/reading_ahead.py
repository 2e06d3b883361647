"""What home and the review read ahead for the views keys 2-4 open (companion/read_ahead.py
keeps it).

A module of its own: home and the review use it, and views.py (which makes every view, the
review too) must not be imported by a view.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.content import Content
    from companion.history import HistoryStore


def read_ahead_views(store: HistoryStore, day: date, week_start: str, content: Content,
                     screen_width: int) -> None:
    """In a worker: read the month, year and what helps that keys 2-4 show from the week of
    `day`, and draw what helps at the screen's width, so each view shows its data in its first
    frame (companion/read_ahead.py). What is kept already, with nothing saved since, is left
    as it is (no disk touched: the view looks at the files when it opens). A read that fails
    is left to the view, which reads again when it is opened and says why."""
    from companion.read_ahead import helps_reading, month_reading, read_ahead, year_reading
    from companion.screens.helps import body_width, drawn
    from companion.screens.looking_back import now
    from companion.spans import month_start
    from companion.storage import StoreError

    kept = read_ahead(store)
    try:
        for reading in (month_reading(store, month_start(day)),
                        year_reading(store, day.year, week_start)):
            kept.wait_turn()
            if kept.ready(reading.key) is None:
                kept.get(reading)
        kept.wait_turn()
        helps_read = helps_reading(store, False, now(), week_start)
        helps = kept.ready(helps_read.key) or kept.get(helps_read)
    except StoreError:
        return
    kept.wait_turn()
    drawn(helps, content, body_width(screen_width), everything=False)
