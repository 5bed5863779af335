"""Canonical JSON of a rule: the identity used for caching and for cache keys elsewhere.

Two rules that are equal as JSON (key order aside) have the same canonical text and hash;
``1`` and ``1.0`` or ``1`` and ``true`` stay distinct because they evaluate differently.
``apply`` canonicalises on every call, so the text is produced by one reusable C encoder
(building a ``JSONEncoder`` per call costs more than hashing and evaluating together).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from json import encoder as json_encoder
from typing import Any, NoReturn

from .errors import InvalidRuleError, RuleTooDeepError


def _not_json(value: Any) -> NoReturn:
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _make_encoder() -> Callable[[Any], str]:
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - only on interpreters without the C accelerator
        return json.JSONEncoder(
            sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_not_json
        ).encode
    # No circular-reference markers: a cyclic rule recurses until RecursionError instead,
    # which is reported like any other over-deep rule (and saves a dict per call).
    chunks = make(None, _not_json, json_encoder.encode_basestring, None, ":", ",", True, False, False)

    def encode(rule: Any) -> str:
        return "".join(chunks(rule, 0))

    return encode


_encode = _make_encoder()


def canonical_json(rule: Any) -> str:
    """Sorted-key, whitespace-free JSON text of ``rule``; rejects values JSON cannot carry."""
    try:
        return _encode(rule)
    except RecursionError as error:
        raise RuleTooDeepError("rule is nested too deeply (or contains itself)") from error
    except (TypeError, ValueError) as error:
        raise InvalidRuleError(f"rule is not a JSON value: {error}") from error


def hash_text(text: str) -> str:
    """SHA-256 hex digest of canonical rule text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_hash(rule: Any) -> str:
    """SHA-256 hex digest of :func:`canonical_json` (stable across processes and machines)."""
    return hash_text(canonical_json(rule))
