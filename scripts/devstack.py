"""Start and stop the whole stack on one machine, without Docker: `make dev` and the test suite use this.

Every process it starts runs in its own process group and gets SIGTERM if this process dies
(PR_SET_PDEATHSIG), so Ctrl-C, a failed test run or a crash leaves nothing behind. Only what this module
started is stopped.

    python scripts/devstack.py up        # the development stack on the standard ports
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
FRONTEND = ROOT / "packages" / "frontend"
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Run in the child before exec: new process group, and SIGTERM when the parent goes away."""
    os.setpgrp()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return None


@dataclass
class ManagedProcess:
    """One child process with its log file; `stop()` ends its whole process group."""

    name: str
    argv: list[str]
    env: Mapping[str, str]
    log_path: Path
    cwd: Path = ROOT
    #: run as this uid (and gid) with no supplementary groups, like a container's `USER uid:gid`
    user: int | None = None
    #: False: only `env` (a container's environment), not this process's
    inherit_env: bool = True
    proc: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def start(self) -> ManagedProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        identity: dict[str, Any] = {}
        if self.user is not None:
            identity = {"user": self.user, "group": self.user, "extra_groups": []}
        self.proc = subprocess.Popen(
            self.argv,
            env={**os.environ, **self.env} if self.inherit_env else dict(self.env),
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            **identity,
        )
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_http(self, url: str, timeout: float = 60.0, ok: tuple[int, ...] = (200,)) -> None:
        deadline = time.monotonic() + timeout
        last: int | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            last = http_status(url)
            if last in ok:
                return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: {url} not ready after {timeout:.0f}s (last {last}):\n{self.log_tail()}")

    def wait_port(self, port: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            if port_open(port):
                return
            time.sleep(0.1)
        raise TimeoutError(f"{self.name}: port {port} not open after {timeout:.0f}s:\n{self.log_tail()}")

    def stop(self, grace: float = 10.0) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        # children that outlived the leader (uvicorn workers, npm's node) share its group
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None


@dataclass
class Ports:
    api: int = 3000
    grpc: int = 50051
    rules_http: int = 9265
    scheduler: int = 9266
    frontend: int = 8080
    s3: int = 9000
    s3_master: int = 9333
    s3_volume: int = 9340
    s3_filer: int = 8888
    s3_admin: int = 23646
    s3_metrics: int = 9327

    @classmethod
    def free(cls) -> Ports:
        """Random free ports (tests); SeaweedFS also binds port + 10000 (gRPC): keep those below 55535."""
        values = {}
        for name in cls.__dataclass_fields__:
            port = free_port()
            while port > 55000 or (name.startswith("s3") and not _plus_10000_free(port)):
                port = free_port()
            values[name] = port
        return cls(**values)


def _plus_10000_free(port: int) -> bool:
    return port + 10000 < 65535 and not port_open(port + 10000)


def s3_identities(path: Path, access_key: str, secret_key: str) -> Path:
    path.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "campaign",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                    }
                ]
            }
        )
    )
    return path


def seaweedfs(ports: Ports, state_dir: Path, bucket: str, access_key: str, secret_key: str) -> ManagedProcess:
    """A real S3 server (SeaweedFS `weed mini`) bound to 127.0.0.1 only."""
    data = state_dir / "s3-data"
    data.mkdir(parents=True, exist_ok=True)
    identities = s3_identities(state_dir / "s3-identities.json", access_key, secret_key)
    weed = shutil.which("weed", path=str(VENV_BIN)) or "weed"
    argv = [
        weed,
        f"-logdir={state_dir}",
        "mini",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-s3.port={ports.s3}",
        f"-master.port={ports.s3_master}",
        f"-volume.port={ports.s3_volume}",
        f"-filer.port={ports.s3_filer}",
        f"-admin.port={ports.s3_admin}",
        f"-metricsPort={ports.s3_metrics}",
        "-admin.ui=false",
        "-webdav=false",
        f"-s3.config={identities}",
        f"-s3.localSocket={state_dir / 's3.sock'}",
        f"-bucket={bucket}",
    ]
    return ManagedProcess("s3", argv, {}, state_dir / "logs" / "s3.log")


def wait_s3_bucket(proc: ManagedProcess, endpoint: str, bucket: str, access_key: str, secret_key: str) -> None:
    """Wait until the S3 API answers with our credentials, then make sure the bucket exists."""
    from minio import Minio
    from minio.error import S3Error

    client = Minio(
        endpoint.split("://", 1)[1],
        access_key=access_key,
        secret_key=secret_key,
        secure=False,
        region="us-east-1",
    )
    deadline = time.monotonic() + 60
    while True:
        if not proc.running:
            raise RuntimeError(f"s3 exited early:\n{proc.log_tail()}")
        try:
            if not client.bucket_exists(bucket):
                client.make_bucket(bucket)
            return
        except (S3Error, OSError, ValueError) as exc:
            if time.monotonic() > deadline:
                raise TimeoutError(f"S3 not ready: {exc}\n{proc.log_tail()}") from exc
            time.sleep(0.3)
        except Exception as exc:  # urllib3 errors while the server starts
            if time.monotonic() > deadline:
                raise TimeoutError(f"S3 not ready: {exc}\n{proc.log_tail()}") from exc
            time.sleep(0.3)


def ensure_database(admin_url: str, name: str, *, recreate: bool = False) -> None:
    """Create database `name` (dropping it first when `recreate`) through the maintenance database."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and recreate:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stack_env(ports: Ports, *, database_url: str, redis_url: str, prefix: str, state_dir: Path) -> dict[str, str]:
    """The environment every service of one stack shares."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_CHANNEL_PREFIX": prefix,
        "QUEUE_NAME": f"{prefix}-scheduler",
        "S3_ENDPOINT": f"http://127.0.0.1:{ports.s3}",
        "S3_ACCESS_KEY": os.environ.get("S3_ACCESS_KEY", "minioadmin"),
        "S3_SECRET_KEY": os.environ.get("S3_SECRET_KEY", "minioadmin"),
        "S3_BUCKET": os.environ.get("S3_BUCKET", "campaign-manager"),
        "API_HOST": "127.0.0.1",
        "API_PORT": str(ports.api),
        "RULES_ENGINE_GRPC_HOST": "127.0.0.1",
        "RULES_ENGINE_GRPC_PORT": str(ports.grpc),
        "GRPC_HOST": "127.0.0.1",
        "GRPC_PORT": str(ports.grpc),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(ports.rules_http),
        "SCHEDULER_HOST": "127.0.0.1",
        "SCHEDULER_PORT": str(ports.scheduler),
        "API_URL": f"http://127.0.0.1:{ports.api}/graphql",
        "FRONTEND_PORT": str(ports.frontend),
        "CAMPAIGN_API_URL": f"http://127.0.0.1:{ports.api}",
        "PYTHONUNBUFFERED": "1",
    }


def service(name: str, env: Mapping[str, str], state_dir: Path) -> ManagedProcess:
    commands = {
        "rules-engine": [str(VENV_BIN / "campaign-rules-engine")],
        "api": [str(VENV_BIN / "campaign-api"), "serve"],
        "scheduler": [str(VENV_BIN / "campaign-scheduler")],
        "frontend": ["npm", "run", "preview", "--silent"],
    }
    cwd = FRONTEND if name == "frontend" else ROOT
    return ManagedProcess(name, commands[name], env, state_dir / "logs" / f"{name}.log", cwd=cwd)


def migrate(env: Mapping[str, str]) -> None:
    subprocess.run([str(VENV_BIN / "campaign-api"), "migrate"], env={**os.environ, **env}, cwd=ROOT, check=True)


def seed_demo_world(env: Mapping[str, str]) -> None:
    """Load the demo world (`campaign-api seed-demo`; a no-op when it is there already)."""
    done = subprocess.run(
        [str(VENV_BIN / "campaign-api"), "seed-demo"],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding the demo world failed:\n{done.stdout}{done.stderr}")
    print(done.stdout.splitlines()[0] if done.stdout else "demo world loaded", flush=True)


class Stack:
    """A set of started processes, stopped in reverse order."""

    def __init__(self) -> None:
        self.processes: list[ManagedProcess] = []

    def add(self, proc: ManagedProcess) -> ManagedProcess:
        self.processes.append(proc.start())
        return proc

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()
        self.processes.clear()


@contextlib.contextmanager
def running_stack(
    ports: Ports,
    state_dir: Path,
    *,
    database_url: str,
    admin_database_url: str,
    redis_url: str,
    prefix: str,
    recreate_db: bool,
    with_frontend: bool,
    extra_env: Mapping[str, str] | None = None,
    seed_demo: bool = False,
) -> Iterator[tuple[Stack, dict[str, str]]]:
    """Start S3, migrate, (seed the demo world,) then the services; stop everything on exit."""
    env = {**stack_env(ports, database_url=database_url, redis_url=redis_url, prefix=prefix, state_dir=state_dir)}
    env.update(extra_env or {})
    stack = Stack()
    try:
        s3 = stack.add(seaweedfs(ports, state_dir, env["S3_BUCKET"], env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"]))
        ensure_database(admin_database_url, database_url.rsplit("/", 1)[1].split("?")[0], recreate=recreate_db)
        migrate(env)
        wait_s3_bucket(s3, env["S3_ENDPOINT"], env["S3_BUCKET"], env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"])
        if seed_demo:  # after the migrations and once the bucket exists: the map image goes to S3
            seed_demo_world(env)
        rules = stack.add(service("rules-engine", env, state_dir))
        rules.wait_http(f"http://127.0.0.1:{ports.rules_http}/health/ready", timeout=60)
        api = stack.add(service("api", env, state_dir))
        api.wait_http(f"http://127.0.0.1:{ports.api}/health/ready", timeout=90)
        scheduler = stack.add(service("scheduler", env, state_dir))
        scheduler.wait_http(f"http://127.0.0.1:{ports.scheduler}/health", timeout=60)
        if with_frontend:
            frontend = stack.add(service("frontend", env, state_dir))
            frontend.wait_http(f"http://127.0.0.1:{ports.frontend}/", timeout=60)
        yield stack, env
    finally:
        stack.stop()


@dataclass
class StackHandle:
    """A running stack as tests see it."""

    ports: Ports
    env: dict[str, str]
    stack: Stack
    state_dir: Path

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def graphql_url(self) -> str:
        return f"{self.api_url}/graphql"

    @property
    def frontend_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.frontend}"

    def process(self, name: str) -> ManagedProcess:
        return next(p for p in self.stack.processes if p.name == name)


def _busy(ports: Ports) -> list[str]:
    return [f"{name}={port}" for name, port in vars(ports).items() if port_open(port)]


def cmd_up(args: argparse.Namespace) -> int:
    ports = Ports()
    busy = _busy(ports)
    if busy:
        print(f"these ports are already in use: {', '.join(busy)} (is another stack running?)", file=sys.stderr)
        return 1
    state_dir = ROOT / ".dev"
    database = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/campaign")
    admin = database.rsplit("/", 1)[0] + "/postgres"
    started = time.monotonic()
    stop = {"now": False}

    def on_signal(signum: int, _frame: object) -> None:
        stop["now"] = True

    # explicit handlers: a shell that starts us in the background leaves SIGINT ignored
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        with running_stack(
            ports,
            state_dir,
            database_url=database,
            admin_database_url=admin,
            redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            prefix=os.environ.get("REDIS_CHANNEL_PREFIX", "campaign"),
            recreate_db=False,
            with_frontend=not args.no_frontend,
            extra_env={"GRAPHQL_PLAYGROUND": "true", "GRAPHQL_INTROSPECTION": "true"},
            seed_demo=True,
        ) as (stack, _env):
            from campaign_api.seed import format_accounts

            print(
                f"\nCampaign Manager is running ({time.monotonic() - started:.0f}s to ready):\n"
                f"  App          http://127.0.0.1:{ports.frontend}/\n"
                f"  GraphQL      http://127.0.0.1:{ports.api}/graphql  (GraphiQL in a browser)\n"
                f"  API health   http://127.0.0.1:{ports.api}/health/ready\n"
                f"  Rules engine grpc://127.0.0.1:{ports.grpc}  http://127.0.0.1:{ports.rules_http}/health/ready\n"
                f"  Scheduler    http://127.0.0.1:{ports.scheduler}/health\n"
                f"  S3           http://127.0.0.1:{ports.s3}  (bucket campaign-manager)\n"
                f"  Logs         {state_dir / 'logs'}\n"
                "Demo accounts (demo world 'Calderwyn'; `campaign-api reset-demo` restores it):\n"
                f"{format_accounts()}\n"
                "Press Ctrl-C to stop everything.\n",
                flush=True,
            )
            while not stop["now"]:
                dead = [p.name for p in stack.processes if not p.running]
                if dead:
                    print(f"stopped unexpectedly: {', '.join(dead)}; see {state_dir / 'logs'}", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            print("\nstopping everything this command started...", flush=True)
    except KeyboardInterrupt:
        pass
    print("stopped.", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run the development stack until Ctrl-C")
    up.add_argument("--no-frontend", action="store_true")
    args = parser.parse_args()
    return cmd_up(args)


if __name__ == "__main__":
    sys.exit(main())
