"""``python -m jobo_enterprise.resources [--check]``: write the parameter blocks of
the resources' signatures from their descriptions (see ``_params``)."""

import sys

from ._params import main

sys.exit(main())
