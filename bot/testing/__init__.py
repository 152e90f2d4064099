"""The offline fake Bot API and the harness that runs the real bot against it. Shipped in
the package because `python -m bot demo` uses them as well as the tests."""
