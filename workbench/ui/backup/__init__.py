"""Backups: File > Back up…, the reminder, and restoring from the unlock and create dialogs."""
