package dev.planexec.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.NpmCli;
import dev.planexec.agent.SessionRecord;
import dev.planexec.agent.process.ProcessTrees;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gemini CLI ({@code npm install -g @google/gemini-cli}): {@code gemini -p PROMPT --output-format stream-json}, a new
 * session with {@code --session-id ID} (letters, digits, {@code -} and {@code _}: planexec's own ids fit), resumed
 * with {@code --resume ID}. Its stream: {@code init} (with {@code session_id}), {@code message}, {@code tool_use},
 * {@code tool_result}, {@code error} and a closing {@code result}. Clean Up runs {@code gemini --delete-session ID}
 * in the session's folder (Gemini keeps sessions per project folder).
 */
public final class GeminiAgent extends CliAgent {

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public Optional<NpmCli> npm() {
        return Optional.of(new NpmCli("@google/gemini-cli", "0.61.0", "node_modules/.bin/gemini"));
    }

    @Override
    protected SignIn signIn() {
        return new SignIn(
                List.of("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_APPLICATION_CREDENTIALS"),
                List.of(".gemini/oauth_creds.json"),
                "run 'gemini' once and sign in, or set GEMINI_API_KEY");
    }

    @Override
    protected List<String> arguments(Invocation run) {
        List<String> args = new ArrayList<>(List.of("-p", run.prompt(), "--output-format", "stream-json"));
        args.add(run.resume() ? "--resume" : "--session-id");
        args.add(run.sessionId());
        addModel(args, run);
        return args;
    }

    @Override
    protected void onEvent(JsonNode event, Turn turn) {
        switch (event.path("type").asText()) {
            case "init" -> turn.sessionId(event.path("session_id").asText(null));
            case "message" -> {
                if ("assistant".equals(event.path("role").asText())) {
                    if (event.path("delta").asBoolean(false)) {
                        turn.delta(event.path("content").asText());
                    } else {
                        turn.message(event.path("content").asText());
                    }
                }
            }
            case "tool_use" -> {
                turn.newMessage();
                turn.emit(new AgentEvent.ToolStart(
                        event.path("tool_id").asText(),
                        event.path("tool_name").asText(),
                        brief(event.path("parameters"))));
            }
            case "tool_result" -> {
                boolean ok = "success".equals(event.path("status").asText());
                String detail = ok
                        ? event.path("output").asText("")
                        : event.path("error").path("message").asText("error");
                turn.emit(new AgentEvent.ToolEnd(event.path("tool_id").asText(), "", ok, oneLine(detail)));
            }
            case "error" -> {
                String message = event.path("message").asText("error");
                if ("warning".equals(event.path("severity").asText())) {
                    turn.emit(new AgentEvent.Notice("gemini: " + message));
                } else {
                    turn.emit(new AgentEvent.Error("gemini: " + message));
                }
            }
            case "result" -> {
                JsonNode stats = event.path("stats");
                turn.usage(
                        stats.path("input_tokens").asLong(0),
                        stats.path("output_tokens").asLong(0),
                        stats.path("cached").asLong(stats.path("cached_tokens").asLong(0)),
                        null);
                if ("success".equals(event.path("status").asText("success"))) {
                    turn.completed(null);
                } else {
                    turn.failed("gemini: " + event.path("error").path("message").asText("the turn failed"));
                }
            }
            default -> {}
        }
    }

    @Override
    protected void deleteStored(SessionRecord record, List<String> ids, Map<String, String> env) throws AgentException {
        String cwd = record == null ? null : record.context().cwd();
        if (cwd == null || !Files.isDirectory(Path.of(cwd))) {
            throw new AgentException("gemini keeps session " + String.join(", ", ids) + " with the project folder it"
                    + " ran in, which planexec does not know (or is gone): remove it with 'gemini --list-sessions' and"
                    + " 'gemini --delete-session' in that folder");
        }
        String cli = env.getOrDefault(cliVariable(), System.getenv(cliVariable()));
        for (String id : ids) {
            List<String> command = List.of(cli == null || cli.isBlank() ? executable() : cli, "--delete-session", id);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(new File(cwd))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(env);
            try {
                Process process = ProcessTrees.start(builder);
                String out;
                try {
                    out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    process.waitFor(60, TimeUnit.SECONDS);
                } finally {
                    ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(1));
                }
                // Gone already ("Invalid session identifier", "No sessions found") is what was asked for.
                if (!out.contains("Deleted session")
                        && !out.contains("Invalid session identifier")
                        && !out.contains("No sessions found")) {
                    throw new AgentException("gemini --delete-session " + id + " did not remove it: " + oneLine(out));
                }
            } catch (IOException e) {
                throw new AgentException(
                        "cannot run gemini to remove session " + id + " (" + e.getMessage()
                                + "); remove it with 'gemini --delete-session " + id + "' in " + cwd,
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentException("interrupted while removing gemini session " + id, e);
            }
        }
    }
}
