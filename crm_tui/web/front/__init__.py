"""`crm serve`: the app in a browser. textual-serve runs one app process per browser tab; in
front of it our own sign-in, so that nothing of the app (page, scripts, websocket) is served to
anyone without a live session, and each app process acts as the person signed in."""
