"""Prometheus metrics of the API beyond the per-route request metrics of the Litestar plugin."""

from prometheus_client import Counter

DB_STATEMENTS = Counter("campaign_api_db_statements_total", "SQL statements sent to PostgreSQL")
CACHE_LOOKUPS = Counter(
    "campaign_api_cache_lookups_total", "Redis cache lookups by cache and outcome", ["cache", "outcome"]
)
