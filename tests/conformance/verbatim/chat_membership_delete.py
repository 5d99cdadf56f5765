import os.path

from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError


# Define your app's authorization scopes.
# When modifying these scopes, delete the file token.json, if it exists.
SCOPES = ["https://www.googleapis.com/auth/chat.memberships.app"]

def main():
    '''
    Authenticates with Chat API via user credentials,
    then deletes the specified membership.
    '''

    # Authenticate with Google Workspace
    # and get user authorization.
    flow = InstalledAppFlow.from_client_secrets_file(
                      'client_secrets.json', SCOPES)
    creds = flow.run_local_server()

    # Build a service endpoint for Chat API.
    chat = build('chat', 'v1', credentials=creds,
                 client_options={'api_endpoint': os.environ['GCHAT_ENDPOINT']})

    # Use the service endpoint to call Chat API.
    result = chat.spaces().members().delete(

        # The membership to delete.
        #
        # Replace SPACE with a space name.
        # Obtain the space name from the spaces resource of Chat API,
        # or from a space's URL.
        #
        # Replace MEMBER with a membership name.
        # Obtain the membership name from the memberships resource of
        # Chat API. To delete a Chat app's membership, replace MEMBER
        # with app; an alias for the app calling the API.
        name='spaces/SPACE/members/MEMBER'

    ).execute()

    # Print Chat API's response in your command line interface.
    # When deleting a membership, the response body is empty.
    print(result)

if __name__ == '__main__':
    main()
