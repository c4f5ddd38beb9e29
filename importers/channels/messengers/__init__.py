"""Messages to the team's bots, read into ``domain.inbound.messengers.MessengerMessage``."""
