package dev.planexec.agent.copilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Copilot session's log, the CLI's own {@code session-state/<id>/events.jsonl}, as text a person reads: the user's
 * and the assistant's messages, each tool call with its result and exit code, errors, aborts and resumes. Read from
 * the file, never through the CLI. The system prompt, usage records and permission events are left out, as is any
 * event type this does not know or a line that does not parse (a CLI still writing it, or a newer format).
 */
final class CopilotTranscript {
    static final String FILE = "events.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CopilotTranscript() {}

    /** The transcript of session {@code sessionId} under {@code sessionStateDir}; empty if the CLI has no log of it. */
    static Optional<List<String>> of(Path sessionStateDir, String sessionId) throws IOException {
        Path dir = sessionStateDir.resolve(sessionId).normalize();
        if (!sessionStateDir.normalize().equals(dir.getParent())) {
            return Optional.empty(); // an id that would leave the folder names no session of the CLI
        }
        Path file = dir.resolve(FILE);
        // Not planexec's file: never follow a link to read it.
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // a torn or unknown line
                }
                if (event != null && event.isObject()) {
                    render(event, lines);
                }
            }
        }
        return Optional.of(lines);
    }

    private static void render(JsonNode event, List<String> out) {
        JsonNode data = event.path("data");
        String ts = event.path("timestamp").asText("");
        switch (event.path("type").asText("")) {
            case "session.start" ->
                out.add("== session " + data.path("sessionId").asText("?") + " started " + ts
                        + (data.hasNonNull("selectedModel")
                                ? " (" + data.path("selectedModel").asText() + ")"
                                : ""));
            case "session.resume" -> out.add("== resumed " + ts);
            case "user.message" -> {
                out.add("== user " + ts);
                indent(data.path("content").asText(""), "  ", out);
            }
            case "assistant.message" -> {
                String content = data.path("content").asText("");
                if (!content.isBlank()) {
                    out.add("== assistant " + ts);
                    indent(content, "  ", out);
                }
            }
            case "tool.execution_start" -> {
                JsonNode args = data.path("arguments");
                String command = args.path("command").asText("");
                out.add(
                        command.isEmpty()
                                ? "$ " + data.path("toolName").asText("tool") + (args.isMissingNode() ? "" : " " + args)
                                : "$ " + command);
            }
            case "tool.execution_complete" -> {
                JsonNode result = data.path("result");
                String text = result.path("content")
                        .asText(result.path("detailedContent").asText(""));
                indent(text.strip(), "  ", out);
                JsonNode exit = data.path("shellExecution").path("exitCode");
                out.add(
                        exit.isNumber()
                                ? "[exit " + exit.asInt() + "]"
                                : data.path("success").asBoolean(false) ? "[done]" : "[failed]");
            }
            case "session.error" -> out.add("! error: " + data.path("message").asText("?"));
            case "abort" -> out.add("== aborted (" + data.path("reason").asText("?") + ") " + ts);
            default -> {
                // the system prompt, usage, permissions, turn markers: nothing a reader needs here
            }
        }
    }

    private static void indent(String text, String prefix, List<String> out) {
        if (text.isEmpty()) {
            return;
        }
        for (String line : text.split("\n", -1)) {
            out.add(prefix + line);
        }
    }
}
