"""Print the README's configuration table from the settings objects (so the docs cannot drift).

uv run python scripts/config_table.py            # print the table
uv run python scripts/config_table.py --write    # replace it in README.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from campaign_shared.settings import env_variables

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- config-table:begin -->", "<!-- config-table:end -->"
READERS = {
    "app": "all",
    "database": "api, migrate",
    "redis": "api, rules-engine, scheduler",
    "s3": "api",
    "auth": "api",
    "service_token": "api, scheduler",
    "api": "api",
    "rules_client": "api",
    "rules_engine": "rules-engine",
    "scheduler": "scheduler",
}


def table() -> str:
    lines = ["| variable | default | read by | meaning |", "|---|---|---|---|"]
    for concern, rows in env_variables().items():
        for names, default, description in rows:
            desc = description.replace("|", "\\|")
            lines.append(f"| `{names}` | `{default}` | {READERS[concern]} | {desc} |")
    return "\n".join(lines)


def render(readme: str) -> str:
    head, _, rest = readme.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(render(README.read_text()))
    else:
        print(table())
