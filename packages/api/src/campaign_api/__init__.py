"""Campaign Manager API."""

#: the settings concerns the API process reads (validated at start-up)
REQUIRED_CONCERNS = ("database", "redis", "s3", "auth", "service_token", "api", "rules_client")
