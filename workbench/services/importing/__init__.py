"""The STIX importer (``importer.import_file``, the one contract) and its parts: reader, limits, checks,
patterns, upgrade, pipeline."""
