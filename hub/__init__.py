"""The course served to a room: a JupyterHub on one machine, its load test, its Kubernetes twin.

    python -m hub                       start the hub (jupyterhub_config.py explains each setting)
    python -m hub.handout               hand the course's current lessons to every learner
    python -m hub.loadtest              simulate a room of learners (benchmarks/hub.py runs it)
"""
