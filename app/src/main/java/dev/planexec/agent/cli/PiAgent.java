package dev.planexec.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.NpmCli;
import dev.planexec.agent.SessionRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pi ({@code npm install -g @mariozechner/pi-coding-agent}): {@code pi -p --mode json --session PATH PROMPT}. planexec
 * chooses the session file, {@code <state>/pi/<id>.jsonl} (0600, named from the sanitized id), and passes the same
 * file to go on: Pi creates it if missing, so Resume checks first that it is still there. Pi's stream
 * ({@code agent_*}, {@code turn_*}, {@code message_*}, {@code tool_execution_*}) carries ids of Pi's own (messages,
 * tool calls) that are never taken for the session's. Clean Up removes the session file.
 */
public final class PiAgent extends CliAgent {

    @Override
    public String name() {
        return "pi";
    }

    @Override
    public Optional<NpmCli> npm() {
        return Optional.of(new NpmCli("@mariozechner/pi-coding-agent", "0.73.1", "node_modules/.bin/pi"));
    }

    @Override
    protected SignIn signIn() {
        return new SignIn(
                List.of("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY"),
                List.of(".pi/agent/auth.json", ".pi/agent/models.json"),
                "run 'pi' once and /login, or set a provider's key such as ANTHROPIC_API_KEY");
    }

    @Override
    protected String sessionFileSuffix() {
        return ".jsonl";
    }

    @Override
    protected List<String> arguments(Invocation run) {
        List<String> args = new ArrayList<>(
                List.of("-p", "--mode", "json", "--session", run.sessionFile().toString()));
        addModel(args, run);
        args.add(run.prompt());
        return args;
    }

    @Override
    protected void onEvent(JsonNode event, Turn turn) {
        switch (event.path("type").asText()) {
            case "message_update" -> {
                JsonNode update = event.path("assistantMessageEvent");
                if ("text_delta".equals(update.path("type").asText())) {
                    turn.delta(update.path("delta").asText());
                }
            }
            case "message_end" -> {
                JsonNode message = event.path("message");
                if ("assistant".equals(message.path("role").asText())) {
                    // Each assistant message is one model call, with its own usage.
                    JsonNode usage = message.path("usage");
                    JsonNode cost = usage.path("cost").path("total");
                    turn.usage(
                            usage.path("input").asLong(0),
                            usage.path("output").asLong(0),
                            usage.path("cacheRead").asLong(0),
                            cost.isNumber() ? cost.asDouble() : null);
                    String stop = message.path("stopReason").asText("");
                    if ("error".equals(stop)) {
                        turn.failed("pi: " + message.path("errorMessage").asText("the model call failed"));
                    } else {
                        turn.messageEnded(text(message.path("content")));
                    }
                }
            }
            case "tool_execution_start" -> {
                turn.newMessage();
                turn.emit(new AgentEvent.ToolStart(
                        event.path("toolCallId").asText(),
                        event.path("toolName").asText(),
                        brief(event.path("args"))));
            }
            case "tool_execution_end" ->
                turn.emit(new AgentEvent.ToolEnd(
                        event.path("toolCallId").asText(),
                        event.path("toolName").asText(),
                        !event.path("isError").asBoolean(false),
                        oneLine(text(event.path("result").path("content")))));
            case "agent_end" -> {
                if (turn.error() == null) {
                    turn.completed(null);
                }
            }
            default -> {}
        }
    }

    @Override
    protected void deleteStored(SessionRecord record, List<String> ids, Map<String, String> env) throws AgentException {
        List<Path> files = new ArrayList<>();
        if (record != null && record.sessionFile() != null) {
            files.add(Path.of(record.sessionFile()));
        }
        StoredFiles.removeAll(name(), files);
    }
}
