"""The guides, read offline from the Help menu."""
