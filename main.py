"""Start posture-app: `python main.py` is the same program as the `posture-app` command."""

import sys

from posture_app.app import main

if __name__ == "__main__":
    sys.exit(main())
