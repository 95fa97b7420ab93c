package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * The setup shared by the tests that drive a real agent CLI (installed from npm by {@code .ci/run}) through the
 * packaged planexec against {@link CliFakeModel}: finding the CLI, the environment that points planexec at it with a
 * home of the test's own, Pi's configuration, and a run killed with {@code kill -9} mid-turn then resumed.
 *
 * <pre>{@code
 * Path cli = RealCli.find("PLANEXEC_TEST_PI_CLI", "pi", "npm install -g @mariozechner/pi-coding-agent@0.73.1");
 * Map<String, String> env = RealCli.piEnv(sandbox, cli, model);
 * }</pre>
 */
final class RealCli {
    private RealCli() {}

    /**
     * The real CLI: {@code variable} (set by .ci/run), else {@code command} on PATH. Missing, it fails the test in CI
     * ({@code CI=true}) and skips it elsewhere, saying how to install it.
     */
    static Path find(String variable, String command, String install) {
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

    /** The test's own home folder for the CLI ({@code HOME}), created. */
    static Path home(Sandbox sandbox) throws IOException {
        return Files.createDirectories(sandbox.root().resolve("home"));
    }

    /** The sandbox's environment with planexec pointed at {@code cli} (by {@code cliVariable}) and the test's home. */
    static Map<String, String> env(Sandbox sandbox, String cliVariable, Path cli) throws IOException {
        Map<String, String> env = new HashMap<>(sandbox.env());
        env.put(cliVariable, cli.toString());
        env.put("HOME", home(sandbox).toString());
        return env;
    }

    /** The environment for Pi at {@code cli}, configured (offline) to ask only {@code model}. */
    static Map<String, String> piEnv(Sandbox sandbox, Path cli, CliFakeModel model) throws IOException {
        Path agentDir = Files.createDirectories(sandbox.root().resolve("pi-agent"));
        Files.writeString(
                agentDir.resolve("models.json"),
                "{\"providers\": {\"fake\": {\"baseUrl\": \""
                        + model.baseUrl() + "/v1\", \"api\": \"openai-completions\", \"apiKey\": \"fake-key\","
                        + " \"compat\": {\"supportsDeveloperRole\": false, \"supportsReasoningEffort\": false},"
                        + " \"models\": [{\"id\": \"fake-model\"}]}}}");
        Files.writeString(
                agentDir.resolve("settings.json"), "{\"defaultProvider\": \"fake\", \"defaultModel\": \"fake-model\"}");
        Map<String, String> env = env(sandbox, "PLANEXEC_PI_CLI", cli);
        env.put("PI_CODING_AGENT_DIR", agentDir.toString());
        env.put("PI_OFFLINE", "1");
        return env;
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
            Waits.until(() -> "the model to be asked: " + first.describe(), Duration.ofSeconds(90), model::holding);
            Waits.until(
                    () -> "the CLI's session id in the plan: " + task(plan),
                    Duration.ofSeconds(30),
                    () -> named.test(task(plan).path("sessionId").asText()));
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
            return new ObjectMapper().readTree(plan.toFile()).path("tasks").get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
