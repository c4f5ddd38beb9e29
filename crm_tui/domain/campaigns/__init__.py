"""Campaigns (issue 24): personal letters and drips to an audience, through an outbox that sends
each letter exactly once.

A campaign has an audience, steps (a day offset and a letter) and a sender. Enrolling a client
writes a recipient row and one outbox row per step, each with its Message-ID, before anything
is sent; the outbox worker (``crm_tui.scheduling.outbox_send``) claims rows one at a time,
records "sending" before it talks to SMTP, and never resends a row whose fate it does not know.
"""
