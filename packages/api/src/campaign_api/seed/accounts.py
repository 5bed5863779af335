"""The demo accounts: one per campaign role, with fixed passwords that are for local demos only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo login and the role it gets in the demo campaign."""

    email: str
    password: str
    name: str
    role: str  # OWNER | GM | PLAYER | VIEWER
    about: str


#: The owner (the lead GM) comes first: the demo world and campaign are created as this account.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "gm@demo.test", "demo-gm-pass", "Mara Quillfeather", "OWNER", "the lead GM: owns the world and campaign"
    ),
    DemoAccount("cogm@demo.test", "demo-cogm-pass", "Tobin Ashgrove", "GM", "a second GM: edits everything"),
    DemoAccount(
        "player@demo.test", "demo-player-pass", "Wren Hollis", "PLAYER", "plays Isolde Varr; sees the player view"
    ),
    DemoAccount("viewer@demo.test", "demo-viewer-pass", "Pell Darrow", "VIEWER", "a spectator: read-only"),
)

OWNER: DemoAccount = DEMO_ACCOUNTS[0]
PLAYER: DemoAccount = DEMO_ACCOUNTS[2]


def format_accounts(indent: str = "  ") -> str:
    """The accounts as aligned text lines (role, email, password, what it is for)."""
    width = max(len(a.email) for a in DEMO_ACCOUNTS)
    return "\n".join(
        f"{indent}{a.role:<7} {a.email:<{width}}  password: {a.password:<17} {a.about}" for a in DEMO_ACCOUNTS
    )
