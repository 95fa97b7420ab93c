package dev.planexec.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.TurnResult;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Timestamps;
import dev.planexec.plan.Usage;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.testing.FakeAgent;
import dev.planexec.testing.ManualClock;
import dev.planexec.testing.Plans;
import dev.planexec.testing.Recorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler with an in-memory agent and a clock the test moves: dependency order, concurrency, the context a
 * task gets from its dependencies, usage, and retries with backoff, in milliseconds, with no process and no sleep.
 */
@Timeout(30)
class SchedulerFakeAgentTest {
    /** The plan says "local", so tasks need a step; the fake agent, which every task runs on, ignores it. */
    private static final String STEP = "never run";

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path tmp;

    private final FakeAgent fake = new FakeAgent();
    private final ManualClock clock = new ManualClock(T0);
    private final Recorder<RunEvent> events = new Recorder<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private PlanStore store;
    private AgentPool pool;

    @AfterEach
    void close() {
        thread.shutdownNow();
        if (pool != null) {
            pool.close();
        }
    }

    /** Starts the run of {@code plan} on its own thread; jitter 0.5 takes a quarter off each ceiling. */
    private Future<RunSummary> start(Path plan, int concurrency) {
        store = new PlanStore(plan, Plans.load(plan), AgentRegistry.NAMES);
        pool = new AgentPool(
                AgentRegistry.of(fake), new AgentEnvironment(tmp.resolve("state"), Map.of(), null), FakeAgent.NAME);
        Scheduler scheduler = new Scheduler(
                store,
                pool,
                RunOptions.withConcurrency(concurrency),
                events::add,
                new LogFile(tmp.resolve("state/planexec.log")),
                clock,
                () -> 0.5);
        return thread.submit(scheduler::run);
    }

    private static TurnResult used(AgentEvent.Usage usage, dev.planexec.agent.AgentEventListener events, TurnResult r) {
        events.onEvent(usage);
        return r;
    }

    @Test
    void a_task_gets_what_its_dependencies_did_in_its_first_prompt() throws Exception {
        Path plan = Plans.local("ctx")
                .task("a", STEP)
                .task("b", List.of("a"), STEP)
                .edit(t -> t.putArray("acceptanceCriteria").add("the parser has tests"))
                .task("c", STEP)
                .writeTo(tmp);
        fake.on("a", (t, e) -> new TurnResult.Completed("Built the parser in src/parser.c; 12 functions."));

        assertEquals(RunSummary.Outcome.COMPLETED, start(plan, 1).get().outcome());

        String prompt = fake.turnsOf("b").get(0).prompt();
        assertEquals("Task b (planexec task b)", prompt.lines().findFirst().orElseThrow());
        assertTrue(prompt.contains("This task depends on task a (Task a)."), prompt);
        assertTrue(
                prompt.contains("Result of task a [done]:\nBuilt the parser in src/parser.c; 12 functions."), prompt);
        assertTrue(prompt.contains("- c ["), prompt); // the other task, listed for context
        assertTrue(
                prompt.contains("check every acceptance criterion and say, for each one, whether it is met"), prompt);
        assertFalse(fake.turnsOf("a").get(0).prompt().contains("depends on"));
    }

    @Test
    void tasks_start_only_after_what_they_depend_on_is_done() throws Exception {
        Path plan = Plans.local("diamond")
                .task("d", List.of("b", "c"), STEP)
                .task("b", List.of("a"), STEP)
                .task("c", List.of("a"), STEP)
                .task("a", STEP)
                .writeTo(tmp);

        assertEquals(RunSummary.Outcome.COMPLETED, start(plan, 4).get().outcome());

        List<String> order = fake.turns().stream().map(FakeAgent.Turn::taskId).toList();
        assertEquals("a", order.get(0), order::toString);
        assertEquals("d", order.get(3), order::toString);
    }

    @Test
    void no_more_tasks_run_at_once_than_the_concurrency_allows() throws Exception {
        Plans.Builder builder = Plans.local("wide");
        for (int i = 0; i < 6; i++) {
            builder.task("t" + i, STEP);
        }
        Path plan = builder.writeTo(tmp);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch twoIn = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 6; i++) {
            fake.on("t" + i, (t, e) -> {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                twoIn.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return new TurnResult.Completed("ok");
            });
        }

        Future<RunSummary> run = start(plan, 2);
        assertTrue(twoIn.await(10, TimeUnit.SECONDS));
        assertEquals(2, inFlight.get());
        release.countDown();

        assertEquals(6, run.get().done());
        assertEquals(2, most.get());
    }

    @Test
    void a_transient_failure_is_retried_in_the_same_session_after_the_backoff_and_usage_adds_up() throws Exception {
        Path plan = Plans.local("retry")
                .task("a", STEP)
                .task("b", List.of("a"), STEP)
                .writeTo(tmp);
        fake.on(
                "a",
                (t, e) -> t.number() == 1
                        ? used(
                                new AgentEvent.Usage(100, 10, 5, 0.01),
                                e,
                                TurnResult.Failed.transientFailure("Copilot reported an error (HTTP 500): boom"))
                        : used(new AgentEvent.Usage(200, 20, 0, 0.02), e, new TurnResult.Completed("fixed")));

        Future<RunSummary> run = start(plan, 1);
        clock.awaitWaits(1);

        // Waiting: the run goes on, the plan says when the next attempt is, and b has not started.
        assertEquals(List.of(Duration.ofMillis(7500)), clock.delaysAsked());
        assertFalse(run.isDone());
        awaitSaved("a", t -> t.waitsToRetry());
        Task waiting = Plans.task(store.file(), "a");
        assertEquals(TaskStatus.IN_PROGRESS, waiting.status());
        assertEquals(
                Timestamps.format(T0.plusMillis(7500)), waiting.retryState().nextAttemptAt());
        assertEquals(1, waiting.attempts());
        assertEquals(
                List.of("Copilot reported an error (HTTP 500): boom"),
                waiting.retryState().attemptErrors());
        assertTrue(fake.turnsOf("b").isEmpty());

        clock.advance(Duration.ofMillis(7499));
        assertEquals(1, fake.turnsOf("a").size());
        clock.advance(Duration.ofMillis(1));
        RunSummary summary = run.get();

        assertEquals(RunSummary.Outcome.COMPLETED, summary.outcome());
        Task a = Plans.task(store.file(), "a");
        assertEquals(TaskStatus.DONE, a.status());
        assertEquals(2, a.attempts());
        assertNull(a.retryState().nextAttemptAt());
        List<FakeAgent.Turn> turns = fake.turnsOf("a");
        assertEquals(turns.get(0).sessionId(), turns.get(1).sessionId());
        assertTrue(turns.get(1).resumed());
        assertTrue(turns.get(1).prompt().contains("HTTP 500"), turns.get(1).prompt());
        assertEquals(new Usage(300, 30, 5, 0.03).describe(), a.usage().describe());
        assertEquals(300, a.usage().inputTokens());
        assertEquals(30, a.usage().outputTokens());
        assertEquals(5, a.usage().cachedTokens());
        assertEquals(0.03, a.usage().costUsd(), 1e-9);
        assertEquals(300, summary.usage().inputTokens());
    }

    @Test
    void delays_double_up_to_the_retries_allowed_then_the_task_fails() throws Exception {
        Path plan = Plans.local("backoff")
                .task("a", STEP)
                .edit(t -> t.put("retries", 3).put("retryDelaySeconds", 4))
                .writeTo(tmp);
        fake.on("a", (t, e) -> TurnResult.Failed.transientFailure("HTTP 429 too many requests"));

        Future<RunSummary> run = start(plan, 1);
        for (int n = 1; n <= 3; n++) {
            clock.awaitWaits(n);
            clock.advance(Duration.ofMinutes(1));
        }

        assertEquals(1, run.get().failed());
        // Ceilings 4, 8 and 16 s, of which jitter 0.5 waits three quarters.
        assertEquals(
                List.of(Duration.ofMillis(3000), Duration.ofMillis(6000), Duration.ofMillis(12000)),
                clock.delaysAsked());
        Task a = Plans.task(store.file(), "a");
        assertEquals(4, a.attempts());
        assertEquals(4, a.retryState().attemptErrors().size());
        assertEquals(TaskStatus.FAILED, a.status());
    }

    @Test
    void a_failure_that_is_not_transient_is_not_retried() throws Exception {
        Path plan = Plans.local("hard").task("a", STEP).writeTo(tmp);
        fake.on("a", (t, e) -> new TurnResult.Failed("step 1/1 (exit 3) exited with code 3"));

        assertEquals(1, start(plan, 1).get().failed());
        assertEquals(List.of(), clock.delaysAsked());
        assertEquals(1, fake.turnsOf("a").size());
    }

    @Test
    void retries_zero_turns_retry_off() throws Exception {
        Path plan = Plans.local("off").planField("retries", 0).task("a", STEP).writeTo(tmp);
        fake.on("a", (t, e) -> TurnResult.Failed.transientFailure("HTTP 503"));

        assertEquals(1, start(plan, 1).get().failed());
        assertEquals(List.of(), clock.delaysAsked());
    }

    @Test
    void a_backend_that_breaks_during_the_turn_is_retried() throws Exception {
        Path plan = Plans.local("crash").task("a", STEP).writeTo(tmp);
        fake.on("a", (t, e) -> {
            if (t.number() == 1) {
                throw new AgentException("the claude CLI exited unexpectedly");
            }
            return new TurnResult.Completed("ok");
        });

        Future<RunSummary> run = start(plan, 1);
        clock.awaitWaits(1);
        clock.advance(Duration.ofSeconds(10));

        assertEquals(RunSummary.Outcome.COMPLETED, run.get().outcome());
        assertEquals(2, Plans.task(store.file(), "a").attempts());
    }

    @Test
    void a_stop_while_a_retry_waits_ends_the_run_with_the_task_interrupted() throws Exception {
        Path plan = Plans.local("stop").task("a", STEP).writeTo(tmp);
        fake.on("a", (t, e) -> TurnResult.Failed.transientFailure("HTTP 500"));
        store = null;
        Future<RunSummary> run;
        {
            store = new PlanStore(plan, Plans.load(plan), AgentRegistry.NAMES);
            pool = new AgentPool(
                    AgentRegistry.of(fake), new AgentEnvironment(tmp.resolve("state"), Map.of(), null), FakeAgent.NAME);
            Scheduler scheduler = new Scheduler(
                    store,
                    pool,
                    RunOptions.withConcurrency(1),
                    events::add,
                    new LogFile(tmp.resolve("state/planexec.log")),
                    clock,
                    () -> 0.5);
            run = thread.submit(scheduler::run);
            clock.awaitWaits(1);
            scheduler.stop();
        }

        assertEquals(RunSummary.Outcome.INTERRUPTED, run.get().outcome());
        Task a = Plans.task(store.file(), "a");
        assertEquals(TaskStatus.INTERRUPTED, a.status(), () -> events.all().toString());
        assertNull(a.retryState().nextAttemptAt());
    }

    /** Waits until the plan file shows {@code taskId} as {@code check} wants (it is saved just after the news). */
    private void awaitSaved(String taskId, java.util.function.Predicate<Task> check) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!check.test(Plans.task(store.file(), taskId))) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("task " + taskId + " never saved as expected");
            }
            Thread.onSpinWait();
        }
    }
}
