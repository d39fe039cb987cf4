"""The core: digest parsing, the library store, arXiv access, PDF text and export.

Nothing in this package imports textual; ``tests/test_import_hygiene.py`` proves it.
"""
