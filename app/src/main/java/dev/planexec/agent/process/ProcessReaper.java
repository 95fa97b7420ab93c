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

    /** Stops every registered tree at once, with a short grace period. */
    public static void killAll() {
        List<ProcessHandle> roots = List.copyOf(LIVE);
        roots.parallelStream().forEach(root -> ProcessTrees.kill(root, Duration.ofMillis(500)));
    }
}
