"""Local development and demo: debug on, the embedded defaults of base.py."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
DEMO_MODE = env.bool("CSP_DEMO_MODE", default=True)
