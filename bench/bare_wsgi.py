"""WSGI entry of bench/api.py's baseline app, served by gunicorn exactly as config.wsgi is."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bare_settings")

application = get_wsgi_application()
