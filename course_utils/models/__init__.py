"""The course's canonical Keras models, one module per family; ``inference`` runs any of them
on many inputs in batches, and ``record`` reads and writes the record beside each shipped
checkpoint."""
