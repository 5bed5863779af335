"""Domain services: versioned storage, branches, merges, world time, validation. Used by the GraphQL layer."""
