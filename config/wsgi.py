import os

from django.core.wsgi import get_wsgi_application

from growthstandards.tables import preload as preload_growth_tables

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The growth tables are read once here, before gunicorn forks its workers (preload_app), so
# that no kader's first measurement waits for them and the workers share them.
preload_growth_tables()
