"""Documentation that is generated from code stays current."""

from __future__ import annotations

from pathlib import Path

import config_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_configuration_table_is_current() -> None:
    text = README.read_text()
    assert config_table.render(text) == text, "run: uv run python scripts/config_table.py --write"
