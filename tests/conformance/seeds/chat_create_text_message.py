from httplib2 import Http
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from apiclient.discovery import build

from _endpoint import CLIENT_OPTIONS, MESSAGE, SPACE, TOKEN

# Specify required scopes.
SCOPES = ['https://www.googleapis.com/auth/chat.bot']

# Specify service account details.
CREDENTIALS = Credentials(token=TOKEN)

# Build the URI and authenticate with the service account.
chat = build('chat', 'v1', http=AuthorizedHttp(CREDENTIALS, Http()), client_options=CLIENT_OPTIONS)

# Create a Chat message.
result = chat.spaces().messages().create(

    # The space to create the message in.
    #
    # Replace SPACE with a space name.
    # Obtain the space name from the spaces resource of Chat API,
    # or from a space's URL.
    parent='spaces/' + SPACE,

    # The message to create.
    body={'text': 'Hello, world!'}

).execute()

print(result)
