"""Build tools for the offline kit, the PyInstaller folder and the Debian package.

Run from the repository root with ``PYTHONPATH=packaging`` inside the packaging virtual environment that
``make kit`` creates (build/venv-packaging, from packaging/lock/build.txt). Never imported by the workbench itself.
"""
