"""Built-in operator builders, merged into one lookup table for the compiler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import access, arithmetic, arrays, comparison, control, iteration, logic, strings

if TYPE_CHECKING:
    from campaign_shared.jsonlogic.compiler import Builder

BUILTINS: dict[str, Builder] = {
    **access.BUILDERS,
    **logic.BUILDERS,
    **comparison.BUILDERS,
    **arithmetic.BUILDERS,
    **iteration.BUILDERS,
    **arrays.BUILDERS,
    **strings.BUILDERS,
    **control.BUILDERS,
}
"""Operator name -> builder for the standard set and the community extensions."""

BUILTIN_NAMES = frozenset(BUILTINS)
"""Names a domain operator may not take."""
