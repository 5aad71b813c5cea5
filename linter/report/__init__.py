"""Reporters: text, JSON, SARIF and markdown, all from the same findings."""
