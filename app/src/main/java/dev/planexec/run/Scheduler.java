package dev.planexec.run;

import dev.planexec.agent.GitContexts;
import dev.planexec.isolation.DiffStat;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
import dev.planexec.isolation.WorktreeIsolation;
import dev.planexec.plan.GitBase;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.plan.Timestamps;
import dev.planexec.plan.Usage;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Runs a plan's tasks through agent sessions in dependency order, up to {@code concurrency} at once.
 *
 * <p>One coordinator thread (the caller of {@link #run}) decides what starts; each task runs on a worker thread. A
 * task starts only when every task it depends on is {@code done}; a failed task holds back its dependents and nothing
 * else. Every state change goes through the {@link PlanStore}, which returns once it is on disk, and only then is
 * published: what a listener is told has survived any crash.
 *
 * <p>Control methods ({@link #stop}, {@link #pause}, {@link #retry}, {@link #abort}) may be called from any thread.
 */
public final class Scheduler {
    /** The agent's final message is kept in the plan up to this many characters; the rest is in the session. */
    static final int MAX_RESULT_CHARS = 4000;
    /** How long the coordinator waits for news before it looks whether the plan file was edited. */
    private static final Duration CATCH_UP = Duration.ofSeconds(1);

    private final PlanStore store;
    private final AgentPool agents;
    private final RunOptions options;
    private final RunListener listener;
    private final LogFile log;
    private final GitContexts contexts = new GitContexts();
    private final BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();
    /** Retries asked for while the task was still running; owned by the coordinator thread. */
    private final Set<String> retryWhenFinished = new HashSet<>();

    private final ExecutorService helpers = Executors.newCachedThreadPool(daemon("planexec-abort"));
    private final Retries retries;
    private volatile boolean stopping;
    /** Kept open by the UI: idle is not the end, a retry may still come; see {@link #stayOpen}. */
    private volatile boolean open;

    private final Isolations isolations;
    private final TaskRunner runner;

    /** A run without isolation: every task in the plan's working directory. */
    public Scheduler(PlanStore store, AgentPool agents, RunOptions options, RunListener listener, LogFile log) {
        this(store, agents, options, listener, log, Isolations.none(workingDirectory(store)));
    }

    /** A run whose tasks get {@code isolations}. */
    public Scheduler(
            PlanStore store,
            AgentPool agents,
            RunOptions options,
            RunListener listener,
            LogFile log,
            Isolations isolations) {
        this(store, agents, options, listener, log, isolations, RetryClock.system(), Math::random);
    }

    /** A scheduler whose retries wait on {@code clock}, with {@code jitter} for their random part (tests). */
    public Scheduler(
            PlanStore store,
            AgentPool agents,
            RunOptions options,
            RunListener listener,
            LogFile log,
            RetryClock clock,
            java.util.function.DoubleSupplier jitter) {
        this(store, agents, options, listener, log, Isolations.none(workingDirectory(store)), clock, jitter);
    }

    /** A run whose tasks get {@code isolations}, whose retries wait on {@code clock} with {@code jitter}. */
    public Scheduler(
            PlanStore store,
            AgentPool agents,
            RunOptions options,
            RunListener listener,
            LogFile log,
            Isolations isolations,
            RetryClock clock,
            java.util.function.DoubleSupplier jitter) {
        this.store = store;
        this.agents = agents;
        this.options = options;
        this.listener = listener;
        this.log = log;
        this.retries = new Retries(clock, jitter);
        this.isolations = isolations;
        this.runner = new TaskRunner(store, agents, listener, log, isolations, helpers);
    }

    // ---- control, from any thread -------------------------------------------------------------------------------

    /** Graceful stop: no new task starts; running sessions are aborted and their tasks saved {@code interrupted}. */
    public void stop() {
        stopping = true;
        inbox.add(new Message.Stop());
    }

    /** No new task starts until {@link #unpause}; running ones finish. */
    public void pause() {
        inbox.add(new Message.Pause(true));
    }

    public void unpause() {
        inbox.add(new Message.Pause(false));
    }

    /** Runs a failed or interrupted task again (an interrupted one in its own session), or starts a held one. */
    public void retry(String taskId) {
        inbox.add(new Message.Retry(taskId));
    }

    /** Stops one running task; it is saved {@code interrupted} and can be retried. */
    public void abort(String taskId) {
        inbox.add(new Message.Abort(taskId));
    }

    /**
     * Before {@link #run}: the run does not end when nothing is left to run, but reports {@link RunEvent.Idle} and
     * waits for a {@link #retry} (the full-screen UI, where the user can still act) until {@link #close}.
     */
    public void stayOpen() {
        open = true;
    }

    /** Ends a run kept open as soon as nothing runs; unlike {@link #stop} it aborts nothing. */
    public void close() {
        inbox.add(new Message.Close());
    }

    /** Ids of the tasks running now. */
    public Set<String> runningTasks() {
        return Set.copyOf(running.keySet());
    }

    /**
     * For a second Ctrl+C: saves every running task as {@code interrupted} in one last attempt, without waiting for
     * its session. The caller then exits.
     */
    public void saveRunningAsInterrupted() throws SaveFailedException {
        Set<String> ids = Set.copyOf(running.keySet());
        store.update(plan -> {
            List<Task> tasks = new ArrayList<>(plan.tasks());
            for (int i = 0; i < tasks.size(); i++) {
                Task t = tasks.get(i);
                if (ids.contains(t.id()) && t.status() == TaskStatus.IN_PROGRESS) {
                    tasks.set(i, t.finished(TaskStatus.INTERRUPTED, t.agentResult(), null, Timestamps.now()));
                }
            }
            return plan.withTasks(tasks);
        });
    }

    // ---- the run ----------------------------------------------------------------------------------------------

    /** Runs the plan until nothing more can run, or it is stopped; returns how it ended. */
    public RunSummary run() {
        long startNanos = System.nanoTime();
        startIsolation();
        Graph graph = new Graph(store.current());
        Set<String> held = new HashSet<>(options.held());
        Set<String> resume = new HashSet<>(options.resume());
        PriorityQueue<String> ready = new PriorityQueue<>(Comparator.comparingInt(graph::order));
        for (Task task : store.current().tasks()) {
            if (isRunnable(task, held, resume) && graph.depsDone(task.id())) {
                ready.add(task.id());
            }
        }
        store.onDiskEdit(edit -> {
            edit.notices().forEach(line -> notice(null, line));
            if (edit.tasksChanged()) {
                inbox.add(new Message.PlanChanged());
            }
        });
        ExecutorService workers = Executors.newFixedThreadPool(options.concurrency(), daemon("planexec-task"));
        boolean paused = false;
        SaveFailedException saveFailure = null;
        List<RunEvent.StateChanged> unpublished = new ArrayList<>();
        long unsaved = 0;
        boolean reportedIdle = false;
        try {
            while (true) {
                List<Start> starts = new ArrayList<>();
                while (!stopping
                        && !paused
                        && saveFailure == null
                        && running.size() + starts.size() < options.concurrency()
                        && !ready.isEmpty()) {
                    String next = ready.poll();
                    Task task = store.current().task(next).orElse(null);
                    // An edit of the file taken in since it became ready may have removed it or marked it done.
                    Start start = task == null || task.status() == TaskStatus.DONE ? null : prepareStart(task, resume);
                    if (start != null) {
                        starts.add(start);
                    }
                }
                if (stopping) {
                    // A graceful stop ends the waits: those tasks are saved interrupted, like the running ones.
                    for (String waited : retries.cancelAll()) {
                        Message.Finished ended = finish(waited, TaskStatus.INTERRUPTED, null, null);
                        if (ended.change() != null) {
                            unpublished.add(ended.change());
                            unsaved = Math.max(unsaved, ended.version());
                        }
                    }
                }
                if (!starts.isEmpty() || !unpublished.isEmpty()) {
                    long upTo = starts.isEmpty()
                            ? unsaved
                            : Math.max(unsaved, starts.get(starts.size() - 1).version());
                    try {
                        // One write carries the tasks that just finished and the write-ahead of those about to
                        // start: each change is on disk before anyone hears of it or a session is created.
                        store.persist(upTo);
                        unpublished.forEach(listener::onEvent);
                        for (Start start : starts) {
                            listener.onEvent(new RunEvent.StateChanged(start.before(), start.after()));
                            RunningTask run = new RunningTask(start.after().id());
                            running.put(run.taskId, run);
                            workers.execute(() -> execute(run, start));
                        }
                    } catch (SaveFailedException e) {
                        // Tasks not started are put back as they were, in memory too.
                        store.apply(p -> {
                            Plan reverted = p;
                            for (Start start : starts) {
                                reverted =
                                        reverted.withTask(start.after().id(), t -> t.withRunFieldsOf(start.before()));
                            }
                            return reverted;
                        });
                        if (saveFailure == null) {
                            saveFailure = e;
                            notice(null, e.getMessage() + "; no more tasks start");
                            abortAll();
                        }
                    }
                    unpublished.clear();
                }
                // A task waiting for its retry keeps the run going (a stop ends the waits at the top of the loop),
                // unless it cannot save: then a waiting task stays in_progress in the file, an orphan next time.
                boolean idle = running.isEmpty() && !retries.anyWaiting();
                boolean nothingToStart = ready.isEmpty() && !paused;
                if ((idle && (stopping || (nothingToStart && !open))) || (running.isEmpty() && saveFailure != null)) {
                    break;
                }
                if (idle && nothingToStart && !reportedIdle) {
                    // A run kept open for retries tells what it landed now, as it would if it ended here.
                    reportLanded();
                    listener.onEvent(new RunEvent.Idle(summarize(startNanos, null)));
                }
                reportedIdle = idle && nothingToStart;
                Message message = inbox.poll(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
                if (message == null) {
                    // Nothing happened for a while: an edit of the file is taken in now, not at the next save.
                    try {
                        store.catchUp();
                    } catch (SaveFailedException e) {
                        inbox.add(new Message.SaveFailed(null, e));
                    }
                } else if (message instanceof Message.PlanChanged) {
                    graph = new Graph(store.current());
                    ready = readyAfterEdit(graph, ready, held, resume);
                } else if (message instanceof Message.Finished finished) {
                    running.remove(finished.taskId());
                    if (finished.change() != null) {
                        unpublished.add(finished.change());
                        unsaved = Math.max(unsaved, finished.version());
                    }
                    if (retryWhenFinished.remove(finished.taskId())) {
                        inbox.add(new Message.Retry(finished.taskId()));
                    }
                    if (finished.status() == TaskStatus.DONE) {
                        graph.markDone(finished.taskId());
                        Plan now = store.current();
                        for (String dependent : graph.dependentsOf(finished.taskId())) {
                            Task t = now.task(dependent).orElse(null);
                            if (t != null && graph.depsDone(dependent) && isRunnable(t, held, resume)) {
                                ready.add(dependent);
                            }
                        }
                    }
                } else if (message instanceof Message.SaveFailed failed) {
                    if (failed.taskId() != null) {
                        running.remove(failed.taskId());
                    }
                    if (saveFailure == null) {
                        saveFailure = failed.error();
                        notice(null, failed.error().getMessage() + "; no more tasks start");
                        abortAll();
                    }
                } else if (message instanceof Message.WaitingToRetry waits) {
                    running.remove(waits.taskId());
                    unpublished.add(waits.change());
                    unsaved = Math.max(unsaved, waits.version());
                    retries.waitFor(
                            waits.taskId(), waits.delay(), () -> inbox.add(new Message.RetryDue(waits.taskId())));
                } else if (message instanceof Message.RetryDue due) {
                    if (retries.due(due.taskId()) && !stopping) {
                        resume.add(due.taskId());
                        ready.add(due.taskId());
                    }
                } else if (message instanceof Message.Stop) {
                    abortAll();
                } else if (message instanceof Message.Close) {
                    open = false;
                } else if (message instanceof Message.Pause pause) {
                    paused = pause.paused();
                } else if (message instanceof Message.Abort abort) {
                    RunningTask run = running.get(abort.taskId());
                    if (run != null) {
                        helpers.execute(run::abort);
                    }
                } else if (message instanceof Message.Retry retry) {
                    retry(retry.taskId(), graph, held, resume, ready);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            abortAll();
        } finally {
            workers.shutdown();
            awaitWorkers(workers);
            helpers.shutdownNow();
            retries.close();
        }
        settlePlanFile();
        reportLanded();
        RunSummary summary = summarize(startNanos, saveFailure);
        listener.onEvent(new RunEvent.RunFinished(summary));
        return summary;
    }

    /**
     * The tasks that can start once an edit of the file changed the task set: those that could before and still
     * can, and pending ones (new, or set back to pending by the user) whose dependencies are done.
     */
    private PriorityQueue<String> readyAfterEdit(
            Graph graph, PriorityQueue<String> before, Set<String> held, Set<String> resume) {
        Set<String> wasReady = new HashSet<>(before);
        PriorityQueue<String> ready = new PriorityQueue<>(Comparator.comparingInt(graph::order));
        for (Task task : store.current().tasks()) {
            if (!running.containsKey(task.id())
                    && (wasReady.contains(task.id()) || task.status() == TaskStatus.PENDING)
                    && isRunnable(task, held, resume)
                    && graph.depsDone(task.id())) {
                ready.add(task.id());
            }
        }
        return ready;
    }

    /**
     * At the end: takes in a last edit of the file, or folds the run's state back into it; if the file is still not
     * valid, says where the state is and how it comes back.
     */
    private void settlePlanFile() {
        try {
            store.catchUp();
        } catch (SaveFailedException e) {
            notice(null, e.getMessage());
        }
        if (store.diverted()) {
            notice(
                    null,
                    store.file() + " is still not valid, so this run's state is in " + store.runStateFile()
                            + "; 'planexec run " + store.file() + "' applies it once the plan file is valid");
        }
    }

    private boolean isRunnable(Task task, Set<String> held, Set<String> resume) {
        if (held.contains(task.id())) {
            return false;
        }
        return switch (task.status()) {
            case PENDING -> true;
            case FAILED -> options.retryFailed();
            case IN_PROGRESS, INTERRUPTED -> resume.contains(task.id());
            case DONE -> false;
        };
    }

    private void retry(String taskId, Graph graph, Set<String> held, Set<String> resume, PriorityQueue<String> ready) {
        Task task = store.current().task(taskId).orElse(null);
        if (task == null || !graph.contains(taskId) || ready.contains(taskId)) {
            return;
        }
        if (running.containsKey(taskId)) {
            // Asked for as the task ends (e.g. by a listener of its failure): retry once it has finished.
            retryWhenFinished.add(taskId);
            return;
        }
        held.remove(taskId);
        retries.cancel(taskId); // asked for by hand while it waited: now
        switch (task.status()) {
            case FAILED, PENDING -> {
                try {
                    if (task.status() == TaskStatus.FAILED) {
                        Task after = change(taskId, Task::pendingWithoutSession);
                        listener.onEvent(new RunEvent.StateChanged(task, after));
                    }
                } catch (SaveFailedException e) {
                    notice(taskId, e.getMessage());
                    return;
                }
            }
            case INTERRUPTED, IN_PROGRESS -> {
                if (task.sessionId() != null) {
                    resume.add(taskId);
                }
            }
            case DONE -> {
                return;
            }
        }
        if (graph.depsDone(taskId)) {
            ready.add(taskId);
        } else {
            notice(taskId, "waits for the tasks it depends on");
        }
    }

    // ---- one task, on a worker thread ---------------------------------------------------------------------------

    /**
     * Coordinator thread: the write-ahead state of a task about to start (in progress, with the id of the session
     * it will get), applied in memory; the caller persists it before the session is created.
     */
    private Start prepareStart(Task task, Set<String> resume) {
        Plan plan = store.current();
        boolean resuming = resume.remove(task.id());
        Map<String, String> context = contexts.of(workingDirectory(plan)).toMap();
        String now = Timestamps.now();
        String agent = agents.agentFor(plan, task);
        String sessionId = resuming ? task.sessionId() : agents.newSessionId(agent, plan.id(), task.id());
        // Where the backend places the session (a Copilot server) is written ahead with the session id.
        Map<String, String> placed =
                agents.sessionContext(agent, sessionId, resuming ? task.sessionContext() : Map.of(), context);
        // Changed in place, through the run-field withers: an edit of the file merged in since the task was read
        // keeps the user's fields.
        Task[] change = new Task[2];
        long version = store.apply(p -> p.withTask(task.id(), t -> {
            change[0] = t;
            Task started = (resuming ? t.resuming(now) : t.starting(sessionId, now)).withSessionContext(placed);
            // The worktree and branch are named in the plan in this same write, before either exists. A task run
            // without isolation keeps the record it has: what it names may still exist.
            TaskWorktree assigned = isolations.forTask(plan, t).assign(t);
            change[1] = started.withWorktree(assigned != null ? assigned : t.worktree());
            return change[1];
        }));
        return change[1] == null ? null : new Start(change[0], change[1], resuming, version);
    }

    private void execute(RunningTask run, Start start) {
        try {
            TaskRunner.Ended ended = runner.run(run, start.before(), start.after(), start.resuming());
            if (ended.transientFailure()) {
                inbox.add(failTransiently(run.taskId, ended.error()));
            } else if (ended.status() == TaskStatus.FAILED) {
                inbox.add(failFor(run.taskId, ended.error()));
            } else {
                inbox.add(finish(run.taskId, ended.status(), ended.result(), ended.error()));
            }
        } catch (SaveFailedException e) {
            inbox.add(new Message.SaveFailed(run.taskId, e));
        } catch (RuntimeException | Error e) {
            // Whatever broke, the coordinator must hear that the task is over, or the run would wait for ever.
            log.error("task " + run.taskId + " broke the scheduler", e);
            notice(run.taskId, "internal error: " + e + " (details in " + log.path() + ")");
            inbox.add(new Message.Finished(run.taskId, TaskStatus.FAILED, null, 0));
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    /**
     * After a transient failure: the task waits for its next attempt if its plan allows one (it stays
     * {@code in_progress} in its session, with {@code nextAttemptAt}); else it fails.
     */
    private Message failTransiently(String taskId, String error) {
        Plan plan = store.current();
        Task task = plan.task(taskId).orElse(null);
        Retries.Planned next =
                stopping || task == null ? null : retries.next(plan, task).orElse(null);
        if (next == null) {
            return failFor(taskId, error);
        }
        Task[] change = new Task[2];
        long version = store.apply(p -> p.withTask(taskId, t -> {
            change[0] = t;
            change[1] = t.waitingToRetry(error, next.at());
            return change[1];
        }));
        notice(
                taskId,
                "attempt " + task.attempts() + " failed (" + firstLine(error) + "); retry " + next.n() + " of "
                        + plan.retriesFor(task) + " at " + next.at() + ", in "
                        + next.delay().toMillis() / 1000.0 + " s");
        if (change[0] == null) {
            return new Message.Finished(taskId, TaskStatus.FAILED, null, version);
        }
        return new Message.WaitingToRetry(
                taskId, new RunEvent.StateChanged(change[0], change[1]), version, next.delay());
    }

    /** The task failed for good; its attempt's error joins the others in {@code attemptErrors}. */
    private Message.Finished failFor(String taskId, String error) {
        store.apply(p -> p.withTask(taskId, t -> t.withAttemptError(error)));
        return finish(taskId, TaskStatus.FAILED, null, error);
    }

    private static String lastError(Task task) {
        List<String> errors = task.retryState().attemptErrors();
        return errors.isEmpty() ? task.error() : errors.get(errors.size() - 1);
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.strip().lines().findFirst().orElse("");
    }

    /** The task's end, applied in memory; the coordinator persists it before it is published. */
    private Message.Finished finish(String taskId, TaskStatus status, String result, String error) {
        Task[] change = new Task[2];
        long version = store.apply(p -> p.withTask(taskId, t -> {
            change[0] = t;
            change[1] = t.finished(status, result, error, Timestamps.now());
            return change[1];
        }));
        RunEvent.StateChanged event = change[0] == null ? null : new RunEvent.StateChanged(change[0], change[1]);
        return new Message.Finished(taskId, status, event, version);
    }

    /** Changes one task and waits until it is on disk; returns the task as saved. */
    private Task change(String taskId, UnaryOperator<Task> change) throws SaveFailedException {
        Task[] changed = new Task[1];
        store.update(p -> p.withTask(taskId, t -> changed[0] = change.apply(t)));
        return changed[0];
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /**
     * Before any task starts: recovery of what a killed run left in git, then the plan's base (written ahead) and its
     * integration branch. If that fails, nothing starts.
     */
    private void startIsolation() {
        WorktreeIsolation worktree = isolations.worktree().orElse(null);
        if (worktree == null) {
            return;
        }
        try {
            worktree.recover(store.current()).forEach(line -> notice(null, line));
            GitBase base = worktree.base(store.current());
            if (!base.equals(store.current().gitBase())) {
                store.update(p -> p.withGitBase(base));
            }
            worktree.start(base);
        } catch (IsolationException | SaveFailedException e) {
            notice(null, e.getMessage() + "; no task starts");
            stopping = true;
        } catch (RuntimeException e) {
            log.error("worktree isolation could not start", e);
            notice(null, "worktree isolation could not start: " + e + "; no task starts");
            stopping = true;
        }
    }

    /** What is on the integration branch now, and how to take it. */
    private void reportLanded() {
        WorktreeIsolation worktree = isolations.worktree().orElse(null);
        Plan plan = store.current();
        if (worktree == null || plan.gitBase() == null) {
            return;
        }
        long landed = plan.tasks().stream()
                .filter(t -> t.status() == TaskStatus.DONE && t.worktree() != null)
                .count();
        DiffStat stat = worktree.landedStat(plan.gitBase());
        listener.onEvent(new RunEvent.WorkLanded(
                worktree.integrationBranch(), landed, stat, store.file().toString()));
    }

    private Path workingDirectory(Plan plan) {
        return workingDirectory(store);
    }

    /** The plan's working directory, relative to its file's folder. */
    public static Path workingDirectory(PlanStore store) {
        return PlanFiles.workingDirectory(store.file(), store.current());
    }

    private void abortAll() {
        for (RunningTask run : running.values()) {
            helpers.execute(run::abort);
        }
    }

    private void notice(String taskId, String message) {
        listener.onEvent(new RunEvent.Notice(taskId, message));
    }

    private void awaitWorkers(ExecutorService workers) {
        try {
            while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                abortAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RunSummary summarize(long startNanos, SaveFailedException saveFailure) {
        // After a failed save, memory holds changes the file never got: count what the user's file says.
        Plan plan = saveFailure == null ? store.current() : savedPlan();
        int done = (int) plan.count(TaskStatus.DONE);
        int failed = (int) plan.count(TaskStatus.FAILED);
        int interrupted = (int) (plan.count(TaskStatus.INTERRUPTED) + plan.count(TaskStatus.IN_PROGRESS));
        int pending = (int) plan.count(TaskStatus.PENDING);
        RunSummary.Outcome outcome;
        if (saveFailure != null) {
            outcome = RunSummary.Outcome.SAVE_FAILED;
        } else if (stopping) {
            outcome = RunSummary.Outcome.INTERRUPTED;
        } else if (done == plan.tasks().size()) {
            outcome = RunSummary.Outcome.COMPLETED;
        } else {
            outcome = RunSummary.Outcome.INCOMPLETE;
        }
        return new RunSummary(
                outcome,
                plan.tasks().size(),
                done,
                failed,
                interrupted,
                pending,
                Duration.ofNanos(System.nanoTime() - startNanos),
                saveFailure == null ? null : saveFailure.getMessage(),
                plan.tasks().stream().map(Task::usage).reduce(Usage.NONE, Usage::plus));
    }

    /** The plan as its file holds it now; the plan in memory if the file cannot be read. */
    private Plan savedPlan() {
        try {
            return PlanFiles.load(store.file(), store.agentNames());
        } catch (InvalidPlanException e) {
            return store.current();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** What the coordinator thread is told. */
    private sealed interface Message {
        /** {@code change} is applied in memory as of {@code version}, not yet published; null if none. */
        record Finished(String taskId, TaskStatus status, RunEvent.StateChanged change, long version)
                implements Message {}

        /** {@code taskId} is {@code null} when the failed save was not a task's. */
        /** A task's attempt failed for a transient reason; it waits {@code delay} for its next one. */
        record WaitingToRetry(String taskId, RunEvent.StateChanged change, long version, Duration delay)
                implements Message {}

        /** The wait of a task for its next attempt is over. */
        record RetryDue(String taskId) implements Message {}

        record SaveFailed(String taskId, SaveFailedException error) implements Message {}

        record Stop() implements Message {}

        /** An edit of the file changed the tasks, or what they depend on. */
        record PlanChanged() implements Message {}

        record Close() implements Message {}

        record Pause(boolean paused) implements Message {}

        record Retry(String taskId) implements Message {}

        record Abort(String taskId) implements Message {}
    }

    /** A task about to start: its state before and its write-ahead state, applied in memory as of {@code version}. */
    private record Start(Task before, Task after, boolean resuming, long version) {}
}
