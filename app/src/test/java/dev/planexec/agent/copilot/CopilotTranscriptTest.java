package dev.planexec.agent.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.planexec.agent.AgentEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Copilot session's log as text, from an {@code events.jsonl} in the CLI's format (its lines shaped as Copilot CLI
 * 1.0.102 wrote them in a CopilotRunIT run, cut down), read from the CLI's home without starting it.
 */
class CopilotTranscriptTest {
    private static final String ID = "planexec-p-build-d916ae7e";

    @TempDir
    Path tmp;

    @Test
    void the_transcript_shows_messages_tool_calls_results_and_resumes_and_skips_the_rest() throws Exception {
        Path home = tmp.resolve("home");
        Path dir = Files.createDirectories(home.resolve(".copilot/session-state/" + ID));
        Files.writeString(
                dir.resolve("events.jsonl"),
                String.join(
                        "\n",
                        event(
                                "session.start",
                                "{\"sessionId\":\"" + ID + "\",\"version\":1,\"producer\":\"copilot-agent\","
                                        + "\"copilotVersion\":\"1.0.102\",\"selectedModel\":\"fake-model\"}",
                                "21:12:31.476"),
                        event("user.message", "{\"content\":\"Build it\\n\\nTask build: Build it\"}", "21:12:31.500"),
                        event("system.message", "{\"role\":\"system\",\"content\":\"You are GitHub Copilot\"}", "x"),
                        event("assistant.turn_start", "{\"turnId\":\"0\"}", "21:12:31.600"),
                        event("session.usage_record", "{\"usage\":{\"inputTokens\":10,\"outputTokens\":5}}", "x"),
                        event(
                                "assistant.message",
                                "{\"content\":\"\",\"toolRequests\":[{\"toolCallId\":\"call-2\",\"name\":\"bash\","
                                        + "\"arguments\":{\"command\":\"make\"}}]}",
                                "21:12:31.700"),
                        event(
                                "tool.execution_start",
                                "{\"toolCallId\":\"call-2\",\"toolName\":\"bash\",\"arguments\":{\"command\":\"make\","
                                        + "\"description\":\"build\"}}",
                                "21:12:31.710"),
                        event("permission.requested", "{\"permissionRequest\":{\"kind\":\"shell\"}}", "x"),
                        event(
                                "tool.execution_complete",
                                "{\"toolCallId\":\"call-2\",\"shellExecution\":{\"exitCode\":2},\"success\":true,"
                                        + "\"result\":{\"content\":\"make: *** No rule\\n<shellId: 0 completed with"
                                        + " exit code 2>\"}}",
                                "21:12:32.000"),
                        event(
                                "assistant.message",
                                "{\"content\":\"The build failed.\",\"toolRequests\":[]}",
                                "21:12:32.100"),
                        event("assistant.turn_end", "{\"turnId\":\"0\"}", "21:12:32.110"),
                        event("session.resume", "{\"resumeTime\":\"2026-11-30T21:20:00.000Z\"}", "21:20:00.000"),
                        event("user.message", "{\"content\":\"Go on\"}", "21:20:00.100"),
                        event(
                                "session.error",
                                "{\"errorType\":\"query\",\"message\":\"500 the fake model broke\"}",
                                "21:20:01.000"),
                        "{\"type\":\"assistant.mess"), // cut short: the CLI was still writing it
                StandardCharsets.UTF_8);

        List<String> lines = new CopilotAgentProvider()
                .transcript(new AgentEnvironment(tmp.resolve("state"), Map.of("HOME", home.toString()), null), ID)
                .orElseThrow();

        assertEquals(
                List.of(
                        "== session " + ID + " started 2026-11-30T21:12:31.476Z (fake-model)",
                        "== user 2026-11-30T21:12:31.500Z",
                        "  Build it",
                        "  ",
                        "  Task build: Build it",
                        "$ make",
                        "  make: *** No rule",
                        "  <shellId: 0 completed with exit code 2>",
                        "[exit 2]",
                        "== assistant 2026-11-30T21:12:32.100Z",
                        "  The build failed.",
                        "== resumed 2026-11-30T21:20:00.000Z",
                        "== user 2026-11-30T21:20:00.100Z",
                        "  Go on",
                        "! error: 500 the fake model broke"),
                lines);
    }

    @Test
    void no_log_a_link_or_an_id_that_leaves_the_folder_is_no_transcript() throws Exception {
        Path home = tmp.resolve("home");
        Path state = Files.createDirectories(home.resolve(".copilot/session-state"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("events.jsonl"), event("user.message", "{\"content\":\"secret\"}", "x"));
        Files.createSymbolicLink(state.resolve("linked"), elsewhere);
        AgentEnvironment env = new AgentEnvironment(tmp.resolve("state"), Map.of("HOME", home.toString()), null);
        CopilotAgentProvider copilot = new CopilotAgentProvider();

        assertEquals(Optional.empty(), copilot.transcript(env, "planexec-p-gone-1"));
        assertEquals(Optional.empty(), copilot.transcript(env, "linked"));
        assertEquals(Optional.empty(), copilot.transcript(env, "../../../elsewhere"));
    }

    private static String event(String type, String data, String time) {
        return "{\"type\":\"" + type + "\",\"data\":" + data + ",\"id\":\"e-" + type + "\",\"timestamp\":\"2026-11-30T"
                + time + "Z\",\"parentId\":null}";
    }
}
