"""Campaign Manager scheduler package."""
