package dev.planexec.it;

import dev.planexec.testing.Waits;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged planexec jar running as a real process ({@code java -jar planexec.jar args...}), with its stdout and
 * stderr captured to files so they can be read while it runs and after it is killed.
 *
 * <pre>{@code
 * try (PlanexecProcess p = PlanexecProcess.start(dir, env, "run", "plan.json", "--plain")) {
 *     p.awaitLine(Pattern.compile("build .*→ done"), Duration.ofSeconds(10));
 *     p.signal("INT");
 *     assertEquals(130, p.awaitExit(Duration.ofSeconds(5)));
 * }
 * }</pre>
 *
 * <p>Closing it kills the JVM if it still runs. Step processes are the {@link Sandbox}'s to check and stop.
 */
final class PlanexecProcess implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> args;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private PlanexecProcess(List<String> args, Process process, Path stdout, Path stderr) {
        this.args = args;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The packaged jar, as failsafe names it. */
    static Path jar() {
        String jar = System.getProperty("planexec.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property planexec.jar does not name the packaged jar (" + jar
                    + "); run the ITs with 'mvn verify', which packages it first");
        }
        return Path.of(jar);
    }

    /**
     * Starts {@code java -jar planexec.jar args} in {@code workDir} with {@code env} added to this JVM's
     * environment; stdin is {@code /dev/null}, so there is no terminal. Output goes to files in {@code logDir}.
     */
    static PlanexecProcess start(Path workDir, Path logDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        int n = COUNTER.incrementAndGet();
        Path out = logDir.resolve(String.format("planexec-%03d.out", n));
        Path err = logDir.resolve(String.format("planexec-%03d.err", n));
        ProcessBuilder builder = new ProcessBuilder(DefaultSignals.command(command))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        try {
            return new PlanexecProcess(List.of(args), builder.start(), out, err);
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

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    /** stdout as the bytes the process wrote, for checks no decoding may hide. */
    byte[] stdoutBytes() {
        return readBytes(stdout);
    }

    byte[] stderrBytes() {
        return readBytes(stderr);
    }

    List<String> stdoutLines() {
        return stdout().lines().toList();
    }

    /**
     * Waits for a line of stdout that {@code regex} finds something in; returns the match. Fails if the process
     * exits first or the time runs out.
     */
    Matcher awaitLine(Pattern regex, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Matcher> match = findLine(regex);
            if (match.isPresent()) {
                return match.get();
            }
            if (!process.isAlive()) {
                match = findLine(regex); // it may have printed the line just before exiting
                if (match.isPresent()) {
                    return match.get();
                }
                throw new AssertionError("planexec exited (" + process.exitValue() + ") before printing a line like /"
                        + regex + "/\n" + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no line like /" + regex + "/ within " + timeout.toMillis() + " ms\n" + describe());
            }
            Waits.pause(Duration.ofMillis(20));
        }
    }

    Optional<Matcher> findLine(Pattern regex) {
        for (String line : stdoutLines()) {
            Matcher m = regex.matcher(line);
            if (m.find()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Sends {@code signal} (INT, TERM, KILL, ...) to the JVM with {@code kill -s}. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -s " + signal + " " + process.pid() + " failed: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code kill -9}, then waits until the JVM is gone. SIGKILL is sent straight from this JVM rather than through
     * {@code kill(1)}: starting a process first would move the moment of the kill by milliseconds, and crash tests aim
     * at windows that short.
     *
     * @return the exit code: 137 if the kill ended it, another if it had exited by itself just before
     */
    int kill9() {
        process.destroyForcibly();
        return awaitExit(Duration.ofSeconds(10));
    }

    /** Waits for the exit code; fails if the process still runs after {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("planexec still runs after " + timeout.toMillis() + " ms\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Whether it exits within {@code timeout}. */
    boolean exitsWithin(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command and everything it printed, for failure messages. */
    String describe() {
        return "planexec " + String.join(" ", args) + " (pid " + process.pid() + ")\n--- stdout ---\n" + stdout()
                + "--- stderr ---\n" + stderr() + "---";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            exitsWithin(Duration.ofSeconds(10));
        }
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            // Not readString: the process may be killed in the middle of a multi-byte character.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
