"""What a load-generating process is given and what it writes: the open-model schedule, pre-generated
signed deliveries, the locustfile's options, and the log of every send."""
