"""Feedback domain: customers, feedback items, messages, sentiment, intake and customer history."""
