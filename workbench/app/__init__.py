"""Qt glue: the task runner, QObject facades over the services, settings. Only app/ and ui/ import PySide6."""
