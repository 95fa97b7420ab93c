package dev.planexec.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The short commands load only what they need: run from the packaged jar with {@code -Xlog:class+load}, none of them
 * loads a class of the full-screen UI, Lanterna, JLine or the Copilot SDK, and only {@code sessions} (which asks
 * every backend for its sessions) loads the agents ({@code validate} reads the agent names from the registry, and
 * loads that one class).
 */
class LazyStartIT {
    /** The UI, the terminal libraries and the Copilot SDK and backend. */
    private static final List<String> HEAVY = List.of(
            "com.googlecode.lanterna.",
            "org.jline.",
            "com.github.copilot.",
            "dev.planexec.agent.copilot.",
            "dev.planexec.tui.",
            "dev.planexec.console.");

    @RegisterExtension
    final Sandbox sandbox = new Sandbox();

    @Test
    void validate_loads_no_agent_ui_or_sdk_class() throws Exception {
        RepoPlans.freshCopy("demo.json", sandbox.work().resolve("plan.json"));
        List<String> loaded = classesLoadedBy("validate", "plan.json");
        assertNone(loaded, HEAVY);
        // The one agent class validate may load is the registry, whose table is the list of agent names the plan is
        // checked against; no backend, so no provider.
        assertNone(
                loaded.stream()
                        .filter(c -> !c.equals("dev.planexec.agent.AgentRegistry"))
                        .toList(),
                List.of("dev.planexec.agent.", "dev.planexec.run.", "dev.planexec.recovery."));
    }

    @Test
    void version_help_list_and_completion_load_no_ui_or_sdk_class() throws Exception {
        RepoPlans.freshCopy("demo.json", sandbox.work().resolve("plans/demo.json"));
        for (String[] command : List.of(
                new String[] {"--version"},
                new String[] {"--help"},
                new String[] {"run", "--help"},
                new String[] {"list"},
                new String[] {"completion", "bash"})) {
            List<String> loaded = classesLoadedBy(command);
            assertNone(loaded, HEAVY);
            assertNone(loaded, List.of("dev.planexec.run.", "dev.planexec.agent.local.", "dev.planexec.agent.cli."));
        }
    }

    @Test
    void sessions_list_loads_no_ui_terminal_or_sdk_class() throws Exception {
        assertNone(
                classesLoadedBy("sessions", "list"),
                List.of(
                        "com.googlecode.lanterna.",
                        "org.jline.",
                        "com.github.copilot.",
                        "dev.planexec.tui.",
                        "dev.planexec.console."));
    }

    private static void assertNone(List<String> loaded, List<String> prefixes) {
        List<String> found = loaded.stream()
                .filter(c -> prefixes.stream().anyMatch(c::startsWith))
                .toList();
        assertEquals(List.of(), found, "classes that should not be loaded");
    }

    /** The names of the classes {@code java -jar planexec.jar args} loads, from the JVM's own log. */
    private List<String> classesLoadedBy(String... args) throws IOException, InterruptedException {
        Path log = sandbox.logs().resolve("classes-" + String.join("-", args).replaceAll("[^a-z]", "") + ".txt");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto",
                "-Xlog:class+load=info:file=" + log,
                "-jar",
                PlanexecProcess.jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(sandbox.work().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(sandbox.logs().resolve("out.txt").toFile())
                .redirectError(sandbox.logs().resolve("err.txt").toFile());
        builder.environment().putAll(sandbox.env());
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "planexec " + String.join(" ", args) + " finished");
            assertEquals(
                    0,
                    process.exitValue(),
                    () -> "planexec " + String.join(" ", args) + ": "
                            + read(sandbox.logs().resolve("err.txt")));
        } finally {
            process.destroyForcibly();
        }
        List<String> classes = Files.readAllLines(log).stream()
                .map(line -> line.replaceFirst("^\\[[^]]*\\]\\[info\\]\\[class,load\\] ", ""))
                .map(line -> line.split(" ", 2)[0])
                .toList();
        assertTrue(classes.contains("dev.planexec.cli.Main"), "the log names the classes loaded: " + log);
        return classes;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
