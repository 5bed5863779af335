/**
 * What the UI knows about each campaign entity type: labels, the form fields (create and edit), the
 * table columns, and the generated GraphQL documents for list/create/update/delete/restore.
 * One table drives the entity tables, the create forms and the inspector.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import * as G from "../gql/graphql.ts";
import type { EntityType } from "../gql/graphql.ts";

export type FieldKind = "text" | "textarea" | "int" | "bool" | "select" | "worldTime" | "ref" | "point";

export interface FieldMeta {
  /** GraphQL input/output field (camelCase). */
  readonly key: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly options?: readonly string[];
  /** For `ref`: the entity type the id points at. */
  readonly ref?: EntityType;
  readonly min?: number;
  readonly max?: number;
  readonly required?: boolean;
  /** Only game masters see and edit it (the API hides it from players anyway). */
  readonly gmOnly?: boolean;
  /** Shown as a column in the entity table. */
  readonly column?: boolean;
  /** Text suggestions (datalist). */
  readonly suggestions?: readonly string[];
}

/** A row of any entity list: the common fields plus the type's own. */
export interface EntityRow {
  readonly id: string;
  readonly version: number;
  readonly name?: string | null;
  readonly deleted: boolean;
  readonly hidden?: boolean | null;
  readonly gmNotes?: string | null;
  readonly [field: string]: unknown;
}

// The generic views handle every type alike; the typed documents are checked where they are defined.
type AnyDocument = TypedDocumentNode<any, any>;

export interface EntityMeta {
  readonly type: EntityType;
  readonly label: string;
  readonly plural: string;
  /** URL segment and the list field of the query (`settlements`). */
  readonly key: string;
  readonly fields: readonly FieldMeta[];
  readonly list: AnyDocument;
  readonly create: AnyDocument;
  readonly update: AnyDocument;
  readonly remove: AnyDocument;
  readonly restore: AnyDocument;
}

const COMMON_HEAD: readonly FieldMeta[] = [{ key: "name", label: "Name", kind: "text", required: true, column: true }];
const COMMON_TAIL: readonly FieldMeta[] = [
  { key: "description", label: "Description", kind: "textarea" },
  { key: "gmNotes", label: "GM notes", kind: "textarea", gmOnly: true },
  { key: "hidden", label: "Hidden from players", kind: "bool", gmOnly: true },
];

const STRUCTURE_TYPES = ["temple", "inn", "market", "barracks", "library", "smithy", "tavern", "wall", "harbor", "farm"];

function meta(
  type: EntityType,
  label: string,
  plural: string,
  key: string,
  own: readonly FieldMeta[],
  docs: Pick<EntityMeta, "list" | "create" | "update" | "remove" | "restore">,
): EntityMeta {
  return { type, label, plural, key, fields: [...COMMON_HEAD, ...own, ...COMMON_TAIL], ...docs };
}

export const ENTITY_TYPES: readonly EntityMeta[] = [
  meta("PARTY", "Party", "Parties", "parties", [{ key: "levelOverride", label: "Level override", kind: "int", min: 1, max: 20, column: true }], {
    list: G.PartiesDocument,
    create: G.CreatePartyDocument,
    update: G.UpdatePartyDocument,
    remove: G.DeletePartyDocument,
    restore: G.RestorePartyDocument,
  }),
  meta(
    "CHARACTER",
    "Character",
    "Characters",
    "characters",
    [
      { key: "partyId", label: "Party", kind: "ref", ref: "PARTY", column: true },
      { key: "level", label: "Level", kind: "int", min: 1, max: 20, column: true },
      { key: "race", label: "Race", kind: "text", column: true },
      { key: "class", label: "Class", kind: "text", column: true },
      { key: "isNpc", label: "Non-player character", kind: "bool", column: true },
    ],
    {
      list: G.CharactersDocument,
      create: G.CreateCharacterDocument,
      update: G.UpdateCharacterDocument,
      remove: G.DeleteCharacterDocument,
      restore: G.RestoreCharacterDocument,
    },
  ),
  meta("KINGDOM", "Kingdom", "Kingdoms", "kingdoms", [{ key: "level", label: "Level", kind: "int", min: 1, max: 10, column: true }], {
    list: G.KingdomsDocument,
    create: G.CreateKingdomDocument,
    update: G.UpdateKingdomDocument,
    remove: G.DeleteKingdomDocument,
    restore: G.RestoreKingdomDocument,
  }),
  meta(
    "SETTLEMENT",
    "Settlement",
    "Settlements",
    "settlements",
    [
      { key: "kingdomId", label: "Kingdom", kind: "ref", ref: "KINGDOM", column: true },
      { key: "locationId", label: "Location", kind: "ref", ref: "LOCATION", column: true },
      { key: "level", label: "Level", kind: "int", min: 1, max: 10, column: true },
      { key: "population", label: "Population", kind: "int", min: 0, column: true },
    ],
    {
      list: G.SettlementsDocument,
      create: G.CreateSettlementDocument,
      update: G.UpdateSettlementDocument,
      remove: G.DeleteSettlementDocument,
      restore: G.RestoreSettlementDocument,
    },
  ),
  meta(
    "STRUCTURE",
    "Structure",
    "Structures",
    "structures",
    [
      { key: "settlementId", label: "Settlement", kind: "ref", ref: "SETTLEMENT", column: true },
      { key: "type", label: "Type", kind: "text", suggestions: STRUCTURE_TYPES, column: true },
      { key: "level", label: "Level", kind: "int", min: 1, max: 5, column: true },
      { key: "condition", label: "Condition", kind: "int", min: 0, max: 100 },
      { key: "operational", label: "Operational", kind: "bool", column: true },
    ],
    {
      list: G.StructuresDocument,
      create: G.CreateStructureDocument,
      update: G.UpdateStructureDocument,
      remove: G.DeleteStructureDocument,
      restore: G.RestoreStructureDocument,
    },
  ),
  meta(
    "LOCATION",
    "Location",
    "Locations",
    "locations",
    [
      { key: "kind", label: "Kind", kind: "select", options: ["POINT", "REGION"], column: true, required: true },
      { key: "geometry", label: "Position (longitude, latitude)", kind: "point" },
      { key: "parentId", label: "Inside region", kind: "ref", ref: "LOCATION", column: true },
    ],
    {
      list: G.LocationsDocument,
      create: G.CreateLocationDocument,
      update: G.UpdateLocationDocument,
      remove: G.DeleteLocationDocument,
      restore: G.RestoreLocationDocument,
    },
  ),
  meta(
    "EVENT",
    "Event",
    "Events",
    "events",
    [
      { key: "eventType", label: "Event type", kind: "select", options: ["STORY", "KINGDOM", "PARTY", "WORLD"], column: true },
      { key: "status", label: "Status", kind: "select", options: ["PLANNED", "ACTIVE", "COMPLETED", "EXPIRED", "CANCELLED"], column: true },
      { key: "scheduledAt", label: "Scheduled at", kind: "worldTime", column: true },
      { key: "expiresAt", label: "Expires at", kind: "worldTime" },
      { key: "locationId", label: "Location", kind: "ref", ref: "LOCATION" },
    ],
    {
      list: G.EventsDocument,
      create: G.CreateEventDocument,
      update: G.UpdateEventDocument,
      remove: G.DeleteEventDocument,
      restore: G.RestoreEventDocument,
    },
  ),
  meta(
    "ENCOUNTER",
    "Encounter",
    "Encounters",
    "encounters",
    [
      { key: "difficulty", label: "Difficulty", kind: "int", min: 0, column: true },
      { key: "status", label: "Status", kind: "select", options: ["PENDING", "RESOLVED", "EXPIRED"], column: true },
      { key: "scheduledAt", label: "Scheduled at", kind: "worldTime", column: true },
      { key: "locationId", label: "Location", kind: "ref", ref: "LOCATION" },
    ],
    {
      list: G.EncountersDocument,
      create: G.CreateEncounterDocument,
      update: G.UpdateEncounterDocument,
      remove: G.DeleteEncounterDocument,
      restore: G.RestoreEncounterDocument,
    },
  ),
];

export function entityMeta(type: EntityType): EntityMeta | undefined {
  return ENTITY_TYPES.find((m) => m.type === type);
}

export function entityMetaByKey(key: string | null | undefined): EntityMeta | undefined {
  return ENTITY_TYPES.find((m) => m.key === key);
}

/** `gmNotes` → `gm_notes`: the API's `entity()` JSON and version data use the database's names. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The geometry column is `geom` in stored data. */
export function dataKey(key: string): string {
  return key === "geometry" ? "geom" : snakeCase(key);
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(-6) : "—";
}
