"""`python -m converter`: the nianbao command line."""
import sys

from converter.cli.main import main

if __name__ == "__main__":      # not when a spawned worker (Windows, macOS) imports this module again
    sys.exit(main())
