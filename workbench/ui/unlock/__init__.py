"""Opening the workspace: first run (create), unlock, and the flow that returns after a lock."""
