"""Local development and demo: the embedded defaults of base.py, demo data on.

DEBUG is off unless DJANGO_DEBUG=1, so people trying the demo see the service's GOV.UK 404 and
500 pages rather than Django's technical pages. WhiteNoise serves the static files straight from
the source folders (no collectstatic) either way.
"""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEMO_MODE = env.bool("CSP_DEMO_MODE", default=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
