"""Administrative units from the official list: read its rows, then write them.

``rows`` turns a table (CSV or XLSX, read by survey.frame.reader) into checked
unit rows without touching the database; ``importer`` writes them in one go.
"""
