"""``python -m workforce.cli``: the ``workforce`` command."""

from __future__ import annotations

import sys

from workforce.cli import main

sys.exit(main())
