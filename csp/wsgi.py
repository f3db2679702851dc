"""
WSGI config for csp project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from csp.worker_gc import freeze_long_lived_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings.dev")

application = get_wsgi_application()


# Everything loaded with the app is kept out of the garbage collector's reach (csp/worker_gc.py); gunicorn's
# post_request hook (gunicorn.conf.py) collects each request's garbage after its response has gone.
freeze_long_lived_objects()
