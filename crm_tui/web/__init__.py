"""The web front: entry points served over HTTP (the inbound receiver), beside the CLI and the app."""
