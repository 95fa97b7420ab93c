package dev.planexec.run;

import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentEventListener;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentRuntime;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.Prompts;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.TurnResult;
import dev.planexec.isolation.Isolation;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
import dev.planexec.isolation.Landing;
import dev.planexec.isolation.Workspace;
import dev.planexec.plan.Agents;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.TaskWorktree;
import dev.planexec.plan.Timestamps;
import dev.planexec.plan.Usage;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Runs one task, on a worker thread: its workspace, its session (resumed, or fresh when that fails), its turn, and
 * landing its work. The scheduler decides what runs and when; this decides nothing but how one task goes.
 */
final class TaskRunner {
    static final int MAX_RESULT_CHARS = 4000;
    /** The note a task gets when its merge conflicted: its next try merges again before anything else. */
    static final String MERGE_AGAIN = "the next try merges again first";

    private final PlanStore store;
    private final AgentPool agents;
    private final RunListener listener;
    private final LogFile log;
    private final Isolations isolations;
    private final Executor helpers;

    TaskRunner(
            PlanStore store,
            AgentPool agents,
            RunListener listener,
            LogFile log,
            Isolations isolations,
            Executor helpers) {
        this.store = store;
        this.agents = agents;
        this.listener = listener;
        this.log = log;
        this.isolations = isolations;
        this.helpers = helpers;
    }

    /**
     * How a task ended: the status, the agent's final message and the error to record; {@code transientFailure}
     * when the failure is worth another attempt (the scheduler decides whether it gets one).
     */
    record Ended(TaskStatus status, String result, String error, boolean transientFailure) {
        Ended(TaskStatus status, String result, String error) {
            this(status, result, error, false);
        }
    }

    /**
     * Runs {@code task} (its write-ahead state; {@code before} is the task as it was, e.g. waiting to retry).
     */
    Ended run(RunningTask run, Task before, Task task, boolean resuming) throws SaveFailedException {
        String taskId = run.taskId;
        Plan plan = store.current();
        String agentName = agents.agentFor(plan, task);
        Isolation isolation = isolations.forTask(plan, task);
        String sessionId = task.sessionId();

        AgentSession session = null;
        boolean sending = false;
        try {
            if (run.abortRequested()) {
                return new Ended(TaskStatus.INTERRUPTED, null, null);
            }
            Workspace workspace = isolation.prepare(task);
            Map<String, String> context = placedIn(task.sessionContext(), workspace);
            TaskWorktree worktree = workspace.worktree() != null ? workspace.worktree() : task.worktree();
            if (!Objects.equals(worktree, task.worktree()) || !context.equals(task.sessionContext())) {
                // Where the worktree started is on disk before the agent works in it: a crash from here on resumes
                // in it rather than making it anew.
                task = change(taskId, t -> t.withWorktree(worktree).withSessionContext(context), task);
            }
            if (!resuming && mergesAgainFirst(task)) {
                Landing landing = isolation.land(task, sessionId);
                if (landing instanceof Landing.Landed landed) {
                    return done(task, landed, task.agentResult());
                }
            }
            AgentRuntime runtime = agents.runtime(agentName);
            SessionSpec spec = new SessionSpec(
                    sessionId,
                    TaskBriefs.of(plan, task, store.file()),
                    workspace.directory(),
                    environment(sessionId, task),
                    null);
            if (resuming) {
                try {
                    session = runtime.resume(spec);
                } catch (SessionUnavailableException e) {
                    session = startFresh(runtime, spec, taskId, e.getMessage());
                    resuming = false;
                }
            } else {
                session = runtime.create(spec);
            }
            listener.onEvent(new RunEvent.TaskStarted(task.id(), session.id(), resuming));
            run.attach(session);
            String prompt = !resuming
                    ? Prompts.first(spec.task())
                    : before.waitsToRetry()
                            ? Prompts.retry(spec.task(), lastError(before))
                            : Prompts.continuation(spec.task());
            if (before.waitsToRetry()) {
                notice(
                        taskId,
                        "attempt " + task.attempts()
                                + (resuming ? " goes on in the same session " : " starts in a fresh session ")
                                + session.id());
            }
            String shownId = task.id();
            AgentEventListener events = event -> {
                if (event instanceof AgentEvent.SessionIdChanged changed) {
                    sessionIdChanged(run, changed.sessionId());
                } else if (event instanceof AgentEvent.Usage used) {
                    // In memory now, on disk with the task's next state change.
                    store.apply(p -> p.withTask(
                            taskId,
                            t -> t.plusUsage(new Usage(
                                    used.inputTokens(), used.outputTokens(), used.cachedTokens(), used.costUsd()))));
                }
                listener.onEvent(new RunEvent.TaskOutput(shownId, event));
            };
            TurnResult result;
            sending = true;
            try {
                result = session.send(prompt, events);
            } catch (SessionUnavailableException e) {
                if (!resuming) {
                    throw e;
                }
                // A backend whose CLI rejects the session only when asked to go on in it: fresh, once, as above.
                session.close();
                session = null;
                session = startFresh(runtime, spec, taskId, e.getMessage());
                resuming = false;
                listener.onEvent(new RunEvent.TaskStarted(task.id(), session.id(), false));
                run.attach(session);
                result = session.send(Prompts.first(spec.task()), events);
            }
            if (result instanceof TurnResult.Completed completed) {
                return land(run, isolation, session, agentName, completed, events);
            } else if (result instanceof TurnResult.Failed failed) {
                return new Ended(TaskStatus.FAILED, null, failed.error(), failed.transientFailure());
            }
            return new Ended(TaskStatus.INTERRUPTED, null, null);
        } catch (AgentException e) {
            log.error("task " + task.id() + ": " + e.getMessage(), e);
            if (run.abortRequested()) {
                return new Ended(TaskStatus.INTERRUPTED, null, e.getMessage());
            }
            // The backend broke during the turn (its CLI died, its connection was lost): worth another attempt.
            // Before the turn (it could not create or resume the session) it is the setup's fault: not retried.
            return new Ended(
                    TaskStatus.FAILED, null, e.getMessage(), sending && !(e instanceof SessionUnavailableException));
        } catch (IsolationException e) {
            log.error("task " + task.id() + ": " + e.getMessage(), e);
            return new Ended(TaskStatus.FAILED, null, e.getMessage());
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /**
     * Done means landed: the task's work is committed and merged. A conflict gets one turn of a prompt-driven agent
     * to bring its branch up to date; a {@code local} task, or a second conflict, fails naming the files.
     */
    private Ended land(
            RunningTask run,
            Isolation isolation,
            AgentSession session,
            String agentName,
            TurnResult.Completed completed,
            AgentEventListener events)
            throws AgentException, SaveFailedException {
        Task task = store.current().task(run.taskId).orElseThrow();
        String sessionId = session.id();
        Landing landing = isolation.land(task, sessionId);
        String finalMessage = completed.finalMessage();
        if (landing instanceof Landing.Conflict conflict && !Agents.LOCAL.equals(agentName)) {
            notice(task.id(), conflict.describe() + "; asking the agent to resolve it");
            TurnResult resolved = session.send(resolvePrompt(isolations.integrationBranch(), conflict), events);
            if (!(resolved instanceof TurnResult.Completed again)) {
                return resolved instanceof TurnResult.Failed failed
                        ? new Ended(TaskStatus.FAILED, null, failed.error())
                        : new Ended(TaskStatus.INTERRUPTED, null, null);
            }
            finalMessage = again.finalMessage();
            landing = isolation.land(task, sessionId);
        }
        if (landing instanceof Landing.Conflict conflict) {
            change(task.id(), t -> t.withNote(Timestamps.now() + " " + conflict.describe() + "; " + MERGE_AGAIN), task);
            return new Ended(TaskStatus.FAILED, null, conflict.describe());
        }
        return done(task, (Landing.Landed) landing, finalMessage);
    }

    private Ended done(Task task, Landing.Landed landed, String finalMessage) {
        if (landed.mergeCommit() != null) {
            notice(task.id(), "landed on " + isolations.integrationBranch() + ": " + landed.stat());
        }
        return new Ended(TaskStatus.DONE, bounded(finalMessage), null);
    }

    /** The session context with where the session runs: the task's worktree and branch, when it has them. */
    private static Map<String, String> placedIn(Map<String, String> context, Workspace workspace) {
        if (workspace.worktree() == null) {
            return context;
        }
        Map<String, String> placed = new LinkedHashMap<>(context);
        placed.put("cwd", workspace.directory().toString());
        placed.put("gitRoot", workspace.worktree().path());
        placed.put("branch", workspace.worktree().branch());
        return placed;
    }

    private static boolean mergesAgainFirst(Task task) {
        List<String> notes = task.notes();
        return task.worktree() != null
                && task.worktree().startCommit() != null
                && !notes.isEmpty()
                && notes.get(notes.size() - 1).endsWith(MERGE_AGAIN);
    }

    static String resolvePrompt(String integrationBranch, Landing.Conflict conflict) {
        return "Your work on this task could not be merged into " + integrationBranch
                + ": it conflicts with work other tasks merged meanwhile, in " + String.join(", ", conflict.files())
                + ". Run `git merge " + integrationBranch + "` here, resolve the conflicts in those files keeping"
                + " both sides' intent, and commit the merge (`git commit --no-edit`). Then reply with a short summary.";
    }

    /** A session that cannot be resumed is replaced, once, by a new one; the plan and the user are told. */
    private AgentSession startFresh(AgentRuntime runtime, SessionSpec spec, String taskId, String why)
            throws AgentException, SaveFailedException {
        String oldId = spec.sessionId();
        Task task = store.current().task(taskId).orElseThrow();
        String newId = agents.newSessionId(runtime.name(), store.current().id(), task.id());
        String note = Timestamps.now() + " session " + oldId + " could not be resumed (" + why
                + "); started fresh in session " + newId;
        Task saved = change(taskId, t -> t.starting(newId, Timestamps.now()).withNote(note), task);
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

    /**
     * A backend learned its session's real id (or its CLI moved the session to a new one): the plan names it before
     * the session goes on, so a crash from here on leaves a task that can be resumed in it.
     */
    private void sessionIdChanged(RunningTask run, String newId) {
        Task before = store.current().task(run.taskId).orElse(null);
        if (before == null || newId == null || newId.equals(before.sessionId())) {
            return;
        }
        try {
            Task saved = change(run.taskId, t -> t.withSessionId(newId), before);
            listener.onEvent(new RunEvent.StateChanged(before, saved));
        } catch (SaveFailedException e) {
            notice(run.taskId, e.getMessage() + "; the plan does not name session " + newId + ", stopping the task");
            helpers.execute(run::abort);
        }
    }

    /** Changes one task and waits until it is on disk; returns the task as saved ({@code fallback} if it is gone). */
    private Task change(String taskId, UnaryOperator<Task> change, Task fallback) throws SaveFailedException {
        Task[] changed = {fallback};
        store.update(p -> p.withTask(taskId, t -> changed[0] = change.apply(t)));
        return changed[0];
    }

    private Map<String, String> environment(String sessionId, Task task) {
        return Map.of(
                "PLANEXEC_PLAN", store.file().toAbsolutePath().toString(),
                "PLANEXEC_TASK_ID", task.id(),
                "PLANEXEC_SESSION_ID", sessionId);
    }

    private static String lastError(Task task) {
        List<String> errors = task.retryState().attemptErrors();
        return errors.isEmpty() ? task.error() : errors.get(errors.size() - 1);
    }

    static String bounded(String text) {
        if (text == null || text.length() <= MAX_RESULT_CHARS) {
            return text;
        }
        return text.substring(0, MAX_RESULT_CHARS) + "\n[... cut; the whole reply is in the session]";
    }

    private void notice(String taskId, String message) {
        listener.onEvent(new RunEvent.Notice(taskId, message));
    }
}
