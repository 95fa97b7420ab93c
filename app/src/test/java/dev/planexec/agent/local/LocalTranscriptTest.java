package dev.planexec.agent.local;

import static dev.planexec.testing.LocalAgents.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.TurnResult;
import dev.planexec.testing.LocalAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local session's whole log as text, from a log the real local agent wrote over two runs of the session. */
class LocalTranscriptTest {
    @TempDir
    Path tmp;

    @Test
    void the_transcript_holds_every_run_of_the_session_with_commands_output_and_exit_codes() throws Exception {
        Path state = tmp.resolve("state");
        Path work = Files.createDirectories(tmp.resolve("work"));
        SessionSpec spec =
                spec("planexec-p-build-1", work, "echo first-run-line", "echo second-step; [ -f go ] || exit 3");
        try (AgentRuntime local = LocalAgents.open(state);
                AgentSession session = local.create(spec)) {
            assertInstanceOf(TurnResult.Failed.class, session.send("", e -> {}));
        }
        Files.createFile(work.resolve("go"));
        try (AgentRuntime later = LocalAgents.open(state);
                AgentSession resumed = later.resume(spec)) {
            assertInstanceOf(TurnResult.Completed.class, resumed.send("", e -> {}));
        }

        List<String> lines = new LocalAgentProvider()
                .transcript(new AgentEnvironment(state, Map.of(), null), spec.sessionId())
                .orElseThrow();

        int created = index(lines, "== session planexec-p-build-1 created ");
        int first = lines.indexOf("$ echo first-run-line");
        int failed = index(lines, "[exit 3, ");
        int resumed = index(lines, "== resumed ");
        assertTrue(created < first && first < failed && failed < resumed, String.join("\n", lines));
        assertEquals("  first-run-line", lines.get(first + 1));
        assertTrue(lines.get(first + 2).startsWith("[exit 0, "), String.join("\n", lines));
        int turnFailed = index(lines, "== turn failed ");
        assertTrue(turnFailed < resumed, String.join("\n", lines));
        assertTrue(lines.get(turnFailed + 1).startsWith("   step 2/2 "), String.join("\n", lines));
        // After the resume, the failed step ran again and passed; the finished one did not.
        List<String> afterResume = lines.subList(resumed, lines.size());
        assertTrue(afterResume.contains("$ echo second-step; [ -f go ] || exit 3"), String.join("\n", lines));
        assertTrue(afterResume.stream().anyMatch(l -> l.startsWith("[exit 0, ")), String.join("\n", lines));
        assertTrue(afterResume.stream().anyMatch(l -> l.startsWith("== turn completed ")), String.join("\n", lines));
        assertEquals(1, lines.stream().filter("$ echo first-run-line"::equals).count());
    }

    @Test
    void a_session_with_no_log_has_no_transcript() throws Exception {
        assertEquals(
                Optional.empty(),
                new LocalAgentProvider().transcript(new AgentEnvironment(tmp, Map.of(), null), "planexec-p-gone-1"));
    }

    private static int index(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with \"" + prefix + "\" in:\n" + String.join("\n", lines));
    }
}
