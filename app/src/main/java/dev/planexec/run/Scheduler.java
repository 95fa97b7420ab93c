package dev.planexec.run;

import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.GitContexts;
import dev.planexec.agent.Prompts;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionIds;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.TaskBrief;
import dev.planexec.agent.TurnResult;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Timestamps;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
    /** How many of the plan's other tasks a prompt lists for context. */
    private static final int MAX_OTHER_TASKS = 50;

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
    private volatile boolean stopping;

    public Scheduler(PlanStore store, AgentPool agents, RunOptions options, RunListener listener, LogFile log) {
        this.store = store;
        this.agents = agents;
        this.options = options;
        this.listener = listener;
        this.log = log;
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
        Graph graph = new Graph(store.current());
        Set<String> held = new HashSet<>(options.held());
        Set<String> resume = new HashSet<>(options.resume());
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < graph.size(); i++) {
            if (isRunnable(graph.task(i), held, resume) && graph.depsDone(i)) {
                ready.add(i);
            }
        }
        ExecutorService workers = Executors.newFixedThreadPool(options.concurrency(), daemon("planexec-task"));
        boolean paused = false;
        SaveFailedException saveFailure = null;
        try {
            while (true) {
                while (!stopping
                        && !paused
                        && saveFailure == null
                        && running.size() < options.concurrency()
                        && !ready.isEmpty()) {
                    int index = ready.poll();
                    Task task = store.current().tasks().get(index);
                    boolean resuming = resume.remove(task.id());
                    RunningTask run = new RunningTask(index, task.id());
                    running.put(task.id(), run);
                    workers.execute(() -> execute(run, resuming));
                }
                boolean idle = running.isEmpty();
                if (idle && (stopping || saveFailure != null || (ready.isEmpty() && !paused))) {
                    break;
                }
                Message message = inbox.take();
                if (message instanceof Message.Finished finished) {
                    running.remove(finished.taskId());
                    if (retryWhenFinished.remove(finished.taskId())) {
                        inbox.add(new Message.Retry(finished.taskId()));
                    }
                    if (finished.status() == TaskStatus.DONE) {
                        graph.markDone(finished.index());
                        for (int dependent : graph.dependentsOf(finished.index())) {
                            Task t = store.current().tasks().get(dependent);
                            if (graph.depsDone(dependent) && isRunnable(t, held, resume)) {
                                ready.add(dependent);
                            }
                        }
                    }
                } else if (message instanceof Message.SaveFailed failed) {
                    running.remove(failed.taskId());
                    if (saveFailure == null) {
                        saveFailure = failed.error();
                        notice(null, failed.error().getMessage() + "; no more tasks start");
                        abortAll();
                    }
                } else if (message instanceof Message.Stop) {
                    abortAll();
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
        }
        RunSummary summary = summarize(startNanos, saveFailure);
        listener.onEvent(new RunEvent.RunFinished(summary));
        return summary;
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

    private void retry(String taskId, Graph graph, Set<String> held, Set<String> resume, PriorityQueue<Integer> ready) {
        Integer index = graph.indexOf(taskId);
        if (index == null || ready.contains(index)) {
            return;
        }
        if (running.containsKey(taskId)) {
            // Asked for as the task ends (e.g. by a listener of its failure): retry once it has finished.
            retryWhenFinished.add(taskId);
            return;
        }
        Task task = store.current().tasks().get(index);
        held.remove(taskId);
        switch (task.status()) {
            case FAILED, PENDING -> {
                try {
                    if (task.status() == TaskStatus.FAILED) {
                        Task after = store.update(p -> p.withTask(index, Task::pendingWithoutSession))
                                .tasks()
                                .get(index);
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
        if (graph.depsDone(index)) {
            ready.add(index);
        } else {
            notice(taskId, "waits for the tasks it depends on");
        }
    }

    // ---- one task, on a worker thread ---------------------------------------------------------------------------

    private void execute(RunningTask run, boolean resuming) {
        TaskStatus end = TaskStatus.FAILED;
        try {
            end = executeTask(run, resuming);
            inbox.add(new Message.Finished(run.index, run.taskId, end));
        } catch (SaveFailedException e) {
            inbox.add(new Message.SaveFailed(run.taskId, e));
        } catch (RuntimeException | Error e) {
            // Whatever broke, the coordinator must hear that the task is over, or the run would wait for ever.
            log.error("task " + run.taskId + " broke the scheduler", e);
            notice(run.taskId, "internal error: " + e + " (details in " + log.path() + ")");
            inbox.add(new Message.Finished(run.index, run.taskId, end));
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private TaskStatus executeTask(RunningTask run, boolean resuming) throws SaveFailedException {
        int index = run.index;
        Plan plan = store.current();
        Task task = plan.tasks().get(index);
        String agentName = agents.agentFor(plan, task);
        Path workingDirectory = workingDirectory(plan);
        SessionContext context = contexts.of(workingDirectory);
        String sessionId = resuming ? task.sessionId() : SessionIds.newId(plan.id(), task.id());

        // Write-ahead: the plan names the session before the session exists.
        Task starting = resuming ? task.resuming(Timestamps.now()) : task.starting(sessionId, Timestamps.now());
        Task saved = change(index, t -> starting.withSessionContext(context.toMap()));
        listener.onEvent(new RunEvent.StateChanged(task, saved));

        AgentSession session = null;
        try {
            if (run.abortRequested()) {
                return finish(index, TaskStatus.INTERRUPTED, null, null);
            }
            AgentRuntime runtime = agents.runtime(agentName);
            SessionSpec spec =
                    new SessionSpec(sessionId, brief(plan, task), workingDirectory, environment(sessionId, task), null);
            if (resuming) {
                try {
                    session = runtime.resume(spec);
                } catch (SessionUnavailableException e) {
                    session = startFresh(runtime, spec, index, e.getMessage());
                    resuming = false;
                }
            } else {
                session = runtime.create(spec);
            }
            listener.onEvent(new RunEvent.TaskStarted(task.id(), session.id(), resuming));
            run.attach(session);
            String prompt = resuming ? Prompts.continuation(spec.task()) : Prompts.first(spec.task());
            TurnResult result =
                    session.send(prompt, event -> listener.onEvent(new RunEvent.TaskOutput(task.id(), event)));
            if (result instanceof TurnResult.Completed completed) {
                return finish(index, TaskStatus.DONE, bounded(completed.finalMessage()), null);
            } else if (result instanceof TurnResult.Failed failed) {
                return finish(index, TaskStatus.FAILED, null, failed.error());
            }
            return finish(index, TaskStatus.INTERRUPTED, null, null);
        } catch (AgentException e) {
            log.error("task " + task.id() + ": " + e.getMessage(), e);
            return finish(
                    index, run.abortRequested() ? TaskStatus.INTERRUPTED : TaskStatus.FAILED, null, e.getMessage());
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /** A session that cannot be resumed is replaced, once, by a new one; the plan and the user are told. */
    private AgentSession startFresh(AgentRuntime runtime, SessionSpec spec, int index, String why)
            throws AgentException, SaveFailedException {
        String oldId = spec.sessionId();
        Task task = store.current().tasks().get(index);
        String newId = SessionIds.newId(store.current().id(), task.id());
        String note = Timestamps.now() + " session " + oldId + " could not be resumed (" + why
                + "); started fresh in session " + newId;
        Task saved = change(index, t -> t.starting(newId, Timestamps.now()).withNote(note));
        listener.onEvent(new RunEvent.StateChanged(task, saved));
        notice(task.id(), "could not resume session " + oldId + " (" + why + "); starting fresh in " + newId);
        try {
            runtime.delete(oldId);
        } catch (AgentException e) {
            log.error("could not delete unusable session " + oldId, e);
        }
        // The steps of the new session see its own id, not the one that could not be resumed.
        return runtime.create(
                new SessionSpec(newId, spec.task(), spec.workingDirectory(), environment(newId, task), spec.model()));
    }

    private TaskStatus finish(int index, TaskStatus status, String result, String error) throws SaveFailedException {
        Task before = store.current().tasks().get(index);
        Task after = change(index, t -> t.finished(status, result, error, Timestamps.now()));
        listener.onEvent(new RunEvent.StateChanged(before, after));
        return status;
    }

    private Task change(int index, UnaryOperator<Task> change) throws SaveFailedException {
        return store.update(p -> p.withTask(index, change)).tasks().get(index);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private Path workingDirectory(Plan plan) {
        Path planDir = store.file().toAbsolutePath().getParent();
        String wd = plan.workingDirectory();
        return (wd == null || wd.isBlank() ? planDir : planDir.resolve(wd)).normalize();
    }

    private Map<String, String> environment(String sessionId, Task task) {
        return Map.of(
                "PLANEXEC_PLAN", store.file().toAbsolutePath().toString(),
                "PLANEXEC_TASK_ID", task.id(),
                "PLANEXEC_SESSION_ID", sessionId);
    }

    private TaskBrief brief(Plan plan, Task task) {
        List<TaskBrief.OtherTask> others = new ArrayList<>();
        Set<String> deps = Set.copyOf(task.dependsOn());
        for (Task t : plan.tasks()) {
            if (deps.contains(t.id())) {
                others.add(new TaskBrief.OtherTask(t.id(), t.title(), t.status().json()));
            }
        }
        for (Task t : plan.tasks()) {
            if (others.size() >= MAX_OTHER_TASKS) {
                break;
            }
            if (!t.id().equals(task.id()) && !deps.contains(t.id())) {
                others.add(new TaskBrief.OtherTask(t.id(), t.title(), t.status().json()));
            }
        }
        List<TaskBrief.StepSpec> steps = task.steps().stream()
                .map(s -> new TaskBrief.StepSpec(
                        s.run(), s.timeoutSeconds() == null ? null : Duration.ofSeconds(s.timeoutSeconds())))
                .toList();
        return new TaskBrief(
                plan.id(),
                plan.name() == null ? "" : plan.name(),
                plan.description() == null ? "" : plan.description(),
                store.file().toAbsolutePath().toString(),
                task.id(),
                task.title(),
                task.description(),
                task.acceptanceCriteria(),
                steps,
                others);
    }

    static String bounded(String text) {
        if (text == null || text.length() <= MAX_RESULT_CHARS) {
            return text;
        }
        return text.substring(0, MAX_RESULT_CHARS) + "\n[... cut; the whole reply is in the session]";
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
        Plan plan = store.current();
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
                saveFailure == null ? null : saveFailure.getMessage());
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
        record Finished(int index, String taskId, TaskStatus status) implements Message {}

        record SaveFailed(String taskId, SaveFailedException error) implements Message {}

        record Stop() implements Message {}

        record Pause(boolean paused) implements Message {}

        record Retry(String taskId) implements Message {}

        record Abort(String taskId) implements Message {}
    }

    /** A task on a worker thread, and the means to abort it whether or not its session exists yet. */
    private static final class RunningTask {
        final int index;
        final String taskId;
        private AgentSession session;
        private boolean abortRequested;

        RunningTask(int index, String taskId) {
            this.index = index;
            this.taskId = taskId;
        }

        synchronized void attach(AgentSession s) {
            session = s;
            if (abortRequested) {
                s.abort();
            }
        }

        synchronized boolean abortRequested() {
            return abortRequested;
        }

        void abort() {
            AgentSession s;
            synchronized (this) {
                abortRequested = true;
                s = session;
            }
            if (s != null) {
                s.abort();
            }
        }
    }
}
