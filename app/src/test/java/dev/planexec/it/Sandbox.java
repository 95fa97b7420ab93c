package dev.planexec.it;

import dev.planexec.store.SecureFiles;
import dev.planexec.testing.MarkedProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's world: a temporary folder holding the plan's folder ({@link #work()}), a private state folder
 * ({@code PLANEXEC_HOME}, never the real one) and the processes' output, plus a marker string unique to the test.
 * Every planexec it starts gets the marker in its environment ({@code PXIT_MARKER}), and so does every step process
 * planexec starts; plans built with {@link ItPlan} also carry it in each step's command line.
 *
 * <p>After each test it kills planexec processes still running, then checks that no process carrying the marker is
 * alive: a step process that outlived the test fails it, and is killed, so nothing leaks even when the test failed.
 * The folder is deleted when the test passed and kept (and named) when it failed.
 *
 * <pre>{@code
 * @RegisterExtension
 * final Sandbox sandbox = new Sandbox();
 * }</pre>
 */
final class Sandbox implements BeforeEachCallback, AfterEachCallback {
    /** How long a process that is being stopped may take to be gone before it counts as leaked. */
    private static final Duration LEAK_GRACE = Duration.ofSeconds(3);

    private final List<PlanexecProcess> started = new ArrayList<>();
    private Path root;
    private String marker;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("planexec-it-").toRealPath();
        marker = "pxit" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        Files.createDirectories(home());
        Files.createDirectories(work());
        Files.createDirectories(logs());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        started.forEach(PlanexecProcess::close);
        List<MarkedProcesses.Found> leaked = MarkedProcesses.awaitNone(marker, Set.of(), LEAK_GRACE);
        MarkedProcesses.killAll(marker);
        boolean failed = context.getExecutionException().isPresent();
        if (!leaked.isEmpty()) {
            throw new AssertionError(
                    "processes of this test outlived it (now killed): " + leaked + "; its files: " + root);
        }
        if (failed) {
            System.err.println(context.getDisplayName() + " failed; its files are kept in " + root);
        } else {
            SecureFiles.deleteTree(root);
        }
    }

    /** The test's unique marker string. */
    String marker() {
        return marker;
    }

    /** The temporary folder of this test. */
    Path root() {
        return root;
    }

    /** {@code PLANEXEC_HOME}. */
    Path home() {
        return root.resolve("home");
    }

    /** The folder plans go in; planexec runs with it as its working folder. */
    Path work() {
        return root.resolve("work");
    }

    Path logs() {
        return root.resolve("logs");
    }

    /** The environment planexec runs with, on top of this JVM's. */
    Map<String, String> env() {
        return Map.of("PLANEXEC_HOME", home().toString(), "PXIT_MARKER", marker);
    }

    /** Starts planexec in {@link #work()}. */
    PlanexecProcess start(String... args) {
        return startWith(Map.of(), args);
    }

    /** Starts planexec in {@link #work()} with more environment variables (e.g. a {@code PATH} with a git wrapper). */
    PlanexecProcess startWith(Map<String, String> more, String... args) {
        Map<String, String> env = new java.util.HashMap<>(env());
        env.putAll(more);
        PlanexecProcess process = PlanexecProcess.start(work(), logs(), env, args);
        started.add(process);
        return process;
    }

    /** Marked processes alive now, planexec itself excepted. */
    List<MarkedProcesses.Found> stepProcesses() {
        Set<Long> planexec = new HashSet<>();
        started.stream().filter(PlanexecProcess::isAlive).forEach(p -> planexec.add(p.pid()));
        return MarkedProcesses.alive(marker, planexec);
    }

    /** Lines in a marker file that steps append to; 0 if it does not exist. */
    static int lines(Path file) {
        try {
            return (int) new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .lines()
                    .count();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
