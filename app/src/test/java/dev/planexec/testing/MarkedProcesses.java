package dev.planexec.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Processes a test starts, recognisable by a marker no other process has: a copy of {@code sleep} whose file name
 * holds the marker, so every process running it shows the marker in {@code /proc/<pid>/cmdline}. Closing it kills,
 * by process id, whatever still runs with the marker, so a failed test leaves nothing behind.
 *
 * <pre>{@code
 * try (MarkedProcesses marked = MarkedProcesses.in(tempDir)) {
 *     String step = "sh -c '" + marked.sleep(300) + " & " + marked.sleep(300) + " & wait'";
 *     ...
 *     assertEquals(List.of(), marked.alive());
 * }
 * }</pre>
 */
public final class MarkedProcesses implements AutoCloseable {
    private final String marker;
    private final Path sleep;

    private MarkedProcesses(String marker, Path sleep) {
        this.marker = marker;
        this.sleep = sleep;
    }

    public static MarkedProcesses in(Path dir) {
        String marker = "pxmark" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Path original = Stream.of("/bin/sleep", "/usr/bin/sleep")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no sleep(1) on this machine"));
        try {
            Path copy = dir.resolve("sleep-" + marker);
            Files.copy(original, copy, StandardCopyOption.COPY_ATTRIBUTES);
            return new MarkedProcesses(marker, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String marker() {
        return marker;
    }

    /** A shell command that sleeps for {@code seconds} in a marked process. */
    public String sleep(int seconds) {
        return sleep + " " + seconds;
    }

    /** Process ids of the live processes whose command line holds the marker (zombies have none). */
    public List<Long> alive() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(p -> commandLine(p)
                            .filter(cmd -> cmd.contains(marker))
                            .ifPresent(cmd ->
                                    pids.add(Long.parseLong(p.getFileName().toString()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pids.remove(ProcessHandle.current().pid());
        return pids;
    }

    /** How many live processes run the marked {@code sleep} itself. */
    public long sleeping() {
        return alive().stream()
                .map(pid -> commandLine(Path.of("/proc", Long.toString(pid))).orElse(""))
                .filter(cmd -> cmd.startsWith(sleep.toString()))
                .count();
    }

    private static Optional<String> commandLine(Path procDir) {
        try {
            byte[] raw = Files.readAllBytes(procDir.resolve("cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException e) {
            return Optional.empty(); // gone meanwhile, or not ours to read
        }
    }

    /** Kills what still runs with the marker; only processes this test started carry it. */
    @Override
    public void close() {
        List<Long> left = alive();
        for (long pid : left) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Waits.within(Duration.ofSeconds(5), () -> alive().isEmpty());
    }
}
