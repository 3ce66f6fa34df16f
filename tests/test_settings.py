"""The production settings module (tests run with config.test_settings)."""

from config import settings as production_settings


def test_passwords_are_hashed_with_argon2_in_production():
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
