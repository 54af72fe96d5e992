"""Loaded by pytest before Django: the suite runs in production mode with a throwaway key.

Variables already in the environment (DATABASE_URL, CACHE_URL in CI) still win.
"""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-real-site-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-test-media-"))
# Static files collected for this run alone, so that two runs at once (CI's two passes) never
# write the same folder.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="newsroom-test-static-"))
