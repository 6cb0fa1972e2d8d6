"""The figures of a load run: HDR histograms merged exactly, sends matched to messages, CPU shares, the run
summary and verdict, its web tab rows and HDR logs, and the SLO capacity ladder. Pure computation."""
