"""Label Studio test helpers live in tests/studio_servers.py (shared with the release tests); re-exported here."""
from tests.studio_servers import STUDIO_MARKS, Server, signup_annotator  # noqa: F401
