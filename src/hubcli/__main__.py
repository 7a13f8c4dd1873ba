"""``python -m hubcli``."""

from hubcli.cli.main import run

if __name__ == "__main__":
    run()
