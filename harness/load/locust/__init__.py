"""The Locust glue: the only modules of the harness that import Locust or gevent (the locustfile installs it)."""
