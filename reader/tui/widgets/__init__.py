"""The app's widgets (panes and the line-API list they build on)."""
