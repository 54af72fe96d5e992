"""Helpers for printing readers' pages fast: remembered addresses of pages and pictures, and
search words marked in text."""
