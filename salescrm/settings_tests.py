"""Settings of the test run (pytest.ini): the project's settings, for development.

The settings fail closed (DEBUG off, a real SECRET_KEY required); the test run is a
development command, like `make test`, so it turns DEBUG on unless the environment
already says otherwise. Processes the tests start with `manage.py` name
``salescrm.settings`` themselves when they check what production gets.
"""

import os

os.environ.setdefault("DEBUG", "true")

from salescrm.settings import *  # noqa: F403
