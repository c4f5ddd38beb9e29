"""Persistence: tables, engines, session scopes and schema migrations."""
