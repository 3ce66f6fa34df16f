"""Test settings: the same as production settings, with a fast hasher and a fixed key."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False  # the test client speaks plain http
# Tests sign in with force_login; the two-factor tests switch this on (tests/test_two_factor.py).
TWO_FACTOR_ENFORCED = False
