"""``python -m meta_emulator``: the same as the ``meta-emulator`` command."""

from meta_emulator.command import main

main()
