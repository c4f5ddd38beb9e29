"""The tables of crm_tui, one module per part of the business; ``crm_tui.storage.models``
re-exports them all."""
