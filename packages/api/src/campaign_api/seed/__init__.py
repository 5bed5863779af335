"""The demo world: an original campaign that shows every feature, loaded by `campaign-api seed-demo`.

`seed_demo` is idempotent (a second run changes nothing); `reset_demo` removes the demo accounts,
their worlds and campaigns, and loads everything again. The demo accounts have published passwords,
so both refuse to run with APP_ENV=production unless forced.
"""

from campaign_api.seed.accounts import DEMO_ACCOUNTS, DemoAccount, format_accounts
from campaign_api.seed.builder import DemoWorld
from campaign_api.seed.runner import SeedRefused, remove_demo, reset_demo, seed_demo, seed_in_session

__all__ = [
    "DEMO_ACCOUNTS",
    "DemoAccount",
    "DemoWorld",
    "SeedRefused",
    "format_accounts",
    "remove_demo",
    "reset_demo",
    "seed_demo",
    "seed_in_session",
]
