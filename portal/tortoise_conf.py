"""`TORTOISE_ORM` for Tortoise's own CLI.

tortoise -c portal.tortoise_conf.TORTOISE_ORM makemigrations
"""

from portal.settings import load_settings

TORTOISE_ORM = load_settings().tortoise_config()
