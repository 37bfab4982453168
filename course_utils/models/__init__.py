"""The course's canonical Keras models, one module per family."""
