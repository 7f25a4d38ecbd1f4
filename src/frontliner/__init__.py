"""Frontliner: a customer-service desk where no customer hears "I can't"."""

__version__ = "0.1.0"
