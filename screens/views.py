"""The looking-back views by name: the one place that knows them all (see looking_back.py)."""

from __future__ import annotations

from datetime import date

from textual.screen import Screen


def view_screen(view: str, day: date | None = None) -> Screen[None]:
    """A new screen for `view`, showing the span around `day` (today when None); "day" is the
    week of `day` with its moments ready to open."""
    if view == "day":
        from companion.screens.review import ReviewScreen

        return ReviewScreen(day, focus_moments=True)
    if view == "week":
        from companion.screens.review import ReviewScreen

        return ReviewScreen(day)
    if view == "month":
        from companion.screens.month import MonthScreen

        return MonthScreen(day)
    if view == "year":
        from companion.screens.year import YearScreen

        return YearScreen(day)
    if view == "helps":
        from companion.screens.helps import HelpsScreen

        return HelpsScreen()
    if view == "repairs":
        from companion.screens.repairs import RepairsScreen

        return RepairsScreen()
    from companion.screens.search import SearchScreen

    return SearchScreen()
