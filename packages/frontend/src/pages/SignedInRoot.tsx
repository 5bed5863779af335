/** Everything behind sign-in shares one Apollo Client (loaded with this chunk, not on /login). */
import { ApolloProvider } from "@apollo/client/react";
import { Outlet } from "react-router";
import { createApolloClient } from "../apollo/client.ts";

let client: ReturnType<typeof createApolloClient> | null = null;

export function apolloClient() {
  client ??= createApolloClient();
  return client;
}

export default function SignedInRoot() {
  return (
    <ApolloProvider client={apolloClient()}>
      <Outlet />
    </ApolloProvider>
  );
}
