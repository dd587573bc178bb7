"""WSGI entry point (gunicorn yingxiao.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingxiao.settings.prod")
application = get_wsgi_application()
