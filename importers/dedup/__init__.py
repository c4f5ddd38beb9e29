"""Finding clients that are one company: blocking keys, rules that protect data, the scan."""
