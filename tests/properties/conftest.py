"""Fixtures of the property tests, and a summary of the examples they ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from provider_cases import TALLY


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the examples' zip packages are written (named by their content)."""
    return tmp_path_factory.mktemp("packages")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    terminalreporter.section("provider properties: examples")
    columns = ("property", "provider", "tried", "refused by Check", "created")
    terminalreporter.write_line("{:<12} {:<26} {:>6} {:>17} {:>8}".format(*columns))
    for (prop, name), seen in sorted(TALLY.items()):
        created = seen.created if prop.startswith("create") else "-"
        terminalreporter.write_line(
            f"{prop:<12} {name:<26} {seen.tried:>6} {seen.refused:>17} {created:>8}"
        )
