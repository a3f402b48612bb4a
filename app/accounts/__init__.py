"""Users, roles and scopes, login."""
