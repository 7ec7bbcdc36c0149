import sys

from marketing_analytics.cli import main

sys.exit(main())
