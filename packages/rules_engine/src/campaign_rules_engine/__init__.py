"""Campaign Manager rules_engine package."""
