"""The production settings module (tests run with config.test_settings)."""

from config import settings as production_settings


def test_passwords_are_hashed_with_argon2_in_production():
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_data_dir_set_in_the_env_file_is_used(tmp_path):
    """A DATA_DIR written in .env (not exported) decides where the database lives."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    project = tmp_path / "project"
    (project / "config").mkdir(parents=True)
    shutil.copy(Path(production_settings.__file__), project / "config" / "settings.py")
    data_dir = tmp_path / "elsewhere"
    (project / ".env").write_text(f"DATA_DIR={data_dir}\nSECRET_KEY=from-the-env-file\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATA_DIR", "SECRET_KEY", "DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    script = (
        "import runpy, sys; s = runpy.run_path(sys.argv[1]); "
        "print(s['DATA_DIR']); print(s['DATABASE_URL'] if 'DATABASE_URL' in s "
        "else s['DATABASES']['default']['NAME'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(project / "config" / "settings.py")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out == [str(data_dir), str(data_dir / "posyandu.sqlite3")]
    assert data_dir.is_dir()
    assert not (project / "data").exists()
