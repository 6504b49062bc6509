"""Workflows shared by the command line, the window and the tests: synchronous, Qt-free.

Each service takes an open ``Workspace`` and either completes in one transaction or changes nothing.
"""
