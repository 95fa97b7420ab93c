package dev.planexec.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.SessionRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Cursor's agent CLI ({@code cursor-agent}, installed with {@code curl https://cursor.com/install -fsS | bash}; not on
 * npm): {@code cursor-agent create-chat} prints a new chat's id, which planexec saves to the plan before the first
 * prompt, and every run is {@code cursor-agent -p PROMPT --output-format stream-json --resume ID}. Its stream:
 * {@code system}, {@code user}, {@code assistant}, {@code tool_call} and a closing {@code result} (with
 * {@code session_id}). Cursor keeps a chat in {@code ~/.cursor/chats/<folder>/<id>/}; Clean Up removes that folder
 * where it finds it, and says so where it does not (Cursor has no command to delete a chat).
 */
public final class CursorAgent extends CliAgent {

    @Override
    public String name() {
        return "cursor";
    }

    @Override
    protected String executable() {
        return "cursor-agent";
    }

    @Override
    protected String installHint() {
        return "install Cursor's CLI with 'curl https://cursor.com/install -fsS | bash'";
    }

    @Override
    protected boolean learnsId() {
        return true;
    }

    @Override
    protected List<String> createArguments() {
        return List.of("create-chat");
    }

    @Override
    protected List<String> arguments(Invocation run) {
        List<String> args = new ArrayList<>(List.of("-p", run.prompt(), "--output-format", "stream-json"));
        args.add("--resume");
        args.add(run.sessionId());
        addModel(args, run);
        return args;
    }

    @Override
    protected void onEvent(JsonNode event, Turn turn) {
        switch (event.path("type").asText()) {
            case "system" -> turn.sessionId(event.path("session_id").asText(null));
            case "assistant" -> turn.message(text(event.path("message").path("content")));
            case "tool_call" -> {
                String callId = event.path("call_id").asText();
                JsonNode call = event.path("tool_call");
                Iterator<String> kinds = call.fieldNames();
                String kind = kinds.hasNext() ? kinds.next() : "tool";
                JsonNode body = call.path(kind);
                String tool = kind.replaceFirst("ToolCall$", "");
                if ("started".equals(event.path("subtype").asText())) {
                    turn.newMessage();
                    turn.emit(new AgentEvent.ToolStart(callId, tool, brief(body.path("args"))));
                } else if ("completed".equals(event.path("subtype").asText())) {
                    boolean ok = !body.path("result").has("error")
                            && !body.path("result").has("failure");
                    turn.emit(new AgentEvent.ToolEnd(
                            callId,
                            tool,
                            ok,
                            ok ? "" : oneLine(body.path("result").toString())));
                }
            }
            case "result" -> {
                turn.sessionId(event.path("session_id").asText(null));
                if (event.path("is_error").asBoolean(false)
                        || !"success".equals(event.path("subtype").asText("success"))) {
                    turn.failed("cursor: "
                            + event.path("result").asText(event.path("subtype").asText("error")));
                } else {
                    turn.completed(event.path("result").asText(null));
                }
            }
            default -> {}
        }
    }

    @Override
    protected void deleteStored(SessionRecord record, List<String> ids, Map<String, String> env) throws AgentException {
        Path chats = StoredFiles.home(env, "CURSOR_CONFIG_DIR", ".cursor").resolve("chats");
        List<Path> found;
        try {
            found = StoredFiles.find(chats, 2, n -> ids.contains(n));
        } catch (IOException e) {
            throw new AgentException("cannot look for cursor's chats in " + chats + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new AgentException("cursor-agent keeps chat " + String.join(", ", ids) + " where planexec cannot"
                    + " find it (not under " + chats + ") and has no command to delete a chat; planexec's record of it"
                    + " is removed");
        }
        StoredFiles.removeAll(name(), found);
    }
}
