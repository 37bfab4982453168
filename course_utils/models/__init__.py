"""The course's canonical Keras models, one module per family, and ``inference``, which runs
any of them on many inputs in batches."""
