"""companion: notice, ground, name, repair — a terminal companion for activated moments."""

import os

__version__ = "0.1.0"

# A source checkout keeps screens/ and data/ beside this package; an installed copy has them
# inside it (pyproject.toml maps them there). Both import as companion.screens. os.path, not
# pathlib: every command runs this, `--version` too, and os is imported already.
_here = os.path.dirname(os.path.realpath(__file__))
if not os.path.isdir(os.path.join(_here, "screens")) and os.path.isdir(
    os.path.join(os.path.dirname(_here), "screens")
):
    __path__.append(os.path.dirname(_here))
