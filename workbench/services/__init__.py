"""Workflows shared by the command line, the window and the tests: synchronous, Qt-free.

Which services take a ``Workspace`` and which a ``Connection`` (docs/architecture.md, "Storage rules"):

- What the command line, the window and other services call to do something for the analyst takes the open
  ``Workspace`` (first argument, ``ws``): reads and writes alike. A function that writes completes in one
  transaction of its own or changes nothing (``ws.transaction()``).
- A function takes a ``Connection`` (``conn``) only when it is a step of a transaction another function opened:
  it reads and writes through that connection and never commits, so that its work is kept or rolled back with the
  rest. Hooks an import runs in its transaction, case adoption, the export plan, the checks of a package read in
  quarantine, a partner's key looked up during verification. Where an entry point and a step read the same thing,
  the step has its own name (``exchange.list_partners(ws)``, ``partners.all_partners(conn)``).

``cli/``, ``app/`` and ``ui/`` therefore hand services a ``Workspace`` and never a ``.conn``
(tests/unit/test_layering.py checks it).
"""
