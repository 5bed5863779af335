"""The branch tree of a campaign and the ancestor chain used by every "as of" read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from campaign_api.db.models import Branch

FOREVER = 2**63 - 1


@dataclass(frozen=True, slots=True)
class ChainLink:
    branch_id: uuid.UUID
    at: int
    depth: int


class BranchTree:
    """All branches of one campaign (a handful of rows), loaded once per unit of work."""

    def __init__(self, branches: list[Branch]) -> None:
        self.by_id = {b.id: b for b in branches}

    def get(self, branch_id: uuid.UUID) -> Branch | None:
        return self.by_id.get(branch_id)

    def chain(self, branch_id: uuid.UUID, at: int) -> list[ChainLink]:
        """Branch at `at`, its parent at min(at, fork), the grandparent at min(…, its fork), …"""
        links: list[ChainLink] = []
        branch: Branch | None = self.by_id[branch_id]
        depth = 0
        while branch is not None:
            links.append(ChainLink(branch.id, at, depth))
            if branch.parent_id is None:
                break
            at = min(at, branch.fork_time)
            branch = self.by_id[branch.parent_id]
            depth += 1
        return links

    def lineage(self, branch_id: uuid.UUID) -> list[Branch]:
        return [self.by_id[link.branch_id] for link in self.chain(branch_id, FOREVER)]

    def common_ancestor(self, a: uuid.UUID, b: uuid.UUID) -> tuple[Branch, int]:
        """The nearest shared branch and the base time: the earliest fork on either path down from it."""
        chain_a = self.chain(a, FOREVER)
        ids_b = {link.branch_id: link.at for link in self.chain(b, FOREVER)}
        for link in chain_a:
            if link.branch_id in ids_b:
                return self.by_id[link.branch_id], min(link.at, ids_b[link.branch_id])
        raise ValueError("branches of different campaigns")

    def path_below(self, descendant: uuid.UUID, ancestor: uuid.UUID) -> list[uuid.UUID]:
        """Branches from `descendant` up to, not including, `ancestor`."""
        ids = []
        for link in self.chain(descendant, FOREVER):
            if link.branch_id == ancestor:
                break
            ids.append(link.branch_id)
        return ids
