"""The SPEC §5 domain operators as the API evaluates them: the shared definitions, registered once.

``campaign_shared.rules_operators`` holds the one definition used by the rules engine as well; the
API's fallback evaluation and its validation of condition expressions compile with the default
registry, where they are registered here.
"""

from __future__ import annotations

from typing import Final

from campaign_shared.jsonlogic import OperatorRegistry, default_registry
from campaign_shared.rules_operators import OPERATORS, register_domain_operators

REGISTRY: Final[OperatorRegistry] = register_domain_operators(default_registry)

__all__ = ["OPERATORS", "REGISTRY"]
