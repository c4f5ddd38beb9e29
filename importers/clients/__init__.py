"""Client files in: rows parsed from a sheet, matched, loaded in chunks, and undone."""
