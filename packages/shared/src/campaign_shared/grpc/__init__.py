"""gRPC contract of the rules engine, generated from proto/campaign/rules/v1/rules_engine.proto (make proto).

Import messages and stubs from here rather than from the generated tree, so that a regeneration that
moves things shows up as one import error in one place. `evaluation` turns a rule into an
`EvaluationResult` the same way for the engine and for the API's local fallback.
"""

from campaign_shared.grpc.generated.campaign.rules import v1 as rules_v1

__all__ = ["rules_v1"]
