package dev.planexec.agent.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts commands in a process group of their own and stops them with everything they started.
 *
 * <p>A child started by {@code setsid} leads a new session and process group, so a signal sent to that group reaches
 * every process of the command, including ones whose parent already exited (a backgrounded {@code sleep &} is no
 * longer a descendant once its shell is gone, but it is still in the group). Being outside the terminal's foreground
 * group also means Ctrl+C reaches only planexec, which then stops commands itself and records them as interrupted.
 */
public final class ProcessTrees {
    private static final Path SETSID = findSetsid();

    private ProcessTrees() {}

    /** Starts {@code builder}'s command in a new process group (when {@code setsid} exists) and registers it. */
    public static Process start(ProcessBuilder builder) throws IOException {
        if (SETSID != null) {
            List<String> command = new ArrayList<>(builder.command());
            command.add(0, SETSID.toString());
            builder.command(command);
        }
        Process process = launch(builder);
        ProcessReaper.register(process.toHandle());
        return process;
    }

    private static final Object LAUNCH = new Object();

    /**
     * {@link ProcessBuilder#start()}, one at a time in this JVM. The JDK launches a child through a helper
     * ({@code jspawnhelper}) that reads its instructions from a pipe; a helper launched meanwhile inherits that
     * pipe's open end until it closes its descriptors. If planexec is killed with {@code kill -9} while two launches
     * overlap, each helper waits for ever on a pipe the other holds open. Launching one at a time rules that out, at
     * the cost of about a millisecond per launch.
     */
    public static Process launch(ProcessBuilder builder) throws IOException {
        synchronized (LAUNCH) {
            try {
                return builder.start();
            } catch (IOException e) {
                if (!helperKilledBySignal(e)) {
                    throw e;
                }
                // The helper sits in planexec's process group until it runs the command, so a hang-up sent to that
                // group (a closed terminal) can kill it first. The command never started: starting it again is
                // safe, and the task then ends as the stop that sent the signal decides (interrupted), not failed.
                return builder.start();
            }
        }
    }

    /** The JDK's words for a launch whose helper died of a signal before it could run the command. */
    static boolean helperKilledBySignal(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("spawn helper") && message.contains("signal:");
    }

    /**
     * Stops the process tree rooted at {@code root}: SIGTERM to its group and every descendant, then SIGKILL to
     * whatever is left after {@code grace}. Returns when all of them are gone or a further second has passed.
     */
    public static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        long group = root.pid();
        if (SETSID != null) {
            signalGroup("TERM", group);
        }
        all.forEach(ProcessHandle::destroy);
        if (!waitGone(all, grace)) {
            if (SETSID != null) {
                signalGroup("KILL", group);
            }
            all.forEach(ProcessHandle::destroyForcibly);
            waitGone(all, Duration.ofSeconds(1));
        }
        if (SETSID != null) {
            // A process that left the tree but not the group (its parent exited) may still be there.
            signalGroup("KILL", group);
        }
        ProcessReaper.unregister(root);
    }

    /** The process ended by itself and took its group with it: nothing left to stop at shutdown. */
    public static void forget(ProcessHandle root) {
        ProcessReaper.unregister(root);
    }

    /**
     * Kills the group that {@code pid} leads if that process is still the one that started at {@code started}: what
     * a run killed with {@code kill -9} left behind. Returns whether anything was found.
     */
    public static boolean killLeftover(long pid, Instant started) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Optional<Instant> actualStart = handle.get().info().startInstant();
        // Process ids are reused: only a process that started when ours did is ours.
        if (started == null
                || actualStart.isEmpty()
                || Duration.between(actualStart.get(), started).abs().toMillis() > 1000) {
            return false;
        }
        kill(handle.get(), Duration.ofSeconds(2));
        return true;
    }

    private static boolean waitGone(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle p : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return processes.stream().noneMatch(ProcessHandle::isAlive);
            }
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return processes.stream().noneMatch(ProcessHandle::isAlive);
    }

    private static void signalGroup(String signal, long group) {
        signalGroups(signal, List.of(group));
    }

    /** Signals several process groups with one {@code kill}; groups already gone are ignored. */
    static void signalGroups(String signal, List<Long> groups) {
        if (SETSID == null || groups.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, "--"));
        groups.forEach(g -> command.add("-" + g));
        try {
            Process kill = launch(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
            kill.waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            // No kill(1) here: the per-process signals above still reach the tree.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path findSetsid() {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path candidate = Path.of(dir, "setsid");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
