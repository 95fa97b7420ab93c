package dev.planexec.testing;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.recovery.Recovery;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunListener;
import dev.planexec.run.RunOptions;
import dev.planexec.run.RunSummary;
import dev.planexec.run.Scheduler;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plan opened for running as {@code planexec run} opens it: its store, the agents (the real local agent, sessions
 * in {@code stateDir}), recovery and a scheduler whose events are recorded. Closing it closes the agents, which
 * stops anything they still run.
 */
public final class PlanRun implements AutoCloseable {
    /** Longer than any run a test makes; a run that takes longer is stopped and the test fails. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final Path planFile;
    private final PlanStore store;
    private final AgentPool agents;
    private final LogFile log;
    private final Recorder<RunEvent> events = new Recorder<>();

    public PlanRun(Path planFile, Path stateDir) {
        this.planFile = planFile;
        this.store = new PlanStore(planFile, Plans.load(planFile), AgentRegistry.NAMES);
        this.agents = new AgentPool(AgentRegistry.load(), new AgentEnvironment(stateDir, Map.of(), null), null);
        this.log = new LogFile(stateDir.resolve("logs").resolve("planexec.log"));
    }

    public Path planFile() {
        return planFile;
    }

    public PlanStore store() {
        return store;
    }

    public AgentPool agents() {
        return agents;
    }

    public AgentRuntime local() throws AgentException {
        return agents.runtime("local");
    }

    public Recorder<RunEvent> events() {
        return events;
    }

    public Recovery recovery() {
        return new Recovery(store, agents);
    }

    public Scheduler scheduler(RunOptions options) {
        return scheduler(options, e -> {});
    }

    /** A scheduler whose events are recorded and also handed to {@code also}. */
    public Scheduler scheduler(RunOptions options, RunListener also) {
        return new Scheduler(
                store,
                agents,
                options,
                e -> {
                    events.add(e);
                    also.onEvent(e);
                },
                log);
    }

    public RunSummary run(RunOptions options) {
        return run(scheduler(options));
    }

    /** Runs {@code scheduler} to its end; one that runs too long is stopped and the test fails. */
    public RunSummary run(Scheduler scheduler) {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<RunSummary> run = thread.submit(scheduler::run);
            try {
                return run.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                scheduler.stop();
                try {
                    run.get(30, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException ignored) {
                    // the failure below is the one to report
                }
                throw new AssertionError("the run did not end within " + LIMIT, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.stop();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the run broke", e.getCause());
        } finally {
            thread.shutdownNow();
        }
    }

    @Override
    public void close() {
        agents.close();
    }
}
