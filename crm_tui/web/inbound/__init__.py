"""`crm inbound serve`: the HTTP receiver for the site's forms, the PBXs' webhooks and a bot's."""
