"""Importing from the window: File > Import and files dropped on the window, previewed before they are kept."""
