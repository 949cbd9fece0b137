"""Read models: what the screens, the API and the reports read. No writes here (see `actions`)."""
