"""CLI sub-commands, one module per noun (``metasync db ...``, ``metasync tier ...``)."""
