"""The audit log: who did what to personal data, and when."""
