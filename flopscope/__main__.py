"""``python -m flopscope`` runs the command line."""

import sys

from flopscope.cli import main

sys.exit(main())
