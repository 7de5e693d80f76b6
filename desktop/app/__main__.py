"""`python -m desktop.app`: the same as the `knop` command."""

import sys

from desktop.app.main import main

sys.exit(main())
