package dev.planexec.agent.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A local session's event log as the text a person reads: each step's command, its output, its exit code, and where
 * a turn ended or a later run resumed the session. Events it does not know are skipped.
 */
final class LocalTranscript {
    private LocalTranscript() {}

    static List<String> render(List<JsonNode> events) {
        List<String> lines = new ArrayList<>();
        for (JsonNode event : events) {
            String ts = event.path("ts").asText("");
            switch (event.path("type").asText("")) {
                case "created" ->
                    lines.add("== session " + event.path("sessionId").asText("?") + " created " + ts + " for task "
                            + event.path("taskId").asText("?"));
                case "resumed" -> lines.add("== resumed " + ts);
                case "step_start" -> lines.add("$ " + event.path("run").asText(""));
                case "output" -> {
                    String prefix = "stderr".equals(event.path("stream").asText()) ? "! " : "  ";
                    for (String line : event.path("text").asText("").split("\n", -1)) {
                        lines.add(prefix + line);
                    }
                    if (lines.get(lines.size() - 1).equals(prefix)) {
                        lines.remove(lines.size() - 1); // the text's own line end
                    }
                }
                case "step_end" ->
                    lines.add(
                            event.path("aborted").asBoolean(false)
                                    ? "[aborted after " + event.path("ms").asLong() + " ms]"
                                    : "[exit " + event.path("exitCode").asInt() + ", "
                                            + event.path("ms").asLong() + " ms]");
                case "turn_end" -> {
                    lines.add("== turn " + event.path("outcome").asText("?") + " " + ts);
                    if (event.hasNonNull("error")) {
                        for (String line : event.path("error").asText().split("\n")) {
                            lines.add("   " + line);
                        }
                    }
                }
                default -> {
                    // an event a later planexec added: nothing to show from this one
                }
            }
        }
        return lines;
    }
}
