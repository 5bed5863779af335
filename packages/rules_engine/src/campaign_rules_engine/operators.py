"""The SPEC §5 domain operators in the engine's evaluator: the shared definitions, installed at start.

``campaign_shared.rules_operators`` holds the one definition of ``entity``, ``inside``, ``distance``,
``resolved``, ``daysSince``, ``hoursSince`` and ``monthsSince`` (the API's fallback uses the same).
Every engine evaluation compiles with the default registry; :func:`install` registers them there and
runs when the condition evaluator is created (before the server accepts a call).
"""

from __future__ import annotations

from campaign_shared.rules_operators import OPERATORS, install

__all__ = ["OPERATORS", "install"]
