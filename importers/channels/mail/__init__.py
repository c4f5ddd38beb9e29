"""Mail from the team's mailboxes: messages read, told apart from robots, logged once."""
