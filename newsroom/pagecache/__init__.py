"""The page cache for anonymous readers."""
