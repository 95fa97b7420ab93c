package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Claude Code and Pi CLIs (installed from npm by {@code .ci/run}), driven by the packaged planexec and
 * pointed at a fake model on 127.0.0.1: a task starts, planexec is killed with {@code kill -9} while the model is
 * still answering, and the next run resumes the task in the same session, with the earlier conversation sent to the
 * model. In CI ({@code CI=true}) a missing CLI fails the test; elsewhere the test is skipped with how to install it.
 */
class CliRealAgentIT {
    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void claude_task_killed_with_kill_9_resumes_in_the_same_session_with_its_conversation() throws IOException {
        Path cli = realCli("PLANEXEC_TEST_CLAUDE_CLI", "claude", "npm install -g @anthropic-ai/claude-code@2.1.329");
        try (CliFakeModel model = CliFakeModel.start()) {
            Map<String, String> env = new HashMap<>(sandbox.env());
            env.put("PLANEXEC_CLAUDE_CLI", cli.toString());
            env.put(
                    "HOME",
                    Files.createDirectories(sandbox.root().resolve("home")).toString());
            env.put("CLAUDE_CONFIG_DIR", sandbox.root().resolve("claude-config").toString());
            env.put("ANTHROPIC_BASE_URL", model.baseUrl());
            env.put("ANTHROPIC_API_KEY", "sk-ant-fake-key-for-tests");
            env.put("DISABLE_TELEMETRY", "1");
            env.put("DISABLE_AUTOUPDATER", "1");
            env.put("DISABLE_ERROR_REPORTING", "1");
            env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            String id = killThenResume(sandbox, "claude", env, model, any -> true);
            assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        }
    }

    @Test
    void pi_task_killed_with_kill_9_resumes_in_the_same_session_with_its_conversation() throws IOException {
        Path cli = realCli("PLANEXEC_TEST_PI_CLI", "pi", "npm install -g @mariozechner/pi-coding-agent@0.73.1");
        try (CliFakeModel model = CliFakeModel.start()) {
            Path agentDir = Files.createDirectories(sandbox.root().resolve("pi-agent"));
            Files.writeString(
                    agentDir.resolve("models.json"),
                    "{\"providers\": {\"fake\": {\"baseUrl\": \""
                            + model.baseUrl() + "/v1\", \"api\": \"openai-completions\", \"apiKey\": \"fake-key\","
                            + " \"compat\": {\"supportsDeveloperRole\": false, \"supportsReasoningEffort\": false},"
                            + " \"models\": [{\"id\": \"fake-model\"}]}}}");
            Files.writeString(
                    agentDir.resolve("settings.json"),
                    "{\"defaultProvider\": \"fake\", \"defaultModel\": \"fake-model\"}");
            Map<String, String> env = new HashMap<>(sandbox.env());
            env.put("PLANEXEC_PI_CLI", cli.toString());
            env.put(
                    "HOME",
                    Files.createDirectories(sandbox.root().resolve("home")).toString());
            env.put("PI_CODING_AGENT_DIR", agentDir.toString());
            env.put("PI_OFFLINE", "1");
            String id = killThenResume(sandbox, "pi", env, model, any -> true);
            assertTrue(id.startsWith("planexec-"), id);
            Path sessionFile = sandbox.home().resolve("pi").resolve(id + ".jsonl");
            assertTrue(Files.isRegularFile(sessionFile), sessionFile + " holds Pi's session");
        }
    }

    /**
     * Runs a one-task plan on {@code agent}, kills planexec mid-turn (once the model holds its answer and the plan's
     * session id is {@code named}), resumes; returns the session id.
     */
    static String killThenResume(
            Sandbox sandbox, String agent, Map<String, String> env, CliFakeModel model, Predicate<String> named)
            throws IOException {
        Path plan = sandbox.work().resolve("plan.json");
        Files.writeString(
                plan,
                "{\"id\": \"real\", \"name\": \"Real CLI\", \"agent\": \"" + agent + "\", \"tasks\": ["
                        + "{\"id\": \"build\", \"title\": \"Build it\", \"description\": \"Say that you are done.\","
                        + " \"acceptanceCriteria\": [\"a reply\"], \"dependsOn\": [], \"status\": \"pending\"}]}");
        String id;
        try (PlanexecProcess first =
                PlanexecProcess.start(sandbox.work(), sandbox.logs(), env, "run", "plan.json", "--plain")) {
            Waits.until(model::holding, Duration.ofSeconds(90), () -> "the model to be asked: " + first.describe());
            Waits.until(
                    () -> named.test(task(plan).path("sessionId").asText()),
                    Duration.ofSeconds(30),
                    () -> "the CLI's session id in the plan: " + task(plan));
            JsonNode task = task(plan);
            assertEquals("in_progress", task.path("status").asText());
            id = task.path("sessionId").asText();
            first.kill9();
        }
        int asked = model.requests().size();
        try (PlanexecProcess second = PlanexecProcess.start(
                sandbox.work(), sandbox.logs(), env, "run", "plan.json", "--plain", "--on-orphans", "resume")) {
            int exit = second.awaitExit(Duration.ofSeconds(120));
            assertEquals(0, exit, second.describe());
        }
        JsonNode task = task(plan);
        assertEquals("done", task.path("status").asText(), task.toString());
        assertEquals(id, task.path("sessionId").asText(), "the same session");
        assertTrue(task.path("agentResult").asText().contains(CliFakeModel.ANSWER), task.toString());
        List<JsonNode> resumed =
                model.requests().subList(asked, model.requests().size());
        assertTrue(
                resumed.stream()
                        .anyMatch(r -> r.toString().contains("Task build: Build it")
                                && r.toString().contains("was interrupted")),
                "a request after the resume carries the first prompt and the continuation: " + resumed);
        return id;
    }

    private static JsonNode task(Path plan) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(plan.toFile())
                    .path("tasks")
                    .get(0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The real CLI: {@code variable} (set by .ci/run), else {@code command} on PATH. */
    static Path realCli(String variable, String command, String install) {
        String configured = System.getenv(variable);
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        Path found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, command))
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (found != null) {
            return found;
        }
        String message = "the real " + command + " CLI is not installed: " + install + " (or run .ci/run, which"
                + " installs it and sets " + variable + ")";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
