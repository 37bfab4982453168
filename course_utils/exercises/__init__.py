"""Exercise definitions, one module per concept. ``course_utils.checks`` finds them all."""
