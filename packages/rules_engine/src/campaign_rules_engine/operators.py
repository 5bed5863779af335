"""The SPEC §5 domain operators in the engine's evaluator: the shared definitions, registered once.

``campaign_shared.rules_operators`` holds the one definition of ``entity``, ``inside``, ``distance``,
``resolved``, ``daysSince``, ``hoursSince`` and ``monthsSince`` (the API's fallback uses the same);
every engine evaluation compiles with the default registry, where they are registered here.
"""

from __future__ import annotations

from campaign_shared.jsonlogic import default_registry
from campaign_shared.rules_operators import OPERATORS, register_domain_operators

register_domain_operators(default_registry)

__all__ = ["OPERATORS"]
