"""The nianbao command line."""
from converter.cli.main import main

__all__ = ["main"]
