"""Bytes of the task list as Dinkes and Puskesmas see it (issue 11: it was megabytes).

    .venv/bin/python manage.py shell < bench/task_list_size.py

Runs against the configured database (the demo of `make run`); prints, changes nothing.
"""

from django.test import Client

from posyandu.accounts.models import User

for username in ("dinkes.pekanbaru", "puskesmas.pekanbaru"):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    response = client.get("/tugas/?semua=1")
    size = len(response.content)
    print(f"{username:22} /tugas/?semua=1  HTTP {response.status_code}  {size:,} bytes")
