"""Reminders: rules that find due work, in-app notifications, the email outbox, the scheduler."""
