"""The compose stacks: valid for the real Compose v2 binary, and everything the deployment spec lists.

Checks run on Compose's own resolved model (`docker compose config --format json`), so they see what
Docker would run after merging the overrides and interpolating variables.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE, DEV, PROD = "docker-compose.yml", "docker-compose.dev.yml", "docker-compose.prod.yml"
PROD_ENV = {
    "MINIO_ROOT_USER": "campaign-s3",
    "SCHEDULER_API_TOKEN": "scheduler-token-for-config-checks-0123456789abcdef",
}
Model = Callable[..., dict[str, Any]]

ONE_SHOTS = {"migrate", "minio-init"}
LONG_RUNNING = {"postgres", "redis", "redis-queue", "minio", "api", "rules-engine", "scheduler", "frontend"}
BACKEND = {
    "postgres",
    "redis",
    "redis-queue",
    "minio",
    "minio-init",
    "migrate",
    "api",
    "rules-engine",
    "scheduler",
}
FRONTEND = {"api", "frontend"}

# (interval, timeout, start_period, retries, text the probe must contain)
HEALTH = {
    "postgres": ("10s", "5s", "10s", 5, "pg_isready"),
    "redis": ("10s", "3s", "5s", 5, "redis-cli ping"),
    "redis-queue": ("10s", "3s", "5s", 5, "redis-cli ping"),
    "minio": ("10s", "5s", "10s", 5, "mc ready local"),
    "api": ("30s", "5s", "1m0s", 3, "http://127.0.0.1:3000/health'"),
    "rules-engine": ("30s", "3s", "20s", 3, "http://127.0.0.1:9265/health/live"),
    "scheduler": ("30s", "3s", "20s", 3, "http://127.0.0.1:9266/health'"),
    "frontend": ("30s", "3s", "20s", 3, "http://127.0.0.1:80/health"),
}

DEPENDS = {
    "api": {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "redis-queue": "service_healthy",
        "minio": "service_healthy",
        "rules-engine": "service_healthy",
        "migrate": "service_completed_successfully",
        "minio-init": "service_completed_successfully",
    },
    "rules-engine": {"postgres": "service_healthy", "redis": "service_healthy"},
    "scheduler": {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "redis-queue": "service_healthy",
        "api": "service_healthy",
    },
    "frontend": {"api": "service_healthy"},
    "migrate": {"postgres": "service_healthy"},
    "minio-init": {"minio": "service_healthy"},
}

# (replicas, cpu limit, memory limit, cpu reservation, memory reservation) from the deployment spec
PROD_DEPLOY = {
    "api": (2, 1.0, 1024, 0.5, 512),
    "rules-engine": (1, 0.5, 512, 0.25, 256),
    "scheduler": (1, 0.5, 512, 0.25, 256),
    "frontend": (2, 0.5, 256, 0.25, 128),
}

POSTGRES_PRODUCTION = (
    "max_connections=200",
    "shared_buffers=512MB",
    "effective_cache_size=1536MB",
    "maintenance_work_mem=128MB",
    "checkpoint_completion_target=0.9",
    "wal_buffers=16MB",
    "default_statistics_target=100",
    "random_page_cost=1.1",
    "effective_io_concurrency=200",
    "work_mem=2621kB",
    "min_wal_size=1GB",
    "max_wal_size=4GB",
)

# Swarm secret -> the variables that read it
SECRETS = {
    "jwt_secret": ("JWT_SECRET_FILE",),
    "db_password": ("DATABASE_PASSWORD_FILE", "POSTGRES_PASSWORD_FILE"),
    "minio_root_password": ("S3_SECRET_KEY_FILE", "MINIO_ROOT_PASSWORD_FILE"),
}

MB = 1024 * 1024


def _probe(service: dict[str, Any]) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else str(test)


def _published(service: dict[str, Any]) -> set[tuple[int, int]]:
    return {(int(p["published"]), int(p["target"])) for p in service.get("ports", []) if p.get("published")}


@pytest.mark.parametrize("files", [[BASE], [BASE, DEV], [BASE, PROD]], ids=["base", "base+dev", "base+prod"])
def test_compose_v2_accepts_the_files(run_compose: Callable[..., Any], files: list[str]) -> None:
    env = PROD_ENV if PROD in files else {}
    done = run_compose(files, ["config", "-q"], env)
    assert done.returncode == 0, f"docker compose config -q {files}:\n{done.stderr}"
    assert "WARN" not in done.stderr.upper(), done.stderr


def test_prod_refuses_to_render_without_its_required_values(run_compose: Callable[..., Any]) -> None:
    done = run_compose([BASE, PROD], ["config", "-q"], {})
    assert done.returncode != 0, "the production override rendered without MINIO_ROOT_USER/SCHEDULER_API_TOKEN"
    assert "MINIO_ROOT_USER" in done.stderr or "SCHEDULER_API_TOKEN" in done.stderr, done.stderr
    done = run_compose([BASE, PROD], ["config", "-q"], {**PROD_ENV, "SCHEDULER_API_TOKEN": ""})
    assert done.returncode != 0 and "SCHEDULER_API_TOKEN" in done.stderr, done.stderr


def test_every_service_of_the_spec_exists_with_pinned_images(compose_model: Model) -> None:
    services = compose_model(BASE)["services"]
    assert set(services) == LONG_RUNNING | ONE_SHOTS
    assert services["postgres"]["image"] == "postgis/postgis:16-3.4-alpine"
    assert re.fullmatch(r"redis:7\.\d+\.\d+-alpine", services["redis"]["image"])
    assert services["redis-queue"]["image"] == services["redis"]["image"]
    assert re.fullmatch(r"minio/minio:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ", services["minio"]["image"])
    assert re.fullmatch(r"minio/mc:RELEASE\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ", services["minio-init"]["image"])
    for name, service in services.items():
        image = service["image"]
        assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), f"{name}: {image}"
    for name, dockerfile in (
        ("api", "docker/api.Dockerfile"),
        ("migrate", "docker/api.Dockerfile"),
        ("rules-engine", "docker/rules-engine.Dockerfile"),
        ("scheduler", "docker/scheduler.Dockerfile"),
        ("frontend", "docker/frontend.Dockerfile"),
    ):
        build = services[name]["build"]
        assert build["dockerfile"] == dockerfile and build["target"] == "production", name
        assert Path(build["context"]).resolve() == ROOT


@pytest.mark.parametrize("files", [[BASE], [BASE, PROD]], ids=["base", "base+prod"])
def test_health_checks_with_the_spec_timings(compose_model: Model, files: list[str]) -> None:
    services = compose_model(*files)["services"]
    for name, (interval, timeout, start, retries, probe) in HEALTH.items():
        check = services[name].get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no health check"
        assert (check["interval"], check["timeout"], check["start_period"], check["retries"]) == (
            interval,
            timeout,
            start,
            retries,
        ), f"{name}: {check}"
        assert probe in _probe(services[name]), f"{name} probes {_probe(services[name])!r}"
    # The migration reuses the API image: its HEALTHCHECK (an HTTP probe) must not run there.
    assert services["migrate"]["healthcheck"] == {"disable": True}


@pytest.mark.parametrize("files", [[BASE], [BASE, DEV], [BASE, PROD]], ids=["base", "base+dev", "base+prod"])
def test_networks_as_the_spec_assigns_them(compose_model: Model, files: list[str]) -> None:
    model = compose_model(*files)
    assert set(model["networks"]) == {"backend-network", "frontend-network"}
    for name, service in model["services"].items():
        expected = {"backend-network"} if name in BACKEND else set()
        if name in FRONTEND:
            expected.add("frontend-network")
        assert set(service["networks"]) == expected, f"{name} is on {set(service['networks'])}"


@pytest.mark.parametrize("files", [[BASE], [BASE, DEV], [BASE, PROD]], ids=["base", "base+dev", "base+prod"])
def test_start_order_uses_conditions(compose_model: Model, files: list[str]) -> None:
    services = compose_model(*files)["services"]
    for name, expected in DEPENDS.items():
        got = {dep: spec["condition"] for dep, spec in services[name].get("depends_on", {}).items()}
        assert got == expected, f"{name} depends on {got}"
    for name in LONG_RUNNING - set(DEPENDS):
        assert not services[name].get("depends_on"), f"{name} should start first"
    # `docker compose up --wait` fails on an exited one-shot unless a running service waits for it.
    for one_shot in ONE_SHOTS:
        adopters = [
            name
            for name in LONG_RUNNING
            if services[name].get("depends_on", {}).get(one_shot, {}).get("condition")
            == "service_completed_successfully"
        ]
        assert adopters, f"no long-running service waits for {one_shot} to complete"
        assert services[one_shot]["restart"] == "no", f"{one_shot} must not restart"
    assert services["migrate"]["command"] == ["campaign-api", "migrate"]


def test_volumes_and_published_ports(compose_model: Model) -> None:
    model = compose_model(BASE)
    assert set(model["volumes"]) == {"postgres-data", "redis-data", "redis-queue-data", "minio-data"}
    mounts = {
        name: {(v["source"], v["target"]) for v in s.get("volumes", []) if v["type"] == "volume"}
        for name, s in model["services"].items()
    }
    assert ("postgres-data", "/var/lib/postgresql/data") in mounts["postgres"]
    assert ("redis-data", "/data") in mounts["redis"]
    assert ("redis-queue-data", "/data") in mounts["redis-queue"]
    assert ("minio-data", "/data") in mounts["minio"]
    init = model["services"]["postgres"]["configs"]
    assert init[0]["target"].startswith("/docker-entrypoint-initdb.d/") and init[0]["target"].endswith(".sql")
    assert Path(model["configs"][init[0]["source"]]["file"]).resolve() == ROOT / "docker/postgres/init-postgis.sql"
    published = {name: _published(s) for name, s in model["services"].items()}
    assert published["frontend"] == {(8080, 80)}
    assert published["api"] == {(3000, 3000)}
    assert published["rules-engine"] == {(9265, 9265), (50051, 50051)}
    assert published["scheduler"] == {(9266, 9266)}
    for internal in ("postgres", "redis", "redis-queue", "minio", "migrate", "minio-init"):
        assert not published[internal], f"{internal} must stay internal outside development"


def test_postgis_init_creates_the_extensions() -> None:
    sql = (ROOT / "docker/postgres/init-postgis.sql").read_text(encoding="utf-8").lower()
    for extension in ("postgis", "postgis_topology", '"uuid-ossp"', "pg_trgm"):
        assert f"create extension if not exists {extension};" in sql, extension


def test_dev_override_hot_reload_debug_ports_and_playground(compose_model: Model) -> None:
    services = compose_model(BASE, DEV)["services"]
    for name in ("api", "migrate", "rules-engine", "scheduler", "frontend"):
        assert services[name]["build"]["target"] == "builder", f"{name} should run the builder stage"
        assert services[name]["image"].endswith("-dev"), f"{name}: dev image must not overwrite production's"
        mounts = [v for v in services[name].get("volumes", []) if v["type"] == "bind"]
        assert mounts and all(v.get("read_only") for v in mounts), f"{name}: sources must be mounted read-only"
    assert services["api"]["command"] == ["campaign-api", "serve", "--reload"]
    for name in ("rules-engine", "scheduler"):
        assert services[name]["environment"]["RELOAD"] == "watch"
    debug = {name: _published(services[name]) for name in ("api", "rules-engine", "scheduler")}
    assert (9229, 5678) in debug["api"] and (9230, 5678) in debug["rules-engine"]
    assert (9231, 5678) in debug["scheduler"]
    assert _published(services["frontend"]) == {(5173, 5173)}
    for name, port in (("postgres", 5432), ("redis", 6379), ("minio", 9000), ("minio", 9001)):
        assert any(p == port for p, _ in _published(services[name])), f"dev should publish {name} {port}"
    api = services["api"]["environment"]
    assert api["GRAPHQL_PLAYGROUND"] == "true" and api["GRAPHQL_INTROSPECTION"] == "true"
    for name in ("api", "rules-engine", "scheduler"):
        env = services[name]["environment"]
        assert env["APP_ENV"] == "development" and env["LOG_FORMAT"] == "console", name
    entry = (ROOT / "docker/dev-entrypoint.sh").read_text(encoding="utf-8")
    assert "debugpy --listen 0.0.0.0:5678" in entry and "watchfiles" in entry


def test_prod_replicas_limits_restarts_and_logs(compose_model: Model) -> None:
    model = compose_model(BASE, PROD)
    for name, service in model["services"].items():
        assert "container_name" not in service, f"{name}: a fixed container name breaks replicas"
        logging = service.get("logging", {})
        assert logging.get("driver") == "json-file", f"{name}: logs must be json-file"
        assert logging["options"].get("max-size") and logging["options"].get("max-file"), f"{name}: no rotation"
    for name, (replicas, cpu, memory, cpu_res, memory_res) in PROD_DEPLOY.items():
        deploy = model["services"][name]["deploy"]
        assert deploy["replicas"] == replicas, name
        limits, reservations = deploy["resources"]["limits"], deploy["resources"]["reservations"]
        assert float(limits["cpus"]) == cpu and int(limits["memory"]) == memory * MB, f"{name} limits"
        assert float(reservations["cpus"]) == cpu_res and int(reservations["memory"]) == memory_res * MB
        assert deploy["restart_policy"] == {
            "condition": "on-failure",
            "delay": "5s",
            "max_attempts": 3,
            "window": "2m0s",
        }, name
        assert deploy["update_config"]["failure_action"] == "rollback", name
    for name in ("postgres", "redis", "redis-queue", "minio"):
        deploy = model["services"][name]["deploy"]
        assert deploy["resources"]["limits"]["memory"], f"{name} has no memory limit"
        assert deploy["placement"]["constraints"], f"{name} must stay on the node holding its volume"
    for name in ("migrate", "minio-init"):
        assert model["services"][name]["deploy"]["restart_policy"]["condition"] == "on-failure", name


def test_prod_application_settings(compose_model: Model) -> None:
    services = compose_model(BASE, PROD)["services"]
    for name in ("api", "rules-engine", "scheduler", "migrate"):
        env = services[name]["environment"]
        assert env["APP_ENV"] == "production" and env["LOG_FORMAT"] == "json", name
    api = services["api"]["environment"]
    assert api["GRAPHQL_PLAYGROUND"] == "false" and api["GRAPHQL_INTROSPECTION"] == "false"
    command = services["postgres"]["command"]
    assert command[0] == "postgres"
    settings = [command[i + 1] for i, part in enumerate(command) if part == "-c"]
    assert sorted(settings) == sorted(POSTGRES_PRODUCTION)
    tmpfs = [v for v in services["postgres"]["volumes"] if v["type"] == "tmpfs"]
    assert tmpfs and tmpfs[0]["target"] == "/dev/shm", "PostgreSQL needs a larger /dev/shm in production"


def _model_with(run_compose: Callable[..., Any], files: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = run_compose(files, ["config", "--format", "json"], env)
    assert done.returncode == 0, done.stderr
    model: dict[str, Any] = json.loads(done.stdout)
    return model


# What an operator's .env holds on a single host (and may still hold on a Swarm manager).
FILLED_ENV = {
    "POSTGRES_PASSWORD": "postgres-password-from-dotenv",
    "MINIO_ROOT_USER": "campaign-s3",
    "MINIO_ROOT_PASSWORD": "minio-password-from-dotenv",
    "JWT_SECRET": "jwt-secret-from-dotenv-0123456789abcdef0123456789",
    "SCHEDULER_API_TOKEN": "scheduler-token-from-dotenv-0123456789abcdef012345",
}


def test_prod_secrets_are_external_and_read_through_file_variables(run_compose: Callable[..., Any]) -> None:
    # Even with the secrets still in .env, production must take them only from the Swarm secrets.
    model = _model_with(run_compose, [BASE, PROD], FILLED_ENV)
    assert set(model["secrets"]) == set(SECRETS)
    for secret in SECRETS:
        assert model["secrets"][secret]["external"] is True, f"{secret} must be an external Swarm secret"
    users: dict[str, set[str]] = {secret: set() for secret in SECRETS}
    for name, service in model["services"].items():
        env = service.get("environment", {})
        mounted = {s["source"] for s in service.get("secrets", [])}
        for key, value in env.items():
            if key.endswith("_FILE"):
                secret = value.removeprefix("/run/secrets/")
                assert secret in mounted, f"{name}: {key}={value} but the secret is not mounted"
                assert key in SECRETS[secret], f"{name}: {key} reads {secret}"
                users[secret].add(key)
                plain = key.removesuffix("_FILE")
                assert env.get(plain, "") == "", f"{name}: {plain} still carries a value next to {key}"
        for secret in mounted:
            assert any(v == f"/run/secrets/{secret}" for v in env.values()), f"{name}: {secret} mounted, unused"
    for secret, keys in SECRETS.items():
        assert users[secret] == set(keys), f"{secret} is read through {users[secret]}"
    api = model["services"]["api"]["environment"]
    assert {"JWT_SECRET_FILE", "DATABASE_PASSWORD_FILE", "S3_SECRET_KEY_FILE"} <= set(api)


def _redis_flags(service: dict[str, Any]) -> dict[str, str]:
    command = service["command"]
    flags = {}
    for i, part in enumerate(command):
        if part.startswith("--"):
            flags[part[2:]] = command[i + 1] if i + 1 < len(command) else ""
    return flags


@pytest.mark.parametrize("files", [[BASE], [BASE, DEV], [BASE, PROD]], ids=["base", "base+dev", "base+prod"])
def test_the_job_queue_can_never_be_evicted(compose_model: Model, files: list[str]) -> None:
    services = compose_model(*files)["services"]
    queue_hosts = set()
    for name, service in services.items():
        env = service.get("environment", {})
        url = env.get("QUEUE_REDIS_URL") or (env.get("REDIS_URL") if name == "scheduler" else None)
        if url:
            queue_hosts.add(re.match(r"rediss?://(?:[^@/]*@)?([^:/]+)", url).group(1))
    assert queue_hosts == {"redis-queue"}, f"the queue lives on {queue_hosts}"
    assert services["scheduler"]["environment"]["QUEUE_REDIS_URL"].startswith("redis://redis-queue:")
    queue = _redis_flags(services["redis-queue"])
    assert queue.get("appendonly") == "yes", "the queue's Redis must persist (AOF)"
    assert queue.get("maxmemory-policy") == "noeviction", f"queue eviction policy: {queue}"
    for name in queue_hosts:
        assert "allkeys-lru" not in services[name]["command"], f"{name} holds the queue and may evict it"
    cache = _redis_flags(services["redis"])
    assert cache.get("appendonly") == "yes"
    if PROD in files:
        assert cache.get("maxmemory") == "512mb" and cache.get("maxmemory-policy") == "allkeys-lru"
        assert queue.get("maxmemory"), "a bounded queue fails writes instead of being OOM-killed"


@pytest.mark.parametrize("files", [[BASE], [BASE, DEV], [BASE, PROD]], ids=["base", "base+dev", "base+prod"])
def test_every_variable_is_a_setting_or_documented_infrastructure(
    compose_model: Model,
    files: list[str],
    settings_variables: dict[str, str],
    infra_variables: frozenset[str],
) -> None:
    unknown = {
        f"{name}.{key}"
        for name, service in compose_model(*files)["services"].items()
        for key in service.get("environment", {})
        if key not in settings_variables and key not in infra_variables
    }
    assert not unknown, f"variables nobody reads (not in settings.py, not infrastructure): {sorted(unknown)}"


def test_interpolated_variables_are_documented_in_env_example() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    for name in (BASE, DEV, PROD):
        text = (ROOT / name).read_text(encoding="utf-8").replace("$$", "")  # $$ = a literal $ for the container
        used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
        missing = used - documented
        assert not missing, f"{name} interpolates {sorted(missing)}, which .env.example does not list"


SETTINGS_PROBE = """
import json, os, sys
from campaign_shared.settings import Settings, SettingsError
results = {}
for item in json.load(sys.stdin):
    os.environ.clear()
    os.environ.update(item["env"])
    try:
        Settings().require(*item["concerns"])
        results[item["service"]] = "ok"
    except SettingsError as exc:
        results[item["service"]] = "refused: " + str(exc)
    except Exception as exc:
        results[item["service"]] = "crashed: " + type(exc).__name__ + ": " + str(exc)
print(json.dumps(results))
"""


def _settings_verdicts(model: dict[str, Any], tmp_path: Path, secrets: dict[str, str]) -> dict[str, str]:
    """Load each Python service's settings from its compose environment, exactly as it would start."""
    concerns = {
        "api": ["database", "redis", "s3", "auth", "service_token", "api", "rules_client"],
        "migrate": ["database"],
        "rules-engine": ["redis", "rules_engine"],
        "scheduler": ["redis", "service_token", "scheduler"],
    }
    items = []
    for name, wanted in concerns.items():
        env = dict(model["services"][name].get("environment", {}))
        for key, value in list(env.items()):
            if key.endswith("_FILE") and value.startswith("/run/secrets/"):
                secret = value.removeprefix("/run/secrets/")
                path = tmp_path / secret
                path.write_text(secrets[secret] + "\n", encoding="utf-8")
                env[key] = str(path)
        items.append({"service": name, "env": env, "concerns": wanted})
    done = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        input=json.dumps(items),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    verdicts: dict[str, str] = json.loads(done.stdout)
    return verdicts


def test_services_accept_the_dev_and_prod_environments(compose_model: Model, tmp_path: Path) -> None:
    secrets = {
        "jwt_secret": "j" * 48,
        "db_password": "database-password-from-a-swarm-secret",
        "minio_root_password": "minio-password-from-a-swarm-secret",
    }
    for files in ([BASE, DEV], [BASE, PROD]):
        verdicts = _settings_verdicts(compose_model(*files), tmp_path, secrets)
        assert verdicts == dict.fromkeys(verdicts, "ok"), f"{files}: {verdicts}"


def test_base_with_a_filled_in_env_file_is_a_valid_production_stack(
    run_compose: Callable[..., Any], tmp_path: Path
) -> None:
    model = _model_with(run_compose, [BASE], FILLED_ENV)
    verdicts = _settings_verdicts(model, tmp_path, {})
    assert verdicts == dict.fromkeys(verdicts, "ok"), verdicts
    assert {s["environment"]["APP_ENV"] for n, s in model["services"].items() if n in verdicts} == {"production"}


def test_base_without_secrets_fails_fast_naming_them(compose_model: Model, tmp_path: Path) -> None:
    verdicts = _settings_verdicts(compose_model(BASE), tmp_path, {})
    assert verdicts["rules-engine"] == "ok" and verdicts["migrate"] == "ok", verdicts
    for service in ("api", "scheduler"):
        assert verdicts[service].startswith("refused"), verdicts
        assert "SCHEDULER_API_TOKEN" in verdicts[service]
    assert "JWT_SECRET" in verdicts["api"]
    assert "JWT_SECRET" not in verdicts["scheduler"], "the scheduler does not sign tokens"


def test_swarm_stack_renders_in_the_stack_file_format(compose_bin: str, tmp_path: Path) -> None:
    out = tmp_path / "stack.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "docker/stack.py"), "--compose", compose_bin, "-o", str(out)],
        env={"PATH": "/usr/bin:/bin", **PROD_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    stack = json.loads(out.read_text(encoding="utf-8"))
    assert set(stack) <= {"version", "services", "networks", "volumes", "secrets", "configs"}
    assert stack["version"] == "3.9"
    allowed_health = {"disable", "interval", "retries", "test", "timeout", "start_period"}
    for name, service in stack["services"].items():
        for key in ("depends_on", "build", "restart", "container_name"):
            assert key not in service, f"{name}: `docker stack deploy` rejects or ignores {key}"
        assert service["image"], name
        assert set(service.get("healthcheck", {})) <= allowed_health, name
        for port in service.get("ports", []):
            assert isinstance(port["published"], int) and isinstance(port["target"], int), name
        resources = service.get("deploy", {}).get("resources", {})
        for section in resources.values():
            for key in ("cpus", "memory"):
                if key in section:
                    assert isinstance(section[key], str), f"{name}: {key} must be a string for Swarm"
        for mount in service.get("volumes", []):
            if mount["type"] == "tmpfs":
                assert isinstance(mount["tmpfs"]["size"], int), name
    assert stack["services"]["api"]["deploy"]["replicas"] == 2
    assert all(spec.get("driver") == "overlay" for spec in stack["networks"].values())
    assert all(spec.get("external") is True for spec in stack["secrets"].values())
    config = stack["configs"]["postgis-init"]
    assert re.fullmatch(r".+_postgis-init-[0-9a-f]{12}", config["name"]), "configs must be versioned by content"
