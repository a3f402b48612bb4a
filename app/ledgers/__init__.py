"""The community's two ledgers (public income, maintenance fund): entries, imports, closing a period into its statement."""
