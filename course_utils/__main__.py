"""``python -m course_utils``: the pre-flight check (the same as ``make preflight``)."""

import sys

from course_utils import env

sys.exit(0 if env.preflight() else 1)
