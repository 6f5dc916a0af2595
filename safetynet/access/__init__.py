"""The permission layer. Import lookups from ``safetynet.access.lookups``."""
