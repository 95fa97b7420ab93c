package dev.planexec.cli;

import dev.planexec.store.SecureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The launcher's training run for its class-data archive ({@code -XX:ArchiveClassesAtExit}): runs the short commands
 * in process on a sample plan, so the classes they load (and the lambdas they spin) are archived, then loads without
 * initialising the classes the full-screen UI's first frame needs, which cannot be opened here without a terminal.
 * Prints nothing and writes only under a temporary folder it removes; its exit code does not matter to the launcher,
 * which keeps the archive only when the JVM wrote one.
 *
 * <p>Not a command: {@code java -cp planexec.jar dev.planexec.cli.StartupTraining}.
 */
public final class StartupTraining {
    /** Classes under these jar folders are loaded for the UI (ours, Lanterna's screen and terminal, JLine's signals). */
    private static final List<String> UI_PREFIXES = List.of(
            "dev/planexec/",
            "com/googlecode/lanterna/",
            "org/jline/utils/",
            "com/fasterxml/jackson/databind/ser/",
            "com/fasterxml/jackson/databind/deser/");

    /** The copilot backend's SDK is not loaded at start-up by any command, so it stays out of the archive. */
    private static final List<String> SKIPPED = List.of("dev/planexec/agent/copilot/", "com/googlecode/lanterna/gui2/");

    private static final String SAMPLE_PLAN =
            """
            {
              "id": "training",
              "name": "Start-up training",
              "agent": "local",
              "workingDirectory": ".",
              "tasks": [
                {"id": "a", "title": "First", "description": "d", "acceptanceCriteria": ["x"], "dependsOn": [],
                 "steps": [{"run": "true"}]},
                {"id": "b", "title": "Second", "description": "d", "acceptanceCriteria": [], "dependsOn": ["a"],
                 "steps": [{"run": "true"}]}
              ]
            }
            """;

    private static final String BAD_PLAN = "{\"id\": \"bad\", \"tasks\": [{\"id\": \"a\", \"dependsOn\": [\"nope\"]}]}";

    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("planexec-training-");
        try {
            Path plans = Files.createDirectories(dir.resolve("plans"));
            Path plan = Files.writeString(plans.resolve("sample.json"), SAMPLE_PLAN, StandardCharsets.UTF_8);
            Path bad = Files.writeString(plans.resolve("bad.json"), BAD_PLAN, StandardCharsets.UTF_8);
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            CliContext context = new CliContext(
                    sink, sink, Map.of("PLANEXEC_HOME", dir.resolve("home").toString()), false, true);
            for (String[] command : List.of(
                    new String[] {"--version"},
                    new String[] {"--help"},
                    new String[] {"run", "--help"},
                    new String[] {"validate", plan.toString()},
                    new String[] {"validate", bad.toString()},
                    new String[] {"list", plans.toString()},
                    new String[] {"completion", "bash"},
                    new String[] {"no-such-plan.json", "--no-such-option"})) {
                Main.execute(command, context);
            }
            loadUiClasses();
        } finally {
            SecureFiles.deleteTree(dir);
        }
    }

    private static void loadUiClasses() throws IOException {
        String jar = StartupTraining.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath();
        if (!jar.endsWith(".jar")) {
            return;
        }
        ClassLoader loader = StartupTraining.class.getClassLoader();
        try (JarFile file = new JarFile(jar)) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class")
                        && !name.contains("module-info")
                        && !name.startsWith("META-INF/")
                        && UI_PREFIXES.stream().anyMatch(name::startsWith)
                        && SKIPPED.stream().noneMatch(name::startsWith)) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // An optional dependency the class refers to is not in the jar: it is never used, skip it.
                    }
                }
            }
        }
    }
}
