"""HTTP entry points: the browser front (``front``, the app behind a sign-in) and the inbound
receiver. Each is its own subpackage, started by its own `crm` command."""
