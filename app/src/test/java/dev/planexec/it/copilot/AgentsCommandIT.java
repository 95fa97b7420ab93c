package dev.planexec.it.copilot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.plan.TaskStatus;
import dev.planexec.testing.Plans;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code planexec agents} with the real Copilot CLI, and {@code planexec agents install copilot} for real. */
class AgentsCommandIT {
    private static final Duration RUN = Duration.ofSeconds(120);

    @RegisterExtension
    final CopilotWorld world = new CopilotWorld();

    @Test
    void copilot_with_its_model_answering_is_ready_and_without_a_login_says_how_to_sign_in() throws Exception {
        PlanexecRun ready = world.planexecToEnd(RUN, "agents", "--json");
        world.env("COPILOT_PROVIDER_BASE_URL", null)
                .env("COPILOT_PROVIDER_TYPE", null)
                .env("COPILOT_PROVIDER_API_KEY", null)
                .env("COPILOT_MODEL", null);
        PlanexecRun signedOut = world.planexecToEnd(RUN, "agents", "--json");
        PlanexecRun table = world.planexecToEnd(RUN, "agents");

        assertEquals(0, ready.exitCode(), ready::toString);
        JsonNode yes = copilotRow(ready.stdout());
        assertTrue(yes.path("ready").asBoolean(), ready::toString);
        assertEquals(world.cli().toString(), yes.path("cli").asText());
        assertEquals("PLANEXEC_COPILOT_CLI", yes.path("foundBy").asText());
        assertEquals("1.0.102", yes.path("version").asText());
        assertEquals("1.0.50 to 1.0.102", yes.path("tested").asText());
        assertTrue(
                yes.path("detail")
                        .asText()
                        .startsWith("own provider openai at " + world.model().baseUrl()),
                yes.toString());
        assertFalse(ready.stdout().contains(CopilotWorld.API_KEY), "the key is never shown");

        JsonNode no = copilotRow(signedOut.stdout());
        assertFalse(no.path("ready").asBoolean(), signedOut::toString);
        assertEquals(
                "not signed in to GitHub Copilot (the CLI says: Not authenticated): run 'copilot' once and sign in "
                        + "with /login, or set GH_TOKEN; or use your own model with COPILOT_PROVIDER_BASE_URL, "
                        + "COPILOT_PROVIDER_API_KEY and COPILOT_MODEL",
                no.path("detail").asText());
        assertTrue(
                table.stdout()
                        .lines()
                        .anyMatch(l -> l.matches("copilot +no +1\\.0\\.102 +1\\.0\\.50 to 1\\.0\\.102 .*"
                                + "not signed in to GitHub Copilot.*")),
                table::toString);
        assertEquals(java.util.List.of(), world.awaitNoMarkedProcesses(Duration.ofSeconds(5)), "no CLI left running");
    }

    @Test
    void install_puts_the_tested_cli_in_the_state_folder_and_a_task_runs_with_it() throws Exception {
        requireNpm();
        // npm's download cache: the one .ci/run filled when it installed 1.0.102; preferred over the registry.
        Path npmCache = Path.of(System.getProperty("user.home"), ".npm");
        world.env("PLANEXEC_COPILOT_CLI", null)
                .env("npm_config_cache", npmCache.toString())
                .env("npm_config_prefer_offline", "true")
                .env("npm_config_update_notifier", "false");
        Path globalRoot = Path.of(npm("root", "-g").strip());
        Map<String, Long> outsideBefore = snapshot(world.userHome(), world.work());
        Map<String, Long> globalBefore = snapshot(globalRoot);

        PlanexecRun install = world.planexecToEnd(Duration.ofMinutes(10), "agents", "install", "copilot");

        assertEquals(0, install.exitCode(), install::toString);
        Path installed = world.state()
                .resolve("agents/copilot-1.0.102/node_modules/@github/copilot-linux-"
                        + (System.getProperty("os.arch").contains("aarch64") ? "arm64" : "x64") + "/copilot");
        assertTrue(Files.isExecutable(installed), install::toString);
        assertTrue(install.stdout().contains("installed copilot 1.0.102: " + installed), install::toString);
        assertEquals(outsideBefore, snapshot(world.userHome(), world.work()), "nothing outside the state folder");
        assertEquals(globalBefore, snapshot(globalRoot), "npm's global install is untouched");
        try (Stream<Path> left = Files.list(world.state().resolve("agents"))) {
            assertEquals(
                    java.util.List.of("copilot-1.0.102"),
                    left.map(p -> p.getFileName().toString()).toList(),
                    "no partial install is left");
        }

        JsonNode row = copilotRow(world.planexecToEnd(RUN, "agents", "--json").stdout());
        assertEquals(installed.toString(), row.path("cli").asText());
        assertEquals("installed by planexec", row.path("foundBy").asText());

        Path plan = world.plan("installed").task("a", "Answer", "Just answer.").write();
        PlanexecRun run = world.planexecToEnd(RUN, "run", plan.toString(), "--plain");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals(TaskStatus.DONE, Plans.task(plan, "a").status());
        String log = Files.readString(world.state().resolve("logs/planexec.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("copilot: started copilot cli " + installed), "the run used the installed CLI");
    }

    private static JsonNode copilotRow(String json) throws IOException {
        for (JsonNode row : new ObjectMapper().readTree(json)) {
            if (row.path("agent").asText().equals("copilot")) {
                return row;
            }
        }
        throw new AssertionError("no copilot row in " + json);
    }

    /** Every file and folder under {@code roots} with its size and modification time. */
    private static Map<String, Long> snapshot(Path... roots) {
        Map<String, Long> all = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.forEach(f -> {
                    try {
                        all.put(f.toString(), Files.getLastModifiedTime(f).toMillis() * 31 + Files.size(f));
                    } catch (IOException e) {
                        all.put(f.toString(), -1L);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    private String npm(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("npm"));
        command.addAll(java.util.List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(world.env());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "npm " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static void requireNpm() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, "npm"))) {
                return;
            }
        }
        String why = "npm is not on PATH; it comes with Node.js, which the Copilot CLI needs anyway";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.abort(why);
    }
}
