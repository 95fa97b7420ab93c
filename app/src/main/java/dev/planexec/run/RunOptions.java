package dev.planexec.run;

import java.util.Set;

/**
 * How to run a plan.
 *
 * @param concurrency tasks at once
 * @param resume tasks to continue in the session the plan names (Resume); all others get new sessions
 * @param held pending tasks not to start in this run (after Clean Up) until {@link Scheduler#retry} starts them
 * @param retryFailed whether tasks that failed in an earlier run are run again
 */
public record RunOptions(int concurrency, Set<String> resume, Set<String> held, boolean retryFailed) {

    public RunOptions {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        resume = Set.copyOf(resume);
        held = Set.copyOf(held);
    }

    public static RunOptions withConcurrency(int concurrency) {
        return new RunOptions(concurrency, Set.of(), Set.of(), true);
    }
}
