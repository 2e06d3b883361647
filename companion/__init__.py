"""companion: notice, ground, name, repair — a terminal companion for activated moments."""

from pathlib import Path

__version__ = "0.1.0"

# A source checkout keeps screens/ and data/ beside this package; an installed copy has them
# inside it (pyproject.toml maps them there). Both import as companion.screens.
_here = Path(__file__).resolve().parent
if not (_here / "screens").is_dir() and (_here.parent / "screens").is_dir():
    __path__.append(str(_here.parent))
