/**
 * The Apollo Client of the signed-in app: HTTP for queries and mutations, graphql-ws for subscriptions.
 *
 * Auth: every request carries `Authorization: Bearer <access token>`. When the API answers
 * UNAUTHENTICATED (the token expired or was revoked), the link refreshes the session once via
 * `/auth/refresh` and retries the operation; if the refresh is refused the session ends (the router
 * then shows the sign-in page).
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import type { FormattedExecutionResult } from "graphql";
import { type Client as WsClient, createClient } from "graphql-ws";
import { Observable, type Subscription } from "rxjs";
import { accessToken, onSignedOut, refreshSession } from "../auth/session.ts";
import { lastAccessToken } from "../auth/tokens.ts";
import { config, resolveWsUrl } from "../config.ts";

export function isUnauthenticated(result: FormattedExecutionResult | undefined): boolean {
  return !!result?.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

/** Adds the bearer token; on UNAUTHENTICATED refreshes once and retries the operation. */
export function createAuthLink(): ApolloLink {
  return new ApolloLink((operation, forward) => {
    return new Observable<ApolloLink.Result>((observer) => {
      let inner: Subscription | null = null;
      let closed = false;

      const attempt = (token: string | null, retried: boolean) => {
        operation.setContext(({ headers }) => ({
          headers: { ...(headers as Record<string, string> | undefined), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        }));
        let intercepted = false;
        inner = forward(operation).subscribe({
          next: (result) => {
            if (!retried && token !== null && isUnauthenticated(result)) {
              intercepted = true;
              refreshSession()
                .then((ok) => {
                  if (closed) return;
                  if (ok) attempt(lastAccessToken(), true);
                  else {
                    observer.next(result);
                    observer.complete();
                  }
                })
                .catch(() => {
                  if (closed) return;
                  observer.next(result);
                  observer.complete();
                });
              return;
            }
            observer.next(result);
          },
          error: (error: unknown) => observer.error(error),
          complete: () => {
            if (!intercepted) observer.complete();
          },
        });
      };

      accessToken()
        .then((token) => {
          if (!closed) attempt(token, false);
        })
        .catch((error: unknown) => observer.error(error));

      return () => {
        closed = true;
        inner?.unsubscribe();
      };
    });
  });
}

/** A graphql-ws link whose socket is replaced when the session changes (sign-out, another user). */
class SessionWsLink extends ApolloLink {
  private client: WsClient | null = null;
  private link: GraphQLWsLink | null = null;
  private readonly url: () => string;

  constructor(url: () => string) {
    super();
    this.url = url;
  }

  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    if (!this.link) {
      this.client = createClient({
        url: this.url(),
        lazy: true,
        lazyCloseTimeout: 3_000,
        retryAttempts: 1_000,
        shouldRetry: () => true,
        connectionParams: async () => {
          const token = await accessToken();
          return token ? { Authorization: `Bearer ${token}` } : {};
        },
      });
      this.link = new GraphQLWsLink(this.client);
    }
    return this.link.request(operation);
  }

  reset(): void {
    void this.client?.dispose();
    this.client = null;
    this.link = null;
  }
}

export interface ClientOptions {
  readonly httpUrl?: string;
  readonly wsUrl?: string;
}

export function createApolloClient(options: ClientOptions = {}): ApolloClient {
  const http = new HttpLink({ uri: options.httpUrl ?? config.graphqlUrl });
  const ws = new SessionWsLink(() => options.wsUrl ?? resolveWsUrl(config.wsUrl));
  const transport = ApolloLink.split((op) => op.operationType === "subscription", ws, http);
  const client = new ApolloClient({
    link: ApolloLink.from([createAuthLink(), transport]),
    cache: new InMemoryCache({
      typePolicies: {
        // Versioned entities are read per (branch, world time): the same id can have different
        // contents in two queries, so they are stored inside each query's result, not normalised.
        Party: { keyFields: false },
        Character: { keyFields: false },
        Kingdom: { keyFields: false },
        Settlement: { keyFields: false },
        Structure: { keyFields: false },
        Location: { keyFields: false },
        Event: { keyFields: false },
        Encounter: { keyFields: false },
        Link: { keyFields: false },
        EntityVersion: { keyFields: false },
        Member: { keyFields: ["userId"] },
      },
    }),
    defaultOptions: {
      watchQuery: { fetchPolicy: "cache-and-network" },
    },
  });
  onSignedOut(() => {
    ws.reset();
    // After the operation that noticed the session end has delivered its error (clearing the store
    // now would reject it with "store reset" instead of UNAUTHENTICATED).
    setTimeout(() => void client.clearStore(), 0);
  });
  return client;
}
