"""The front page, the dashboard, language choice, error pages and response headers."""
