"""tools/mutation.py must not rot: the modules it mutates exist, are pure, and are the ones
the README names; its table reads right. (Running mutmut is for the tool itself: minutes.)"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import mutation  # noqa: E402


def test_every_listed_module_and_test_file_exists():
    for module, pure in mutation.MODULES.items():
        assert (ROOT / module).is_file(), module
        for test in pure.tests:
            assert (ROOT / test.split("::")[0]).is_file(), test


def test_the_listed_modules_import_nothing_of_the_interface():
    for module in mutation.MODULES:
        tree = ast.parse((ROOT / module).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert not {name for name in imported
                    if name.split(".")[0] == "textual" or name.startswith("companion.screens")
                    or name == "companion.app"}, module


def test_the_readme_names_every_module_it_mutates():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Mutation testing", 1)[1].split("\n## ", 1)[0]
    for module in mutation.MODULES:
        assert f"`{module}`" in section, module


def test_a_mutant_is_placed_in_its_function():
    assert mutation.function_of("companion.report.x_print_week__mutmut_3") == "print_week"
    assert mutation.function_of("companion.summary.x__words__mutmut_12") == "_words"
    assert mutation.function_of(
        "companion.breathing.xǁBreathingSessionǁpause__mutmut_1") == "BreathingSession.pause"


def test_the_table_gives_each_module_its_score_and_says_which_fall_short():
    scores = [mutation.Score("companion/summary.py", 321, 319, 2, 0, 72.0),
              mutation.Score("companion/report.py", 200, 170, 30, 4, 125.0)]
    assert mutation.format_table(scores).splitlines() == [
        "| module | mutants | killed | survived (no test reached) | score | time |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        "| companion/summary.py | 321 | 319 | 2 (0) | 99.4% | 72 s |",
        "| companion/report.py | 200 | 170 | 30 (4) | 85.0% | 2.1 min |",
        "",
        "below 90%: report; 3.3 min in all.",
        "Not counted (they read files or print): companion/report.py print_week, _say.",
    ]
