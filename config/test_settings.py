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
# make test-citus: the tests run in the cluster's own migrated and distributed database, kept
# with --reuse-db (a new test database would exist on the coordinator only, without workers).
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}  # noqa: F405
