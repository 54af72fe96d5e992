"""The desk's pages for editions: building, previewing, sending, and what came of it."""
