"""Scheduled jobs, one per module, all run by PTB's JobQueue (no other scheduler)."""
