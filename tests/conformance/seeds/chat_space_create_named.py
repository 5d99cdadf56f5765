from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from _endpoint import CLIENT_OPTIONS, TOKEN

# Define your app's authorization scopes.
# When modifying these scopes, delete the file token.json, if it exists.
SCOPES = ["https://www.googleapis.com/auth/chat.spaces.create"]

def main():
    '''
    Authenticates with Chat API via user credentials,
    then creates a Chat space.
    '''

    # Authenticate with Google Workspace
    # and get user authorization.
    creds = Credentials(token=TOKEN)

    # Build a service endpoint for Chat API.
    chat = build('chat', 'v1', credentials=creds, client_options=CLIENT_OPTIONS)

    # Use the service endpoint to call Chat API.
    result = chat.spaces().create(

      # Details about the space to create.
      body = {

        # To create a named space, set spaceType to SPACE.
        'spaceType': 'SPACE',

        # The user-visible name of the space.
        'displayName': 'API-made'
      }

      ).execute()

    # Prints details about the created space.
    print(result)

if __name__ == '__main__':
    main()
