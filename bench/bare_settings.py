"""Settings of bench/api.py's baseline app: the product's settings and middleware; bench/bare.py's routes only."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare"
