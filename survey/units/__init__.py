"""Administrative units from the official list: read its rows, then write them.

``rows`` turns a table (CSV or XLSX, read by the bounded reader survey.uploads) into checked
unit rows without touching the database; ``importer`` writes them in one go.
"""
