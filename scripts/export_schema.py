"""Write the GraphQL SDL to schema.graphql (the contract the frontend's types are generated from).

uv run python scripts/export_schema.py            # write
uv run python scripts/export_schema.py --check    # fail if schema.graphql is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

from campaign_api.graphql.schema import build_schema

TARGET = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    return build_schema(introspection=True).as_str() + "\n"


if __name__ == "__main__":
    current = sdl()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text() != current:
            print("schema.graphql is stale: run 'make schema'", file=sys.stderr)
            sys.exit(1)
    else:
        TARGET.write_text(current)
