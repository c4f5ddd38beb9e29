"""Everything driven by the clock: campaigns, the outbox, reminders, `crm schedule`."""
