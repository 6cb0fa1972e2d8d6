"""What runs against a target: pytest verification suites and Locust files."""
