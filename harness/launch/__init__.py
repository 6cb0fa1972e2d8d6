"""Target launching: resolve, inspect, and run the system under test against real services."""
