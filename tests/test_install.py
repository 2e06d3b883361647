"""The installed package (not the checkout) finds its data and screens from any folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import companion, companion.app, companion.screens.home
from companion.content import load_content
content = load_content()
print(len(content.patterns), len(content.quadrants))
print(*companion.app.CompanionApp.CSS_PATH, sep="|")
"""


def test_the_package_works_when_run_from_another_folder(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    counts, css_paths = result.stdout.splitlines()
    assert counts == "5 4"
    assert all(Path(css_path).is_file() for css_path in css_paths.split("|"))
