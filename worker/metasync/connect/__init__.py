"""Connect with Meta: Facebook Login's manual flow on `metasync serve` (see routes.py)."""
