"""The sampling frame: the dossier list exported by the one-stop system."""
