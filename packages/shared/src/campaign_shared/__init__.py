"""Campaign Manager shared package."""
