"""Widgets and dialogs, one feature per sub-package."""
