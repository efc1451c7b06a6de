"""meta-sync tests: a package, so the shared helpers import as ``tests.support``."""
