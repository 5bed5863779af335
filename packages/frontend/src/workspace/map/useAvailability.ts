/**
 * "Available now" of many events and encounters: `evaluateConditions` for each, asked as aliased fields
 * of a few queries (chunks under the API's alias limit). The queries are watched, so the live updates'
 * refetch of active queries keeps them current.
 */
import { gql } from "@apollo/client";
import { useApolloClient } from "@apollo/client/react";
import { useEffect, useMemo, useState } from "react";
import { AVAILABILITY_CHUNK, availability, availabilityQuery, chunks, type FieldValue, type StoryItem } from "./story.ts";

type AvailabilityData = Record<string, readonly FieldValue[] | null | undefined>;

export function useAvailability(
  items: readonly StoryItem[],
  branchId: string,
  asOf: number | null,
  worldTime: number,
): ReadonlyMap<string, boolean | null> {
  const client = useApolloClient();
  const [fields, setFields] = useState<ReadonlyMap<string, readonly FieldValue[]>>(() => new Map());
  // What to ask for, as a stable key: the same entities don't restart the queries on every render.
  const key = items.map((i) => `${i.kind}:${i.id}`).join(",");

  useEffect(() => {
    setFields(new Map());
    if (!key) return;
    const targets = key.split(",").map((entry) => {
      const [kind, id] = entry.split(":") as [StoryItem["kind"], string];
      return { kind, id };
    });
    const subscriptions = chunks(targets, AVAILABILITY_CHUNK).map((part) =>
      client
        .watchQuery<AvailabilityData>({
          query: gql(availabilityQuery(part)),
          variables: { branchId, asOf },
          errorPolicy: "all", // one entity that can't be evaluated leaves the others' answers
        })
        .subscribe(({ data }) => {
          if (!data) return;
          setFields((previous) => {
            const next = new Map(previous);
            part.forEach((target, i) => {
              const value = (data as AvailabilityData)[`a${i}`];
              if (value) next.set(target.id, value);
            });
            return next;
          });
        }),
    );
    return () => subscriptions.forEach((s) => s.unsubscribe());
  }, [client, key, branchId, asOf, worldTime]);

  return useMemo(() => new Map(items.map((item) => [item.id, availability(item, fields.get(item.id))])), [items, fields]);
}
