-- Extensions of the Campaign Manager database, created on the first start of an empty data volume
-- (the postgres image runs /docker-entrypoint-initdb.d/*.sql once, as POSTGRES_USER in POSTGRES_DB).
-- The first Alembic migration (0001_extensions) creates them too, so databases not made by this image
-- (managed PostgreSQL, the local quick start) end up identical.
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS postgis_topology;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pg_trgm;
