"""What an import brings and reports, as screens, the CLI and the importers all see it.

Column mappings, data rows and parsed rows, options and summaries of a batch, undo reports,
and the errors a file or a mapping raises; and ``port``, the import jobs a screen is handed
(the code that reads files and loads batches lives in ``crm_tui.importers``, which screens do
not import).
"""
