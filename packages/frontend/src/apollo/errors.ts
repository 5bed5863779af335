/** Turning API errors into messages a game master can act on. */
import { CombinedGraphQLErrors } from "@apollo/client/errors";

export interface ErrorInfo {
  /** The API's `extensions.code` (CONFLICT, VALIDATION_FAILED, ...), NETWORK, or null. */
  readonly code: string | null;
  readonly message: string;
  /** `extensions.details.field`: the input field the error is about. */
  readonly field: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export function describeError(error: unknown): ErrorInfo {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as { code?: unknown; details?: unknown };
    const code = typeof extensions.code === "string" ? extensions.code : null;
    const details = (typeof extensions.details === "object" && extensions.details !== null ? extensions.details : {}) as Record<
      string,
      unknown
    >;
    const field = typeof details.field === "string" ? details.field : null;
    return { code, message: friendly(code, first?.message ?? "The request failed.", details), field, details };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/fetch|network|load failed/i.test(message)) {
    return { code: "NETWORK", message: "Cannot reach the server. Check your connection and try again.", field: null, details: {} };
  }
  return { code: null, message, field: null, details: {} };
}

function friendly(code: string | null, message: string, details: Record<string, unknown>): string {
  switch (code) {
    case "CONFLICT": {
      const current = details.currentVersion;
      return typeof current === "number"
        ? `Conflict: someone else changed this first (it is now at version ${current}). Reload it, then apply your change again.`
        : `Conflict: ${message}`;
    }
    case "FORBIDDEN":
      return "You do not have permission to do that in this campaign.";
    case "RATE_LIMITED":
      return "Too many requests. Wait a moment and try again.";
    case "NOT_FOUND":
      return `Not found: ${message}`;
    default:
      return message;
  }
}
