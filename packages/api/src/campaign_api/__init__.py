"""Campaign Manager api package."""
