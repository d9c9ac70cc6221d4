"""``python -m jobo_enterprise``: the ``jobo`` command."""

import sys

from .cli import main

sys.exit(main())
