"""Reading managers' files: formats, sheets, header rows, column mapping, error files."""
