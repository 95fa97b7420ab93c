package dev.planexec.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.NpmCli;
import dev.planexec.agent.SessionRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Claude Code ({@code npm install -g @anthropic-ai/claude-code}):
 * {@code claude -p PROMPT --output-format stream-json --verbose}, a new session with {@code --session-id UUID}
 * (planexec chooses the UUID and saves it to the plan first), resumed with {@code --resume ID}. Its stream:
 * {@code system} (with {@code session_id}), {@code assistant} and {@code user} messages, and a closing {@code result}.
 * Claude keeps a session as {@code <config>/projects/<folder>/<id>.jsonl}, {@code <config>} being
 * {@code $CLAUDE_CONFIG_DIR} or {@code ~/.claude}; Clean Up removes that file.
 */
public final class ClaudeAgent extends CliAgent {

    @Override
    public String name() {
        return "claude";
    }

    @Override
    public Optional<NpmCli> npm() {
        return Optional.of(new NpmCli("@anthropic-ai/claude-code", "2.1.329", "node_modules/.bin/claude"));
    }

    @Override
    protected SignIn signIn() {
        return new SignIn(
                List.of("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"),
                List.of(".claude/.credentials.json"),
                "run 'claude' once and sign in with /login, or set ANTHROPIC_API_KEY");
    }

    /** Claude Code takes only a UUID; planexec's record of its sessions tells them from the user's. */
    @Override
    public String newSessionId(String planId, String taskId) {
        return UUID.randomUUID().toString();
    }

    @Override
    protected List<String> arguments(Invocation run) {
        List<String> args = new ArrayList<>(List.of("-p", run.prompt(), "--output-format", "stream-json", "--verbose"));
        args.add(run.resume() ? "--resume" : "--session-id");
        args.add(run.sessionId());
        addModel(args, run);
        return args;
    }

    @Override
    protected void onEvent(JsonNode event, Turn turn) {
        switch (event.path("type").asText()) {
            case "system" -> turn.sessionId(event.path("session_id").asText(null));
            case "assistant" -> {
                for (JsonNode block : event.path("message").path("content")) {
                    switch (block.path("type").asText()) {
                        case "text" -> turn.message(block.path("text").asText());
                        case "tool_use" -> {
                            turn.newMessage();
                            turn.emit(new AgentEvent.ToolStart(
                                    block.path("id").asText(),
                                    block.path("name").asText(),
                                    brief(block.path("input"))));
                        }
                        default -> {}
                    }
                }
            }
            case "user" -> {
                for (JsonNode block : event.path("message").path("content")) {
                    if ("tool_result".equals(block.path("type").asText())) {
                        boolean error = block.path("is_error").asBoolean(false);
                        turn.emit(new AgentEvent.ToolEnd(
                                block.path("tool_use_id").asText(), "", !error, oneLine(text(block.path("content")))));
                    }
                }
            }
            case "result" -> {
                turn.sessionId(event.path("session_id").asText(null));
                // The run's total; the assistant events' usage would count each call twice with it.
                JsonNode usage = event.path("usage");
                turn.usage(
                        usage.path("input_tokens").asLong(0),
                        usage.path("output_tokens").asLong(0),
                        usage.path("cache_read_input_tokens").asLong(0),
                        event.path("total_cost_usd").isNumber()
                                ? event.path("total_cost_usd").asDouble()
                                : null);
                if (event.path("is_error").asBoolean(false)
                        || !"success".equals(event.path("subtype").asText("success"))) {
                    String why = event.path("result").asText("");
                    if (why.isBlank()
                            && event.path("errors").isArray()
                            && !event.path("errors").isEmpty()) {
                        why = text(event.path("errors"));
                    }
                    turn.failed(
                            "claude: " + (why.isBlank() ? event.path("subtype").asText("error") : why));
                } else {
                    turn.completed(event.path("result").asText(null));
                }
            }
            default -> {}
        }
    }

    @Override
    protected void deleteStored(SessionRecord record, List<String> ids, Map<String, String> env) throws AgentException {
        Path projects = StoredFiles.home(env, "CLAUDE_CONFIG_DIR", ".claude").resolve("projects");
        try {
            // projects/<folder>/<id>.jsonl, and a folder of the same name where Claude kept more for the session
            StoredFiles.removeAll(name(), StoredFiles.find(projects, 2, n -> ids.stream()
                    .anyMatch(id -> n.equals(id + ".jsonl") || n.equals(id))));
        } catch (IOException e) {
            throw new AgentException("cannot look for claude's sessions in " + projects + ": " + e.getMessage(), e);
        }
    }
}
