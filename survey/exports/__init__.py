"""Exports: tables of (headers, rows) and the one writer that turns them into CSV or XLSX."""
