"""The API under load: 50 concurrent GraphQL clients against the real stack on this machine.

Starts the whole stack (SeaweedFS, rules engine, API, scheduler) on free ports with its own database,
generates a campaign of 12 000 entities / ~98 000 versions (the generator of `domain_bench.py`), signs
a user in over REST, then measures:

* a campaign overview (campaign + branches, 50 settlements, structures, events): cold (one at a time,
  each right after a change, so every cache misses), warm (50 clients; the whole-response cache
  answers) and uncached (50 clients, every document unique, so every request executes),
* `mapLayer` with all 10 000 point locations: cold, and warm under 50 clients,

printing p50/p95 and throughput, and writing benchmarks/results/api.json.

    uv run --frozen python benchmarks/api_bench.py [--clients 50] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from domain_bench import GENERATE  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

import devstack  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432"
DB = "campaign_api_bench"
OVERVIEW = """query($c: ID!) {
  campaign(id: $c) { name mainBranch { id worldTime } branches { id name } }
  settlements(campaignId: $c, limit: 50) { id name level population }
  structures(campaignId: $c, limit: 200) { id name level }
  events(campaignId: $c, limit: 50) { id name status }
}"""
LAYER = "query($c: ID!) { mapLayer(campaignId: $c) }"


CHANGE = 'mutation($c: ID!) { createParty(input: {campaignId: $c, name: "x"}) { id } }'


async def cold(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], check: Callable[[dict[str, Any]], Any]
) -> dict[str, float]:
    """One request at a time, each right after a change of the campaign: every cache misses."""
    samples = []
    for _ in range(7):
        await client.post("/graphql", json={"query": CHANGE, "variables": variables})
        started = time.perf_counter()
        body = (await client.post("/graphql", json={"query": query, "variables": variables})).json()
        samples.append((time.perf_counter() - started) * 1000)
        assert check(body), body.get("errors")
    return {"p50_ms": round(statistics.median(samples), 1), "max_ms": round(max(samples), 1)}


WRK_SCRIPT = """
local threads = {}
setup = function(thread) table.insert(threads, thread) end
gql_errors = 0
response = function(status, headers, body)
  if string.find(body, '"errors"', 1, true) then gql_errors = gql_errors + 1 end
end
local body = %(body)s
local unique = %(unique)s
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = %(auth)s
request = function()
  counter = counter + 1
  local document = body
  if unique then
    document = string.gsub(body, '"query": "', '"query": "# ' .. counter .. '-' .. math.random(1e9) .. '\\\\n', 1)
  end
  return wrk.format(nil, "/graphql", nil, document)
end
done = function(summary, latency, requests)
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.status + e.timeout
  for _, thread in ipairs(threads) do failed = failed + thread:get("gql_errors") end
  io.write(string.format("RESULT %%d %%d %%d %%.1f %%.1f\\n", summary.requests, failed, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def load_wrk(
    base: str, token: str, query: str, variables: dict[str, Any], clients: int, seconds: int, *, unique: bool = False
) -> dict[str, float]:
    """`clients` keep-alive connections for `seconds` with wrk (a C load generator: the client's own CPU
    cost stays small next to the server's on this 2-core machine). Errors: transport, HTTP status and
    answers carrying GraphQL `errors`."""
    body = json.dumps({"query": query, "variables": variables})
    script = WRK_SCRIPT % {
        "body": json.dumps(body),
        "unique": "true" if unique else "false",
        "auth": json.dumps(f"Bearer {token}"),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    done = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", handle.name, base],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    requests, errors, duration_us, p50, p95 = line.split()[1:]
    return {
        "client": "wrk",
        "requests": int(requests),
        "errors": int(errors),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "throughput_rps": round(int(requests) / (int(duration_us) / 1e6), 1),
    }


async def load(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    clients: int,
    requests: int,
    *,
    unique_documents: bool = False,
) -> dict[str, float]:
    """`clients` concurrent callers; `unique_documents` makes every request miss the response cache."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker() -> None:
        nonlocal errors
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            document = f"# {uuid.uuid4()}\n{query}" if unique_documents else query
            try:
                response = await client.post("/graphql", json={"query": document, "variables": variables})
            except httpx.HTTPError as exc:
                print(f"request failed: {exc!r}", file=sys.stderr)
                errors += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or response.json().get("errors"):
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": requests,
        "errors": errors,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "throughput_rps": round(requests / elapsed, 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="per load run without wrk")
    parser.add_argument("--seconds", type=int, default=15, help="per load run with wrk")
    parser.add_argument("--locations", type=int, default=10_000, help="point locations: the map layer's features")
    parser.add_argument("--settlements", type=int, default=2_000)
    parser.add_argument("--api-workers", type=int, default=2, help="API processes (API_WORKERS; one per core)")
    args = parser.parse_args()
    ports = devstack.Ports.free()
    state = Path(tempfile.mkdtemp(prefix="api-bench-"))
    with devstack.running_stack(
        ports,
        state,
        database_url=f"{PG}/{DB}",
        admin_database_url=f"{PG}/postgres",
        redis_url="redis://127.0.0.1:6379/13",
        prefix=f"bench-{uuid.uuid4().hex[:6]}",
        recreate_db=True,
        with_frontend=False,
        extra_env={
            "APP_ENV": "test",
            "LOG_LEVEL": "WARNING",
            "API_WORKERS": str(args.api_workers),
            "GRAPHQL_RATE_LIMIT_PER_MINUTE": "1000000",
            "GRAPHQL_IP_RATE_LIMIT_PER_MINUTE": "1000000",
        },
    ) as (_, env):
        base = f"http://127.0.0.1:{ports.api}"
        async with httpx.AsyncClient(base_url=base, timeout=60) as anon:
            reg = await anon.post(
                "/auth/register", json={"email": "bench@example.test", "password": "bench bench bench", "name": "Bench"}
            )
            reg.raise_for_status()
            token, user_id = reg.json()["access_token"], reg.json()["user"]["id"]
        ids = {k: uuid.uuid4() for k in ("world", "campaign", "b0", "b1", "b2", "b3", "b4")}
        engine = create_async_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
        async with engine.begin() as conn:
            for statement in GENERATE.split(";\n"):
                if statement.strip() and not statement.strip().startswith("INSERT INTO users"):
                    params = {**ids, "user": user_id, "n": args.locations, "settlements": args.settlements}
                    await conn.execute(text(statement), params)
            await conn.execute(
                text(
                    "INSERT INTO memberships (id, campaign_id, user_id, role, created_at, updated_at) "
                    "VALUES (gen_random_uuid(), :c, :u, 'OWNER', now(), now())"
                ),
                {"c": ids["campaign"], "u": user_id},
            )
            await conn.execute(
                text("UPDATE worlds SET calendar = :cal WHERE id = :w"),
                {"w": ids["world"], "cal": json.dumps(_gregorian())},
            )
        await engine.dispose()
        variables = {"c": str(ids["campaign"])}
        results: dict[str, Any] = {
            "clients": args.clients,
            "api_workers": args.api_workers,
            "entities": args.locations + args.settlements,
        }
        async with httpx.AsyncClient(
            base_url=base,
            timeout=120,
            headers={"Authorization": f"Bearer {token}"},
            limits=httpx.Limits(max_connections=args.clients),
        ) as client:
            results["overview_cold_ms"] = await cold(client, OVERVIEW, variables, lambda body: body["data"]["campaign"])
            print("overview cold", results["overview_cold_ms"], file=sys.stderr)
            if shutil.which("wrk"):
                results["overview_warm"] = load_wrk(base, token, OVERVIEW, variables, args.clients, args.seconds)
                results["overview_uncached"] = load_wrk(
                    base, token, OVERVIEW, variables, args.clients, args.seconds, unique=True
                )
            else:
                print("wrk is missing (scripts/provision.sh wrk): measuring with httpx", file=sys.stderr)
                results["overview_warm"] = await load(client, OVERVIEW, variables, args.clients, args.requests)
                results["overview_uncached"] = await load(
                    client, OVERVIEW, variables, args.clients, args.requests // 4, unique_documents=True
                )

            def features(body: dict[str, Any]) -> bool:
                return len(body["data"]["mapLayer"]["features"]) == args.locations

            results["map_layer_cold_ms"] = await cold(client, LAYER, variables, features)
            if shutil.which("wrk"):
                results["map_layer_warm"] = load_wrk(base, token, LAYER, variables, args.clients, args.seconds)
            else:
                results["map_layer_warm"] = await load(client, LAYER, variables, args.clients, args.requests // 4)
    print(json.dumps(results, indent=2))
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / "results" / "api.json").write_text(json.dumps(results, indent=2))


def _gregorian() -> Any:
    from campaign_shared.calendar import get_preset

    return get_preset("gregorian").model_dump(mode="json")


if __name__ == "__main__":
    asyncio.run(main())
