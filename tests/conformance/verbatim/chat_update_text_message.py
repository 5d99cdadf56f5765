import os

from httplib2 import Http
from oauth2client.service_account import ServiceAccountCredentials
from apiclient.discovery import build


# Specify required scopes.
SCOPES = ['https://www.googleapis.com/auth/chat.bot']

# Specify service account details.
CREDENTIALS = ServiceAccountCredentials.from_json_keyfile_name(
    'service_account.json', SCOPES)

# Build the URI and authenticate with the service account.
chat = build('chat', 'v1', http=CREDENTIALS.authorize(Http()),
              client_options={'api_endpoint': os.environ['GCHAT_ENDPOINT']})

# Update a Chat message.
result = chat.spaces().messages().update(

    # The message to update, and the updated message.
    #
    # Replace SPACE with a space name.
    # Obtain the space name from the spaces resource of Chat API,
    # or from a space's URL.
    #
    # Replace MESSAGE with a message name.
    # Obtain the message name from the response body returned
    # after creating a message asynchronously with Chat REST API.
    name='spaces/SPACE/messages/MESSAGE',
    updateMask='text',
    body={'text': 'Updated message!'}

).execute()

# Print Chat API's response in your command line interface.
print(result)
