"""The web application: app factory, settings, auth, security, route handlers and the CLI."""
