package dev.planexec.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One task of a plan. Immutable: every change returns a new task, which the store then saves.
 *
 * <p>The first eight fields are Planeteer's (plus {@code steps} and {@code agent}); the rest are the ones planexec
 * adds while running, documented in the README under "Fields planexec writes".
 *
 * @param sessionContext where the task's session ran ({@code cwd}, {@code gitRoot}, {@code repository},
 *     {@code branch}); empty until a session starts
 * @param notes short dated remarks planexec makes about the task, such as a resume that fell back to a fresh session
 * @param retries how many times a transient failure is retried (the task's own {@code "retries"}), or {@code null}
 *     for the plan's default
 * @param retryDelaySeconds the first retry's delay (the task's own {@code "retryDelaySeconds"}), or {@code null}
 * @param usage tokens and cost of every turn and attempt of the task
 * @param isolation this task's {@code worktree} or {@code none}, overriding the plan's; {@code null} if not set
 * @param worktree the task's worktree and branch, written ahead before they exist; {@code null} if it has none
 * @param retryState the errors of failed attempts and when the next one is due
 * @param source the JSON object the task was read from, so fields planexec does not know, and their order, survive
 *     every save; {@code null} for a task made in code
 */
public record Task(
        String id,
        String title,
        String description,
        List<String> acceptanceCriteria,
        List<String> dependsOn,
        List<Step> steps,
        TaskStatus status,
        String sessionId,
        String agentResult,
        String agent,
        String startedAt,
        String finishedAt,
        int attempts,
        String error,
        Map<String, String> sessionContext,
        List<String> notes,
        // planexec's retries and usage (issue 11), kept together
        Integer retries,
        Integer retryDelaySeconds,
        Usage usage,
        RetryState retryState,
        String isolation,
        TaskWorktree worktree,
        ObjectNode source) {

    /** How many notes a task keeps; older ones are dropped so a long-lived plan does not grow without bound. */
    public static final int MAX_NOTES = 20;

    public Task {
        acceptanceCriteria = List.copyOf(acceptanceCriteria);
        dependsOn = List.copyOf(dependsOn);
        steps = List.copyOf(steps);
        sessionContext = sessionContext == null ? Map.of() : sessionContext;
        notes = List.copyOf(notes);
        usage = usage == null ? Usage.NONE : usage;
        retryState = retryState == null ? RetryState.NONE : retryState;
    }

    public boolean hasSteps() {
        return !steps.isEmpty();
    }

    /** Write-ahead state: the task is about to run in {@code newSessionId}, its attempt count goes up. */
    public Task starting(String newSessionId, String now) {
        return run(
                TaskStatus.IN_PROGRESS,
                newSessionId,
                agentResult,
                now,
                null,
                attempts + 1,
                null,
                sessionContext,
                notes);
    }

    /**
     * The task goes on in the session it already names (Resume). A task that was waiting for its retry when the run
     * ended makes that attempt now, and counts it.
     */
    public Task resuming(String now) {
        String started = startedAt == null ? now : startedAt;
        int newAttempts = waitsToRetry() ? attempts + 1 : attempts;
        return run(
                TaskStatus.IN_PROGRESS,
                sessionId,
                agentResult,
                started,
                null,
                newAttempts,
                null,
                sessionContext,
                notes);
    }

    public Task finished(TaskStatus newStatus, String result, String newError, String now) {
        return run(newStatus, sessionId, result, startedAt, now, attempts, newError, sessionContext, notes);
    }

    public Task withStatus(TaskStatus newStatus) {
        return run(newStatus, sessionId, agentResult, startedAt, finishedAt, attempts, error, sessionContext, notes);
    }

    /** The same task in another session: the one a backend reported once it named it (Codex, Cursor). */
    public Task withSessionId(String newSessionId) {
        return run(status, newSessionId, agentResult, startedAt, finishedAt, attempts, error, sessionContext, notes);
    }

    public Task withSessionContext(Map<String, String> context) {
        return run(status, sessionId, agentResult, startedAt, finishedAt, attempts, error, Map.copyOf(context), notes);
    }

    public Task withNote(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        if (more.size() > MAX_NOTES) {
            more = more.subList(more.size() - MAX_NOTES, more.size());
        }
        return run(status, sessionId, agentResult, startedAt, finishedAt, attempts, error, sessionContext, more);
    }

    /** As if it never ran: what {@code planexec reset} does. Only the user's fields remain. */
    public Task cleared() {
        return run(TaskStatus.PENDING, null, null, null, null, 0, null, Map.of(), List.of())
                .with(Usage.NONE, RetryState.NONE)
                .withWorktree(null);
    }

    /** This task having used {@code more} as well. */
    public Task plusUsage(Usage more) {
        return more == null || more.isNone() ? this : with(usage.plus(more), retryState);
    }

    /**
     * An attempt failed with a transient error and the task waits, still {@code in_progress} in its session, for its
     * next attempt at {@code nextAttemptAt}: a crash meanwhile leaves an orphan that can be resumed like any other.
     */
    public Task waitingToRetry(String attemptError, String nextAttemptAt) {
        return run(
                        TaskStatus.IN_PROGRESS,
                        sessionId,
                        agentResult,
                        startedAt,
                        null,
                        attempts,
                        attemptError,
                        sessionContext,
                        notes)
                .with(usage, retryState.failed(attemptError, nextAttemptAt));
    }

    /** The next attempt starts in the same session: the attempt count goes up, the wait is over. */
    public Task retrying(String now) {
        String started = startedAt == null ? now : startedAt;
        return run(
                TaskStatus.IN_PROGRESS,
                sessionId,
                agentResult,
                started,
                null,
                attempts + 1,
                null,
                sessionContext,
                notes);
    }

    /** An attempt's error is recorded when it fails for good too, so {@code attemptErrors} holds every one. */
    public Task withAttemptError(String attemptError) {
        return with(usage, retryState.failed(attemptError, null));
    }

    public boolean waitsToRetry() {
        return retryState.nextAttemptAt() != null;
    }

    /**
     * Back to {@code pending} with no session: what Clean Up, Start Fresh and {@code reset} do. The attempt count
     * and notes stay, as the task's history.
     */
    public Task pendingWithoutSession() {
        return run(TaskStatus.PENDING, null, null, null, null, attempts, null, Map.of(), notes);
    }

    /**
     * The fields the user wrote from this task, the fields a run writes from {@code other}: how a run's state is put
     * into a task the user edited during the run.
     */
    public Task withRunFieldsOf(Task other) {
        return run(
                        other.status,
                        other.sessionId,
                        other.agentResult,
                        other.startedAt,
                        other.finishedAt,
                        other.attempts,
                        other.error,
                        other.sessionContext,
                        other.notes)
                .with(other.usage, other.retryState)
                .withWorktree(other.worktree);
    }

    /** The task with its worktree and branch: saved before they are created (write-ahead), {@code null} once gone. */
    public Task withWorktree(TaskWorktree newWorktree) {
        return withRunFields(
                status,
                sessionId,
                agentResult,
                startedAt,
                finishedAt,
                attempts,
                error,
                sessionContext,
                notes,
                usage,
                retryState,
                newWorktree);
    }

    /** This task with other usage and retry state (run fields too). */
    private Task with(Usage newUsage, RetryState newRetryState) {
        return withRunFields(
                status,
                sessionId,
                agentResult,
                startedAt,
                finishedAt,
                attempts,
                error,
                sessionContext,
                notes,
                newUsage,
                newRetryState,
                worktree);
    }

    /** This task with other run fields: what the user wrote (id, title, steps, ...) never changes while it runs. */
    private Task run(
            TaskStatus newStatus,
            String newSessionId,
            String newResult,
            String newStartedAt,
            String newFinishedAt,
            int newAttempts,
            String newError,
            Map<String, String> newContext,
            List<String> newNotes) {
        return withRunFields(
                newStatus,
                newSessionId,
                newResult,
                newStartedAt,
                newFinishedAt,
                newAttempts,
                newError,
                newContext,
                newNotes,
                usage,
                // Only waitingToRetry sets a next attempt; every other change of the run's state ends the wait.
                retryState.withoutNextAttempt(),
                worktree);
    }

    /** The one copy of the task with every run field given: the user's fields always come from this task. */
    private Task withRunFields(
            TaskStatus newStatus,
            String newSessionId,
            String newResult,
            String newStartedAt,
            String newFinishedAt,
            int newAttempts,
            String newError,
            Map<String, String> newContext,
            List<String> newNotes,
            Usage newUsage,
            RetryState newRetryState,
            TaskWorktree newWorktree) {
        return new Task(
                id,
                title,
                description,
                acceptanceCriteria,
                dependsOn,
                steps,
                newStatus,
                newSessionId,
                newResult,
                agent,
                newStartedAt,
                newFinishedAt,
                newAttempts,
                newError,
                newContext,
                newNotes,
                retries,
                retryDelaySeconds,
                newUsage,
                newRetryState,
                isolation,
                newWorktree,
                source);
    }
}
