"""Clients: the list, the card, typing one in, editing, merging, handing over, the timeline."""
