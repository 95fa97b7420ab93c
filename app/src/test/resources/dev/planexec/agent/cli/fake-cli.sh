#!/bin/sh
# A stand-in for the coding-agent CLIs (claude, codex, gemini, pi, cursor-agent) in planexec's contract tests.
# It appends its arguments (one "arg: ..." line each) and PLANEXEC_SESSION_ID to $FAKE_RECORD, then prints the canned
# stream $FAKE_FIXTURES/$FAKE_AGENT-normal.jsonl with @ID@ replaced by the session id, as $FAKE_MODE says:
#   normal  the whole stream, exit 0
#   crash   two lines of it, then lines on stderr, exit 3
#   hang    one line of it, then sleeps (in $FAKE_SLEEP, a marked copy of sleep, with a second one in the background)
# A resume of the session $FAKE_REJECT_ID is refused the way that CLI refuses an unknown session.
# With $FAKE_RESUME_AS set, a resumed session reports that id in its stream instead (a CLI that moves a session to a
# new id when it goes on in it).
{
  echo "--- run"
  for a in "$@"; do printf 'arg: %s\n' "$a"; done
  echo "env PLANEXEC_SESSION_ID=$PLANEXEC_SESSION_ID"
} >> "$FAKE_RECORD"

# A new session after a rejected one gets another id.
new_id="$FAKE_NEW_ID"
[ -n "$FAKE_REJECT_ID" ] && new_id="$FAKE_NEW_ID2"

if [ "$1" = "create-chat" ]; then   # cursor-agent
  echo "$new_id"
  exit 0
fi

id=""; resume=""; prev=""
for a in "$@"; do
  case "$prev" in
    --session-id) id="$a" ;;
    --resume) id="$a"; resume=yes ;;
    --session) id="$a"; [ -s "$a" ] && resume=yes; echo '{"type":"session","id":"pi-own-session-uuid"}' >> "$a" ;;
    resume) [ "$FAKE_AGENT" = codex ] && { id="$a"; resume=yes; } ;;
  esac
  prev="$a"
done
[ -z "$id" ] && id="$new_id"   # codex names a new session itself

if [ -n "$resume" ] && [ "$id" = "$FAKE_REJECT_ID" ]; then
  case "$FAKE_AGENT" in
    claude)
      echo '{"type":"result","subtype":"error_during_execution","is_error":true,"session_id":"'"$id"'","errors":["No conversation found with session ID: '"$id"'"]}'
      echo "No conversation found with session ID: $id" >&2; exit 1 ;;
    codex) echo "Error: thread/resume: thread/resume failed: no rollout found for thread id $id (code -32600)" >&2; exit 1 ;;
    gemini) echo "Error resuming session: Invalid session identifier \"$id\"." >&2; exit 42 ;;
    *) echo "Error: chat $id not found" >&2; exit 1 ;;
  esac
fi

[ -n "$resume" ] && [ -n "$FAKE_RESUME_AS" ] && id="$FAKE_RESUME_AS"

stream="$FAKE_FIXTURES/$FAKE_AGENT-normal.jsonl"
case "${FAKE_MODE:-normal}" in
  normal)
    sed "s|@ID@|$id|g" "$stream" ;;
  crash)
    sed "s|@ID@|$id|g" "$stream" | head -n 2
    echo "warming up" >&2
    echo "fatal: lost the connection to the model" >&2
    echo "giving up after 3 tries" >&2
    exit 3 ;;
  hang)
    sed "s|@ID@|$id|g" "$stream" | head -n 1
    "$FAKE_SLEEP" 300 &
    "$FAKE_SLEEP" 300
    exit 0 ;;
esac
