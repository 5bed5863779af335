"""The SPEC §5 domain operators as the API evaluates them: the shared definitions, installed at start.

``campaign_shared.rules_operators`` holds the one definition used by the rules engine as well. The
API's fallback evaluation and its validation of condition expressions compile with the default
registry: :func:`install` registers them there; the rules client runs it when the API starts, and
evaluation entry points run it again (idempotent, cheap) for callers outside the app.
"""

from __future__ import annotations

from campaign_shared.rules_operators import OPERATORS, REGISTRY, install

__all__ = ["OPERATORS", "REGISTRY", "install"]
