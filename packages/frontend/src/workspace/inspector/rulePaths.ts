/**
 * Suggestions for the rule builder's variable paths: what a rule of an entity can read (SPEC §5). The
 * entity's own fields under its namespace (`settlement.population`), its state variables (`var.*`), the
 * campaign flags (`flags.*`), and the usual paths of the related party / settlement / kingdom and of the
 * world. Only names: the values come from the API (`previewCondition` evaluates against the real context).
 */
import { useQuery } from "@apollo/client/react";
import { useMemo } from "react";
import { type EntityType, RulePathsDocument } from "../../gql/graphql.ts";
import { useWorkspace } from "../context.ts";
import { leafPaths } from "./jsonLogic.ts";

const NAMESPACES: Partial<Record<EntityType, string>> = {
  PARTY: "party",
  CHARACTER: "character",
  KINGDOM: "kingdom",
  SETTLEMENT: "settlement",
  STRUCTURE: "structure",
  LOCATION: "location",
  EVENT: "event",
  ENCOUNTER: "encounter",
};

/** The name a rule reads its own entity under. */
export function namespaceOf(type: EntityType): string {
  return NAMESPACES[type] ?? type.toLowerCase();
}

/** Related entities and the world: always offered, whether or not this entity has them. */
const COMMON_PATHS = ["party.level", "party.name", "settlement.population", "settlement.level", "kingdom.level", "kingdom.name", "world.time", "branch.world_time"];

/** Stored fields that are bookkeeping or schema, not something a rule compares. */
const SKIPPED = new Set(["variable_schemas", "campaign_id", "branch_id", "entity_id", "version_id", "recorded_at", "recorded_by"]);

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The suggested paths, own fields first, without duplicates. */
export function rulePaths(type: EntityType, owner: unknown, variables: unknown, flags: unknown): string[] {
  const ns = namespaceOf(type);
  const own = Object.entries(asRecord(owner)).filter(([key]) => !SKIPPED.has(key));
  return [
    ...new Set([
      ...leafPaths(Object.fromEntries(own), ns),
      ...leafPaths(asRecord(variables), "var", 2),
      ...leafPaths(asRecord(flags), "flags", 2),
      ...COMMON_PATHS,
    ]),
  ];
}

export function useRulePaths(type: EntityType, id: string): string[] {
  const ws = useWorkspace();
  const { data } = useQuery(RulePathsDocument, {
    variables: { campaignId: ws.campaign.id, type, id, branchId: ws.branch.id, asOf: ws.asOf },
  });
  return useMemo(() => rulePaths(type, data?.owner, data?.scopeVariables, data?.campaignFlags), [type, data]);
}
