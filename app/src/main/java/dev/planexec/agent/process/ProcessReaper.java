package dev.planexec.agent.process;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process tree planexec started and has not stopped yet. When the JVM shuts down for any reason but
 * {@code kill -9}, the shutdown hook stops them all, so nothing planexec started outlives it.
 */
public final class ProcessReaper {
    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();
    /** Process groups of commands that ended by themselves, with when their leader started. */
    private static final java.util.Map<Long, java.time.Instant> GROUPS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::killAll, "planexec-reaper"));
    }

    private ProcessReaper() {}

    public static void register(ProcessHandle root) {
        LIVE.add(root);
    }

    public static void unregister(ProcessHandle root) {
        LIVE.remove(root);
    }

    /**
     * Remembers the process group of a command that exited by itself: what it put in the background with its output
     * redirected (a server, say) may still run there, and is stopped when the run ends ({@link #killGroups}).
     */
    public static void rememberGroup(long pgid, java.time.Instant leaderStarted) {
        if (leaderStarted != null) {
            GROUPS.put(pgid, leaderStarted);
        }
    }

    /** Stops every registered tree and remembered group at once, with a short grace period. */
    public static void killAll() {
        List<ProcessHandle> roots = List.copyOf(LIVE);
        roots.parallelStream().forEach(root -> ProcessTrees.kill(root, Duration.ofMillis(500)));
        killGroups();
    }

    /**
     * Sends SIGKILL to the remembered groups. A group id is the id of its first process; while any process is in the
     * group the kernel does not hand that id to a new process, so a process now holding the id but started at
     * another time means the group is gone and the id reused: that one is left alone.
     */
    public static void killGroups() {
        List<Long> groups = new java.util.ArrayList<>();
        for (var entry : java.util.Map.copyOf(GROUPS).entrySet()) {
            GROUPS.remove(entry.getKey());
            var holder = ProcessHandle.of(entry.getKey());
            boolean reused = holder.isPresent()
                    && holder.get()
                            .info()
                            .startInstant()
                            .map(t ->
                                    Duration.between(t, entry.getValue()).abs().toMillis() > 1000)
                            .orElse(true);
            if (!reused) {
                groups.add(entry.getKey());
            }
        }
        for (int from = 0; from < groups.size(); from += 200) {
            ProcessTrees.signalGroups("KILL", groups.subList(from, Math.min(groups.size(), from + 200)));
        }
    }
}
