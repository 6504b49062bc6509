"""What every screen shares: the screen contract, plain-text widgets, error dialogs, task progress."""
