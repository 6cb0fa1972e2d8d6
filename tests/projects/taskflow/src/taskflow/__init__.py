"""taskflow: Monday.com items turned into AI-agent work (a service the harness did not write)."""
