"""Plumbing that the benchmarks and the test suite share: real worker processes, a seeded
fleet, the wait until work is final and the integrity check. Not used by the product itself;
it imports the emulator only for types."""
