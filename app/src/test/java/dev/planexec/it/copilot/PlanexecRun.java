package dev.planexec.it.copilot;

import dev.planexec.it.DefaultSignals;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The packaged planexec jar as a real process ({@code java -jar planexec.jar args}, the jar named by the system
 * property {@code planexec.jar} that failsafe sets), stdin from {@code /dev/null}, stdout and stderr to files.
 * Closing it kills it if it still runs.
 */
final class PlanexecRun implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> args;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private PlanexecRun(List<String> args, Process process, Path stdout, Path stderr) {
        this.args = args;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static PlanexecRun start(Path workDir, Path logDir, Map<String, String> env, String... args) {
        String jar = System.getProperty("planexec.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property planexec.jar does not name the packaged jar (" + jar
                    + "); run the ITs with 'mvn verify', which packages it first");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        int n = COUNTER.incrementAndGet();
        Path out = logDir.resolve(String.format("planexec-%03d.out", n));
        Path err = logDir.resolve(String.format("planexec-%03d.err", n));
        ProcessBuilder builder = new ProcessBuilder(DefaultSignals.command(command))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        try {
            return new PlanexecRun(List.of(args), builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Processes planexec started that run now (the Copilot CLI and what it started). */
    List<ProcessHandle> descendants() {
        return process.toHandle().descendants().toList();
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** Waits for the exit code; fails if planexec still runs after {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(
                        "planexec " + args + " still runs after " + timeout.toSeconds() + " s\n" + this);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    int exitCode() {
        return process.exitValue();
    }

    /** Sends a signal by name ({@code INT}, {@code TERM}). */
    void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            kill.getInputStream().readAllBytes();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code kill -9}: no shutdown hook, no cleanup; then waits for the JVM to be gone. */
    void kill9() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "planexec " + String.join(" ", args) + (process.isAlive() ? " (running)" : " (exit " + exitCode() + ")")
                + "\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr() + "---";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
