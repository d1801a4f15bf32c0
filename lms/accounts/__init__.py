"""Accounts: people, roles, logging in and out, passwords."""
