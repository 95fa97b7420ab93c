package dev.planexec.run;

import dev.planexec.agent.AgentEvent;
import dev.planexec.isolation.DiffStat;
import dev.planexec.plan.Task;

/** What a run reports to whoever shows it (the line printer, the full-screen UI). */
public sealed interface RunEvent {

    /** A task's state changed; {@code after} is already on disk. */
    record StateChanged(Task before, Task after) implements RunEvent {}

    /** A task's session was created or resumed and its turn begins. */
    record TaskStarted(String taskId, String sessionId, boolean resumed) implements RunEvent {}

    /** Something the task's session reported. */
    record TaskOutput(String taskId, AgentEvent event) implements RunEvent {}

    /** A remark for the user; {@code taskId} is {@code null} when it is about the run. */
    record Notice(String taskId, String message) implements RunEvent {}

    /**
     * With worktree isolation, as the run ends: what the integration branch holds beyond the plan's base, and how to
     * take it. Said at the end of the run and kept where the user looks last (the UI's summary after it closes).
     *
     * @param tasks the plan's done tasks that landed there
     */
    record WorkLanded(String integrationBranch, long tasks, DiffStat stat, String planFile) implements RunEvent {
        public String describe() {
            return "landed on " + integrationBranch + ": " + tasks + (tasks == 1 ? " task, " : " tasks, ") + stat
                    + "; take it with: planexec land " + planFile;
        }
    }

    /**
     * Nothing runs and nothing can start, but the run stays open for retries ({@link Scheduler#stayOpen}): what it
     * would report if it ended now. A task that starts again ends this state.
     */
    record Idle(RunSummary summary) implements RunEvent {}

    /** The run is over; nothing follows. */
    record RunFinished(RunSummary summary) implements RunEvent {}
}
