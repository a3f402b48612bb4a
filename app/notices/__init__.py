"""Notices, the public board, ledgers, statements, obligations."""
