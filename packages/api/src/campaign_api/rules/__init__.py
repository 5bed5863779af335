"""Rules on campaign data (SPEC §5): domain operators, the context builder, condition evaluation and
the dependency graph of one (campaign, branch).

Evaluation is pure: `context` analyses a rule and fetches every fact it reads in one batch per kind,
`evaluate` sends the conditions with those facts to the rules engine (falling back to the same shared
evaluator locally), and `graph` turns conditions, effects, links and variables into the engine's
dependency graph.
"""

from campaign_api.rules.operators import OPERATORS, REGISTRY, install

__all__ = ["OPERATORS", "REGISTRY", "install"]
