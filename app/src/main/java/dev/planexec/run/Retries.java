package dev.planexec.run;

import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The retries of one run: how many each task has had, which tasks wait for their next attempt, and the timers that
 * end those waits. Workers ask {@link #next} after a transient failure; the coordinator thread owns the waits.
 */
final class Retries {
    private final RetryClock clock;
    private final DoubleSupplier jitter;
    private final Map<String, Integer> used = new ConcurrentHashMap<>();
    /** Tasks waiting for their next attempt, and how to cancel the wait; coordinator thread only. */
    private final Map<String, Runnable> waiting = new HashMap<>();

    Retries(RetryClock clock, DoubleSupplier jitter) {
        this.clock = clock;
        this.jitter = jitter;
    }

    /** A planned retry: after {@code delay}, due at {@code at} (as the plan file writes it), the {@code n}-th. */
    record Planned(Duration delay, String at, int n) {}

    /**
     * After a transient failure of {@code task}: when to try it again, if its plan allows another retry. Counts the
     * retry.
     */
    Optional<Planned> next(Plan plan, Task task) {
        RetryPolicy policy =
                new RetryPolicy(plan.retriesFor(task), Duration.ofSeconds(plan.retryDelayFor(task)), jitter);
        int sofar = used.getOrDefault(task.id(), 0);
        if (!policy.allowsAnother(sofar)) {
            return Optional.empty();
        }
        used.put(task.id(), sofar + 1);
        Duration delay = policy.delayBefore(sofar + 1);
        Instant at = clock.now().plus(delay);
        return Optional.of(new Planned(delay, Timestamps.format(at), sofar + 1));
    }

    /** Coordinator: {@code taskId} waits; {@code due} runs (on the clock's thread) when the wait is over. */
    void waitFor(String taskId, Duration delay, Runnable due) {
        cancel(taskId);
        waiting.put(taskId, clock.after(delay, due));
    }

    /** Coordinator: the wait of {@code taskId} is over; false if it no longer waited (cancelled, retried by hand). */
    boolean due(String taskId) {
        return waiting.remove(taskId) != null;
    }

    /** Coordinator: stops waiting for {@code taskId}, if it did. */
    void cancel(String taskId) {
        Runnable cancel = waiting.remove(taskId);
        if (cancel != null) {
            cancel.run();
        }
    }

    /** Coordinator: stops every wait; returns the tasks that waited. */
    List<String> cancelAll() {
        List<String> ids = List.copyOf(waiting.keySet());
        ids.forEach(this::cancel);
        return ids;
    }

    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    void close() {
        cancelAll();
        clock.close();
    }
}
