"""The scopes a credential can carry.

A scope limits what a *credential* may do; the caller's campaign role (the `memberships` table) is
checked as well, so a scope never grants more than the role of the user behind the credential.

| scope | grants | implies |
|---|---|---|
| `read` | queries and subscriptions | — |
| `write` | mutations of campaign content: entities, branches, world time, resolving events | `read` |
| `admin` | owner-level operations: members, deleting campaigns and branches | `write`, `read` |
| `scheduler` | only the operations the scheduler runs (service token; never on an API key) | — |

Users signed in with an access token hold `read`, `write` and `admin` (their role decides the rest).
API keys hold the scopes chosen when they were created, expanded by the implications above.
"""

from __future__ import annotations

from collections.abc import Iterable

READ = "read"
WRITE = "write"
ADMIN = "admin"
SCHEDULER = "scheduler"

#: scopes an API key may be created with
API_KEY_SCOPES: frozenset[str] = frozenset({READ, WRITE, ADMIN})
#: scopes of a signed-in user (access token)
USER_SCOPES: frozenset[str] = frozenset({READ, WRITE, ADMIN})
#: the scheduler's fixed scope set
SERVICE_SCOPES: frozenset[str] = frozenset({SCHEDULER})

_IMPLIES: dict[str, frozenset[str]] = {
    ADMIN: frozenset({WRITE, READ}),
    WRITE: frozenset({READ}),
}


def expand_scopes(scopes: Iterable[str]) -> frozenset[str]:
    """`scopes` plus everything they imply (`admin` → `write` → `read`)."""
    result: set[str] = set()
    for scope in scopes:
        result.add(scope)
        result |= _IMPLIES.get(scope, frozenset())
    return frozenset(result)
