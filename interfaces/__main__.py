"""`python -m interfaces` runs the `containr` command line."""

from interfaces.cli import main

main()
