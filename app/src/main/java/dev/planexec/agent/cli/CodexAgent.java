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

/**
 * Codex CLI ({@code npm install -g @openai/codex}): {@code codex exec --json PROMPT}, resumed with
 * {@code codex exec resume ID PROMPT}. Codex names its sessions itself: the id is learned from
 * {@code thread.started.thread_id} and saved to the plan the moment it appears; until then the plan holds planexec's
 * placeholder, which Resume knows has no conversation behind it. Its stream: {@code thread.*}, {@code turn.*},
 * {@code item.*} and {@code error}. Codex keeps a session as
 * {@code <home>/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl}, {@code <home>} being {@code $CODEX_HOME} or
 * {@code ~/.codex}; Clean Up removes that file.
 */
public final class CodexAgent extends CliAgent {

    @Override
    public String name() {
        return "codex";
    }

    @Override
    public Optional<NpmCli> npm() {
        return Optional.of(new NpmCli("@openai/codex", "0.169.0", "node_modules/.bin/codex"));
    }

    @Override
    protected SignIn signIn() {
        return new SignIn(
                List.of("OPENAI_API_KEY", "CODEX_API_KEY"),
                List.of(".codex/auth.json"),
                "run 'codex login', or set OPENAI_API_KEY");
    }

    @Override
    protected boolean learnsId() {
        return true;
    }

    @Override
    protected List<String> arguments(Invocation run) {
        // A plan's folder need not be a git repository.
        List<String> args = new ArrayList<>(List.of("exec", "--json", "--skip-git-repo-check"));
        addModel(args, run);
        if (run.sessionId() != null) {
            args.add("resume");
            args.add(run.sessionId());
        }
        args.add(run.prompt());
        return args;
    }

    @Override
    protected void onEvent(JsonNode event, Turn turn) {
        switch (event.path("type").asText()) {
            case "thread.started" -> turn.sessionId(event.path("thread_id").asText(null));
            case "item.started" -> {
                JsonNode item = event.path("item");
                String tool = tool(item);
                if (tool != null) {
                    turn.newMessage();
                    turn.emit(new AgentEvent.ToolStart(item.path("id").asText(), tool, detail(item)));
                }
            }
            case "item.completed" -> {
                JsonNode item = event.path("item");
                String type = item.path("type").asText();
                if ("agent_message".equals(type)) {
                    turn.message(item.path("text").asText());
                } else if ("error".equals(type)) {
                    turn.emit(new AgentEvent.Error(
                            "codex: " + item.path("message").asText()));
                } else if (tool(item) != null) {
                    boolean ok = !"failed".equals(item.path("status").asText())
                            && item.path("exit_code").asInt(0) == 0;
                    String detail = item.has("exit_code")
                            ? "exit code " + item.path("exit_code").asInt()
                            : item.path("status").asText("");
                    turn.emit(new AgentEvent.ToolEnd(item.path("id").asText(), tool(item), ok, detail));
                }
            }
            case "turn.completed" -> {
                JsonNode usage = event.path("usage");
                turn.usage(
                        usage.path("input_tokens").asLong(0),
                        usage.path("output_tokens").asLong(0),
                        usage.path("cached_input_tokens").asLong(0),
                        null);
                turn.completed(null);
            }
            case "turn.failed" ->
                turn.failed("codex: " + event.path("error").path("message").asText("turn failed"));
            case "error" ->
                turn.emit(new AgentEvent.Error("codex: " + event.path("message").asText()));
            default -> {}
        }
    }

    private static String tool(JsonNode item) {
        return switch (item.path("type").asText()) {
            case "command_execution" -> "shell";
            case "file_change" -> "edit";
            case "mcp_tool_call" -> item.path("tool").asText("mcp");
            case "web_search" -> "web_search";
            default -> null;
        };
    }

    private static String detail(JsonNode item) {
        if (item.has("command")) {
            return oneLine(item.path("command").asText());
        }
        if (item.has("changes")) {
            List<String> paths = new ArrayList<>();
            item.path("changes").forEach(c -> paths.add(c.path("path").asText()));
            return oneLine(String.join(", ", paths));
        }
        return brief(item.path("arguments"));
    }

    @Override
    protected void deleteStored(SessionRecord record, List<String> ids, Map<String, String> env) throws AgentException {
        Path sessions = StoredFiles.home(env, "CODEX_HOME", ".codex").resolve("sessions");
        try {
            StoredFiles.removeAll(
                    name(),
                    StoredFiles.find(
                            sessions,
                            4,
                            n -> n.startsWith("rollout-")
                                    && ids.stream().anyMatch(id -> n.endsWith("-" + id + ".jsonl"))));
        } catch (IOException e) {
            throw new AgentException("cannot look for codex's sessions in " + sessions + ": " + e.getMessage(), e);
        }
    }
}
