"""The web app's budget in a real browser: first-route JavaScript, time to an interactive workspace, and
long tasks while the map draws 10 000 features.

Starts the whole stack on free ports (scripts/devstack.py, with the demo world and the built SPA), then
drives the machine's Chromium with Python Playwright:

* **first route JS**: gzipped JavaScript the sign-in page needs (`npm run size`, scripts/first-route-size.mjs);
* **interactive after login**: from the "Sign in" click to the demo campaign's workspace being usable
  (context bar shown, map ready with its features, the location list clickable), in a fresh browser
  profile each run; then how long the first click (select a location → inspector) takes;
* **long tasks on a 10 000-feature map**: a fresh campaign whose 10 000 point locations are written
  straight into the database (like domain_bench.py), opened on the map view with a `PerformanceObserver`
  for 'longtask' entries; reports the longest, the count and the total, for the whole load and for the
  part after the features arrived (drawing them).

Each is measured in two browser setups (this machine has no GPU, so WebGL always runs on SwiftShader):
composited on the GPU (SwiftShader standing in for it; what a browser with a graphics card does) and
`--disable-gpu` (software compositing, as the e2e tests run: every map frame is read back on the page's
main thread, the worst case for long tasks).

    uv run --frozen python benchmarks/frontend_budget.py [--runs 3] [--features 10000] [--build]
        [--compositing gpu software]

Prints the numbers and writes benchmarks/results/frontend_budget.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import devstack  # noqa: E402
from campaign_api.seed.accounts import OWNER  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
PG = os.environ.get("TEST_PG_BASE", "postgresql://postgres@127.0.0.1:5432")
_BASE_ARGS = ["--headless=new", "--no-sandbox", "--no-first-run", "--enable-unsafe-swiftshader"]
#: This machine has no GPU: WebGL always runs on SwiftShader. How the page is composited decides whether
#: the page's main thread waits for each map frame.
COMPOSITING: dict[str, list[str]] = {
    "gpu": [*_BASE_ARGS, "--use-angle=swiftshader", "--ignore-gpu-blocklist"],
    "software": [*_BASE_ARGS, "--disable-gpu"],
}
COMPOSITING_NOTE = {
    "gpu": "the page is composited on the (software) GPU, as in a browser with a graphics card: "
    "the WebGL canvas is handed over as a texture, the main thread does not wait for frames",
    "software": "--disable-gpu (the e2e tests' setting, the worst case): every map frame is read back "
    "synchronously on the main thread",
}
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}

# Collects every long task of the page from its start (buffered), for the map measurement.
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: "longtask", buffered: true });
"""

FEATURES_SQL = """
INSERT INTO entities (id, entity_type, campaign_id, created_at)
  SELECT id, 'LOCATION', %(campaign)s, now() FROM tmp_places;
INSERT INTO locations (id, entity_id, campaign_id, branch_id, valid_from, valid_to, version, is_deleted, recorded_at,
                       name, description, gm_notes, hidden, kind, geom)
  SELECT gen_random_uuid(), id, %(campaign)s, %(branch)s, 0, NULL, 1, false, now(), 'Place ' || n, '', '', false,
         'POINT', ST_Transform(ST_SetSRID(ST_MakePoint(-60 + (n %% 100) * 1.2, -40 + (n / 100) * 0.8), 4326), 3857)
  FROM tmp_places;
"""


def first_route_kb() -> float:
    """The total line of scripts/first-route-size.mjs (it also checks the 500 KB budget)."""
    out = subprocess.run(
        ["node", "scripts/first-route-size.mjs"], cwd=devstack.FRONTEND, capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"([\d.]+) KB\s+first route JS, gzipped", out)
    if not match:
        raise RuntimeError(f"no total in the size script's output:\n{out}")
    return float(match.group(1))


def forwarded() -> dict[str, str]:
    """A distinct client address per sign-in: the auth endpoints are rate limited per address."""
    return {"X-Forwarded-For": f"2001:db8::{secrets.randbelow(0xFFFF):x}:{secrets.randbelow(0xFFFF):x}"}


def log_in(api: httpx.Client) -> str:
    response = api.post("/auth/login", json={"email": OWNER.email, "password": OWNER.password}, headers=forwarded())
    response.raise_for_status()
    return str(response.json()["access_token"])


def gql(api: httpx.Client, token: str, query: str, **variables: Any) -> dict[str, Any]:
    body = api.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    data: dict[str, Any] = body["data"]
    return data


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=VIEWPORT, extra_http_headers=forwarded())
    context.set_default_timeout(60_000)
    return context.new_page()


def sign_in_form(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/login?next={path}")
    page.get_by_label("Email").fill(OWNER.email)
    page.get_by_label("Password").fill(OWNER.password)


def longest(page: Page, since: float, until: float | None = None) -> float:
    """The longest task of the page that started in [since, until)."""
    tasks: list[dict[str, float]] = page.evaluate("window.__longTasks")
    return max(
        (t["duration"] for t in tasks if since <= t["start"] and (until is None or t["start"] < until)), default=0.0
    )


def interactive_run(browser: Browser, base: str, campaign_id: str) -> dict[str, float]:
    """Sign in → the demo campaign's map workspace usable; then one click answered."""
    page = new_page(browser)
    try:
        page.add_init_script(LONG_TASKS)
        sign_in_form(page, base, f"/campaigns/{campaign_id}/map")
        started_at = float(page.evaluate("performance.now()"))
        started = time.perf_counter()
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_test_id("context-bar")).to_be_visible()
        expect(page.get_by_test_id("world-time")).to_be_visible()
        the_map = page.get_by_test_id("map")
        expect(the_map).to_have_attribute("data-ready", "true")
        expect(the_map).not_to_have_attribute("data-feature-count", "0")
        first = page.get_by_test_id("map-location-list").get_by_role("button").first
        expect(first).to_be_enabled()
        interactive = time.perf_counter() - started
        name = first.inner_text().strip().lstrip("●▰ ").replace("(hidden)", "").strip()
        clicked_at = float(page.evaluate("performance.now()"))
        clicked = time.perf_counter()
        first.click()
        expect(page.get_by_test_id("inspector-name")).to_have_text(name)
        click = time.perf_counter() - clicked
        return {
            "interactive_ms": interactive * 1000,
            "login_long_task_ms": longest(page, started_at, clicked_at),
            "first_click_ms": click * 1000,
            "click_long_task_ms": longest(page, clicked_at),
        }
    finally:
        page.context.close()


def big_campaign(api: httpx.Client, token: str, database_url: str, features: int) -> str:
    """A fresh campaign of the demo owner with `features` point locations written in SQL."""
    world = gql(api, token, 'mutation { createWorld(input: {name: "Budget", calendar: "kindled"}) { id } }')
    created = gql(
        api,
        token,
        "mutation($w: ID!, $n: String!) { createCampaign(input: {worldId: $w, name: $n}) { id mainBranch { id } } }",
        w=world["createWorld"]["id"],
        n=f"{features} places",
    )["createCampaign"]
    ids = {"campaign": uuid.UUID(created["id"]), "branch": uuid.UUID(created["mainBranch"]["id"])}
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "CREATE TEMP TABLE tmp_places AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, %s - 1) AS n",
            (features,),
        )
        for statement in FEATURES_SQL.split(";\n"):
            if statement.strip():
                conn.execute(statement.encode(), ids)  # bytes: a query built at run time
    return str(created["id"])


def map_long_tasks(browser: Browser, base: str, campaign_id: str, features: int, settle_s: float) -> dict[str, Any]:
    """Sign in straight into the big campaign's map and collect the page's long tasks from the click on."""
    page = new_page(browser)
    try:
        page.add_init_script(LONG_TASKS)
        sign_in_form(page, base, f"/campaigns/{campaign_id}/map")
        clicked = float(page.evaluate("performance.now()"))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_function(
            f"document.querySelector('[data-testid=map]')?.dataset.featureCount === '{features}'", timeout=120_000
        )
        arrived = float(page.evaluate("performance.now()"))
        time.sleep(settle_s)  # let MapLibre draw (its tiles are cut in a worker, drawn on the main thread)
        tasks = [t for t in page.evaluate("window.__longTasks") if t["start"] >= clicked]
        drawing = [t for t in tasks if t["start"] + t["duration"] >= arrived]

        def summary(items: list[dict[str, float]]) -> dict[str, float]:
            durations = [t["duration"] for t in items]
            return {
                "count": len(durations),
                "max_ms": round(max(durations, default=0.0), 1),
                "total_ms": round(sum(durations), 1),
            }

        return {
            "features": features,
            "features_shown_after_ms": round(arrived - clicked, 1),
            "whole_load": summary(tasks),
            "after_features_arrived": summary(drawing),
        }
    finally:
        page.context.close()


def summarise(runs: list[dict[str, float]], maps: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the sign-in runs; of the map loads, the one whose longest task while drawing is the
    median one (a single load varies by about +-30%)."""
    interactive = [r["interactive_ms"] for r in runs]
    clicks = [r["first_click_ms"] for r in runs]
    return {
        "interactive_after_login_ms": {
            "median": round(statistics.median(interactive), 1),
            "max": round(max(interactive), 1),
            "runs": [round(v, 1) for v in interactive],
            "max_long_task_ms": round(max(r["login_long_task_ms"] for r in runs), 1),
        },
        "first_click_ms": {
            "median": round(statistics.median(clicks), 1),
            "max": round(max(clicks), 1),
            "max_long_task_ms": round(max(r["click_long_task_ms"] for r in runs), 1),
        },
        "map_long_tasks": sorted(maps, key=lambda r: r["after_features_arrived"]["max_ms"])[len(maps) // 2],
        "map_long_task_runs": maps,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--runs", type=int, default=3, help="sign-ins to time and map loads to observe (fresh browser profile each)"
    )
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to keep observing after the features arrive")
    parser.add_argument(
        "--compositing", nargs="+", choices=sorted(COMPOSITING), default=["gpu", "software"], help="browser setups"
    )
    parser.add_argument("--build", action="store_true", help="npm run build first (also done when dist is missing)")
    parser.add_argument("--database", default="campaign_frontend_budget", help="recreated for the run")
    parser.add_argument("--redis-db", type=int, default=13)
    args = parser.parse_args()

    if args.build or not (devstack.FRONTEND / "dist" / "index.html").is_file():
        subprocess.run(["npm", "run", "build", "--silent"], cwd=devstack.FRONTEND, check=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is missing: scripts/provision.sh chromium")
    size_kb = first_route_kb()

    ports = devstack.Ports.free()
    state = Path(os.environ.get("TMPDIR", "/tmp")) / f"frontend-budget-{uuid.uuid4().hex[:8]}"
    database_url = f"{PG}/{args.database}"
    print("starting the stack (demo world, built SPA)…", flush=True)
    with devstack.running_stack(
        ports,
        state,
        database_url=database_url,
        admin_database_url=f"{PG}/postgres",
        redis_url=f"redis://127.0.0.1:6379/{args.redis_db}",
        prefix=f"budget-{uuid.uuid4().hex[:8]}",
        recreate_db=True,
        with_frontend=True,
        extra_env={"APP_ENV": "test", "LOG_LEVEL": "WARNING", "GRAPHQL_IP_RATE_LIMIT_PER_MINUTE": "1000000"},
        seed_demo=True,
    ):
        base = f"http://127.0.0.1:{ports.frontend}"
        with httpx.Client(base_url=f"http://127.0.0.1:{ports.api}", timeout=60) as api:
            token = log_in(api)
            demo = gql(api, token, "{ campaigns { id } }")["campaigns"][0]["id"]
            big = big_campaign(api, token, database_url, args.features)
        measured: dict[str, dict[str, Any]] = {}
        with sync_playwright() as pw:
            for name in args.compositing:
                browser = pw.chromium.launch(executable_path=chromium, args=COMPOSITING[name])
                interactive_run(browser, base, demo)  # warm-up: the servers' caches, not the browser's
                runs = [interactive_run(browser, base, demo) for _ in range(args.runs)]
                maps = [map_long_tasks(browser, base, big, args.features, args.settle) for _ in range(args.runs)]
                browser.close()
                measured[name] = summarise(runs, maps)

    result = {
        "first_route_js_gzip_kb": size_kb,
        "features": args.features,
        "by_compositing": measured,
        "machine": {"cpus": os.cpu_count(), "browser": "chromium (headless; WebGL on SwiftShader: no GPU)"},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "frontend_budget.json").write_text(json.dumps(result, indent=2) + "\n")

    print(f"first route JS (gzipped)        {size_kb:8.1f} KB  (budget 500 KB)")
    for name, m in measured.items():
        print(f"--- {name} compositing: {COMPOSITING_NOTE[name]}")
        login, click = m["interactive_after_login_ms"], m["first_click_ms"]
        print(f"interactive after login, median {login['median']:8.0f} ms  runs {[round(v) for v in login['runs']]}")
        print(f"  its longest task              {login['max_long_task_ms']:8.0f} ms")
        print(
            f"first click answered, median    {click['median']:8.0f} ms  (longest task {click['max_long_task_ms']:.0f} ms)"
        )
        layer, runs_of = m["map_long_tasks"], m["map_long_task_runs"]
        print(
            f"map with {args.features} features shown {layer['features_shown_after_ms']:8.0f} ms after the sign-in click"
        )
        for label, key in (("whole map load", "whole_load"), ("drawing the features", "after_features_arrived")):
            t = layer[key]
            print(
                f"long tasks, {label:<21} max {t['max_ms']:7.1f} ms, {t['count']:3d} tasks, {t['total_ms']:8.1f} ms"
                f" in all  (longest per run {[r[key]['max_ms'] for r in runs_of]})"
            )
    print(f"written to {RESULTS / 'frontend_budget.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
