"""`campaign-api`: serve the API, migrate the database, check the configuration, load the demo world."""

from __future__ import annotations

import argparse
import sys

from campaign_api import REQUIRED_CONCERNS
from campaign_shared.logging import configure_logging
from campaign_shared.settings import Settings, SettingsError


def _serve(settings: Settings, workers: int, reload: bool) -> None:
    import uvicorn

    uvicorn.run(
        "campaign_api.app:create_served_app",
        factory=True,
        host=settings.api.host,
        port=settings.api.port,
        workers=None if reload else workers,
        reload=reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.api.forwarded_allow_ips,
        ws="websockets-sansio",
        lifespan="on",
    )


def _demo(settings: Settings, *, reset: bool, force: bool) -> None:
    """Load (or reload) the demo world and print the demo accounts."""
    import asyncio

    from campaign_api.seed import SeedRefused, format_accounts, reset_demo, seed_demo
    from campaign_api.seed.content import CAMPAIGN_NAME, WORLD_NAME

    try:
        result = asyncio.run((reset_demo if reset else seed_demo)(settings, force=force))
    except SeedRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    what = f"demo world {WORLD_NAME!r} with the campaign {CAMPAIGN_NAME!r}"
    if result.created:
        print(f"Loaded the {what} ({len(result.branches) - 1} what-if branches).")
    else:
        print(f"The {what} is already loaded: nothing changed.")
    print("Demo accounts (for local demos only: these passwords are public):")
    print(format_accounts())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="campaign-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP/WebSocket server")
    serve.add_argument("--workers", type=int, default=None, help="default: API_WORKERS")
    serve.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    migrate = sub.add_parser("migrate", help="apply database migrations (alembic upgrade)")
    migrate.add_argument("revision", nargs="?", default="head")
    downgrade = sub.add_parser("downgrade", help="revert database migrations")
    downgrade.add_argument("revision")
    sub.add_parser("check-config", help="validate the configuration and exit")
    for name, text in (
        ("seed-demo", "load the demo world and its accounts (a second run changes nothing)"),
        ("reset-demo", "remove the demo accounts, their worlds and campaigns, and load the demo again"),
    ):
        demo = sub.add_parser(name, help=text)
        demo.add_argument("--force", action="store_true", help="run even with APP_ENV=production")
    args = parser.parse_args(argv)

    try:
        settings = Settings()
        configure_logging("api", settings.app.log_level, settings.app.log_format)
        if args.command == "serve":
            settings.require(*REQUIRED_CONCERNS)
            _serve(settings, args.workers or settings.api.workers, args.reload)
        elif args.command in {"migrate", "downgrade"}:
            from campaign_api.db.migrate import downgrade as run_downgrade
            from campaign_api.db.migrate import upgrade

            settings.require("database")
            (upgrade if args.command == "migrate" else run_downgrade)(settings, args.revision)
        elif args.command in {"seed-demo", "reset-demo"}:
            settings.require("database", "s3")
            _demo(settings, reset=args.command == "reset-demo", force=args.force)
        else:
            settings.require(*REQUIRED_CONCERNS)
            print("configuration OK")
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
