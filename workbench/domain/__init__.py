"""Values and rules with no Qt and no SQL: STIX helpers, TLP levels, identifiers, errors."""
