"""The encrypted workspace: SQLCipher connection, key handling, migrations and queries. No Qt."""
