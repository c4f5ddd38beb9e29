"""HTTP entry points: the inbound receiver (``crm inbound serve``) and what it mounts."""
