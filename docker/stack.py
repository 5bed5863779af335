#!/usr/bin/env python3
"""Render the Docker Swarm stack file from docker-compose.yml + docker-compose.prod.yml.

`docker stack deploy` reads the older Compose file format 3.x and rejects parts of the Compose
Specification that the compose files use (the long `depends_on` syntax with conditions, the top-level
`name`, healthcheck `start_interval`, ...). This script asks Docker Compose for the merged and
interpolated configuration (`docker compose config --format json`) and rewrites it as a version 3.9
stack file:

- keeps only the keys the 3.9 format knows, and drops those Swarm ignores anyway (`build`, `restart`,
  `depends_on`, `container_name`); Swarm has no start order, so one-shot jobs retry (restart_policy);
- writes published ports and tmpfs sizes as integers and CPU/memory as strings, as 3.9 requires;
- lets the stack name networks and volumes (`<stack>_backend-network`, ...), makes the networks
  overlays (backend-network attachable, for one-off maintenance containers such as backups);
- names each file-based config after its content hash: Swarm configs are immutable, so a changed
  file becomes a new config instead of a failed deployment.

The output is JSON, which is valid YAML:

    python3 docker/stack.py | docker stack deploy --with-registry-auth -c - campaign
    python3 docker/stack.py --compose "docker-compose" -f docker-compose.yml -f docker-compose.prod.yml

Standard library only, so it runs on any Swarm manager with Python 3.9+.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ("docker-compose.yml", "docker-compose.prod.yml")
STACK_VERSION = "3.9"

SERVICE_KEYS = frozenset(
    {
        "cap_add",
        "cap_drop",
        "cgroup_parent",
        "command",
        "configs",
        "credential_spec",
        "deploy",
        "devices",
        "dns",
        "dns_search",
        "domainname",
        "entrypoint",
        "environment",
        "expose",
        "extra_hosts",
        "healthcheck",
        "hostname",
        "image",
        "init",
        "isolation",
        "labels",
        "logging",
        "networks",
        "ports",
        "read_only",
        "secrets",
        "stop_grace_period",
        "stop_signal",
        "sysctls",
        "tmpfs",
        "tty",
        "ulimits",
        "user",
        "volumes",
        "working_dir",
    }
)
HEALTHCHECK_KEYS = frozenset({"disable", "interval", "retries", "test", "timeout", "start_period"})
DEPLOY_KEYS = frozenset(
    {
        "mode",
        "endpoint_mode",
        "replicas",
        "labels",
        "rollback_config",
        "update_config",
        "resources",
        "restart_policy",
        "placement",
    }
)
PORT_KEYS = frozenset({"mode", "target", "published", "protocol"})
VOLUME_MOUNT_KEYS = frozenset({"type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs"})
SECRET_KEYS = frozenset({"name", "file", "external", "labels", "driver", "driver_opts", "template_driver"})
CONFIG_KEYS = frozenset({"name", "file", "external", "labels", "template_driver"})
VOLUME_KEYS = frozenset({"driver", "driver_opts", "external", "labels"})


class StackError(RuntimeError):
    """The compose configuration cannot be turned into a stack file."""


def compose_config(compose: str, files: list[str], project_dir: Path) -> dict[str, Any]:
    """`docker compose -f ... config --format json`: merged, interpolated, validated."""
    argv = [*shlex.split(compose), "--project-directory", str(project_dir)]
    for name in files:
        argv += ["-f", name]
    argv += ["config", "--format", "json"]
    try:
        done = subprocess.run(argv, cwd=project_dir, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise StackError(f"cannot run {argv[0]!r}: install Docker Compose v2 or pass --compose") from exc
    if done.returncode != 0:
        raise StackError(f"`{' '.join(argv)}` failed:\n{done.stderr.strip()}")
    config: dict[str, Any] = json.loads(done.stdout)
    return config


def _duration_ok(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+", value) is not None


def _port(port: Any, service: str) -> Any:
    if not isinstance(port, dict):
        return port
    if port.get("host_ip"):
        raise StackError(f"{service}: Swarm's routing mesh cannot bind a host IP ({port['host_ip']})")
    out = {k: v for k, v in port.items() if k in PORT_KEYS and v is not None}
    for key in ("target", "published"):
        if key in out:
            out[key] = int(out[key])
    return out


def _mount(mount: Any) -> Any:
    if not isinstance(mount, dict):
        return mount
    out = {k: v for k, v in mount.items() if k in VOLUME_MOUNT_KEYS}
    if out.get("type") == "bind":
        out["bind"] = {k: v for k, v in (out.get("bind") or {}).items() if k == "propagation"}
        if not out["bind"]:
            del out["bind"]
    if out.get("volume") is not None:
        out["volume"] = {k: v for k, v in out["volume"].items() if k == "nocopy"}
        if not out["volume"]:
            del out["volume"]
    if "tmpfs" in out:
        size = (out["tmpfs"] or {}).get("size")
        out["tmpfs"] = {"size": int(size)} if size is not None else {}
    return out


def _resources(resources: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for section, allowed in (("limits", {"cpus", "memory", "pids"}), ("reservations", {"cpus", "memory"})):
        values = {k: v for k, v in (resources.get(section) or {}).items() if k in allowed and v is not None}
        for key in ("cpus", "memory"):
            if key in values:
                number = values[key]
                values[key] = f"{number:g}" if isinstance(number, float) else str(number)
        if values:
            out[section] = values
    return out


def _deploy(deploy: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in deploy.items() if k in DEPLOY_KEYS and v not in (None, {}, [])}
    if "resources" in out:
        out["resources"] = _resources(out["resources"])
    return out


def _service(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    if "image" not in spec:
        raise StackError(f"{name}: Swarm needs an image (build and push it first)")
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key not in SERVICE_KEYS or value is None:
            continue
        if key == "healthcheck":
            value = {k: v for k, v in value.items() if k in HEALTHCHECK_KEYS}
        elif key == "deploy":
            value = _deploy(value)
        elif key == "ports":
            value = [_port(p, name) for p in value]
        elif key == "volumes":
            value = [_mount(m) for m in value]
        elif key in {"secrets", "configs"}:
            value = [{k: v for k, v in item.items() if v is not None} for item in value]
        out[key] = value
    for key in ("stop_grace_period",):
        if key in out and not _duration_ok(out[key]):
            raise StackError(f"{name}: {key}={out[key]!r} is not a duration")
    return out


def _config_name(project: str, key: str, spec: dict[str, Any]) -> str:
    digest = hashlib.sha256(Path(spec["file"]).read_bytes()).hexdigest()[:12]
    return f"{project}_{key}-{digest}"


def to_stack(config: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a `docker compose config --format json` document as a version 3.9 stack file."""
    stack: dict[str, Any] = {"version": STACK_VERSION, "services": {}}
    for name, spec in sorted(config.get("services", {}).items()):
        stack["services"][name] = _service(name, spec)

    networks = {}
    for name, spec in sorted((config.get("networks") or {}).items()):
        spec = spec or {}
        if spec.get("external"):
            networks[name] = {"external": True, "name": spec.get("name", name)}
            continue
        networks[name] = {"driver": "overlay"}
        if name == "backend-network":
            networks[name]["attachable"] = True
        if spec.get("labels"):
            networks[name]["labels"] = spec["labels"]
    if networks:
        stack["networks"] = networks

    volumes = {}
    for name, spec in sorted((config.get("volumes") or {}).items()):
        spec = {k: v for k, v in (spec or {}).items() if k in VOLUME_KEYS}
        if spec.get("external"):
            spec["name"] = (config["volumes"][name] or {}).get("name", name)
        volumes[name] = spec or None
    if volumes:
        stack["volumes"] = volumes

    secrets = {}
    for name, spec in sorted((config.get("secrets") or {}).items()):
        spec = {k: v for k, v in (spec or {}).items() if k in SECRET_KEYS}
        if not spec.get("external"):
            spec.pop("name", None)
        secrets[name] = spec
    if secrets:
        stack["secrets"] = secrets

    configs = {}
    for name, spec in sorted((config.get("configs") or {}).items()):
        spec = {k: v for k, v in (spec or {}).items() if k in CONFIG_KEYS}
        if spec.get("file"):
            spec["name"] = _config_name(config.get("name") or "campaign", name, spec)
        configs[name] = spec
    if configs:
        stack["configs"] = configs
    return stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compose", default="docker compose", help="Docker Compose v2 command")
    parser.add_argument("-f", "--file", action="append", dest="files", help="compose files (repeatable)")
    parser.add_argument("--input", type=Path, help="read an already merged `config --format json` document")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    try:
        if args.input:
            config = json.loads(args.input.read_text(encoding="utf-8"))
        else:
            config = compose_config(args.compose, args.files or list(DEFAULT_FILES), ROOT)
        text = json.dumps(to_stack(config), indent=2, sort_keys=False) + "\n"
    except (StackError, OSError, ValueError) as exc:
        print(f"stack.py: {exc}", file=sys.stderr)
        return 1
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
