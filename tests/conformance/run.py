#!/usr/bin/env python3
"""Runs the seed guides' Python samples as written, changing only the endpoint, with
Google's own client libraries against `gchat emulator --demo`, and checks the results
the guides document. Then checks how the client library sees errors, paging and the
People API.

    python tests/conformance/run.py --bin target/debug/gchat

Exits non-zero on the first failure, printing what was expected and what came back.
"""
import argparse
import ast
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERBATIM = HERE / "verbatim"


class Failure(Exception):
    pass


def check(cond, what, got=None):
    if not cond:
        raise Failure(f"{what}" + (f"\n    got: {got!r}" if got is not None else ""))


class Emulator:
    """`gchat emulator --demo --port 0`; the first line of output is its URL."""

    def __init__(self, binary):
        self.proc = subprocess.Popen(
            [binary, "emulator", "--demo", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("http://"):
            self.stop()
            raise Failure(f"the emulator did not print its URL first: {line!r}")
        self.url = line + "/"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def client_behaviour(emu):
    """How google-api-python-client itself sees the emulator: errors, paging, People."""
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build
    from googleapiclient.errors import HttpError
    import json

    opts = {"api_endpoint": emu.url}
    chat = build("chat", "v1", credentials=Credentials(token="user:1001"), client_options=opts)

    def expect(status, call, what):
        try:
            call.execute()
        except HttpError as e:
            check(e.resp.status == status, f"{what}: HTTP {status}", e.resp.status)
            body = json.loads(e.content)
            check(body["error"]["code"] == status, f"{what}: envelope code", body)
            print(f"  ok  {what} -> {status} {body['error']['status']}")
            return body
        raise Failure(f"{what}: expected HTTP {status}, the call succeeded")

    expect(409, chat.spaces().create(body={"spaceType": "SPACE", "displayName": "Team Rust"}), "duplicate space name")
    expect(400, chat.spaces().messages().create(parent="spaces/AAAATeamRst", messageId="Bad_Id", body={"text": "x"}), "bad messageId")
    expect(404, chat.spaces().messages().get(name="spaces/AAAATeamRst/messages/nope.nope"), "unknown message")
    body = expect(400, chat.spaces().members().delete(name="spaces/AAAAFirehos/members/1001"), "last manager")
    check(body["error"]["status"] == "FAILED_PRECONDITION", "last manager status", body)
    ro = build("chat", "v1", credentials=Credentials(token="user:1001;scopes=chat.spaces.readonly"), client_options=opts)
    expect(403, ro.spaces().create(body={"spaceType": "SPACE", "displayName": "x"}), "missing scope")
    # On a 401 google-auth tries to refresh, as it would against Google; see the raw answer.
    import urllib.error
    import urllib.request
    req = urllib.request.Request(emu.url + "v1/spaces", headers={"Authorization": "Bearer nobody"})
    try:
        urllib.request.urlopen(req)
        raise Failure("a bad token was accepted")
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        check(e.code == 401 and body["error"]["status"] == "UNAUTHENTICATED", "bad token 401", body)
        print("  ok  bad token -> 401 UNAUTHENTICATED")

    # The library's own pager walks every page.
    req = chat.spaces().messages().list(parent="spaces/AAAAFirehos", pageSize=250)
    seen = []
    while req is not None:
        resp = req.execute()
        seen.extend(m["name"] for m in resp.get("messages", []))
        req = chat.spaces().messages().list_next(req, resp)
    check(len(seen) == 1200 and len(set(seen)) == 1200, "1200 firehose messages, each once", len(seen))
    print("  ok  list_next pages through 1200 messages")
    empty = chat.spaces().create(body={"spaceType": "SPACE", "displayName": "Quiet"}).execute()
    resp = chat.spaces().messages().list(parent=empty["name"]).execute()
    check(resp == {}, "an empty list is {}", resp)
    print("  ok  empty list is {}")

    people = build("people", "v1", credentials=Credentials(token="user:1001"), client_options=opts)
    resp = people.people().getBatchGet(resourceNames=["people/1008", "people/404"], personFields="names,emailAddresses").execute()
    r = {x["requestedResourceName"]: x for x in resp["responses"]}
    check(r["people/1008"]["person"]["names"][0]["displayName"] == "陈小明", "People batchGet name", resp)
    check(r["people/404"]["httpStatusCode"] == 404, "unknown person 404", resp)
    me = people.people().get(resourceName="people/me", personFields="emailAddresses").execute()
    check(me["emailAddresses"][0]["value"] == "alice@example.com", "people/me", me)
    print("  ok  People API batchGet and get")


def sync_methods(emu):
    """Read state, space events, search, notification settings and sections through
    google-api-python-client: each method, its errors, and two users in one emulator."""
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build
    from googleapiclient.errors import HttpError
    import datetime
    import json

    opts = {"api_endpoint": emu.url}

    def chat_as(token):
        return build("chat", "v1", credentials=Credentials(token=token), client_options=opts)

    alice, bob, bot = chat_as("user:1001"), chat_as("user:1002"), chat_as("app")

    def expect(status, call, what):
        try:
            call.execute()
        except HttpError as e:
            body = json.loads(e.content)
            check(e.resp.status == status and body["error"]["code"] == status, f"{what}: HTTP {status}", body)
            print(f"  ok  {what} -> {status} {body['error']['status']}")
            return body
        raise Failure(f"{what}: expected HTTP {status}, the call succeeded")

    # Read state: Bob posts, Alice's does not move; Alice posts, hers advances.
    team = "spaces/AAAATeamRst"
    rs = alice.users().spaces().getSpaceReadState(name=f"users/me/{team}/spaceReadState").execute()
    check(rs["name"] == f"users/1001/{team}/spaceReadState" and "lastReadTime" in rs, "read state", rs)
    posted = bob.spaces().messages().create(parent=team, body={"text": "conformance from Bob"}).execute()
    rs2 = alice.users().spaces().getSpaceReadState(name=f"users/me/{team}/spaceReadState").execute()
    check(rs2["lastReadTime"] == rs["lastReadTime"], "Bob's post leaves Alice's read state", (rs, rs2))
    mine = alice.spaces().messages().create(parent=team, body={"text": "conformance from Alice"}).execute()
    rs3 = alice.users().spaces().getSpaceReadState(name=f"users/alice@example.com/{team}/spaceReadState").execute()
    check(rs3["lastReadTime"] == mine["createTime"], "Alice's post advances hers", (rs3, mine))
    up = alice.users().spaces().updateSpaceReadState(
        name=f"users/me/{team}/spaceReadState", updateMask="lastReadTime",
        body={"lastReadTime": "2999-01-01T00:00:00Z"}).execute()
    check(up["lastReadTime"] == mine["createTime"], "a later time is coerced to the latest message", up)
    thread = mine["thread"]["name"].split("/threads/")[1]
    trs = alice.users().spaces().threads().getThreadReadState(
        name=f"users/me/{team}/threads/{thread}/threadReadState").execute()
    check(trs["lastReadTime"] == mine["createTime"], "thread read state", trs)
    print("  ok  getSpaceReadState, updateSpaceReadState, getThreadReadState")
    expect(403, alice.users().spaces().getSpaceReadState(name=f"users/1002/{team}/spaceReadState"), "another user's read state")
    expect(403, bot.users().spaces().getSpaceReadState(name=f"users/me/{team}/spaceReadState"), "read state with app auth")
    expect(400, alice.users().spaces().updateSpaceReadState(name=f"users/me/{team}/spaceReadState", body={"lastReadTime": "2024-01-01T00:00:00Z"}), "read state without updateMask")

    # Space events: the posts above are events; pages resume exactly.
    created = "google.workspace.chat.message.v1.created"
    flt = f'event_types:"{created}" OR event_types:"google.workspace.chat.message.v1.deleted"'
    req = alice.spaces().spaceEvents().list(parent=team, filter=flt, pageSize=1)
    seen = []
    while req is not None:
        resp = req.execute()
        seen.extend(resp.get("spaceEvents", []))
        req = alice.spaces().spaceEvents().list_next(req, resp)
    names = [e["messageCreatedEventData"]["message"]["name"] for e in seen if e["eventType"] == created]
    check(names == [posted["name"], mine["name"]], "message events in order, one page each", names)
    one = alice.spaces().spaceEvents().get(name=seen[0]["name"]).execute()
    check(one == seen[0], "spaceEvents.get", (one, seen[0]))
    print("  ok  spaceEvents.list (list_next) and spaceEvents.get")
    expect(400, alice.spaces().spaceEvents().list(parent=team, filter='start_time="2024-01-01T00:00:00Z"'), "events without an event type")
    expect(403, bot.spaces().spaceEvents().list(parent=team, filter=f'event_types:"{created}"'), "events with chat.bot")

    # Search across spaces.
    res = alice.spaces().messages().search(parent="spaces/-", body={"filter": '"conformance from" sender.name="users/1002"'}).execute()
    got = [r["message"]["name"] for r in res.get("results", [])]
    check(got == [posted["name"]], "search by phrase and sender", res)
    full = alice.spaces().messages().search(parent="spaces/-", body={"filter": "conformance", "view": "SEARCH_MESSAGES_VIEW_FULL"}).execute()
    check([r["read"] for r in full["results"]] == [True, True], "search FULL view reports read", full)
    print("  ok  messages.search")
    expect(400, alice.spaces().messages().search(parent=team, body={"filter": "x"}), "search with a parent other than spaces/-")
    expect(400, alice.spaces().messages().search(parent="spaces/-", body={"filter": 'x OR sender.name="users/1"'}), "search with OR across fields")

    # Notification settings.
    fire = "users/me/spaces/AAAAFirehos/spaceNotificationSetting"
    ns = alice.users().spaces().spaceNotificationSetting().get(name=fire).execute()
    check(ns["muteSetting"] == "MUTED", "the demo firehose is muted", ns)
    ns = alice.users().spaces().spaceNotificationSetting().patch(name=fire, updateMask="muteSetting", body={"muteSetting": "UNMUTED"}).execute()
    check(ns["muteSetting"] == "UNMUTED", "unmuted", ns)
    print("  ok  spaceNotificationSetting.get and .patch")
    expect(400, alice.users().spaces().spaceNotificationSetting().patch(name="users/me/spaces/AAAADmBobLi/spaceNotificationSetting", updateMask="notificationSetting", body={"notificationSetting": "FOR_YOU"}), "FOR_YOU in a 1:1 DM")

    # Sections.
    secs = alice.users().sections().list(parent="users/me").execute()["sections"]
    check(secs[0]["displayName"] == "Projects" and secs[0]["type"] == "CUSTOM_SECTION", "the demo's custom section", secs)
    new = alice.users().sections().create(parent="users/me", body={"type": "CUSTOM_SECTION", "displayName": "Conformance"}).execute()
    check(new["displayName"] == "Conformance" and new["sortOrder"] == len(secs) + 1, "section created", new)
    ren = alice.users().sections().patch(name=new["name"], updateMask="displayName", body={"displayName": "Renamed"}).execute()
    check(ren["displayName"] == "Renamed", "section renamed", ren)
    pos = alice.users().sections().position(name=new["name"], body={"relativePosition": "START"}).execute()
    check(pos["section"]["sortOrder"] == 1, "section positioned", pos)
    items = alice.users().sections().items().list(parent="users/me/sections/default-direct-messages").execute()["sectionItems"]
    dm = [i for i in items if i["space"] == "spaces/AAAADmBobLi"]
    check(len(dm) == 1, "the DM is in the default DMs section", items)
    mv = alice.users().sections().items().move(name=dm[0]["name"], body={"targetSection": new["name"]}).execute()
    check(mv["sectionItem"]["name"] == new["name"] + "/items/AAAADmBobLi", "item moved", mv)
    found = alice.users().sections().items().list(parent="users/me/sections/-", filter="space = spaces/AAAADmBobLi").execute()
    check(found["sectionItems"][0]["name"] == mv["sectionItem"]["name"], "item found across sections", found)
    check(alice.users().sections().delete(name=new["name"]).execute() == {}, "section deleted")
    print("  ok  sections list, create, patch, position, delete; items list, move")
    expect(400, alice.users().sections().delete(name="users/me/sections/default-spaces"), "deleting a default section")
    expect(403, bot.users().sections().list(parent="users/me"), "sections with app auth")


# Stands in for the person at the browser, in the background: opens the consent page (which
# consents at once), then visits the loopback address it redirects to, as a browser would.
# The callback connection is closed with a reset: the sample's server binds its port
# without SO_REUSEADDR, so an orderly close would leave that port in TIME_WAIT for a minute
# and the next sample could not bind it.
BROWSER_SCRIPT = r"""#!/usr/bin/env python3
import os, sys
if os.fork():
    sys.exit(0)
os.setsid()
import socket, struct, time, urllib.error, urllib.parse, urllib.request

class Stop(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

time.sleep(0.3)
try:
    urllib.request.build_opener(Stop).open(sys.argv[1])
    sys.exit(1)
except urllib.error.HTTPError as e:
    location = e.headers["Location"]
u = urllib.parse.urlsplit(location)
s = socket.create_connection((u.hostname, u.port))
s.sendall(f"GET {u.path or '/'}?{u.query} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode())
while s.recv(65536):
    pass
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
"""


def verbatim(emu):
    """The guides' samples as written: user sign-in with InstalledAppFlow.run_local_server()
    and client_secrets.json, the app with oauth2client and service_account.json. The
    credential files come from the emulator, as they would from the Cloud console."""
    import json
    import tempfile
    import urllib.request

    work = Path(tempfile.mkdtemp(prefix="gchat-verbatim-"))
    for what, name in [("oauth-clients", "client_secrets.json"), ("service-accounts", "service_account.json")]:
        req = urllib.request.Request(emu.url + "emulator/" + what, method="POST")
        (work / name).write_bytes(urllib.request.urlopen(req).read())
    browser = work / "browser"
    browser.write_text(BROWSER_SCRIPT)
    browser.chmod(0o755)
    env = dict(os.environ)
    env.update({
        "GCHAT_ENDPOINT": emu.url,
        "BROWSER": str(browser),
        # The emulator speaks plain HTTP on loopback; oauthlib insists on HTTPS otherwise.
        "OAUTHLIB_INSECURE_TRANSPORT": "1",
    })

    def run(script, **edits):
        text = (VERBATIM / script).read_text()
        # What the guides ask the reader to do: replace SPACE, USER, MEMBER, MESSAGE (and,
        # to remove a person rather than the app, the scope).
        for k, v in edits.items():
            if k not in text:
                raise Failure(f"{script} has no {k!r} to replace")
            text = text.replace(k, v)
        (work / script).write_text(text)
        out = subprocess.run([sys.executable, script], cwd=work, env=env, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise Failure(f"{script} failed:\n{out.stderr.strip()[-2000:]}")
        printed = out.stdout.strip().splitlines()[-1]
        try:
            result = ast.literal_eval(printed)
        except (ValueError, SyntaxError) as e:
            raise Failure(f"{script} printed something that is not a result: {printed!r} ({e})")
        print(f"  ok  {script} (as written)")
        return result

    space = run("chat_space_create_named.py")
    check(space.get("displayName") == "API-made" and space.get("spaceType") == "SPACE", "named space", space)
    sid = space["name"].split("/", 1)[1]
    m = run("chat_membership_user_create.py", SPACE=sid, USER="1002")
    check(m.get("state") == "JOINED" and m["member"]["name"] == "users/1002", "Bob added", m)
    m = run("chat_membership_user_create.py", SPACE=sid, USER="carol@example.com")
    check(m.get("state") == "INVITED", "Carol is invited (auto-accept off)", m)
    check(m["member"]["name"] == "users/1005", "the email alias resolves to the id", m)
    m = run("chat_membership_app_create.py", SPACE=sid)
    check(m["member"]["type"] == "BOT" and m.get("state") == "JOINED", "the app added", m)
    app_member = m["name"].rsplit("/", 1)[1]
    text = run("chat_create_text_message.py", SPACE=sid)
    check(text.get("text") == "Hello, world!" and text["sender"]["type"] == "BOT", "text from the app", text)
    card = run("chat_create_card_message.py", SPACE=sid)
    check(card["cardsV2"][0]["cardId"] == "createCardMessage", "card", card)
    t1 = run("chat_create_message_thread.py", SPACE=sid)
    t2 = run("chat_create_message_thread.py", SPACE=sid)
    check(t1["thread"]["name"] == t2["thread"]["name"] and t2.get("threadReply") is True, "thread", (t1, t2))
    named = run("chat_create_named_message.py", SPACE=sid)
    check(named.get("clientAssignedMessageId") == "client-custom-name", "custom name", named)
    mid = text["name"].rsplit("/", 1)[1]
    read = run("chat_read_message.py", SPACE=sid, MESSAGE=mid)
    check(read["name"] == text["name"], "read", read)
    upd = run("chat_update_text_message.py", SPACE=sid, MESSAGE=mid)
    check(upd.get("text") == "Updated message!", "text updated", upd)
    upd = run("chat_update_card_message.py", SPACE=sid, MESSAGE=mid)
    check(upd["cardsV2"][0]["cardId"] == "updateCardMessage", "card updated", upd)
    gone = run("chat_delete_message.py", SPACE=sid, MESSAGE=mid)
    check(gone == {}, "deleted", gone)
    d = run("chat_membership_delete.py", SPACE=sid, MEMBER="app")
    check(d == {"name": f"spaces/{sid}/members/{app_member}", "state": "NOT_A_MEMBER"}, "the app removed", d)
    # "To remove a user, specify the chat.memberships scope": the guide's own instruction.
    people_scope = {"auth/chat.memberships.app": "auth/chat.memberships"}
    d = run("chat_membership_delete.py", SPACE=sid, MEMBER="1002", **people_scope)
    check(d == {"name": f"spaces/{sid}/members/1002", "state": "NOT_A_MEMBER"}, "Bob removed", d)


class _SchemeMover:
    """Wraps an httplib2.Http: google-api-python-client sends media uploads to the
    api_endpoint's host but keeps the discovery document's https scheme; the emulator
    speaks plain HTTP on loopback, so requests to it go out as http."""

    def __init__(self, inner, base):
        self.inner = inner
        self.https = "https://" + base.split("://", 1)[1]
        self.http = base
        self.moved = 0

    def request(self, uri, *args, **kwargs):
        if uri.startswith(self.https):
            uri = self.http + uri[len(self.https):]
            self.moved += 1
        return self.inner.request(uri, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def conversation(emu):
    """Issue #10's methods through the library: reactions, media upload (multipart and
    resumable) and download, attachments.get, quotes, pins, custom emoji, Markdown,
    findDirectMessage and setup."""
    import io
    import json
    import tempfile
    import google_auth_httplib2
    from google.oauth2.credentials import Credentials
    from googleapiclient.discovery import build
    from googleapiclient.errors import HttpError
    from googleapiclient.http import MediaFileUpload, MediaIoBaseDownload, build_http

    base = emu.url.rstrip("/")
    movers = []

    def chat_for(token):
        # build_http(), as the library itself does: it keeps 308 (the resumable
        # protocol's "resume incomplete") from being followed as a redirect.
        mover = _SchemeMover(build_http(), base)
        movers.append(mover)
        http = google_auth_httplib2.AuthorizedHttp(Credentials(token=token), http=mover)
        return build("chat", "v1", http=http, client_options={"api_endpoint": emu.url})

    def expect(status, call, what):
        try:
            call.execute()
        except HttpError as e:
            check(e.resp.status == status, f"{what}: HTTP {status}", (e.resp.status, e.content[:300]))
            body = json.loads(e.content)
            check(body["error"]["code"] == status, f"{what}: envelope code", body)
            print(f"  ok  {what} -> {status} {body['error']['status']}")
            return body
        raise Failure(f"{what}: expected HTTP {status}, the call succeeded")

    alice, bob, app = chat_for("user:1001"), chat_for("user:1002"), chat_for("app")
    space = "spaces/AAAATeamRst"
    msgs = alice.spaces().messages()

    # Reactions.
    m = msgs.create(parent=space, body={"text": "conformance: react"}).execute()
    reactions = msgs.reactions()
    r = reactions.create(parent=m["name"], body={"emoji": {"unicode": "👍"}}).execute()
    check(r["name"].startswith(m["name"] + "/reactions/") and r["user"]["name"] == "users/1001", "reaction", r)
    expect(409, reactions.create(parent=m["name"], body={"emoji": {"unicode": "👍"}}), "duplicate reaction")
    bob.spaces().messages().reactions().create(parent=m["name"], body={"emoji": {"unicode": "👍"}}).execute()
    bob.spaces().messages().reactions().create(parent=m["name"], body={"emoji": {"unicode": "🎉"}}).execute()
    got = msgs.get(name=m["name"]).execute()
    sums = {s["emoji"]["unicode"]: s["reactionCount"] for s in got["emojiReactionSummaries"]}
    check(sums == {"👍": 2, "🎉": 1}, "emojiReactionSummaries", got.get("emojiReactionSummaries"))
    listed = reactions.list(parent=m["name"], filter='emoji.unicode = "👍" AND user.name = "users/1002"').execute()
    check(len(listed["reactions"]) == 1, "filtered reactions", listed)
    expect(400, reactions.list(parent=m["name"], filter='emoji.unicode = "👍" OR user.name = "users/1002"'), "invalid reactions filter")
    expect(403, reactions.delete(name=listed["reactions"][0]["name"]), "deleting another's reaction")
    check(reactions.delete(name=r["name"]).execute() == {}, "reaction deleted")
    print("  ok  reactions create/list/delete and summaries")

    # Custom emoji.
    emojis = alice.customEmojis().list().execute()["customEmojis"]
    check(any(e["emojiName"] == ":party-parrot:" for e in emojis), "custom emoji listed", emojis)
    one = alice.customEmojis().get(name=emojis[0]["name"]).execute()
    check(one["uid"] == emojis[0]["uid"], "custom emoji get", one)
    r = reactions.create(parent=m["name"], body={"emoji": {"customEmoji": {"uid": one["uid"]}}}).execute()
    check(r["emoji"]["customEmoji"]["uid"] == one["uid"], "custom emoji reaction", r)
    import base64
    made = alice.customEmojis().create(body={"emojiName": ":conformance-crab:", "payload": {
        "fileContent": base64.b64encode(b"\x89PNG\r\n\x1a\n...").decode(), "filename": "crab.png"}}).execute()
    check(made["emojiName"] == ":conformance-crab:" and made["name"].startswith("customEmojis/"), "custom emoji created", made)
    expect(409, alice.customEmojis().create(body={"emojiName": ":conformance-crab:", "payload": {
        "fileContent": "AAAA", "filename": "crab.png"}}), "duplicate custom emoji name")
    expect(403, bob.customEmojis().delete(name=made["name"]), "deleting another's custom emoji")
    check(alice.customEmojis().delete(name=made["name"]).execute() == {}, "custom emoji deleted")
    print("  ok  customEmojis list/get/create/delete and a custom reaction")

    # Media: multipart (a small file) and resumable (several chunks).
    work = Path(tempfile.mkdtemp(prefix="gchat-media-"))
    small = work / "notes.txt"
    small.write_bytes(b"line one\r\nline two\n\r" + bytes(range(256)) + b"\r")
    up = alice.media().upload(
        parent=space, body={"filename": small.name}, media_body=MediaFileUpload(str(small), mimetype="text/plain")
    ).execute()
    check("attachmentUploadToken" in up["attachmentDataRef"], "multipart upload", up)
    big = work / "photo.png"
    data = bytes((i * 7) % 251 for i in range(600 * 1024 + 17))
    big.write_bytes(data)
    media = MediaFileUpload(str(big), mimetype="image/png", resumable=True, chunksize=256 * 1024)
    req = alice.media().upload(parent=space, body={"filename": big.name}, media_body=media)
    resp, chunks = None, 0
    while resp is None:
        status, resp = req.next_chunk()
        chunks += 1
    check(chunks >= 3, "resumable upload in chunks", chunks)
    check(sum(m.moved for m in movers) >= 2, "uploads went through the scheme mover")
    sent = msgs.create(parent=space, body={
        "text": "<users/9000> two files",
        "attachment": [{"attachmentDataRef": up["attachmentDataRef"]}, {"attachmentDataRef": resp["attachmentDataRef"]}],
    }).execute()
    atts = sent["attachment"]
    check([a["contentName"] for a in atts] == ["notes.txt", "photo.png"], "attachments on the message", atts)
    check(all(a["source"] == "UPLOADED_CONTENT" and "downloadUri" in a for a in atts), "attachment fields", atts)
    check("thumbnailUri" in atts[1], "an image has a thumbnail", atts[1])
    got = app.spaces().messages().attachments().get(name=atts[1]["name"]).execute()
    check(got == atts[1], "attachments.get (app)", got)
    expect(403, alice.spaces().messages().attachments().get(name=atts[1]["name"]), "attachments.get needs app auth")
    for a, want in [(atts[0], small.read_bytes()), (atts[1], data)]:
        buf = io.BytesIO()
        dl = MediaIoBaseDownload(buf, bob.media().download_media(resourceName=a["attachmentDataRef"]["resourceName"]), chunksize=100 * 1024)
        done = False
        while not done:
            _, done = dl.next_chunk()
        check(buf.getvalue() == want, f"download of {a['contentName']} is byte-identical", len(buf.getvalue()))
    expect(400, alice.media().upload(parent=space, body={"filename": "setup.exe"}, media_body=MediaFileUpload(str(small), mimetype="application/octet-stream")), "blocked file type")
    print("  ok  media upload (multipart, resumable), attachments.get, media download")

    # Quotes.
    q = {"name": m["name"], "lastUpdateTime": m["createTime"]}
    quoting = msgs.create(parent=space, body={"text": "quoting", "quotedMessageMetadata": q}).execute()
    check(quoting["quotedMessageMetadata"]["name"] == m["name"], "quote returned", quoting)
    msgs.patch(name=m["name"], updateMask="text", body={"text": "edited"}).execute()
    expect(400, msgs.create(parent=space, body={"text": "stale", "quotedMessageMetadata": q}), "stale quote")
    print("  ok  quotedMessageMetadata")

    # Pins (user authentication only).
    pins = alice.spaces().messagePins()
    pin = pins.create(parent=space, body={"message": m["name"]}).execute()
    check(pin["name"] == space + "/messagePins/" + m["name"].rsplit("/", 1)[1], "pin name", pin)
    check(any(p["message"] == m["name"] for p in pins.list(parent=space).execute()["messagePins"]), "pin listed")
    expect(409, pins.create(parent=space, body={"message": m["name"]}), "duplicate pin")
    expect(403, app.spaces().messagePins().list(parent=space), "pins need user auth")
    check(pins.delete(name=pin["name"]).execute() == {}, "pin deleted")
    print("  ok  messagePins list/create/delete")

    # Markdown and rich links.
    md = msgs.create(parent=space, body={
        "text": "**bold** [doc](https://docs.google.com/document/d/AbC123/edit)",
        "markupSyntax": "MARKUP_SYNTAX_MARKDOWN",
    }).execute()
    check(md["formattedText"] == "*bold* <https://docs.google.com/document/d/AbC123/edit|doc>", "Markdown read", md)
    rich = [a for a in md.get("annotations", []) if a["type"] == "RICH_LINK"]
    check(len(rich) == 1 and rich[0]["richLinkMetadata"]["richLinkType"] == "DRIVE_FILE", "rich link", md)
    print("  ok  Markdown and RICH_LINK annotations")

    # DMs.
    expect(400, alice.spaces().findDirectMessage(name="users/1001"), "findDirectMessage with oneself")
    g = alice.spaces().setup(body={"space": {"spaceType": "GROUP_CHAT"}, "memberships": [
        {"member": {"name": "users/1003", "type": "HUMAN"}}, {"member": {"name": "users/1004", "type": "HUMAN"}}]}).execute()
    check(g["spaceType"] == "GROUP_CHAT", "group chat set up", g)
    print("  ok  findDirectMessage and setup")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("GCHAT_BIN", "target/debug/gchat"))
    args = ap.parse_args()
    failures = 0
    suites = [
        ("seed guide samples as written (OAuth: installed-app flow and service account)", verbatim),
        ("client library behaviour", client_behaviour),
        ("conversation features (reactions, media, quotes, pins, emoji, DMs)", conversation),
        ("read state, space events, search, notification settings, sections", sync_methods),
    ]
    for name, suite in suites:
        print(f"{name}:")
        emu = Emulator(args.bin)
        started = time.time()
        try:
            suite(emu)
            print(f"  passed in {time.time() - started:.1f}s")
        except Failure as e:
            failures += 1
            print(f"  FAILED: {e}")
        except Exception as e:  # a crash in the library or the script is a failure too
            failures += 1
            print(f"  FAILED with {type(e).__name__}: {e}")
        finally:
            emu.stop()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
