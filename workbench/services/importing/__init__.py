"""The parts of the STIX importer: reader, limits, checks, patterns, upgrade, pipeline. Use ``services.importer``."""
