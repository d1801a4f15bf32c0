"""Organisation: work units (unit kerja) and how they nest."""
