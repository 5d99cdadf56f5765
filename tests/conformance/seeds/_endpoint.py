"""The only things changed from the seed guides' samples: where the API lives and
which bearer token to send (the emulator's development tokens stand in for OAuth)."""
import os

ENDPOINT = os.environ["GCHAT_ENDPOINT"]
TOKEN = os.environ.get("GCHAT_TOKEN", "app")
CLIENT_OPTIONS = {"api_endpoint": ENDPOINT}
SPACE = os.environ.get("SPACE", "SPACE")
USER = os.environ.get("USER_ID", "USER")
MEMBER = os.environ.get("MEMBER", "MEMBER")
MESSAGE = os.environ.get("MESSAGE", "MESSAGE")
