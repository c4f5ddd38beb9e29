"""Bringing outside data in: spreadsheets, order history, call logs, mail; normalisation."""
