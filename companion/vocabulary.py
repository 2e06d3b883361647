"""The fixed keys an entry may hold.

Kept apart from the entry model (entries.py) so that loading the content, which checks
feelings.toml against the quadrants, does not import the model before the first frame.
"""

KINDS = ("checkin", "breathing", "repair")
QUADRANTS = ("high_unpleasant", "high_pleasant", "low_pleasant", "low_unpleasant")
STATES = ("revved_up", "shut_down", "steady")
REPAIR_STATUSES = ("done", "planned", "let_go")  # let_go: closed, not called done

# The most breaths one break may hold (the schedule and the entry model both keep to it).
MAX_CYCLES = 10_000
