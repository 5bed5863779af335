"""Every built-in operator, on the project's own cases (campaign-flavoured where it helps)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from campaign_shared.jsonlogic import apply, compile

PARTY = {
    "party": {"level": 6, "name": "The Lanterns", "gold": 120.5, "members": ["Aria", "Borin"]},
    "flags": {"list": ["intro-done", "quest-started"], "met_baron": False, "notes": None},
    "settlement": {
        "name": "Frostford",
        "population": 5400,
        "structures": [
            {"type": "wall", "level": 2, "condition": 80},
            {"type": "temple", "level": 1, "condition": 30},
            {"type": "market", "level": 3, "condition": 55},
        ],
    },
    "grid": [[1, 2], [3, 4]],
    "": {"blank": 1},
    "dotted.key": 7,
}

CASES: list[tuple[str, Any, Any, Any]] = [
    # literals pass through; arrays evaluate their items
    ("literal number", 17, None, 17),
    ("literal string", "quest", None, "quest"),
    ("literal null", None, None, None),
    ("literal multi-key object", {"a": 1, "b": 2}, None, {"a": 1, "b": 2}),
    ("literal empty object", {}, None, {}),
    ("array of expressions", [1, {"var": "party.level"}, "x"], PARTY, [1, 6, "x"]),
    # var
    ("var dotted path", {"var": "party.level"}, PARTY, 6),
    ("var whole data with empty string", {"var": ""}, 5, 5),
    ("var whole data with null", {"var": None}, [1], [1]),
    ("var whole data with empty list", {"var": []}, "x", "x"),
    ("var missing is null", {"var": "party.mood"}, PARTY, None),
    ("var missing with default", {"var": ["party.mood", "calm"]}, PARTY, "calm"),
    ("var default is an expression", {"var": ["nope", {"var": "party.level"}]}, PARTY, 6),
    ("var present false ignores default", {"var": ["flags.met_baron", True]}, PARTY, False),
    ("var present null is null, not default", {"var": ["flags.notes", "none"]}, PARTY, None),
    ("var array index from string", {"var": "party.members.1"}, PARTY, "Borin"),
    ("var array index from number", {"var": 1}, ["a", "b"], "b"),
    ("var nested arrays", {"var": "grid.1.0"}, PARTY, 3),
    ("var index out of range", {"var": "party.members.5"}, PARTY, None),
    ("var through a scalar", {"var": "party.level.x"}, PARTY, None),
    ("var on null data", {"var": "a.b"}, None, None),
    ("var computed path", {"var": {"cat": ["settlement", ".name"]}}, PARTY, "Frostford"),
    ("var long path", {"var": "a.b.c.d.e"}, {"a": {"b": {"c": {"d": {"e": 5}}}}}, 5),
    ("var long path missing", {"var": "a.b.c.d.x"}, {"a": {"b": {"c": {"d": {"e": 5}}}}}, None),
    # val
    ("val single key keeps dots", {"val": "dotted.key"}, PARTY, 7),
    ("val key path", {"val": ["settlement", "population"]}, PARTY, 5400),
    ("val empty key", {"val": ["", "blank"]}, PARTY, 1),
    ("val whole data", {"val": []}, {"x": 1}, {"x": 1}),
    ("val array index", {"val": ["grid", 0, 1]}, PARTY, 2),
    ("val missing", {"val": ["settlement", "mayor"]}, PARTY, None),
    ("val computed key", {"val": {"cat": ["dotted", ".key"]}}, PARTY, 7),
    (
        "val climbs to the outer data inside map",
        {"map": [[1, 2], {"+": [{"val": []}, {"val": [[2], "settlement", "population"]}]}]},
        PARTY,
        [5401, 5402],
    ),
    ("val reads the iteration index", {"map": [["a", "b", "c"], {"val": [[1], "index"]}]}, None, [0, 1, 2]),
    (
        "val climbs nested iterators",
        {"map": [[10], {"map": [[1, 2], {"+": [{"val": []}, {"val": [[-2]]}]}]}]},
        None,
        [[11, 12]],
    ),
    (
        "val climbs from filter",
        {"filter": [{"val": "xs"}, {">": [{"val": []}, {"val": [[2], "min"]}]}]},
        {"xs": [1, 5, 9], "min": 4},
        [5, 9],
    ),
    (
        "val climbs from reduce",
        {"reduce": [[1, 2], {"+": [{"val": "accumulator"}, {"val": [[2], "bonus"]}]}, 0]},
        {"bonus": 10},
        20,
    ),
    (
        "val climbs from all/some/none",
        [
            {"all": [[3, 4], {">": [{"val": []}, {"val": [[2], "min"]}]}]},
            {"some": [[3, 4], {">": [{"val": []}, {"val": [[2], "max"]}]}]},
            {"none": [[3, 4], {">": [{"val": []}, {"val": [[2], "max"]}]}]},
        ],
        {"min": 2, "max": 3},
        [True, True, False],
    ),
    ("val climbing past the root stops there", {"map": [[1], {"val": [[9], "k"]}]}, {"k": "root"}, ["root"]),
    ("val computed climbing path", {"map": [[1], {"val": {"preserve": [[2], "k"]}}]}, {"k": "up"}, ["up"]),
    # exists
    ("exists present", {"exists": ["settlement", "name"]}, PARTY, True),
    ("exists present null", {"exists": ["flags", "notes"]}, PARTY, True),
    ("exists absent", {"exists": "mayor"}, PARTY, False),
    ("exists computed", {"exists": {"cat": ["dotted", ".key"]}}, PARTY, True),
    # missing / missing_some
    ("missing none", {"missing": ["party.level", "settlement.name"]}, PARTY, []),
    (
        "missing some",
        {"missing": ["party.level", "party.mood", "flags.notes"]},
        PARTY,
        ["party.mood", "flags.notes"],
    ),
    ("missing empty string counts", {"missing": "s"}, {"s": ""}, ["s"]),
    ("missing single name", {"missing": "x"}, {}, ["x"]),
    ("missing index path", {"missing": ["party.members.0", "party.members.2"]}, PARTY, ["party.members.2"]),
    ("missing computed list", {"missing": {"merge": [["a"], ["b"]]}}, {"b": 1}, ["a"]),
    ("missing_some satisfied", {"missing_some": [1, ["party.mood", "party.level"]]}, PARTY, []),
    ("missing_some short", {"missing_some": [2, ["party.mood", "party.level"]]}, PARTY, ["party.mood"]),
    ("missing_some computed", {"missing_some": [{"var": "need"}, ["a", "b"]]}, {"need": 1, "a": 1}, []),
    # if / ?:
    ("if then", {"if": [{">=": [{"var": "party.level"}, 5]}, "veteran", "novice"]}, PARTY, "veteran"),
    ("if else", {"if": [{">=": [{"var": "party.level"}, 9]}, "veteran", "novice"]}, PARTY, "novice"),
    (
        "if chain",
        {
            "if": [
                {">": [{"var": "n"}, 100]},
                "big",
                {">": [{"var": "n"}, 10]},
                "medium",
                "small",
            ]
        },
        {"n": 50},
        "medium",
    ),
    ("if chain without else", {"if": [{"var": "a"}, 1, {"var": "b"}, 2]}, {}, None),
    (
        "if truthy non-bool condition",
        {"if": [{"var": "party.members"}, "has members", "empty"]},
        PARTY,
        "has members",
    ),
    ("if empty list is falsy", {"if": [{"var": "xs"}, "yes", "no"]}, {"xs": []}, "no"),
    ("if empty object is truthy", {"if": [{"var": "o"}, "yes", "no"]}, {"o": {}}, "yes"),
    ("if constant condition folds", {"if": [True, {"var": "x"}, {"throw": "never"}]}, {"x": 3}, 3),
    ("if no arguments", {"if": []}, None, None),
    ("if single argument", {"if": [{"var": "x"}]}, {"x": 4}, 4),
    ("if then without else when false", {"if": [{"var": "x"}, 1]}, {"x": 0}, None),
    (
        "if dynamic condition, dynamic branches",
        {"if": [{"var": "c"}, {"var": "a"}, {"var": "b"}]},
        {"c": 1, "a": 2},
        2,
    ),
    ("ternary", {"?:": [{"==": [{"var": "x"}, 1]}, "one", "other"]}, {"x": 1}, "one"),
    ("if returns a fresh copy of literal arrays", {"if": [{"var": "c"}, ["a"], ["b"]]}, {"c": True}, ["a"]),
    # and / or
    ("and all truthy returns last", {"and": [{"var": "a"}, {"var": "b"}]}, {"a": 1, "b": "x"}, "x"),
    ("and returns first falsy", {"and": [{"var": "a"}, {"var": "b"}]}, {"a": 0, "b": "x"}, 0),
    ("and of comparisons", {"and": [{">": [{"var": "a"}, 1]}, {"<": [{"var": "a"}, 5]}]}, {"a": 3}, True),
    (
        "and three operands",
        {"and": [{"var": "a"}, {"var": "b"}, {"var": "c"}]},
        {"a": 1, "b": [1], "c": []},
        [],
    ),
    ("and empty is false", {"and": []}, None, False),
    ("and drops constant truthy operands", {"and": [True, {"var": "a"}]}, {"a": 7}, 7),
    ("and stops at constant falsy", {"and": [{"var": "a"}, 0, {"throw": "lazy"}]}, {"a": 1}, 0),
    ("or returns first truthy", {"or": [{"var": "a"}, {"var": "b"}]}, {"a": "", "b": "x"}, "x"),
    ("or all falsy returns last", {"or": [{"var": "a"}, {"var": "b"}]}, {"a": 0, "b": None}, None),
    (
        "or of comparisons",
        {"or": [{"==": [{"var": "s"}, "a"]}, {"==": [{"var": "s"}, "b"]}]},
        {"s": "b"},
        True,
    ),
    ("or three operands", {"or": [{"var": "a"}, {"var": "b"}, {"var": "c"}]}, {"c": 5}, 5),
    ("or empty is false", {"or": []}, None, False),
    ("or constant truthy first", {"or": [1, {"throw": "lazy"}]}, None, 1),
    # ! and !!
    ("not of value", {"!": {"var": "flags.met_baron"}}, PARTY, True),
    ("not of array argument", {"!": [{"var": "party.level"}]}, PARTY, False),
    ("not of comparison", {"!": [{">": [{"var": "x"}, 1]}]}, {"x": 3}, False),
    ("not without arguments", {"!": []}, None, True),
    ("not of empty object", {"!": [{"var": "o"}]}, {"o": {}}, False),
    ("double bang", {"!!": [{"var": "party.members"}]}, PARTY, True),
    ("double bang of bool-valued expression", {"!!": [{"==": [{"var": "x"}, 1]}]}, {"x": 1}, True),
    ("double bang of empty array", {"!!": [{"var": "xs"}]}, {"xs": []}, False),
    ("double bang of NaN-valued float", {"!!": {"var": "f"}}, {"f": float("nan")}, False),
    ("double bang of string zero", {"!!": {"var": "s"}}, {"s": "0"}, True),
    # ??
    ("coalesce first non-null", {"??": [{"var": "a"}, {"var": "b"}, "default"]}, {"b": False}, False),
    ("coalesce to default", {"??": [{"var": "a"}, {"var": "b"}, "default"]}, {}, "default"),
    ("coalesce two dynamic", {"??": [{"var": "a"}, {"var": "b"}]}, {"b": 2}, 2),
    ("coalesce all null", {"??": [{"var": "a"}, None]}, {}, None),
    ("coalesce lazy", {"??": [{"var": "a"}, {"throw": "lazy"}]}, {"a": 0}, 0),
    # equality
    ("== number and numeric string", {"==": [{"var": "x"}, "3"]}, {"x": 3}, True),
    ("== string constant", {"==": [{"var": "type"}, "temple"]}, {"type": "temple"}, True),
    ("== string vs number coerces", {"==": [{"var": "type"}, 3]}, {"type": "3"}, True),
    ("== null and zero", {"==": [{"var": "missing"}, 0]}, {}, True),
    ("== null and null", {"==": [{"var": "a"}, None]}, {}, True),
    ("== null and non-numeric string is false", {"==": [{"var": "a"}, "x"]}, {}, False),
    ("== null and object is false", {"==": [{"var": "o"}, None]}, {"o": {}}, False),
    ("== booleans as numbers", {"==": [{"var": "b"}, 1]}, {"b": True}, True),
    ("== two dynamic strings", {"==": [{"var": "a"}, {"var": "b"}]}, {"a": "x", "b": "x"}, True),
    ("== chained", {"==": [{"var": "a"}, {"var": "b"}, 3]}, {"a": 3, "b": 3.0}, True),
    ("!= differs", {"!=": [{"var": "x"}, 2]}, {"x": 3}, True),
    ("!= string constant", {"!=": [{"var": "s"}, "a"]}, {"s": "a"}, False),
    ("!= coerces", {"!=": [{"var": "x"}, "3"]}, {"x": 3}, False),
    ("=== same type", {"===": [{"var": "x"}, 3]}, {"x": 3.0}, True),
    ("=== bool is not number", {"===": [{"var": "x"}, 1]}, {"x": True}, False),
    ("=== string vs number", {"===": [{"var": "x"}, "3"]}, {"x": 3}, False),
    ("=== null", {"===": [{"var": "x"}, None]}, {}, True),
    ("=== bool constant", {"===": [{"var": "x"}, False]}, {"x": 0}, False),
    ("=== arrays by value", {"===": [{"var": "a"}, {"var": "b"}]}, {"a": [1, [2]], "b": [1, [2]]}, True),
    ("=== arrays keep element types", {"===": [{"var": "a"}, {"var": "b"}]}, {"a": [1], "b": [True]}, False),
    ("=== objects by value", {"===": [{"var": "a"}, {"var": "b"}]}, {"a": {"k": 1}, "b": {"k": 1.0}}, True),
    ("!== different types", {"!==": [{"var": "x"}, "3"]}, {"x": 3}, True),
    ("!== bool constant", {"!==": [{"var": "x"}, True]}, {"x": True}, False),
    ("!== null constant", {"!==": [{"var": "x"}, None]}, {"x": 0}, True),
    # ordering
    (">= number", {">=": [{"var": "party.level"}, 5]}, PARTY, True),
    ("> number string", {">": [{"var": "x"}, 5]}, {"x": "10"}, True),
    (
        "< strings compare as text",
        {"<": [{"var": "a"}, {"var": "b"}]},
        {"a": "2024-01-01", "b": "2024-02-01"},
        True,
    ),
    ("< null is zero", {"<": [{"var": "a"}, 1]}, {}, True),
    ("<= two dynamic numbers", {"<=": [{"var": "a"}, {"var": "b"}]}, {"a": 2, "b": 2.0}, True),
    ("> two dynamic mixed", {">": [{"var": "a"}, {"var": "b"}]}, {"a": "3", "b": 2}, True),
    ("between exclusive", {"<": [1, {"var": "x"}, 10]}, {"x": 10}, False),
    ("between inclusive", {"<=": [1, {"var": "x"}, 10]}, {"x": 10}, True),
    ("between descending", {">": [10, {"var": "x"}, 1]}, {"x": 5}, True),
    ("between descending inclusive", {">=": [10, {"var": "x"}, 1]}, {"x": 11}, False),
    ("between with string value", {"<=": [1, {"var": "x"}, 10]}, {"x": "4"}, True),
    (
        "between dynamic bounds",
        {"<": [{"var": "lo"}, {"var": "x"}, {"var": "hi"}]},
        {"lo": 1, "x": 2, "hi": 3},
        True,
    ),
    ("chain stops early", {"<": [5, {"var": "x"}, {"throw": "lazy"}]}, {"x": 1}, False),
    # arithmetic
    ("+ numbers", {"+": [{"var": "a"}, {"var": "b"}]}, {"a": 2, "b": 3.5}, 5.5),
    ("+ constant", {"+": [{"var": "a"}, 1]}, {"a": 2}, 3),
    ("+ constant first", {"+": [1, {"var": "a"}]}, {"a": "2"}, 3),
    (
        "+ coerces strings, booleans, null",
        {"+": [{"var": "s"}, {"var": "b"}, {"var": "n"}]},
        {"s": "1.5", "b": True},
        2.5,
    ),
    ("+ unary casts", {"+": {"var": "s"}}, {"s": "42"}, 42),
    ("+ over a computed list", {"+": {"var": "xs"}}, {"xs": [1, 2, 3]}, 6),
    ("+ empty", {"+": []}, None, 0),
    ("+ many", {"+": [{"var": "a"}, 1, 2, 3]}, {"a": 4}, 10),
    ("+ hex and exponent strings", {"+": [{"var": "h"}, {"var": "e"}]}, {"h": "0x10", "e": "1e2"}, 116),
    ("- difference", {"-": [{"var": "a"}, {"var": "b"}]}, {"a": 10, "b": 4}, 6),
    ("- negation", {"-": {"var": "a"}}, {"a": 4}, -4),
    ("- many", {"-": [10, {"var": "a"}, 1]}, {"a": 4}, 5),
    ("* product", {"*": [{"var": "settlement.population"}, 1.5]}, PARTY, 8100),
    ("* constant first", {"*": [2, {"var": "a"}]}, {"a": 21}, 42),
    ("* two dynamic", {"*": [{"var": "a"}, {"var": "b"}]}, {"a": 3, "b": "4"}, 12),
    ("* empty is one", {"*": []}, None, 1),
    ("/ quotient", {"/": [{"var": "a"}, {"var": "b"}]}, {"a": 7, "b": 2}, 3.5),
    ("/ reciprocal", {"/": {"var": "a"}}, {"a": 4}, 0.25),
    ("/ many", {"/": [{"var": "a"}, 2, 2]}, {"a": 8}, 2),
    ("% remainder", {"%": [{"var": "a"}, 3]}, {"a": 10}, 1),
    ("% negative dividend keeps its sign", {"%": [{"var": "a"}, 3]}, {"a": -10}, -1),
    ("% floats", {"%": [{"var": "a"}, 2]}, {"a": 5.5}, 1.5),
    ("% many", {"%": [{"var": "a"}, 7, 4]}, {"a": 100}, 2),
    ("max", {"max": [{"var": "a"}, {"var": "b"}, 3]}, {"a": 1, "b": 9}, 9),
    ("max clamps", {"max": [0, {"var": "a"}]}, {"a": -5}, 0),
    ("max coerces", {"max": [0, {"var": "a"}]}, {"a": "5"}, 5),
    ("min clamps", {"min": [{"var": "a"}, 100]}, {"a": 150}, 100),
    ("min over a computed list", {"min": {"var": "xs"}}, {"xs": [4, 2, 8]}, 2),
    ("min of nothing is null", {"min": []}, None, None),
    ("max of two dynamic", {"max": [{"var": "a"}, {"var": "b"}]}, {"a": 1, "b": 2}, 2),
    # iterators
    (
        "map structures",
        {"map": [{"var": "settlement.structures"}, {"var": "type"}]},
        PARTY,
        ["wall", "temple", "market"],
    ),
    ("map null is empty", {"map": [{"var": "nope"}, {"var": ""}]}, {}, []),
    ("map constant body", {"map": [{"var": "xs"}, 1]}, {"xs": [5, 6]}, [1, 1]),
    (
        "filter structures",
        {"filter": [{"var": "settlement.structures"}, {"<": [{"var": "condition"}, 50]}]},
        PARTY,
        [{"type": "temple", "level": 1, "condition": 30}],
    ),
    (
        "filter truthy values",
        {"filter": [{"var": "xs"}, {"var": ""}]},
        {"xs": [0, 1, "", "a", [], {}]},
        [1, "a", {}],
    ),
    ("filter null is empty", {"filter": [{"var": "nope"}, True]}, {}, []),
    (
        "reduce sum of levels",
        {
            "reduce": [
                {"var": "settlement.structures"},
                {"+": [{"var": "accumulator"}, {"var": "current.level"}]},
                0,
            ]
        },
        PARTY,
        6,
    ),
    (
        "reduce without initial value",
        {"reduce": [{"var": "xs"}, {"+": [{"var": "accumulator"}, {"var": "current"}]}]},
        {"xs": [1, 2]},
        3,
    ),
    ("reduce null returns initial", {"reduce": [{"var": "nope"}, {"var": "current"}, 7]}, {}, 7),
    (
        "reduce body returning its context",
        {"reduce": [{"var": "xs"}, {"var": ""}, 0]},
        {"xs": [1, 2]},
        {"current": 2, "accumulator": {"current": 1, "accumulator": 0}},
    ),
    (
        "reduce with array accumulator",
        {
            "reduce": [
                {"var": "xs"},
                {"merge": [{"var": "accumulator"}, [{"*": [{"var": "current"}, 2]}]]},
                [],
            ]
        },
        {"xs": [1, 2, 3]},
        [2, 4, 6],
    ),
    ("all true", {"all": [{"var": "xs"}, {">": [{"var": ""}, 0]}]}, {"xs": [1, 2]}, True),
    ("all false", {"all": [{"var": "xs"}, {">": [{"var": ""}, 1]}]}, {"xs": [1, 2]}, False),
    ("all of empty is false", {"all": [{"var": "xs"}, True]}, {"xs": []}, False),
    ("all with truthy body", {"all": [{"var": "xs"}, {"var": ""}]}, {"xs": [1, "a"]}, True),
    ("some", {"some": [{"var": "settlement.structures"}, {"==": [{"var": "type"}, "temple"]}]}, PARTY, True),
    ("some with truthy body", {"some": [{"var": "xs"}, {"var": ""}]}, {"xs": [0, ""]}, False),
    ("none", {"none": [{"var": "xs"}, {"<": [{"var": ""}, 0]}]}, {"xs": [1, 2]}, True),
    ("none of empty is true", {"none": [{"var": "xs"}, True]}, {"xs": []}, True),
    # merge / in
    ("merge flattens one level", {"merge": [[1, [2]], {"var": "x"}, 3]}, {"x": [4]}, [1, [2], 4, 3]),
    ("merge computed list", {"merge": {"var": "xs"}}, {"xs": [[1], [2, 3]]}, [1, 2, 3]),
    ("merge constants", {"merge": [[1], [2]]}, None, [1, 2]),
    ("in flag list", {"in": ["quest-started", {"var": "flags.list"}]}, PARTY, True),
    ("in substring", {"in": ["Frost", {"var": "settlement.name"}]}, PARTY, True),
    ("in constant string list", {"in": [{"var": "s"}, ["a", "b"]]}, {"s": "b"}, True),
    ("in constant list is strict", {"in": [{"var": "n"}, [1, 2]]}, {"n": True}, False),
    ("in number in list", {"in": [{"var": "n"}, {"var": "xs"}]}, {"n": 2, "xs": [1, 2.0]}, True),
    ("in number in string", {"in": [{"var": "n"}, "room 12"]}, {"n": 12}, True),
    ("in null haystack", {"in": ["a", {"var": "nope"}]}, {}, False),
    ("in dynamic both", {"in": [{"var": "a"}, {"var": "b"}]}, {"a": "x", "b": ["x"]}, True),
    # strings
    ("cat", {"cat": [{"var": "settlement.name"}, " (", {"var": "party.level"}, ")"]}, PARTY, "Frostford (6)"),
    ("cat two strings", {"cat": [{"var": "a"}, {"var": "b"}]}, {"a": "x", "b": "y"}, "xy"),
    ("cat two mixed", {"cat": [{"var": "a"}, {"var": "b"}]}, {"a": "x", "b": 2.0}, "x2"),
    (
        "cat number formatting",
        {"cat": [{"var": "a"}, "|", {"var": "b"}, "|", {"var": "c"}]},
        {"a": 0.5, "b": 1e21, "c": -0.0},
        "0.5|1e+21|0",
    ),
    (
        "cat booleans, null, arrays",
        {"cat": [True, None, [1, [2, None]], {}]},
        None,
        "true1,2,[object Object]",
    ),
    ("cat computed list", {"cat": {"var": "parts"}}, {"parts": ["a", 1]}, "a1"),
    ("substr from", {"substr": [{"var": "s"}, 3]}, {"s": "Frostford"}, "stford"),
    ("substr length", {"substr": [{"var": "s"}, 0, 5]}, {"s": "Frostford"}, "Frost"),
    ("substr negative", {"substr": [{"var": "s"}, -4, -1]}, {"s": "Frostford"}, "for"),
    ("substr string only", {"substr": {"var": "s"}}, {"s": "abc"}, "abc"),
    ("substr number", {"substr": [{"var": "n"}, 1]}, {"n": 1234}, "234"),
    # control
    ("preserve keeps logic as data", {"preserve": {"var": "x"}}, {"x": 1}, {"var": "x"}),
    ("try falls back", {"try": [{"/": [{"var": "a"}, 0]}, "fallback"]}, {"a": 1}, "fallback"),
    ("try passes values through", {"try": [{"var": "a"}, "fallback"]}, {"a": 1}, 1),
    (
        "try fallback sees the error",
        {"try": [{"throw": "Oops"}, {"cat": ["caught ", {"var": "type"}]}]},
        None,
        "caught Oops",
    ),
    (
        "try fallback sees thrown objects",
        {"try": [{"throw": {"type": "E", "code": 7}}, {"var": "code"}]},
        None,
        7,
    ),
    ("try empty", {"try": []}, None, None),
]


@pytest.mark.parametrize(("rule", "data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_operator(rule: Any, data: Any, expected: Any, json_equal: Callable[[Any, Any], bool]) -> None:
    assert json_equal(apply(rule, data), expected)


def test_every_builtin_operator_is_covered() -> None:
    from campaign_shared.jsonlogic.operators import BUILTIN_NAMES

    used: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, dict):
            if len(value) == 1:
                used.update(value)
            for item in value.values():
                collect(item)

    for case in CASES:
        collect(case[1])
    assert BUILTIN_NAMES - used <= {"log"}  # log has its own test below


def test_log_returns_its_value_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="campaign_shared.jsonlogic"):
        assert apply({"log": {"var": "x"}}, {"x": [1]}) == [1]
        assert apply({"log": []}) is None
    assert "[1]" in caplog.text


def test_results_never_share_rule_literals() -> None:
    rule = {"if": [{"var": "c"}, {"preserve": {"a": [1]}}, ["b"]]}
    first = apply(rule, {"c": True})
    first["a"].append(2)
    assert apply(rule, {"c": True}) == {"a": [1]}
    second = apply(rule, {"c": False})
    second.append("x")
    assert apply(rule, {"c": False}) == ["b"]
    merged = apply({"merge": [[[1]], [2]]})
    merged[0].append(9)
    assert apply({"merge": [[[1]], [2]]}) == [[1], 2]


def test_compiled_rule_ignores_later_mutation_of_the_rule_object() -> None:
    rule = {"==": [{"var": "x"}, 1]}
    fn = compile(rule)
    rule["=="][1] = 2
    assert fn({"x": 1}) is True


def test_reduce_reuses_context_safely() -> None:
    rule = {"reduce": [{"var": "xs"}, {"+": [{"var": "accumulator"}, {"var": "current"}]}, 0]}
    assert apply(rule, {"xs": list(range(100))}) == 4950


def test_compiled_rules_are_thread_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    fn = compile({"map": [{"var": "xs"}, {"*": [{"val": []}, {"val": [[2], "k"]}]}]})

    def run(k: int) -> list[int]:
        return fn({"xs": [1, 2, 3], "k": k})  # type: ignore[no-any-return]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, range(200)))
    assert results == [[k, 2 * k, 3 * k] for k in range(200)]
