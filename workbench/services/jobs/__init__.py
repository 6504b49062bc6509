"""Heavy work out of the window's process: the jobs, how they are controlled, and the worker that runs them.

- ``control``: ``TaskControl`` (cancel flag, progress, interrupt) and ``execute``, shared by the window's task
  threads and the worker process
- ``catalogue``: the jobs, module-level functions ``job(ws, control, **params)``
- ``protocol``: the messages on the worker's private channel, and its command line
- ``worker``: the worker process itself (``workbench worker-process --channel FD``)

The window's side (starting, feeding and ending the worker) is ``app.worker``; see docs/architecture.md.
"""
